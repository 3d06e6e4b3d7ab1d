# ruff: noqa: N803 (the fake mirrors boto3's argument names)
"""Shard lineage in the stream pump: parents before children, new shards, closed shards.

DynamoDB Local does not split shards on demand, so these tests give the pump a small
in-memory Streams API whose shards are scripted; DynamoDB itself is not needed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from devstack.pump import CheckpointStore, StreamPump

STREAM_ARN = "arn:aws:dynamodb:ddblocal:000000000000:table/data/stream/2026-01-01T00:00:00.000"


def record(sequence: int) -> dict[str, Any]:
    return {
        "eventID": f"e{sequence}",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "ddblocal",
        "dynamodb": {
            "ApproximateCreationDateTime": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            "Keys": {"PK": {"S": f"K{sequence}"}, "SK": {"S": "X"}},
            "NewImage": {"PK": {"S": f"K{sequence}"}, "SK": {"S": "X"}},
            "SequenceNumber": f"{sequence:021d}",
            "SizeBytes": 10,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


class ScriptedStreams:
    """Shards with fixed records; closed shards end, open ones stay readable."""

    def __init__(self) -> None:
        self.shards: dict[str, dict[str, Any]] = {}

    def add_shard(
        self, shard_id: str, sequences: list[int], parent: str | None = None, closed: bool = False
    ) -> None:
        self.shards[shard_id] = {
            "records": [record(s) for s in sequences],
            "parent": parent,
            "closed": closed,
            "start": min(sequences) if sequences else 10**6,
        }

    def describe_stream(self, StreamArn: str, **_: Any) -> dict[str, Any]:
        shards = []
        for shard_id, shard in self.shards.items():
            numbers: dict[str, str] = {"StartingSequenceNumber": f"{shard['start']:021d}"}
            if shard["closed"]:
                numbers["EndingSequenceNumber"] = f"{shard['start'] + 999:021d}"
            entry: dict[str, Any] = {"ShardId": shard_id, "SequenceNumberRange": numbers}
            if shard["parent"]:
                entry["ParentShardId"] = shard["parent"]
            shards.append(entry)
        return {"StreamDescription": {"StreamArn": StreamArn, "Shards": shards}}

    def get_shard_iterator(
        self, StreamArn: str, ShardId: str, ShardIteratorType: str, SequenceNumber: str = ""
    ) -> dict[str, Any]:
        records = self.shards[ShardId]["records"]
        position = 0
        if ShardIteratorType == "AFTER_SEQUENCE_NUMBER":
            position = next(
                (
                    i + 1
                    for i, r in enumerate(records)
                    if r["dynamodb"]["SequenceNumber"] == SequenceNumber
                ),
                None,
            )
            if position is None:
                raise ClientError(
                    {"Error": {"Code": "TrimmedDataAccessException"}}, "GetShardIterator"
                )
        return {"ShardIterator": f"{ShardId}|{position}"}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:
        shard_id, position_text = ShardIterator.split("|")
        shard = self.shards[shard_id]
        position = int(position_text)
        batch = shard["records"][position : position + Limit]
        end = position + len(batch)
        done = shard["closed"] and end >= len(shard["records"])
        return {
            "Records": batch,
            "NextShardIterator": None if done else f"{shard_id}|{end}",
        }


class FakeTable:
    def describe_table(self, TableName: str) -> dict[str, Any]:
        return {
            "Table": {
                "LatestStreamArn": STREAM_ARN,
                "StreamSpecification": {"StreamEnabled": True},
            }
        }


def make_pump(streams: ScriptedStreams, seen: list[str], path: Path) -> StreamPump:
    def handler(event: dict[str, Any], context: Any) -> None:
        seen.extend(r["dynamodb"]["Keys"]["PK"]["S"] for r in event["Records"])

    return StreamPump(
        dynamodb=FakeTable(),
        streams=streams,
        table_name="data",
        handler=handler,
        checkpoints=CheckpointStore(path),
        batch_size=2,
        refresh_interval=0,
    )


def run(pump: StreamPump, passes: int = 20) -> None:
    for _ in range(passes):
        pump.poll_once()


def test_a_child_shard_waits_until_its_parent_is_read_to_the_end(tmp_path: Path) -> None:
    # Given a closed parent and its open child, the child listed first
    streams = ScriptedStreams()
    streams.add_shard("child", [6, 7], parent="parent")
    streams.add_shard("parent", [1, 2, 3, 4, 5], closed=True)
    seen: list[str] = []
    pump = make_pump(streams, seen, tmp_path / "cp.json")

    # When the pump makes one pass (one batch per ready shard)
    pump.poll_once()

    # Then only the parent was read
    assert seen == ["K1", "K2"]

    # And once the parent is done, the child follows, in order
    run(pump)
    assert seen == ["K1", "K2", "K3", "K4", "K5", "K6", "K7"]


def test_new_shards_are_picked_up_and_finished_parents_stay_finished(tmp_path: Path) -> None:
    # Given a pump that has read a shard which then closed
    streams = ScriptedStreams()
    streams.add_shard("first", [1, 2], closed=True)
    seen: list[str] = []
    run(make_pump(streams, seen, tmp_path / "cp.json"))
    assert seen == ["K1", "K2"]

    # When a child shard appears and the pump is restarted
    streams.add_shard("second", [3, 4, 5], parent="first")
    restarted_seen: list[str] = []
    run(make_pump(streams, restarted_seen, tmp_path / "cp.json"))

    # Then the restarted pump reads only the new shard
    assert restarted_seen == ["K3", "K4", "K5"]
