"""Delivering a batch to the handler as Lambda's event source mapping does: the event
(with its shard, as a tumbling window's), ``batchItemFailures`` honoured, the checkpoint
moved only as far as the handler succeeded, and retries with exponential backoff."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devstack.checkpoints import CheckpointStore
from devstack.lambda_shapes import LocalLambdaContext, to_lambda_record

Handler = Callable[[dict[str, Any], Any], Any]

log = logging.getLogger("devstack.pump")


@dataclass(frozen=True)
class Shard:
    """A shard as ``DescribeStream`` describes it."""

    shard_id: str
    parent_id: str | None
    starting_sequence_number: str
    closed: bool


@dataclass
class ShardProgress:
    iterator: str | None = None
    failures: int = 0
    retry_at: float = 0.0
    # The handler may hold back work after a full batch (the publish step waits for
    # the backlog); when the shard has nothing more to read it gets a closing
    # invocation, like Lambda's at the end of a tumbling window. True at start: a
    # previous run may have stopped right after a full batch.
    window_open: bool = True


class BatchFailedError(Exception):
    """The handler failed (part of) a batch."""


class BatchDelivery:
    """The delivering half of ``StreamPump`` (``devstack/pump.py``)."""

    handler: Handler
    checkpoints: CheckpointStore
    stream_arn: str | None
    region: str
    delivered: int
    initial_backoff: float
    max_backoff: float
    _clock: Callable[[], float]

    def _close_window(self, shard: Shard, progress: ShardProgress) -> bool:
        """The closing invocation of a window: no records, ``isFinalInvokeForWindow``."""
        assert self.stream_arn is not None
        event = {
            "Records": [],
            "shardId": shard.shard_id,
            "eventSourceARN": self.stream_arn,
            "isFinalInvokeForWindow": True,
            "state": {},
        }
        try:
            self._invoke(event, [])
        except Exception as error:
            self._schedule_retry(shard, progress, f"closing invocation raised {error!r}", exc=error)
            return False
        progress.window_open = False
        return True

    def _deliver(self, shard: Shard, records: list[dict[str, Any]], progress: ShardProgress) -> int:
        """Invoke the handler; move the checkpoint as far as it succeeded. Returns that count."""
        assert self.stream_arn is not None
        # Like Lambda's event source mapping with a tumbling window (as infra/ configures
        # it): the event names its shard, which the aggregate's exactly-once scheme needs.
        event = {
            "Records": [to_lambda_record(r, self.stream_arn, self.region) for r in records],
            "shardId": shard.shard_id,
            "eventSourceARN": self.stream_arn,
        }
        numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
        try:
            failed_at = self._invoke(event, numbers)
        except Exception as error:
            self._schedule_retry(shard, progress, f"handler raised {error!r}", exc=error)
            return 0
        if failed_at is None:
            self.checkpoints.advance(shard.shard_id, numbers[-1])
            self.delivered += len(records)
            progress.failures = 0
            progress.retry_at = 0.0
            return len(records)
        # Partial failure: everything before the lowest failed record is done.
        if failed_at > 0:
            self.checkpoints.advance(shard.shard_id, numbers[failed_at - 1])
            self.delivered += failed_at
        self._schedule_retry(
            shard,
            progress,
            f"handler reported a failure at sequence number {numbers[failed_at]} "
            f"({failed_at} of {len(records)} records processed)",
        )
        return failed_at

    def _invoke(self, event: dict[str, Any], numbers: list[str]) -> int | None:
        """Call the handler; the index of the lowest failed record, or None if all succeeded."""
        result = self.handler(event, LocalLambdaContext())
        if result is None:
            return None
        if not isinstance(result, dict):
            raise BatchFailedError(f"handler returned {type(result).__name__}, expected a dict")
        failures = result.get("batchItemFailures") or []
        if not failures:
            return None
        positions = {number: index for index, number in enumerate(numbers)}
        failed: list[int] = []
        for failure in failures:
            identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
            if not identifier or identifier not in positions:
                # What Lambda does too: an unusable identifier fails the whole batch.
                raise BatchFailedError(f"batchItemFailures names an unknown record: {failure!r}")
            failed.append(positions[identifier])
        return min(failed)

    def _schedule_retry(
        self, shard: Shard, progress: ShardProgress, reason: str, exc: Exception | None = None
    ) -> None:
        progress.failures += 1
        progress.iterator = None  # re-read from the checkpoint: the failed record comes first
        delay = min(self.max_backoff, self.initial_backoff * 2 ** (progress.failures - 1))
        progress.retry_at = self._clock() + delay
        log.error(
            "STREAM BATCH FAILED on shard %s (attempt %d): %s; retrying in %.1f s. "
            "The local pump never skips records: aggregates wait until this is fixed.",
            shard.shard_id,
            progress.failures,
            reason,
            delay,
            exc_info=exc,
        )
