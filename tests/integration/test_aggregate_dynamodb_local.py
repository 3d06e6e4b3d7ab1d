"""The exactly-once scenarios against DynamoDB Local (AWS's own engine).

The same property as the moto suite (random histories, shard interleavings and faults;
aggregates == recomputation), with fewer examples, plus the real stream of a data table
in DynamoDB Local folded by the consumer, and rebuild/verify on that engine.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.stats import fold_items
from chalicelib.events.aggregate import StreamAggregator
from chalicelib.store.schema import STATS_TABLE, create_tables
from chalicelib.store.stats import StatsStore
from tests.functional.test_aggregate_properties import PROFILE, run_history, steps
from tools import stats_admin
from tools.stream_events import activity_item, response_item, serialize
from tools.stream_sim import stored_figures

pytestmark = pytest.mark.integration
REGION = "eu-north-1"
_names = itertools.count()
INTEGRATION_EXAMPLES = int(os.environ.get("LOGBOOK_STATS_INTEGRATION_EXAMPLES", "30"))


@pytest.fixture(scope="module")
def endpoint(ddb_local_endpoint: str) -> str:
    """The session's DynamoDB Local (tests/integration/conftest.py)."""
    return ddb_local_endpoint


@pytest.fixture(scope="module")
def client(endpoint: str) -> Any:
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION)


def fresh_store(client: Any) -> StatsStore:
    name = f"stats-agg-{next(_names)}"
    client.create_table(**STATS_TABLE.create_table_kwargs(name))
    return StatsStore(client, name)


@settings(PROFILE, max_examples=INTEGRATION_EXAMPLES)
@given(
    shard_count=st.integers(1, 3),
    offsets=st.lists(st.integers(0, 10**25), min_size=3, max_size=3),
    drawn_steps=steps,
)
def test_aggregates_equal_recomputation_on_dynamodb_local(
    client: Any, shard_count: int, offsets: list[int], drawn_steps: list[tuple[Any, ...]]
) -> None:
    store = fresh_store(client)
    try:
        history, _ = run_history(store, shard_count, offsets, drawn_steps)
        assert stored_figures(store) == fold_items(history.items.values())
    finally:
        client.delete_table(TableName=store._table)


def real_stream_events(client: Any, streams: Any, table: str) -> list[dict[str, Any]]:
    """Lambda-shaped events from the data table's real stream, one batch per shard."""
    arn = client.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    events = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records = streams.get_records(ShardIterator=iterator)["Records"]
        for record in records:
            created = record["dynamodb"].get("ApproximateCreationDateTime")
            record["dynamodb"]["ApproximateCreationDateTime"] = int(created.timestamp())
            record["eventSourceARN"] = arn
        events.append({"Records": records, "shardId": shard["ShardId"], "window": {}})
    return events


def test_the_real_stream_folds_exactly_once_and_verify_agrees(client: Any, endpoint: str) -> None:
    # Given a data table in DynamoDB Local with inserts, an edit and a delete
    suffix = next(_names)
    data, stats = f"data-agg-{suffix}", f"stats-agg-{suffix}"
    create_tables(client, data, stats)
    streams = boto3.client("dynamodbstreams", endpoint_url=endpoint, region_name=REGION)
    for index in range(6):
        item = activity_item(f"a{index}", f"u{index % 3}", "o1", f"2026-0{index % 3 + 1}-05")
        client.put_item(TableName=data, Item=serialize(item))
    edited = activity_item("a0", "u0", "o1", "2026-04-01", duration_minutes=30, version=2)
    client.put_item(TableName=data, Item=serialize(edited))
    client.delete_item(TableName=data, Key={"PK": {"S": "UNIT#u1"}, "SK": {"S": "ACT#a1"}})
    for index in range(3):
        response = response_item(f"r{index}", "u2", "o1", "2026-02-01", {"safety": 4})
        client.put_item(TableName=data, Item=serialize(response))
    store = StatsStore(client, stats)
    aggregator = StreamAggregator(store)

    # When the stream is delivered twice
    for _ in range(2):
        for event in real_stream_events(client, streams, data):
            assert aggregator.handle(event)["batchItemFailures"] == []

    # Then the aggregates are the recomputation, and verify finds nothing
    assert stats_admin.verify(client, data, store, progress=False) == []
    assert stored_figures(store) == stats_admin.recompute(client, data, progress=False)

    # And a rebuild leaves them identical, with redelivery still counted once
    stats_admin.rebuild(client, streams, data, store, progress=False)
    for event in real_stream_events(client, streams, data):
        aggregator.handle(event)
    assert stats_admin.verify(client, data, store, progress=False) == []
