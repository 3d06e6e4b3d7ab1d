"""The stream pump against DynamoDB Local's real stream, with a fake handler.

The fake records what it was given and fails on command, so each test can check
one property of the Lambda event source mapping the pump stands in for.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devstack.pump import CheckpointStore, StreamPump
from tests.integration.conftest import LocalTables

pytestmark = pytest.mark.integration


class RecordingHandler:
    """A fake aggregate handler: remembers batches, fails when told to."""

    def __init__(self) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.processed: list[str] = []  # keys the "handler" completed, in order
        self.closings = 0  # closing invocations (no records) once a shard is drained
        self.fail_with: Callable[[list[dict[str, Any]]], dict[str, Any] | None] | None = None

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any] | None:
        records = event["Records"]
        if event.get("isFinalInvokeForWindow") and not records:
            self.closings += 1
            return None
        self.batches.append(records)
        outcome = self.fail_with(records) if self.fail_with else None
        failed_from = None
        if outcome and outcome.get("batchItemFailures"):
            failed = {f["itemIdentifier"] for f in outcome["batchItemFailures"]}
            failed_from = min(
                i for i, r in enumerate(records) if r["dynamodb"]["SequenceNumber"] in failed
            )
        for record in records[:failed_from]:
            self.processed.append(record["dynamodb"]["Keys"]["PK"]["S"])
        return outcome


def put_items(tables: LocalTables, count: int, prefix: str = "ITEM") -> list[str]:
    """Write ``count`` items in order; return their partition keys."""
    keys = [f"{prefix}#{index:04d}" for index in range(count)]
    for key in keys:
        tables.client.put_item(
            TableName=tables.data,
            Item={"PK": {"S": key}, "SK": {"S": "X"}, "n": {"N": "1"}, "blob": {"B": b"\x00\x01"}},
        )
    return keys


def make_pump(
    tables: LocalTables,
    streams: Any,
    handler: Callable[[dict[str, Any], Any], Any],
    checkpoint_path: Path,
    batch_size: int = 10,
) -> StreamPump:
    return StreamPump(
        dynamodb=tables.client,
        streams=streams,
        table_name=tables.data,
        handler=handler,
        checkpoints=CheckpointStore(checkpoint_path),
        batch_size=batch_size,
        idle_interval=0.01,
        initial_backoff=0.01,
        max_backoff=0.05,
    )


def drive(pump: StreamPump, until: Callable[[], bool], timeout: float = 20.0) -> None:
    """Poll until ``until()`` holds, then a few idle passes to expose extra deliveries."""
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise AssertionError("the pump did not get there in time")
        if pump.poll_once() == 0:
            time.sleep(0.02)
    for _ in range(5):
        pump.poll_once()
        time.sleep(0.02)


def all_pks(handler: RecordingHandler) -> list[str]:
    return [r["dynamodb"]["Keys"]["PK"]["S"] for batch in handler.batches for r in batch]


def test_a_drained_shard_gets_a_closing_invocation_after_full_batches(
    ddb_local_tables: LocalTables, ddb_local_streams_client: Any, tmp_path: Path
) -> None:
    # Given a backlog of full batches (the handler defers its publish step meanwhile)
    put_items(ddb_local_tables, 20)
    handler = RecordingHandler()
    pump = make_pump(ddb_local_tables, ddb_local_streams_client, handler, tmp_path / "cp.json")

    # When the pump has delivered them and finds nothing more to read
    drive(pump, lambda: len(handler.processed) == 20 and handler.closings > 0)

    # Then the handler got a closing invocation, as Lambda's at the end of a window
    assert [len(batch) for batch in handler.batches] == [10, 10]
    closings = handler.closings
    drive(pump, lambda: True)
    assert handler.closings == closings  # once per drained backlog, not on every poll


def test_batches_are_lambda_shaped(
    ddb_local_tables: LocalTables, ddb_local_streams_client: Any, tmp_path: Path
) -> None:
    # Given items written to the data table
    keys = put_items(ddb_local_tables, 25)
    handler = RecordingHandler()
    pump = make_pump(ddb_local_tables, ddb_local_streams_client, handler, tmp_path / "cp.json")

    # When the pump runs
    drive(pump, lambda: len(handler.processed) == 25)

    # Then every batch is at most the batch size and every record has Lambda's shape
    stream_arn = ddb_local_tables.client.describe_table(TableName=ddb_local_tables.data)["Table"][
        "LatestStreamArn"
    ]
    assert [len(batch) for batch in handler.batches] == [10, 10, 5]
    assert handler.processed == keys
    for record in (r for batch in handler.batches for r in batch):
        assert set(record) >= {
            "eventID", "eventName", "eventVersion", "eventSource", "awsRegion",
            "eventSourceARN", "dynamodb",
        }  # fmt: skip
        assert record["eventName"] == "INSERT"
        assert record["eventSource"] == "aws:dynamodb"
        assert record["eventSourceARN"] == stream_arn
        body = record["dynamodb"]
        assert isinstance(body["ApproximateCreationDateTime"], int | float)
        assert abs(body["ApproximateCreationDateTime"] - time.time()) < 600
        assert body["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert body["NewImage"]["blob"] == {"B": "AAE="}  # base64, as in Lambda's JSON
        assert isinstance(body["SequenceNumber"], str)
        json.dumps(record)  # nothing a JSON event could not carry


def test_modify_and_remove_carry_old_images(
    ddb_local_tables: LocalTables, ddb_local_streams_client: Any, tmp_path: Path
) -> None:
    # Given an item inserted, modified and deleted
    client = ddb_local_tables.client
    client.put_item(
        TableName=ddb_local_tables.data, Item={"PK": {"S": "A"}, "SK": {"S": "X"}, "v": {"N": "1"}}
    )
    client.put_item(
        TableName=ddb_local_tables.data, Item={"PK": {"S": "A"}, "SK": {"S": "X"}, "v": {"N": "2"}}
    )
    client.delete_item(TableName=ddb_local_tables.data, Key={"PK": {"S": "A"}, "SK": {"S": "X"}})
    handler = RecordingHandler()
    pump = make_pump(ddb_local_tables, ddb_local_streams_client, handler, tmp_path / "cp.json")

    # When pumped
    drive(pump, lambda: len(handler.processed) == 3)

    # Then the handler sees the three events in order with both images
    records = [r for batch in handler.batches for r in batch]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert records[1]["dynamodb"]["OldImage"]["v"] == {"N": "1"}
    assert records[1]["dynamodb"]["NewImage"]["v"] == {"N": "2"}
    assert records[2]["dynamodb"]["OldImage"]["v"] == {"N": "2"}
    assert "NewImage" not in records[2]["dynamodb"]


def test_checkpoints_survive_a_restart_without_duplicates(
    ddb_local_tables: LocalTables, ddb_local_streams_client: Any, tmp_path: Path
) -> None:
    # Given a pump that processed 15 records and was then stopped
    checkpoint_path = tmp_path / "pump" / "checkpoints.json"
    first_keys = put_items(ddb_local_tables, 15, "FIRST")
    first = RecordingHandler()
    pump = make_pump(ddb_local_tables, ddb_local_streams_client, first, checkpoint_path)
    drive(pump, lambda: len(first.processed) == 15)
    saved = json.loads(checkpoint_path.read_text())
    assert len(saved["shards"]) == 1

    # When more is written and a new pump starts from the same checkpoint file
    second_keys = put_items(ddb_local_tables, 7, "SECOND")
    second = RecordingHandler()
    restarted = make_pump(ddb_local_tables, ddb_local_streams_client, second, checkpoint_path)
    drive(restarted, lambda: len(second.processed) == 7)

    # Then the new pump delivers exactly the new records: nothing again, nothing missed
    assert first.processed == first_keys
    assert all_pks(second) == second_keys
    assert not list(checkpoint_path.parent.glob("*.tmp"))


def test_batch_item_failures_retry_from_the_failed_record(
    ddb_local_tables: LocalTables, ddb_local_streams_client: Any, tmp_path: Path
) -> None:
    # Given a handler that reports the 4th and 7th records of its first batch as failed
    keys = put_items(ddb_local_tables, 10)
    handler = RecordingHandler()
    calls = {"n": 0}

    def fail_first_batch(records: list[dict[str, Any]]) -> dict[str, Any] | None:
        calls["n"] += 1
        if calls["n"] > 1:
            return None
        return {
            "batchItemFailures": [
                {"itemIdentifier": records[6]["dynamodb"]["SequenceNumber"]},
                {"itemIdentifier": records[3]["dynamodb"]["SequenceNumber"]},
            ]
        }

    handler.fail_with = fail_first_batch
    pump = make_pump(ddb_local_tables, ddb_local_streams_client, handler, tmp_path / "cp.json")

    # When pumped
    drive(pump, lambda: len(handler.processed) == 10)

    # Then the retry starts at the lowest failed record, and each record completes once
    assert [r["dynamodb"]["Keys"]["PK"]["S"] for r in handler.batches[0]] == keys
    assert [r["dynamodb"]["Keys"]["PK"]["S"] for r in handler.batches[1]] == keys[3:]
    assert handler.processed == keys
    assert len(handler.batches) == 2


def test_a_raised_exception_retries_the_whole_batch(
    ddb_local_tables: LocalTables, ddb_local_streams_client: Any, tmp_path: Path
) -> None:
    # Given a handler that crashes twice on its first batch
    keys = put_items(ddb_local_tables, 5)
    handler = RecordingHandler()
    crashes = {"left": 2}

    def crash(records: list[dict[str, Any]]) -> dict[str, Any] | None:
        if crashes["left"]:
            crashes["left"] -= 1
            raise RuntimeError("simulated handler crash")
        return None

    handler.fail_with = crash
    checkpoint_path = tmp_path / "cp.json"
    pump = make_pump(ddb_local_tables, ddb_local_streams_client, handler, checkpoint_path)

    # When pumped
    drive(pump, lambda: len(handler.processed) == 5)

    # Then the same batch came three times, and the checkpoint sits on the last record
    assert [[r["eventID"] for r in batch] for batch in handler.batches[:3]] == [
        [r["eventID"] for r in handler.batches[0]]
    ] * 3
    assert handler.processed == keys
    last_sequence = handler.batches[-1][-1]["dynamodb"]["SequenceNumber"]
    saved = json.loads(checkpoint_path.read_text())
    assert [s["sequence_number"] for s in saved["shards"].values()] == [last_sequence]


def test_a_crash_before_the_checkpoint_redelivers_after_restart(
    ddb_local_tables: LocalTables, ddb_local_streams_client: Any, tmp_path: Path
) -> None:
    # Given a handler that processed 5 records but crashed on the next batch
    keys = put_items(ddb_local_tables, 8)
    checkpoint_path = tmp_path / "cp.json"
    first = RecordingHandler()
    first.fail_with = lambda records: (_ for _ in ()).throw(RuntimeError("down"))
    pump = make_pump(
        ddb_local_tables, ddb_local_streams_client, first, checkpoint_path, batch_size=5
    )
    pump.poll_once()
    assert first.processed == []

    # When a new pump starts with a healthy handler
    second = RecordingHandler()
    restarted = make_pump(
        ddb_local_tables, ddb_local_streams_client, second, checkpoint_path, batch_size=5
    )
    drive(restarted, lambda: len(second.processed) == 8)

    # Then the failed batch is delivered again (at least once), none skipped
    assert second.processed == keys


def test_random_partial_failures_never_skip_or_repeat_a_completed_record(
    ddb_local_tables: LocalTables, ddb_local_streams_client: Any, tmp_path: Path
) -> None:
    # Given a handler that fails a pseudo-random record of a third of its batches
    import random

    keys = put_items(ddb_local_tables, 60)
    rng = random.Random(7)
    handler = RecordingHandler()

    def sometimes_fail(records: list[dict[str, Any]]) -> dict[str, Any] | None:
        if rng.random() < 0.35:
            victim = rng.choice(records)
            return {"batchItemFailures": [{"itemIdentifier": victim["dynamodb"]["SequenceNumber"]}]}
        return None

    handler.fail_with = sometimes_fail
    pump = make_pump(
        ddb_local_tables, ddb_local_streams_client, handler, tmp_path / "cp.json", batch_size=7
    )

    # When pumped to the end
    drive(pump, lambda: len(handler.processed) >= 60)

    # Then every record completed exactly once, in stream order
    assert handler.processed == keys
    assert len(handler.batches) > 60 // 7 + 1  # failures did happen and were retried


def test_a_recreated_table_drops_old_checkpoints(
    ddb_local_tables: LocalTables, ddb_local_streams_client: Any, tmp_path: Path
) -> None:
    # Given a pump that processed the stream of a table which is then recreated
    from chalicelib.store.schema import create_tables

    checkpoint_path = tmp_path / "cp.json"
    put_items(ddb_local_tables, 4, "OLD")
    handler = RecordingHandler()
    pump = make_pump(ddb_local_tables, ddb_local_streams_client, handler, checkpoint_path)
    drive(pump, lambda: len(handler.processed) == 4)
    old_arn = json.loads(checkpoint_path.read_text())["stream_arn"]
    ddb_local_tables.client.delete_table(TableName=ddb_local_tables.data)
    ddb_local_tables.client.get_waiter("table_not_exists").wait(TableName=ddb_local_tables.data)
    time.sleep(1.1)  # stream labels have millisecond resolution; make sure it differs
    create_tables(ddb_local_tables.client, ddb_local_tables.data, ddb_local_tables.stats)
    new_keys = put_items(ddb_local_tables, 3, "NEW")

    # When the pump (still running) looks at the stream again
    pump.refresh_interval = 0
    drive(pump, lambda: len(handler.processed) == 7)

    # Then it follows the new stream from its start, with fresh checkpoints
    saved = json.loads(checkpoint_path.read_text())
    assert saved["stream_arn"] != old_arn
    assert handler.processed[4:] == new_keys
    assert {r["eventSourceARN"] for r in handler.batches[-1]} == {saved["stream_arn"]}


def test_an_expired_iterator_resumes_from_the_checkpoint(
    ddb_local_tables: LocalTables, ddb_local_streams_client: Any, tmp_path: Path
) -> None:
    # Given a streams client whose iterators expire once, after the first batch
    from botocore.exceptions import ClientError

    keys = put_items(ddb_local_tables, 12)
    real = ddb_local_streams_client

    class ExpiringStreams:
        def __init__(self) -> None:
            self.calls = 0

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def get_records(self, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == 2:
                raise ClientError(
                    {"Error": {"Code": "ExpiredIteratorException", "Message": "expired"}},
                    "GetRecords",
                )
            return real.get_records(**kwargs)

    handler = RecordingHandler()
    pump = make_pump(ddb_local_tables, ExpiringStreams(), handler, tmp_path / "cp.json")

    # When pumped
    drive(pump, lambda: len(handler.processed) == 12)

    # Then it carried on after the last checkpoint: all records, each once
    assert all_pks(handler) == keys


def test_empty_maps_and_lists_keep_their_types(
    ddb_local_tables: LocalTables, ddb_local_streams_client: Any, tmp_path: Path
) -> None:
    # Given an item with an empty map, an empty list and nested binary values
    ddb_local_tables.client.put_item(
        TableName=ddb_local_tables.data,
        Item={
            "PK": {"S": "A"}, "SK": {"S": "X"},
            "reflection": {"M": {}}, "goal_ids": {"L": []},
            "nested": {"M": {"inner": {"M": {}}, "bins": {"BS": [b"\x01"]}}},
            "list": {"L": [{"M": {}}, {"N": "1"}]},
        },
    )  # fmt: skip
    handler = RecordingHandler()
    pump = make_pump(ddb_local_tables, ddb_local_streams_client, handler, tmp_path / "cp.json")

    # When pumped
    drive(pump, lambda: len(handler.processed) == 1)

    # Then the image says what AWS would say (DynamoDB Local itself writes {} for {"M": {}})
    image = handler.batches[0][0]["dynamodb"]["NewImage"]
    assert image["reflection"] == {"M": {}}
    assert image["goal_ids"] == {"L": []}
    assert image["nested"] == {"M": {"inner": {"M": {}}, "bins": {"BS": ["AQ=="]}}}
    assert image["list"] == {"L": [{"M": {}}, {"N": "1"}]}
