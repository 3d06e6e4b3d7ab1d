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
    from chalicelib.services import get_services

    # Given a unit's published figures, however many organisations the platform has
    fold(tables, [activity_item("a1", "u1", "o1", "2026-03-02")])
    service = get_services().statistics
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


def test_the_long_csv_layout_has_one_row_per_value(client: Client, tables: Any) -> None:
    fold(tables, [activity_item("a1", "u1", "o1", "2026-03-01", kind="event")])
    response = get(client, "/public/stats.csv?scope=all&period=2026-03&layout=long")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    rows = list(csv.DictReader(io.StringIO(response.body.decode())))
    values = {(r["section"], r["figure"], r["key"]): r["value"] for r in rows}
    assert values[("activities", "count", "")] == "1"
    assert values[("activities", "by_kind", "event")] == "1"
    assert all(r["scope"] == "all" and r["period"] == "2026-03" for r in rows)


def _answers(prefix: str, count: int, score: int, **who: str) -> list[dict[str, Any]]:
    return [
        {**response_item(f"{prefix}{i}", "u1", "o1", "2026-10-05", {"safety": score}), **who}
        for i in range(count)
    ]


def test_results_by_gender_follow_the_contract_in_one_get_item(client: Client, tables: Any) -> None:
    from chalicelib.services import get_services

    # Given 16 girls, 15 boys and one young person who skipped the gender question
    fold(
        tables,
        _answers("g", 16, 4, gender="girls", age_band="13_15")
        + _answers("b", 15, 2, gender="boys", age_band="16_18")
        + _answers("n", 1, 5),
    )
    service = get_services().statistics
    calls: list[str] = []
    service._store._client.meta.events.register(  # type: ignore[attr-defined]
        "before-call.dynamodb", lambda model, **_: calls.append(model.name)
    )

    # When the public asks for the unit's October by gender
    response = get(client, "/public/stats?scope=unit:u1&period=2026-10&by=gender")

    # Then one GetItem answers the total and every gender group
    assert response.status_code == 200 and calls == ["GetItem"]
    body = json.loads(response.body)
    assert Statistics.model_validate(body)
    groups = body["groups"]
    assert set(groups) == {"girls", "boys", "nonbinary", "undisclosed", "not_answered"}
    # The one who skipped the question is pending (too few): total − girls − boys
    # would give that answer away, so one of the three is suppressed besides
    assert groups["not_answered"]["indicators"]["safety"]["suppressed"] is True
    published = [
        figure
        for figure in (
            body["indicators"]["safety"],
            groups["girls"]["indicators"]["safety"],
            groups["boys"]["indicators"]["safety"],
        )
        if "n" in figure
    ]
    assert len(published) <= 2
    for group in ("girls", "boys"):
        figure = groups[group]["indicators"]["safety"]
        assert ("n" in figure) == (groups[group]["responses"] is not None)
        if "n" in figure:
            assert figure["mean"] == (4.0 if group == "girls" else 2.0)
    # Without by= there are no groups; the other grouping's groups are its own
    plain = json.loads(get(client, "/public/stats?scope=unit:u1&period=2026-10").body)
    assert "groups" not in plain
    by_age = json.loads(get(client, "/public/stats?scope=unit:u1&period=2026-10&by=age_band").body)
    assert set(by_age["groups"]) == {
        "under_13", "13_15", "16_18", "19_24", "25_29", "over_29", "not_answered"
    }  # fmt: skip


def test_a_group_figure_moves_only_with_k_new_answers_of_that_group(
    client: Client, tables: Any
) -> None:
    fold(tables, _answers("g", 16, 4, gender="girls") + _answers("b", 16, 2, gender="boys"))
    path = "/public/stats?scope=org:o1&period=2026&by=gender"
    before = json.loads(get(client, path).body)["groups"]
    # When one more girl and 14 boys answer (the total moves by 15)
    fold(tables, _answers("g2", 1, 1, gender="girls") + _answers("b2", 14, 2, gender="boys"))
    after = json.loads(get(client, path).body)
    # Then the girls' figures (and the boys') stay as they were
    assert after["groups"]["girls"] == before["girls"]
    assert after["groups"]["boys"] == before["boys"]


def test_a_bad_grouping_is_400_naming_by(client: Client) -> None:
    for path in ("/public/stats", "/public/stats.csv"):
        for value in ("sex", "", "gender,age_band"):
            response = get(client, f"{path}?scope=all&period=2026&by={value}")
            assert response.status_code == 400, (path, value)
            body = json.loads(response.body)
            assert body["errors"][0]["field"] == "query.by"


def test_csv_by_group_adds_each_groups_rows(client: Client, tables: Any) -> None:
    fold(tables, _answers("g", 16, 4, gender="girls") + _answers("b", 16, 2, gender="boys"))
    response = get(client, "/public/stats.csv?scope=unit:u1&period=2026&by=gender&layout=long")
    assert response.status_code == 200
    assert "by-gender" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.body.decode())))
    values = {(r["section"], r["figure"], r["key"]): r["value"] for r in rows}
    assert values[("gender=girls", "safety", "n")] == "16"
    assert values[("gender=girls", "safety", "mean")] == "4.0"
    assert values[("gender=girls", "responses", "")] == "16"
    assert values[("gender=nonbinary", "safety", "reason")] == "no_respondents"
    assert values[("gender=nonbinary", "responses", "")] == ""
    plain = get(client, "/public/stats.csv?scope=unit:u1&period=2026&layout=long").body.decode()
    assert "gender=" not in plain


def test_results_by_group_are_refused_for_networks_and_countries(client: Client) -> None:
    for scope in ("country:SI", "network:n1"):
        response = get(client, f"/public/stats?scope={scope}&period=2026&by=gender")
        assert response.status_code == 400
        assert json.loads(response.body)["errors"][0]["field"] == "query.by"
