"""The stream consumer on moto: folding, partial failures, duplicates, pruning, entry point."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from chalicelib.domain.stats import StatsKey
from chalicelib.events import aggregate as aggregate_module
from chalicelib.events.aggregate import StreamAggregator, shard_token
from chalicelib.settings import get_settings
from chalicelib.store.schema import STATS_TABLE, create_tables
from chalicelib.store.stats import CapacityMeter, StatsStore
from tools.stream_events import (
    activity_item,
    checkin_item,
    response_item,
    stream_event,
    stream_record,
)

NOW = 1_767_225_600


@pytest.fixture
def client() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("dynamodb", region_name="eu-north-1")


@pytest.fixture
def store(client: Any) -> StatsStore:
    name = f"stats-{uuid.uuid4().hex[:8]}"
    client.create_table(**STATS_TABLE.create_table_kwargs(name))
    return StatsStore(client, name, CapacityMeter())


def aggregator(store: StatsStore, now: int = NOW + 60) -> StreamAggregator:
    return StreamAggregator(store, clock=lambda: now)


def figures(store: StatsStore, scope: str, period: str, part: str = "A") -> dict[str, Any]:
    for stored in store.scan_aggregates():
        if stored.key == StatsKey(scope, period, part):  # type: ignore[arg-type]
            return {k: v for k, v in stored.figures.items() if v != 0}
    return {}


def test_insert_modify_remove_fold_into_the_figures(store: StatsStore) -> None:
    first = activity_item("a1", "u1", "o1", "2026-03-14", duration_minutes=60)
    edited = activity_item("a1", "u1", "o1", "2026-03-14", duration_minutes=150, version=2)
    second = activity_item("a2", "u2", "o1", "2026-03-20", kind="event")
    records = [
        stream_record(10, None, first),
        stream_record(11, None, second),
        stream_record(12, first, edited),
        stream_record(13, second, None),
    ]

    response = aggregator(store).handle(stream_event(records, "shardId-1"))

    assert response == {"batchItemFailures": [], "state": {}}
    assert figures(store, "unit:u1", "2026-03") == {
        "n": 1,
        "m": 150,
        "k.open": 1,
        "c.socialising": 1,
        "g": 3,
        "b": 4,
        "u": 1,
    }
    assert figures(store, "unit:u2", "2026") == {}
    assert figures(store, "org:o1", "2026-Q1")["n"] == 1


def test_one_write_per_touched_key_per_batch(store: StatsStore) -> None:
    # Given 20 activities of one unit in one month: 9 aggregate keys
    records = [
        stream_record(i + 1, None, activity_item(f"a{i}", "u1", "o1", "2026-03-14"))
        for i in range(20)
    ]
    aggregator(store).handle(stream_event(records, "shardId-1"))
    assert store._meter is not None
    assert store._meter.write_requests == 9
    assert store._meter.read_requests == 1  # one BatchGetItem for the watermarks


def test_items_of_other_types_write_nothing(store: StatsStore) -> None:
    unit = {"PK": "UNIT#u1", "SK": "UNIT", "type": "unit", "org_id": "o1", "unit_id": "u1"}
    aggregator(store).handle(stream_event([stream_record(1, None, unit)], "shardId-1"))
    assert list(store.scan_aggregates()) == []


def test_a_batch_delivered_twice_counts_once(store: StatsStore) -> None:
    event = stream_event(
        [stream_record(5, None, activity_item("a1", "u1", "o1", "2026-03-14"))], "shardId-1"
    )
    aggregator(store).handle(event)
    aggregator(store).handle(event)
    assert figures(store, "all", "2026")["n"] == 1


def test_shards_have_their_own_watermarks(store: StatsStore) -> None:
    # Shard B's sequence numbers are lower than A's: they must still count
    a = stream_record(900, None, activity_item("a1", "u1", "o1", "2026-03-14"))
    b = stream_record(3, None, activity_item("a2", "u2", "o1", "2026-03-14"))
    aggregator(store).handle(stream_event([a], "shardId-A"))
    aggregator(store).handle(stream_event([b], "shardId-B"))
    assert figures(store, "all", "2026")["n"] == 2


def test_a_failed_write_reports_the_lowest_record_of_that_key(
    store: StatsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a batch where writes to unit u2's aggregates fail
    records = [
        stream_record(1, None, activity_item("a1", "u1", "o1", "2026-03-14")),
        stream_record(2, None, activity_item("a2", "u2", "o1", "2026-03-14")),
        stream_record(3, None, activity_item("a3", "u2", "o1", "2026-03-15")),
    ]
    real = store.apply_delta

    def failing(key: StatsKey, delta: Any, **kwargs: Any) -> None:
        if key.scope == "unit:u2":
            raise ClientError({"Error": {"Code": "InternalServerError"}}, "UpdateItem")
        real(key, delta, **kwargs)

    monkeypatch.setattr(store, "apply_delta", failing)
    response = aggregator(store).handle(stream_event(records, "shardId-1"))

    # Then Lambda is told to retry from record 2, and the retry completes exactly
    assert response["batchItemFailures"] == [{"itemIdentifier": "2"}]
    monkeypatch.setattr(store, "apply_delta", real)
    aggregator(store).handle(stream_event(records[1:], "shardId-1"))
    assert figures(store, "unit:u2", "2026")["n"] == 2
    assert figures(store, "all", "2026")["n"] == 3
    assert figures(store, "org:o1", "2026-03")["n"] == 3


def test_an_unreadable_record_stops_the_batch_there(store: StatsStore) -> None:
    good = stream_record(1, None, activity_item("a1", "u1", "o1", "2026-03-14"))
    broken = stream_record(2, None, activity_item("a2", "u1", "o1", "2026-03-14"))
    broken["dynamodb"]["NewImage"]["participants"] = {"Q": "not a type"}
    later = stream_record(3, None, activity_item("a3", "u1", "o1", "2026-03-14"))

    response = aggregator(store).handle(stream_event([good, broken, later], "shardId-1"))

    assert response["batchItemFailures"] == [{"itemIdentifier": "2"}]
    assert figures(store, "all", "2026")["n"] == 1  # record 3 waits behind record 2


def test_a_malformed_item_is_skipped_not_retried_forever(store: StatsStore) -> None:
    bad = activity_item("a1", "u1", "o1", "2026-13-40")
    response = aggregator(store).handle(stream_event([stream_record(1, None, bad)], "shardId-1"))
    assert response["batchItemFailures"] == []
    assert list(store.scan_aggregates()) == []


def test_responses_and_checkins_fold_into_their_parts(store: StatsStore) -> None:
    records = [
        stream_record(1, None, response_item("r1", "u1", "o1", "2026-03-14", {"safety": 4})),
        stream_record(
            2,
            None,
            checkin_item("c1", "u1", "o1", "2026-03-14", first_unit=["2026-03"], first_org=[]),
        ),
    ]
    aggregator(store).handle(stream_event(records, "shardId-1"))
    assert figures(store, "unit:u1", "2026-03", "S") == {
        "r": 1,
        "safety.4": 1,
        "safety.s": 4,
        "safety.q": 16,
        "safety.a": 1,
    }
    assert figures(store, "unit:u1", "2026-03") == {"ci": 1, "uv": 1}
    assert figures(store, "all", "2026-03") == {"ci": 1}


def test_watermarks_of_idle_shards_are_pruned(store: StatsStore) -> None:
    item = activity_item("a1", "u1", "o1", "2026-03-14")
    aggregator(store).handle(stream_event([stream_record(1, None, item)], "shardId-old"))
    later = NOW + 26 * 3600
    other = stream_record(7, None, activity_item("a2", "u1", "o1", "2026-03-14"), created=later)
    aggregator(store, now=later).handle(stream_event([other], "shardId-new"))

    marks = {s.key: s.watermarks for s in store.scan_aggregates()}
    assert marks[StatsKey("all", "2026", "A")] == {shard_token("shardId-new"): f"7@{later}"}


def test_recent_shards_are_kept(store: StatsStore) -> None:
    item = activity_item("a1", "u1", "o1", "2026-03-14")
    aggregator(store).handle(stream_event([stream_record(1, None, item)], "shardId-old"))
    other = stream_record(7, None, activity_item("a2", "u1", "o1", "2026-03-14"))
    aggregator(store, now=NOW + 3600).handle(stream_event([other], "shardId-new"))
    marks = {s.key: s.watermarks for s in store.scan_aggregates()}
    assert set(marks[StatsKey("all", "2026", "A")]) == {
        shard_token("shardId-old"),
        shard_token("shardId-new"),
    }


def test_items_stay_under_one_kilobyte(store: StatsStore) -> None:
    # A busy aggregate: every kind, category, band; three shards' watermarks
    records = []
    for index in range(30):
        item = activity_item(
            f"a{index}",
            "u1",
            "o1",
            "2026-03-14",
            kind=["open", "group", "event", "outreach", "digital"][index % 5],
            categories=["learning_support", "socialising", "culture", "counselling"][: index % 4]
            + ["information", "sport", "volunteering", "mobility", "other"][: index % 5],
            age_bands={"under_13": 1, "13_15": 2, "16_18": 2, "19_24": 1, "25_29": 1, "over_29": 1},
            new_participants=2,
            youth_leaders=1,
            volunteers=3,
            youth_led=True,
        )
        records.append(stream_record(10**20 + index, None, item))
    for shard in range(3):
        aggregator(store).handle(stream_event(records[shard::3], f"shardId-{shard:020d}"))
    scan = store._client.scan(TableName=store._table)["Items"]
    largest = max(len(str(item)) for item in scan)  # generous upper bound of the size
    assert largest < 1024


def test_the_lambda_entry_point_uses_the_configured_table(
    monkeypatch: pytest.MonkeyPatch, client: Any
) -> None:
    monkeypatch.setenv("LOGBOOK_STATS_TABLE", "entry-stats")
    monkeypatch.setenv("LOGBOOK_DATA_TABLE", "entry-data")
    monkeypatch.delenv("LOGBOOK_DYNAMODB_ENDPOINT", raising=False)
    get_settings.cache_clear()
    aggregate_module.get_aggregator.cache_clear()
    try:
        create_tables(client, "entry-data", "entry-stats")
        item = activity_item("a1", "u1", "o1", "2026-03-14")
        event = stream_event([stream_record(1, None, item)], None)  # no tumbling window
        assert aggregate_module.handle_stream_batch(event, None) == {"batchItemFailures": []}
        stored = StatsStore(client, "entry-stats")
        assert figures(stored, "all", "2026-03")["n"] == 1
    finally:
        get_settings.cache_clear()
        aggregate_module.get_aggregator.cache_clear()


def test_empty_maps_as_boto3_streams_parses_them_are_accepted(store: StatsStore) -> None:
    # boto3's streams client turns {"M": {}} into {}; the local pump passes that on
    record = stream_record(1, None, activity_item("a1", "u1", "o1", "2026-03-14"))
    record["dynamodb"]["NewImage"]["goal_ratings"] = {}
    response = aggregator(store).handle(stream_event([record], "shardId-1"))
    assert response["batchItemFailures"] == []
    assert figures(store, "all", "2026")["n"] == 1
