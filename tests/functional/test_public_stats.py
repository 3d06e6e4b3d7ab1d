"""The public statistics routes through Chalice's test client, on moto."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from chalice.test import Client

from chalicelib.api.public_stats import Statistics
from chalicelib.events.aggregate import get_aggregator
from chalicelib.settings import get_settings
from tools.stream_events import (
    activity_item,
    response_item,
    serialize,
    stream_event,
    stream_record,
)


@pytest.fixture
def tables(aws: None) -> Iterator[Any]:
    """moto tables (the suite's ``aws`` fixture) with one organisation and two units."""
    settings = get_settings()
    client = boto3.client("dynamodb", region_name=settings.region)
    for item in (
        {"PK": "ORG#o1", "SK": "ORG", "type": "org", "id": "o1"},
        {"PK": "UNIT#u1", "SK": "UNIT", "type": "unit", "id": "u1", "org_id": "o1"},
        {"PK": "UNIT#u2", "SK": "UNIT", "type": "unit", "id": "u2", "org_id": "o1"},
    ):
        client.put_item(TableName=settings.data_table, Item=serialize(item))
    yield client


@pytest.fixture
def client(tables: Any) -> Iterator[Client]:
    # The real app: registering the blueprint on a second Chalice app would rebind
    # ``bp.current_request`` for the whole process, so later tests of the real app
    # would read this app's last request.
    from app import app

    with Client(app, stage_name="local") as test_client:
        yield test_client


_SEQUENCE = itertools.count(1)


def fold(tables: Any, items: list[dict[str, Any]]) -> None:
    records = [stream_record(next(_SEQUENCE), None, item) for item in items]
    # The process's aggregator: it folds and then runs the publish step.
    get_aggregator().handle(stream_event(records, "shardId-1"))


def get(client: Client, path: str) -> Any:
    return client.http.get(path)


def test_statistics_of_a_unit_follow_the_contract(client: Client, tables: Any) -> None:
    # Given two activities and 15 responses in unit u1 in March 2026
    fold(
        tables,
        [
            activity_item(f"a{i}", "u1", "o1", f"2026-03-0{i + 1}", duration_minutes=90)
            for i in range(2)
        ]
        + [response_item(f"r{i}", "u1", "o1", "2026-03-05", {"safety": 4}) for i in range(15)],
    )

    # When the public asks for the unit's quarter
    response = get(client, "/public/stats?scope=unit:u1&period=2026-Q1")

    # Then it answers the contract's document, cacheable
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    body = json.loads(response.body)
    assert body["scope"] == "unit:u1" and body["period"] == "2026-Q1"
    assert body["activities"]["count"] == 2 and body["activities"]["hours"] == 3.0
    assert body["participation"]["visits"] == 16
    assert body["responses"] == 15
    assert body["indicators"]["safety"]["n"] == 15
    assert body["indicators"]["safety"]["mean"] == 4.0
    assert body["indicators"]["safety"]["ci95"] == [4.0, 4.0]
    assert body["indicators"]["fairness"] == {"suppressed": True, "reason": "no_respondents"}
    assert body["updated_at"].endswith("Z")
    assert body["indicators_as_of"].endswith("Z")
    assert isinstance(body["participation"]["suppressed"], list)
    assert Statistics.model_validate(body)  # what OpenAPI documents


def test_public_statistics_are_one_get_item(client: Client, tables: Any) -> None:
    from chalicelib.statistics_service import get_statistics_service

    # Given a unit's published figures, however many organisations the platform has
    fold(tables, [activity_item("a1", "u1", "o1", "2026-03-02")])
    service = get_statistics_service()
    calls: list[str] = []
    service._store._client.meta.events.register(  # type: ignore[attr-defined]
        "before-call.dynamodb", lambda model, **_: calls.append(model.name)
    )

    # When the public asks for them
    response = get(client, "/public/stats?scope=unit:u1&period=2026")

    # Then exactly one GetItem was read: no query, no scan, no sibling
    assert response.status_code == 200
    assert calls == ["GetItem"]


def test_suppressed_indicators_leak_no_mean(client: Client, tables: Any) -> None:
    fold(
        tables, [response_item(f"r{i}", "u1", "o1", "2026-03-05", {"safety": 5}) for i in range(14)]
    )
    body = json.loads(get(client, "/public/stats?scope=org:o1&period=2026").body)
    assert body["responses"] == 14
    assert body["indicators"]["safety"] == {"suppressed": True, "reason": "too_few_respondents"}


def test_one_more_answer_does_not_move_a_published_figure(client: Client, tables: Any) -> None:
    # Given 15 answers published for the unit's March
    fold(
        tables, [response_item(f"r{i}", "u1", "o1", "2026-03-05", {"safety": 3}) for i in range(15)]
    )
    before = json.loads(get(client, "/public/stats?scope=unit:u1&period=2026").body)
    # When one young person answers 5
    fold(tables, [response_item("late", "u1", "o1", "2026-03-06", {"safety": 5})])
    after = json.loads(get(client, "/public/stats?scope=unit:u1&period=2026").body)
    # Then the figure and its time stay as they were; only the live count moves
    assert after["indicators"] == before["indicators"]
    assert after["indicators_as_of"] == before["indicators_as_of"]
    assert after["responses"] == 16


def test_a_small_count_in_a_unit_is_null_and_named(client: Client, tables: Any) -> None:
    fold(
        tables,
        [
            activity_item(
                "a1", "u1", "o1", "2026-03-01", participants={"girls": 5, "boys": 6, "nonbinary": 1}
            ),
            activity_item("a2", "u2", "o1", "2026-03-01", participants={"girls": 9, "boys": 8}),
        ],
    )
    body = json.loads(get(client, "/public/stats?scope=unit:u1&period=2026-03").body)
    participation = body["participation"]
    assert participation["nonbinary"] is None
    assert "nonbinary" in participation["suppressed"] and len(participation["suppressed"]) >= 2
    org = json.loads(get(client, "/public/stats?scope=org:o1&period=2026-03").body)
    assert org["participation"]["nonbinary"] is None


def test_an_existing_scope_without_data_answers_zeros(client: Client) -> None:
    response = get(client, "/public/stats?scope=unit:u2&period=2026-05")
    assert response.status_code == 200
    body = json.loads(response.body)
    assert body["activities"]["count"] == 0 and body["responses"] == 0
    assert body["updated_at"] is None


def test_all_exists_without_data(client: Client) -> None:
    assert get(client, "/public/stats?scope=all&period=2020").status_code == 200


def test_an_unknown_scope_is_404_naming_the_field(client: Client) -> None:
    response = get(client, "/public/stats?scope=unit:nope&period=2026")
    assert response.status_code == 404
    assert json.loads(response.body)["errors"][0]["field"] == "scope"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("scope=unit:u1&period=2026-Q7", "period"),
        ("scope=unit:u1", "period"),
        ("scope=team:x&period=2026", "scope"),
        ("period=2026", "scope"),
    ],
)
def test_bad_input_is_400_naming_the_field(client: Client, query: str, field: str) -> None:
    for path in ("/public/stats", "/public/stats.csv"):
        response = get(client, f"{path}?{query}")
        assert response.status_code == 400
        body = json.loads(response.body)
        assert body["error"] == "invalid_input"
        assert body["errors"][0]["field"] == f"query.{field}" and body["errors"][0]["problem"]


def test_csv_has_one_row_per_figure(client: Client, tables: Any) -> None:
    fold(tables, [activity_item("a1", "u1", "o1", "2026-03-01", kind="event")])
    response = get(client, "/public/stats.csv?scope=all&period=2026-03")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    rows = list(csv.DictReader(io.StringIO(response.body.decode())))
    values = {(r["section"], r["figure"], r["key"]): r["value"] for r in rows}
    assert values[("activities", "count", "")] == "1"
    assert values[("activities", "by_kind", "event")] == "1"
    assert all(r["scope"] == "all" and r["period"] == "2026-03" for r in rows)
