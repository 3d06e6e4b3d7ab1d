"""The stream consumer: fold data-table changes into the stats table, exactly once in effect.

``handle_stream_batch(event, context)`` is what the Lambda (``aggregate``) and the local
stream pump call. Powertools' ``BatchProcessor`` parses the records; each INSERT,
MODIFY or REMOVE becomes a delta ``contribution(new image) - contribution(old image)``
per aggregate key (scope × period × part, see ``chalicelib.domain.stats``). The batch
is combined into **one delta per aggregate key** and written with **one UpdateItem per
key** (plus one BatchGetItem per 100 keys to read watermarks).

Exactly-once scheme (per-shard watermarks inside each aggregate)
----------------------------------------------------------------
DynamoDB Streams are ordered per shard, and Lambda hands one shard's records to one
invocation at a time, in order (the event source mapping must keep
``ParallelizationFactor = 1``). Each stats item keeps, in its ``_w`` map, for every
shard that ever touched it, the highest sequence number already folded into it. For a
batch of shard *S* we

1. read ``_w`` of every touched key (BatchGetItem with a projection, eventually
   consistent);
2. per key, drop the contributions whose sequence number is ≤ the key's watermark for
   *S* — they were applied by an earlier delivery — and sum the rest;
3. write ``ADD`` of the sum + ``SET _w.S = max sequence number`` with the condition
   that ``_w.S`` is still what we read (the figures and the watermark move together,
   atomically, or not at all). A failed condition means another delivery of the same
   records got there first: re-read that key consistently and go to 2.

Why this is exact: for every key and shard, the records applied form a prefix (in
sequence order) of that shard's records touching the key, because all of a batch's
records for a key are written in one conditional write and a batch is only ever
resumed from a point before which every record is applied to every key it touches:

* a duplicate delivery finds the watermarks already moved and writes nothing;
* a crash after some writes fails the invocation, Lambda redelivers the whole batch,
  and the keys already written drop their part;
* a write that fails is reported as a partial batch failure at the *lowest* sequence
  number among that key's contributions, so Lambda retries from there
  (ReportBatchItemFailures); records before it are complete for every key, records
  after it are dropped again wherever they were already applied;
* a record that cannot be parsed stops the batch there: nothing after it is applied,
  so it cannot be overtaken;
* shards interleave freely: each has its own watermark, and ``ADD`` commutes.

Which shard? Lambda's DynamoDB records do not name their shard, but the event does
when the event source mapping has a tumbling window (``TumblingWindowInSeconds`` > 0):
``event["shardId"]``, and the answer must then carry ``state``. The local stream pump
sends ``shardId`` too. Without it (a single-shard stream, e.g. DynamoDB Local) the
stream ARN stands for its only shard. The shard id is stored as a 10-character hash
token to keep items small.

Pruning: a watermark of a shard whose last folded record is older than 25 hours is
removed in the same conditional write (stream retention is 24 hours, so that shard can
never deliver again). Items thus stay well under 1 KB.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.publication import Thresholds, family_member
from chalicelib.domain.stats import Figures, StatsKey, add_into, record_delta
from chalicelib.events.publish import Publisher
from chalicelib.observability import Counter, count, logger, publish_metrics
from chalicelib.settings import get_settings
from chalicelib.store.clients import data_table
from chalicelib.store.networks import NetworkRepository
from chalicelib.store.publication import PublicationStore
from chalicelib.store.stats import StatsStore, WatermarkMovedError, stats_client

# Stream retention is 24 h; one more hour of margin before forgetting a shard.
IDLE_SHARD_SECONDS = 25 * 3600
MAX_ATTEMPTS_PER_KEY = 5
# While a backlog is pumped in full batches, publish the deferred families at least this
# often (as often as a tumbling window closes in AWS, infra/stack.py).
MAX_DEFER_SECONDS = 60


def shard_token(shard_id: str) -> str:
    """A short, stable token for a shard id (50 bits of SHA-256, base32)."""
    digest = hashlib.sha256(shard_id.encode()).digest()
    return base64.b32encode(digest).decode()[:10].lower()


def format_watermark(sequence: int, created: int) -> str:
    return f"{sequence}@{created}"


def parse_watermark(value: str | None) -> tuple[int, int] | None:
    """``(sequence number, epoch seconds)`` of a stored watermark."""
    if value is None:
        return None
    sequence, _, created = value.partition("@")
    return int(sequence), int(created or 0)


@dataclass
class ParsedRecord:
    """One stream record reduced to what the aggregates need."""

    sequence: int
    identifier: str  # the SequenceNumber as Lambda sent it, for batchItemFailures
    created: int
    delta: dict[StatsKey, Figures]
    members: set[tuple[str, str, str]] = field(default_factory=set)  # (year, unit, org)
    # network:/country: scopes whose membership the record changed (rebuilt every year)
    groups: set[str] = field(default_factory=set)


@dataclass
class BatchOutcome:
    """What happened to a batch: written keys and the record to resume from."""

    written: list[StatsKey] = field(default_factory=list)
    failed_keys: list[StatsKey] = field(default_factory=list)
    resume_from: ParsedRecord | None = None
    resume_identifier: str | None = None
    records_read: int = 0  # readable records before the first unreadable one
    unreadable: int = 0


def _repaired(value: Any) -> Any:
    """A typed attribute value with empty maps spelled ``{"M": {}}``.

    Lambda sends ``{"M": {}}`` for an empty map, but boto3's DynamoDB Streams client
    (which a local stream pump uses) parses it to ``{}``, which no deserialiser accepts.
    """
    if not isinstance(value, dict):
        return value
    if not value:
        return {"M": {}}
    if "M" in value and isinstance(value["M"], dict):
        return {"M": {name: _repaired(inner) for name, inner in value["M"].items()}}
    if "L" in value and isinstance(value["L"], list):
        return {"L": [_repaired(inner) for inner in value["L"]]}
    return value


def _with_repaired_images(record: Mapping[str, Any]) -> dict[str, Any]:
    stream = record.get("dynamodb")
    if not isinstance(stream, dict):
        return dict(record)
    images = {
        name: {attribute: _repaired(value) for attribute, value in stream[name].items()}
        for name in ("NewImage", "OldImage")
        if isinstance(stream.get(name), dict)
    }
    return {**record, "dynamodb": {**stream, **images}}


def membership_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> set[str]:
    """The ``network:``/``country:`` scopes whose members a data-table change changed:
    a network's ``org_ids``, or an organisation's ``country``."""
    item = new or old or {}
    if item.get("type") == "network" and item.get("SK") == "NETWORK":
        before = set((old or {}).get("org_ids") or ())
        after = set((new or {}).get("org_ids") or ())
        return {f"network:{item['id']}"} if before != after and "id" in item else set()
    if item.get("type") == "org" and item.get("SK") == "ORG" and old and new:
        countries = {old.get("country"), new.get("country")}
        if len(countries) == 2:
            return {f"country:{c}" for c in countries if isinstance(c, str)}
    return set()


def _log_invalid(item: Mapping[str, Any], problem: str) -> None:
    logger.warning("item %s/%s ignored: %s", item.get("PK"), item.get("SK"), problem)


class StreamAggregator:
    """Folds stream batches into the stats table (see the module docstring)."""

    def __init__(
        self,
        store: StatsStore,
        clock: Callable[[], float] = time.time,
        idle_shard_seconds: int = IDLE_SHARD_SECONDS,
        publisher: Publisher | None = None,
        batch_size: int = 100,
        max_defer_seconds: int = MAX_DEFER_SECONDS,
    ) -> None:
        self._store = store
        self._clock = clock
        self._idle = idle_shard_seconds
        self._publisher = publisher
        self._batch_size = batch_size
        self._max_defer = max_defer_seconds

    def handle(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """Process one Lambda event; answer the partial batch response."""
        return self.process(event)[0]

    def process(self, event: Mapping[str, Any]) -> tuple[dict[str, Any], BatchOutcome]:
        """Process one Lambda event: the partial batch response, and what happened."""
        records = list(event.get("Records") or [])
        shard_id = event.get("shardId") or (
            records[0].get("eventSourceARN", "stream") if records else "stream"
        )
        outcome = self.fold_batch(
            records, shard_token(str(shard_id)), final=bool(event.get("isFinalInvokeForWindow"))
        )
        failures = (
            [{"itemIdentifier": outcome.resume_identifier}] if outcome.resume_identifier else []
        )
        response: dict[str, Any] = {"batchItemFailures": failures}
        if "window" in event or "shardId" in event:
            # Tumbling-window invocations must answer a state, or Lambda counts a failure.
            response["state"] = {}
        return response, outcome

    def fold_batch(
        self, records: list[dict[str, Any]], shard: str, *, final: bool = False
    ) -> BatchOutcome:
        """Parse, combine per key, and apply one shard's batch; then the publish step.

        ``final`` marks the closing invocation of a tumbling window (Lambda sends it at
        the end of every window, the local pump when a shard has nothing more to read):
        it publishes whatever full batches deferred.
        """
        # A full batch means the stream is behind: note its families and publish them
        # once the stream is caught up (a batch that is not full, or the window closes).
        defer = len(records) >= self._batch_size and not final
        parsed: list[ParsedRecord] = []

        def parse(record: DynamoDBRecord) -> None:
            stream = record.dynamodb
            if stream is None or stream.sequence_number is None:
                raise ValueError("stream record without sequence number")
            name = record.event_name
            old = stream.old_image if name is not DynamoDBRecordEventName.INSERT else None
            new = stream.new_image if name is not DynamoDBRecordEventName.REMOVE else None
            if name is DynamoDBRecordEventName.MODIFY and (not old or not new):
                raise ValueError("MODIFY without both images (stream view type?)")
            parsed.append(
                ParsedRecord(
                    sequence=int(stream.sequence_number),
                    identifier=stream.sequence_number,
                    created=int(stream.approximate_creation_date_time or self._clock()),
                    delta=record_delta(old, new, _log_invalid),
                    members={
                        member
                        for member in (family_member(old), family_member(new))
                        if member is not None
                    },
                    groups=membership_changes(old, new),
                )
            )

        processor = BatchProcessor(
            event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False
        )
        with processor(records=[_with_repaired_images(r) for r in records], handler=parse):
            processor.process()
        failed_ids = [
            str(failure["itemIdentifier"])
            for failure in processor.response().get("batchItemFailures", [])
        ]
        outcome = BatchOutcome()
        stop_at: int | None = None
        if failed_ids:
            # A record we cannot read stops the batch: later ones must not overtake it.
            first = min(failed_ids, key=int)
            stop_at, outcome.resume_identifier = int(first), first
            logger.error("stream record %s could not be parsed; retrying from it", first)
        usable = [record for record in parsed if stop_at is None or record.sequence < stop_at]
        outcome.records_read, outcome.unreadable = len(usable), len(failed_ids)

        per_key: dict[StatsKey, list[ParsedRecord]] = {}
        for record in usable:
            for key in record.delta:
                per_key.setdefault(key, []).append(record)
        if not per_key:
            self._publish(usable, outcome, defer=defer, flush=final)
            return outcome

        marks = self._store.read_watermarks(sorted(per_key))
        for key in sorted(per_key):
            if not self._apply_key(key, per_key[key], shard, marks.get(key)):
                outcome.failed_keys.append(key)
                lowest = min(per_key[key], key=lambda record: record.sequence)
                if outcome.resume_from is None or lowest.sequence < outcome.resume_from.sequence:
                    outcome.resume_from = lowest
            else:
                outcome.written.append(key)
        if outcome.resume_from is not None and (
            stop_at is None or outcome.resume_from.sequence < stop_at
        ):
            outcome.resume_identifier = outcome.resume_from.identifier
        self._publish(usable, outcome, defer=defer, flush=final)
        return outcome

    def _publish(
        self, usable: list[ParsedRecord], outcome: BatchOutcome, *, defer: bool, flush: bool
    ) -> None:
        """Run the publish step for the families the batch touched (and deferred ones).

        A full batch only notes its families (one UpdateItem) unless families have
        waited longer than ``max_defer_seconds``: publishing after every batch of a
        backlog would solve the same organisations again and again.
        Any other batch publishes its families and every deferred one, so a write on a
        stack that keeps up is public within seconds.

        A failure retries the batch from its first record: the aggregates drop what
        they already hold (watermarks), and the publish step runs again. Without records
        (a closing window) the failure is raised: the invocation is retried.
        """
        members = {member for record in usable for member in record.members}
        groups = {scope for record in usable for scope in record.groups}
        if self._publisher is None or not (members or flush or groups):
            return
        try:
            if groups:
                # Rare (an admin changed a network or a country): at once, every year.
                self._publisher.rebuild_groups(groups)
            if defer:
                now = int(self._clock())
                since = self._publisher.defer(members, now)
                if now - since < self._max_defer:
                    return
                logger.info("publications deferred for %d s: publishing now", now - since)
            self._publisher.publish_with_deferred(members)
        except (ClientError, BotoCoreError) as error:
            if not usable:
                raise
            logger.error("publishing failed: %s; retrying the batch", error)
            first = min(usable, key=lambda record: record.sequence)
            if outcome.resume_from is None or first.sequence < outcome.resume_from.sequence:
                outcome.resume_from = first
                outcome.resume_identifier = first.identifier

    def _apply_key(
        self,
        key: StatsKey,
        records: list[ParsedRecord],
        shard: str,
        marks: dict[str, str] | None,
    ) -> bool:
        """Write one key's share of the batch; ``False`` if it could not be written."""
        for attempt in range(MAX_ATTEMPTS_PER_KEY):
            expected = (marks or {}).get(shard)
            done = parse_watermark(expected)
            pending = [r for r in records if done is None or r.sequence > done[0]]
            if not pending:
                return True  # an earlier delivery already folded all of these
            delta: Figures = {}
            for record in pending:
                add_into(delta, record.delta[key])
            latest = max(pending, key=lambda record: record.sequence)
            now = int(self._clock())
            prune = {
                other: value
                for other, value in (marks or {}).items()
                if other != shard and now - (parse_watermark(value) or (0, 0))[1] > self._idle
            }
            try:
                self._store.apply_delta(
                    key,
                    delta,
                    shard=shard,
                    expected=expected,
                    watermark=format_watermark(latest.sequence, latest.created),
                    map_exists=marks is not None,
                    prune=prune,
                    now=now,
                )
                return True
            except WatermarkMovedError:
                logger.info("watermark of %s moved (attempt %d); re-reading", key, attempt + 1)
                marks = self._store.read_watermarks([key], consistent=True).get(key)
            except (ClientError, BotoCoreError) as error:
                logger.error("writing %s failed: %s", key, error)
                return False
        return False


@lru_cache(maxsize=1)
def get_aggregator() -> StreamAggregator:
    """The aggregator of this process, on the configured stats table (built once)."""
    settings = get_settings()
    client = stats_client(settings)
    publisher = Publisher(
        PublicationStore(client, settings.stats_table),
        Thresholds(settings.suppression_threshold, settings.participation_threshold),
        groups=NetworkRepository(data_table(settings)).memberships,
    )
    return StreamAggregator(
        StatsStore(client, settings.stats_table),
        publisher=publisher,
        batch_size=settings.stream_batch_size,
    )


def handle_stream_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point of the ``aggregate`` function (and of the local stream pump).

    Publishes the batch's metrics (records read, statistics keys retried, unreadable
    records) before answering.
    """
    try:
        response, outcome = get_aggregator().process(event)
        count(Counter.STREAM_RECORDS_READ, outcome.records_read)
        count(Counter.STATS_KEYS_RETRIED, len(outcome.failed_keys))
        count(Counter.UNREADABLE_STREAM_RECORDS, outcome.unreadable)
    finally:
        publish_metrics(get_settings().stage)
    return response
