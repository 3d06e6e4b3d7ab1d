"""An in-process model of the data table, its stream and Lambda's event source mapping.

Dev/test only. ``DataHistory`` applies writes to an in-memory data table and emits the
stream records DynamoDB would (NEW_AND_OLD_IMAGES), spread over shards by item key with
per-shard sequence numbers that are deliberately *not* comparable across shards.
``EventSourceMapping`` delivers each shard's records in batches with Lambda's semantics
(per-shard order, checkpoint after success, retry of the whole batch after an error,
retry from the lowest reported ``batchItemFailures`` entry) and lets a test inject
faults: duplicate and stale deliveries, crashes before or after any write, failing
writes and a concurrent duplicate racing a delivery.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.domain.stats import Figures, StatsKey
from chalicelib.events.aggregate import StreamAggregator
from chalicelib.store.stats import StatsStore, StoredAggregate, WatermarkMovedError
from tools.stream_events import STREAM_ARN, stream_event, stream_record


class InMemoryStatsStore(StatsStore):
    """A fake of ``StatsStore`` with the same conditional-write semantics, in memory.

    Lets the property run hundreds of histories in seconds; the real store is held to
    the same property on moto and on DynamoDB Local.
    """

    def __init__(self) -> None:
        super().__init__(client=None, table_name="in-memory")
        self.items: dict[StatsKey, dict[str, Any]] = {}

    def read_watermarks(
        self, keys: Sequence[StatsKey], *, consistent: bool = False
    ) -> dict[StatsKey, dict[str, str] | None]:
        return {
            key: dict(self.items[key]["_w"])
            if key in self.items and "_w" in self.items[key]
            else None
            for key in keys
        }

    def apply_delta(
        self,
        key: StatsKey,
        delta: Mapping[str, Any],
        *,
        shard: str,
        expected: str | None,
        watermark: str,
        map_exists: bool,
        prune: Mapping[str, str],
        now: int,
    ) -> None:
        item = self.items.get(key, {})
        marks = item.get("_w")
        if map_exists:
            if marks is None or marks.get(shard) != expected:
                raise WatermarkMovedError(str(key))
            if any(marks.get(name) != value for name, value in prune.items()):
                raise WatermarkMovedError(str(key))
        elif marks is not None:
            raise WatermarkMovedError(str(key))
        updated = dict(item)
        figures = dict(updated.get("figures", {}))
        for name, value in delta.items():
            if value != 0:
                figures[name] = figures.get(name, 0) + value
        new_marks = {n: v for n, v in (marks or {}).items() if n not in prune}
        new_marks[shard] = watermark
        updated.update(figures=figures, _w=new_marks, _t=now)
        self.items[key] = updated

    def scan_aggregates(self) -> Iterator[StoredAggregate]:
        for key, item in sorted(self.items.items()):
            yield StoredAggregate(
                key, dict(item.get("figures", {})), dict(item.get("_w", {})), item.get("_t")
            )


class SimulatedCrash(Exception):
    """The Lambda runtime dying mid-invocation (timeout, out of memory)."""


@dataclass
class Shard:
    shard_id: str
    next_sequence: int
    records: list[dict[str, Any]] = field(default_factory=list)
    checkpoint: int = 0  # index of the first record not yet acknowledged
    delivered: list[tuple[int, int]] = field(default_factory=list)  # past batches


class DataHistory:
    """An in-memory data table whose writes become stream records."""

    def __init__(self, shard_count: int, sequence_offsets: list[int], created: int) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.shards = [
            Shard(f"shardId-0000000{index}-{index:08x}", next_sequence=sequence_offsets[index])
            for index in range(shard_count)
        ]
        self.created = created

    def _shard_for(self, key: tuple[str, str]) -> Shard:
        digest = hashlib.sha256("|".join(key).encode()).digest()
        return self.shards[digest[0] % len(self.shards)]

    def write(self, new: Mapping[str, Any] | None, key: tuple[str, str] | None = None) -> None:
        """Put ``new`` (or delete ``key`` when ``new`` is None) and emit the record."""
        item_key = (new["PK"], new["SK"]) if new is not None else key
        assert item_key is not None
        old = self.items.get(item_key)
        if new is None and old is None:
            return
        if new is None:
            del self.items[item_key]
        else:
            self.items[item_key] = dict(new)
        shard = self._shard_for(item_key)
        # Gaps between sequence numbers, as in DynamoDB.
        shard.next_sequence += 1 + (shard.next_sequence % 7)
        shard.records.append(
            stream_record(shard.next_sequence, old, new, created=self.created, arn=STREAM_ARN)
        )


@dataclass
class Fault:
    """What goes wrong during one delivery.

    ``kind``: ``none``; ``duplicate`` (delivered twice); ``stale`` (an old batch again,
    afterwards); ``crash_before`` / ``crash_after`` (the runtime dies just before or just
    after write number ``at``); ``fail`` (write ``at`` raises a throttling error);
    ``race`` (a duplicate delivery runs to completion just before write ``at``).
    """

    kind: str = "none"
    at: int = 0


class FaultyStore(StatsStore):
    """The real store with faults injected around ``apply_delta``."""

    def __init__(self, inner: StatsStore) -> None:
        self.__dict__.update(inner.__dict__)
        self.inner = inner
        self.fault = Fault()
        self.writes = 0
        self.race: Callable[[], None] | None = None

    def apply_delta(self, key: StatsKey, delta: Mapping[str, Any], **kwargs: Any) -> None:
        index = self.writes
        self.writes += 1
        fault = self.fault
        if index == fault.at:
            if fault.kind == "crash_before":
                raise SimulatedCrash(f"before write {index}")
            if fault.kind == "fail":
                raise ClientError(
                    {"Error": {"Code": "ProvisionedThroughputExceededException"}}, "UpdateItem"
                )
            if fault.kind == "race" and self.race is not None:
                race, self.race = self.race, None
                self.fault = Fault()
                race()
                self.fault = fault
        self.inner.apply_delta(key, delta, **kwargs)
        if index == fault.at and fault.kind == "crash_after":
            raise SimulatedCrash(f"after write {index}")

    def read_watermarks(
        self, keys: Sequence[StatsKey], *, consistent: bool = False
    ) -> dict[StatsKey, dict[str, str] | None]:
        return self.inner.read_watermarks(keys, consistent=consistent)

    def scan_aggregates(self) -> Iterator[StoredAggregate]:
        return self.inner.scan_aggregates()


class EventSourceMapping:
    """Delivers shards' records to the aggregator the way Lambda does."""

    def __init__(self, history: DataHistory, store: StatsStore, with_shard_ids: bool = True):
        self.history = history
        self.store = FaultyStore(store)
        self.aggregator = StreamAggregator(self.store, clock=lambda: history.created + 60)
        self.with_shard_ids = with_shard_ids
        self.invocations = 0

    def _invoke(self, shard: Shard, start: int, end: int) -> dict[str, Any] | None:
        self.invocations += 1
        event = stream_event(
            shard.records[start:end], shard.shard_id if self.with_shard_ids else None
        )
        self.store.writes = 0
        try:
            return self.aggregator.handle(event)
        except SimulatedCrash:
            return None

    def deliver(self, shard_index: int, batch_size: int, fault: Fault) -> None:
        """One delivery attempt of the next batch of a shard, with a fault."""
        shard = self.history.shards[shard_index]
        if shard.checkpoint >= len(shard.records):
            if fault.kind == "stale" and shard.delivered:
                start, end = shard.delivered[fault.at % len(shard.delivered)]
                self.store.fault = Fault()
                self._invoke(shard, start, end)
            return
        start = shard.checkpoint
        end = min(len(shard.records), start + max(1, batch_size))
        if fault.kind == "race":
            self.store.race = lambda: self._run_clean(shard, start, end)
        self.store.fault = fault
        response = self._invoke(shard, start, end)
        self.store.fault = Fault()
        self.store.race = None
        if response is None:
            return  # the invocation failed: Lambda retries from the same checkpoint
        if fault.kind == "duplicate":
            self._run_clean(shard, start, end)
        failures = response.get("batchItemFailures") or []
        if failures:
            failed = {str(failure["itemIdentifier"]) for failure in failures}
            for index in range(start, end):
                if shard.records[index]["dynamodb"]["SequenceNumber"] in failed:
                    shard.checkpoint = index
                    break
            else:
                raise AssertionError(f"unknown itemIdentifier in {failures}")
        else:
            shard.checkpoint = end
        shard.delivered.append((start, end))

    def _run_clean(self, shard: Shard, start: int, end: int) -> None:
        saved_fault, saved_writes = self.store.fault, self.store.writes
        self.store.fault = Fault()
        event = stream_event(
            shard.records[start:end], shard.shard_id if self.with_shard_ids else None
        )
        self.aggregator.handle(event)
        self.store.fault, self.store.writes = saved_fault, saved_writes

    def drain(self, batch_size: int = 10, max_rounds: int = 10_000) -> None:
        """Deliver everything left, without faults."""
        for _ in range(max_rounds):
            pending = [
                index
                for index, shard in enumerate(self.history.shards)
                if shard.checkpoint < len(shard.records)
            ]
            if not pending:
                return
            for index in pending:
                self.deliver(index, batch_size, Fault())
        raise AssertionError("the stream did not drain")


def stored_figures(store: StatsStore) -> dict[StatsKey, Figures]:
    """Every stored aggregate's figures without zeros (what recompute would give)."""
    result: dict[StatsKey, Figures] = {}
    for aggregate in store.scan_aggregates():
        figures = {name: value for name, value in aggregate.figures.items() if value != 0}
        if figures:
            result[aggregate.key] = figures
    return result
