"""The stream pump: DynamoDB Streams → the aggregate handler, as Lambda would do it.

In AWS an event source mapping reads the data table's stream and invokes the
aggregate Lambda. Locally this pump does the same against DynamoDB Local, with the
semantics the handler is written for:

* batches of up to ``batch_size`` records, Lambda-shaped (``eventSourceARN``, epoch
  ``ApproximateCreationDateTime``, base64 binary attributes);
* shards in order: a child shard only after its parent is fully processed;
* a per-shard checkpoint (the last fully processed sequence number) on disk, written
  atomically and only after the handler succeeded;
* ``batchItemFailures`` honoured: checkpoint just before the lowest failed record and
  retry from it; a raised exception retries the whole batch;
* retries with exponential backoff, forever: unlike Lambda's bounded retries and
  on-failure queue, the local pump never skips a record. It logs loudly instead.

Records are shaped in ``devstack/lambda_shapes.py``, checkpoints kept by
``devstack/checkpoints.py``, batches delivered by ``devstack/pump_delivery.py``. The
handler is injectable; ``python -m devstack.pump`` uses
``chalicelib.events.aggregate:handle_stream_batch``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from devstack.checkpoints import CheckpointStore
from devstack.pump_delivery import BatchDelivery, Handler, Shard, ShardProgress

DEFAULT_HANDLER = "chalicelib.events.aggregate:handle_stream_batch"
CHECKPOINT_FILE = "checkpoints.json"

log = logging.getLogger("devstack.pump")


def load_handler(path: str) -> Handler:
    """Import ``module:function`` and return the function."""
    module_name, _, attribute = path.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"handler must look like 'package.module:function', not {path!r}")
    handler = getattr(importlib.import_module(module_name), attribute)
    if not callable(handler):
        raise TypeError(f"{path} is not callable")
    return handler


# ---------------------------------------------------------------- the pump


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class StreamPump(BatchDelivery):
    """Reads a table's stream and delivers Lambda-shaped batches to ``handler``."""

    def __init__(
        self,
        *,
        dynamodb: Any,
        streams: Any,
        table_name: str,
        handler: Handler,
        checkpoints: CheckpointStore,
        batch_size: int = 100,
        region: str = "eu-north-1",
        idle_interval: float = 0.5,
        refresh_interval: float = 5.0,
        initial_backoff: float = 0.5,
        max_backoff: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 1 <= batch_size <= 1000:
            raise ValueError("batch_size must be between 1 and 1000 (GetRecords' limit)")
        self.dynamodb = dynamodb
        self.streams = streams
        self.table_name = table_name
        self.handler = handler
        self.checkpoints = checkpoints
        self.batch_size = batch_size
        self.region = region
        self.idle_interval = idle_interval
        self.refresh_interval = refresh_interval
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self._clock = clock
        self.stream_arn: str | None = None
        self._shards: dict[str, Shard] = {}
        self._progress: dict[str, ShardProgress] = {}
        self._refreshed_at: float | None = None
        self.delivered = 0  # records the handler has processed successfully

    # -------------------------------------------------------------- discovery

    def refresh(self) -> None:
        """Look up the table's current stream and its shards."""
        self._refreshed_at = self._clock()
        try:
            table = self.dynamodb.describe_table(TableName=self.table_name)["Table"]
        except ClientError as error:
            if _error_code(error) == "ResourceNotFoundException":
                log.warning("table %s does not exist (yet); waiting", self.table_name)
                self.stream_arn = None
                self._shards = {}
                return
            raise
        arn = table.get("LatestStreamArn")
        if not arn or not table.get("StreamSpecification", {}).get("StreamEnabled", True):
            log.warning("table %s has no stream; nothing to pump", self.table_name)
            self.stream_arn = None
            self._shards = {}
            return
        if arn != self.checkpoints.stream_arn:
            if self.checkpoints.stream_arn is not None:
                log.warning(
                    "stream of %s changed (%s → %s): the table was recreated; "
                    "dropping the old checkpoints",
                    self.table_name,
                    self.checkpoints.stream_arn,
                    arn,
                )
            self.checkpoints.reset(arn)
            self._progress = {}
        self.stream_arn = arn
        shards: dict[str, Shard] = {}
        start_after: str | None = None
        while True:
            kwargs: dict[str, Any] = {"StreamArn": arn}
            if start_after:
                kwargs["ExclusiveStartShardId"] = start_after
            description = self.streams.describe_stream(**kwargs)["StreamDescription"]
            for raw in description.get("Shards", []):
                numbers = raw.get("SequenceNumberRange", {})
                shards[raw["ShardId"]] = Shard(
                    shard_id=raw["ShardId"],
                    parent_id=raw.get("ParentShardId"),
                    starting_sequence_number=numbers.get("StartingSequenceNumber", "0"),
                    closed="EndingSequenceNumber" in numbers,
                )
            start_after = description.get("LastEvaluatedShardId")
            if not start_after:
                break
        self._shards = shards
        self.checkpoints.forget_missing(set(shards))
        for shard_id in list(self._progress):
            if shard_id not in shards:
                del self._progress[shard_id]

    def _ready_shards(self) -> list[Shard]:
        """Unfinished shards whose parent is done (or trimmed away), oldest first."""
        ready = []
        for shard in self._shards.values():
            if self.checkpoints.get(shard.shard_id).finished:
                continue
            parent = shard.parent_id
            if parent and parent in self._shards and not self.checkpoints.get(parent).finished:
                continue
            ready.append(shard)
        return sorted(ready, key=lambda shard: int(shard.starting_sequence_number))

    # -------------------------------------------------------------- polling

    def poll_once(self) -> int:
        """One pass: at most one batch per ready shard. Returns records delivered."""
        now = self._clock()
        if self._refreshed_at is None or now - self._refreshed_at >= self.refresh_interval:
            self.refresh()
        if self.stream_arn is None:
            return 0
        delivered = 0
        for shard in self._ready_shards():
            progress = self._progress.setdefault(shard.shard_id, ShardProgress())
            if progress.retry_at > self._clock():
                continue
            delivered += self._poll_shard(shard, progress)
        return delivered

    def run(self, stop: threading.Event) -> None:
        """Poll until ``stop`` is set; back to back while records flow, else idle."""
        while not stop.is_set():
            try:
                delivered = self.poll_once()
            except EndpointConnectionError as error:
                log.error("DynamoDB Local is not answering (%s); retrying", error)
                delivered = 0
                stop.wait(2.0)
            except ClientError as error:
                log.exception("stream pump error (%s); retrying", _error_code(error))
                self._refreshed_at = None
                delivered = 0
                stop.wait(2.0)
            except BotoCoreError as error:
                # Timeouts and the like: the checkpoints make starting over safe.
                log.error("stream pump error (%r); retrying", error)
                self._refreshed_at = None
                for progress in self._progress.values():
                    progress.iterator = None
                delivered = 0
                stop.wait(2.0)
            if delivered == 0:
                stop.wait(self.idle_interval)

    def _iterator(self, shard: Shard) -> str | None:
        checkpoint = self.checkpoints.get(shard.shard_id)
        assert self.stream_arn is not None
        kwargs: dict[str, Any] = {"StreamArn": self.stream_arn, "ShardId": shard.shard_id}
        if checkpoint.sequence_number:
            kwargs |= {
                "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                "SequenceNumber": checkpoint.sequence_number,
            }
        else:
            kwargs["ShardIteratorType"] = "TRIM_HORIZON"
        try:
            return str(self.streams.get_shard_iterator(**kwargs)["ShardIterator"])
        except ClientError as error:
            code = _error_code(error)
            if code == "TrimmedDataAccessException" and checkpoint.sequence_number:
                log.error(
                    "RECORDS LOST: shard %s was trimmed past checkpoint %s; "
                    "continuing from the trim horizon. Run `make rebuild` to recompute "
                    "the statistics from the data table.",
                    shard.shard_id,
                    checkpoint.sequence_number,
                )
                kwargs.pop("SequenceNumber")
                kwargs["ShardIteratorType"] = "TRIM_HORIZON"
                return str(self.streams.get_shard_iterator(**kwargs)["ShardIterator"])
            if code == "ResourceNotFoundException":
                self._refreshed_at = None  # the shard or stream is gone: look again
                return None
            raise

    def _poll_shard(self, shard: Shard, progress: ShardProgress) -> int:
        if progress.iterator is None:
            progress.iterator = self._iterator(shard)
            if progress.iterator is None:
                return 0
        try:
            response = self.streams.get_records(
                ShardIterator=progress.iterator, Limit=self.batch_size
            )
        except ClientError as error:
            code = _error_code(error)
            if code in ("ExpiredIteratorException", "TrimmedDataAccessException"):
                log.info("shard %s: %s, re-reading from the checkpoint", shard.shard_id, code)
                progress.iterator = None
                return 0
            if code == "ResourceNotFoundException":
                progress.iterator = None
                self._refreshed_at = None
                return 0
            raise
        records: list[dict[str, Any]] = response.get("Records", [])
        next_iterator: str | None = response.get("NextShardIterator")
        if not records:
            if progress.window_open and not self._close_window(shard, progress):
                return 0
            progress.iterator = next_iterator
            if next_iterator is None:
                self._finish(shard)
            return 0
        processed = self._deliver(shard, records, progress)
        if len(records) >= self.batch_size:
            progress.window_open = True
        if processed == len(records):
            progress.iterator = next_iterator
            if next_iterator is None:
                self._finish(shard)
        return processed

    def _finish(self, shard: Shard) -> None:
        log.info("shard %s closed and fully processed", shard.shard_id)
        self.checkpoints.finish(shard.shard_id)
        self._refreshed_at = None  # its children may be waiting: look for them now


# ---------------------------------------------------------------- entry point


def _handler_with_retry(path: str, stop: threading.Event) -> Handler | None:
    """Import the handler, retrying while it is missing (it may not be written yet)."""
    attempts = 0
    while not stop.is_set():
        try:
            return load_handler(path)
        except Exception as error:
            # Loud once, then a reminder a minute: the records wait, none is lost.
            if attempts % 6 == 0:
                log.error(
                    "cannot import the aggregate handler %s (%s); stream records wait "
                    "until it can be imported",
                    path,
                    error,
                    exc_info=attempts == 0 and not isinstance(error, ModuleNotFoundError),
                )
            attempts += 1
            stop.wait(10.0)
    return None


def main(argv: list[str] | None = None) -> int:
    """``python -m devstack.pump``: pump the local data table's stream until SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m devstack.pump", description=__doc__)
    parser.add_argument("--local-dir", required=True, type=Path)
    parser.add_argument(
        "--handler", default=os.environ.get("LOGBOOK_PUMP_HANDLER", DEFAULT_HANDLER)
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=int(
            os.environ.get("LOGBOOK_PUMP_BATCH_SIZE")
            or os.environ.get("LOGBOOK_STREAM_BATCH_SIZE")
            or "100"
        ),
    )
    args = parser.parse_args(argv)
    # The handler compares a batch with this size to know whether a backlog is pumped.
    os.environ["LOGBOOK_STREAM_BATCH_SIZE"] = str(args.batch_size)
    logging.basicConfig(
        level=logging.INFO, format="[pump] %(levelname)s %(message)s", stream=sys.stderr
    )

    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    from chalicelib.settings import get_settings  # after the supervisor set the environment
    from devstack import ddb_local

    settings = get_settings()
    endpoint = settings.dynamodb_endpoint
    if not endpoint or not endpoint.startswith("http://127.0.0.1"):
        log.error("refusing to pump: LOGBOOK_DYNAMODB_ENDPOINT must point at 127.0.0.1")
        return 2
    handler = _handler_with_retry(args.handler, stop)
    if handler is None:
        return 0
    pump = StreamPump(
        dynamodb=ddb_local.client(endpoint, settings.region),
        streams=ddb_local.client(endpoint, settings.region, "dynamodbstreams"),
        table_name=settings.data_table,
        handler=handler,
        checkpoints=CheckpointStore(args.local_dir / "pump" / CHECKPOINT_FILE),
        batch_size=args.batch_size,
        region=settings.region,
    )
    log.info("pumping the stream of %s into %s", settings.data_table, args.handler)
    with contextlib.suppress(KeyboardInterrupt):
        pump.run(stop)
    log.info("stopped after delivering %d records", pump.delivered)
    return 0


if __name__ == "__main__":
    sys.exit(main())
