"""``rebuild`` and ``verify`` on moto, including the stream resuming after a rebuild."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.domain.stats import StatsKey
from chalicelib.events.aggregate import StreamAggregator
from chalicelib.store.schema import create_tables
from chalicelib.store.stats import StatsStore
from tools import stats_admin
from tools.stream_events import activity_item, serialize, stream_event

DATA, STATS = "admin-data", "admin-stats"


@pytest.fixture
def aws() -> Iterator[tuple[Any, Any]]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-north-1")
        streams = boto3.client("dynamodbstreams", region_name="eu-north-1")
        create_tables(client, DATA, STATS)
        yield client, streams


def put(client: Any, item: dict[str, Any]) -> None:
    client.put_item(TableName=DATA, Item=serialize(item))


def stream_batches(client: Any, streams: Any) -> list[dict[str, Any]]:
    """Lambda-shaped events (one per shard) of everything in the data table's stream."""
    arn = client.describe_table(TableName=DATA)["Table"]["LatestStreamArn"]
    events = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records = streams.get_records(ShardIterator=iterator)["Records"]
        for record in records:
            created = record["dynamodb"]["ApproximateCreationDateTime"]
            record["dynamodb"]["ApproximateCreationDateTime"] = int(created.timestamp())
            record["eventSourceARN"] = arn
        events.append(stream_event(records, shard["ShardId"], arn))
    return events


def test_rebuild_recomputes_and_verify_agrees(aws: tuple[Any, Any]) -> None:
    client, streams = aws
    for index in range(5):
        put(client, activity_item(f"a{index}", f"u{index % 2}", "o1", f"2026-0{index + 1}-10"))
    store = StatsStore(client, STATS)

    written, deleted = stats_admin.rebuild(client, streams, DATA, store, progress=False)

    # u0: 3 months, 2 quarters, 1 year; u1: 2 + 2 + 1; o1 and all: 5 + 2 + 1 each
    assert written == 6 + 5 + 8 + 8
    assert deleted == 0
    assert stats_admin.verify(client, DATA, store, progress=False) == []
    stored = {a.key: a.figures for a in store.scan_aggregates()}
    assert stored[StatsKey("all", "2026", "A")]["n"] == 5


def test_verify_lists_a_difference(aws: tuple[Any, Any]) -> None:
    client, streams = aws
    put(client, activity_item("a1", "u1", "o1", "2026-03-10"))
    store = StatsStore(client, STATS)
    stats_admin.rebuild(client, streams, DATA, store, progress=False)
    client.update_item(
        TableName=STATS,
        Key={"PK": {"S": "STATS#all#2026-03"}, "SK": {"S": "A"}},
        UpdateExpression="ADD n :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )

    differences = stats_admin.verify(client, DATA, store, progress=False)

    assert differences == [
        stats_admin.Difference(StatsKey("all", "2026-03", "A"), "n", 2, 1),
    ]


def test_rebuild_removes_aggregates_without_contributions(aws: tuple[Any, Any]) -> None:
    client, streams = aws
    store = StatsStore(client, STATS)
    store.put_aggregate(StatsKey("unit:gone", "2020", "A"), {"n": 3}, {}, 0)
    _, deleted = stats_admin.rebuild(client, streams, DATA, store, progress=False)
    assert deleted == 1
    assert list(store.scan_aggregates()) == []


def test_the_stream_resumes_exactly_after_a_rebuild(aws: tuple[Any, Any]) -> None:
    # Given writes already in the stream and a rebuild that reflects them
    client, streams = aws
    put(client, activity_item("a1", "u1", "o1", "2026-03-10"))
    put(client, activity_item("a2", "u1", "o1", "2026-03-11"))
    store = StatsStore(client, STATS)
    stats_admin.rebuild(client, streams, DATA, store, progress=False)

    # When a later write happens and the consumer delivers the whole stream again
    put(client, activity_item("a3", "u2", "o1", "2026-03-12"))
    aggregator = StreamAggregator(store)
    for event in stream_batches(client, streams):
        assert aggregator.handle(event)["batchItemFailures"] == []

    # Then the old records are not counted twice and the new one once
    assert stats_admin.verify(client, DATA, store, progress=False) == []
    stored = {a.key: a.figures for a in store.scan_aggregates()}
    assert stored[StatsKey("all", "2026-03", "A")]["n"] == 3


def test_main_exits_non_zero_on_a_difference(
    aws: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    client, _ = aws
    put(client, activity_item("a1", "u1", "o1", "2026-03-10"))
    monkeypatch.delenv("LOGBOOK_DYNAMODB_ENDPOINT", raising=False)
    status = stats_admin.main(
        ["verify", "--data-table", DATA, "--stats-table", STATS, "--endpoint", ""]
    )
    assert status == 1
    assert "all 2026 A n: stored None, recomputed 1" in capsys.readouterr().out


def test_volunteers_survive_folding_and_publishing(aws: tuple[Any, Any]) -> None:
    """The figure ``v`` (volunteers) is no bookkeeping: verify agrees, the document shows it."""
    from chalicelib.domain.publication import Thresholds
    from chalicelib.events.publish import Publisher
    from chalicelib.store.publication import PublicationStore

    client, streams = aws
    put(client, activity_item("a1", "u1", "o1", "2026-03-10", volunteers=2))
    put(client, activity_item("a2", "u1", "o1", "2026-04-10", volunteers=3))
    store = StatsStore(client, STATS)
    publications = PublicationStore(client, STATS)
    aggregator = StreamAggregator(store, publisher=Publisher(publications, Thresholds(15, 3)))
    for event in stream_batches(client, streams):
        aggregator.handle(event)

    assert stats_admin.verify(client, DATA, store, progress=False) == []
    document = publications.read_document("unit:u1", "2026")
    assert document is not None
    assert document["participation"]["volunteers"] == 5


def _publishing(client: Any, batch_size: int, clock: Any = None) -> tuple[StreamAggregator, Any]:
    from chalicelib.domain.publication import Thresholds
    from chalicelib.events.publish import Publisher
    from chalicelib.store.publication import PublicationStore

    publications = PublicationStore(client, STATS)
    aggregator = StreamAggregator(
        StatsStore(client, STATS),
        publisher=Publisher(publications, Thresholds(15, 3)),
        batch_size=batch_size,
        **({"clock": clock} if clock else {}),
    )
    return aggregator, publications


def test_full_batches_defer_publishing_until_the_stream_is_caught_up(
    aws: tuple[Any, Any],
) -> None:
    client, streams = aws
    put(client, activity_item("a1", "u1", "o1", "2026-03-10"))
    put(client, activity_item("a2", "u2", "o2", "2025-03-10"))
    put(client, activity_item("a3", "u3", "o1", "2026-04-10"))
    (event,) = stream_batches(client, streams)
    records = event["Records"]
    aggregator, publications = _publishing(client, batch_size=2)

    # When a full batch arrives (a backlog): exact aggregates move, publication waits
    aggregator.handle({**event, "Records": records[:2]})
    assert publications.read_document("unit:u1", "2026") is None
    assert publications.pending() == {("2026", "u1", "o1"), ("2025", "u2", "o2")}

    # Then the batch that is not full publishes its families and the deferred ones
    aggregator.handle({**event, "Records": records[2:]})
    assert publications.read_document("unit:u1", "2026") is not None
    assert publications.read_document("unit:u2", "2025") is not None
    assert publications.read_document("unit:u3", "2026") is not None
    assert publications.pending() == set()
    assert stats_admin.verify(client, DATA, StatsStore(client, STATS), progress=False) == []


def test_a_closing_window_or_a_long_backlog_publishes_deferred_families(
    aws: tuple[Any, Any],
) -> None:
    client, streams = aws
    for index in range(4):
        put(client, activity_item(f"a{index}", f"u{index}", "o1", "2026-03-10"))
    (event,) = stream_batches(client, streams)
    records = event["Records"]
    now = [1_800_000_000.0]
    aggregator, publications = _publishing(client, batch_size=1, clock=lambda: now[0])

    # A backlog that lasts longer than max_defer_seconds still publishes now and then
    aggregator.handle({**event, "Records": records[:1]})
    assert publications.read_document("unit:u0", "2026") is None
    now[0] += 61
    aggregator.handle({**event, "Records": records[1:2]})
    assert publications.read_document("unit:u0", "2026") is not None
    assert publications.read_document("unit:u1", "2026") is not None

    # And the closing invocation of a window (no records) publishes what waits
    aggregator.handle({**event, "Records": records[2:3]})
    assert publications.read_document("unit:u2", "2026") is None
    answer = aggregator.handle({**event, "Records": [], "isFinalInvokeForWindow": True})
    assert answer["batchItemFailures"] == []
    assert publications.read_document("unit:u2", "2026") is not None
    assert publications.pending() == set()


def _world_of_three(client: Any) -> None:
    """o1: u1, u2; o2: u3 alone (one non-binary visitor in March); o3: u4, u5."""
    small = {"girls": 5, "boys": 6, "nonbinary": 1, "undisclosed": 0}
    ordinary = {"girls": 7, "boys": 8, "nonbinary": 3, "undisclosed": 4}
    for number, (unit, org) in enumerate(
        [("u1", "o1"), ("u2", "o1"), ("u3", "o2"), ("u4", "o3"), ("u5", "o3")]
    ):
        for month in ("01", "02", "03"):
            people = small if (unit, month) in {("u3", "03"), ("u1", "02")} else ordinary
            put(client, activity_item(f"a{number}{month}", unit, org, f"2026-{month}-10",
                                      participants=people))  # fmt: skip


def test_a_change_solves_its_organisation_and_all_only(aws: tuple[Any, Any]) -> None:
    from chalicelib.domain.publication import Thresholds
    from chalicelib.events.publish import Publisher
    from chalicelib.store.publication import PublicationStore
    from tools.privacy_audit import audit_family

    # Given three organisations folded and published, the lone centre's small count
    # protected through all
    client, streams = aws
    _world_of_three(client)
    store = StatsStore(client, STATS)
    publications = PublicationStore(client, STATS)
    publisher = Publisher(publications, Thresholds(15, 3))
    StreamAggregator(store, publisher=publisher).handle(stream_batches(client, streams)[0])
    family = publications.read_family("2026")
    before = publications.read_documents(family)
    assert before[("unit:u3", "2026-03")]["participation"]["nonbinary"] is None
    assert before[("all", "2026-03")]["participation"]["nonbinary"] is None

    # When one more activity of o1 arrives and is published
    put(client, activity_item("late", "u2", "o1", "2026-03-20"))
    aggregator = StreamAggregator(store)
    aggregator.handle(stream_batches(client, streams)[0])
    outcome = publisher.publish({("2026", "u2", "o1")})

    # Then only o1 was solved; o2 and o3 kept their documents; all still protects o2
    assert outcome.organisations == 1
    after = publications.read_documents(family)
    for (scope, period), document in before.items():
        if scope in ("org:o2", "unit:u3", "org:o3", "unit:u4", "unit:u5"):
            assert after[(scope, period)] == document
    assert after[("all", "2026")]["participation"]["visits"] == (
        before[("all", "2026")]["participation"]["visits"] + 8
    )
    assert after[("all", "2026-03")]["participation"]["nonbinary"] is None
    assert audit_family(family, after, Thresholds(15, 3)).findings == []


def test_all_follows_an_organisation_that_no_longer_needs_it(aws: tuple[Any, Any]) -> None:
    from chalicelib.domain.publication import Thresholds
    from chalicelib.events.publish import Publisher
    from chalicelib.store.publication import PublicationStore

    # Given the lone centre's small count protected through all
    client, streams = aws
    _world_of_three(client)
    store = StatsStore(client, STATS)
    publications = PublicationStore(client, STATS)
    publisher = Publisher(publications, Thresholds(15, 3))
    StreamAggregator(store, publisher=publisher).handle(stream_batches(client, streams)[0])

    # When two more non-binary visitors come to that centre in March
    put(client, activity_item("more", "u3", "o2", "2026-03-21",
                              participants={"girls": 0, "boys": 0, "nonbinary": 2,
                                            "undisclosed": 0}))  # fmt: skip
    StreamAggregator(store).handle(stream_batches(client, streams)[0])
    publisher.publish({("2026", "u3", "o2")})

    # Then nothing is small any more there, and all publishes its March again
    assert publications.read_document("unit:u3", "2026-03")["participation"]["nonbinary"] == 3
    assert publications.read_document("all", "2026-03")["participation"]["nonbinary"] == 15
