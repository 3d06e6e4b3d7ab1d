"""``GET /public/compare``: many scopes and periods in one answer, by key, never a scan."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chalicelib import services
from chalicelib.api.public_compare import MAX_CELLS
from chalicelib.services.statistics import StatisticsService
from chalicelib.settings import get_settings
from chalicelib.store import clients
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.publication import PublicationStore
from chalicelib.store.stats import StatsStore
from tests.functional.conftest import ADMIN, Api
from tools import stats_admin


@pytest.fixture(autouse=True)
def fresh_readers() -> Iterator[None]:
    # The readers are cached per process; each test has its own moto tables.
    services.reset()
    yield
    services.reset()


def _activity(date: str, girls: int, hours: int) -> dict[str, Any]:
    return {
        "date": date,
        "duration_minutes": 60 * hours,
        "kind": "open",
        "categories": ["sport"],
        "title": "Open evening",
        "participants": {"girls": girls, "boys": 2},
    }


@pytest.fixture
def recorded(api: Api) -> dict[str, str]:
    """An organisation with two units and activities in 2026, aggregated."""
    token = api.token(ADMIN)
    org = api.call("POST", "/orgs", {"name": "Kranj", "country": "SI"}, token=token).json["id"]
    units = [
        api.call("POST", f"/orgs/{org}/units", {"name": name}, token=token).json["id"]
        for name in ("Centre A", "Centre B")
    ]
    for unit, date, girls, hours in (
        (units[0], "2026-01-10", 3, 2),
        (units[0], "2026-02-11", 5, 1),
        (units[1], "2026-02-12", 7, 3),
    ):
        made = api.call(
            "POST", f"/units/{unit}/activities", _activity(date, girls, hours), token=token
        )
        assert made.status == 201, made.json
    settings = get_settings()
    client = boto3.client("dynamodb", region_name=settings.region)
    stats_admin.rebuild(
        client,
        boto3.client("dynamodbstreams", region_name=settings.region),
        settings.data_table,
        StatsStore(client, settings.stats_table),
        progress=False,
    )
    return {"org": org, "a": units[0], "b": units[1]}


def test_every_cell_equals_the_single_statistics_answer(api: Api, recorded: dict[str, str]) -> None:
    scopes = [f"org:{recorded['org']}", f"unit:{recorded['a']}", f"unit:{recorded['b']}", "all"]
    periods = ["2026", "2026-Q1", "2026-01", "2026-02"]
    answer = api.call(
        "GET", f"/public/compare?scopes={','.join(scopes)}&periods={','.join(periods)}"
    )
    assert answer.status == 200, answer.json
    assert answer.headers["Cache-Control"] == "public, max-age=60"
    items = answer.json["items"]
    assert [(i["scope"], i["period"]) for i in items] == [(s, p) for s in scopes for p in periods]
    for item in items:
        single = api.call("GET", f"/public/stats?scope={item['scope']}&period={item['period']}")
        assert item == single.json
    by_cell = {(i["scope"], i["period"]): i for i in items}
    assert by_cell[(f"unit:{recorded['b']}", "2026-02")]["participation"]["visits"] == 9
    assert by_cell[(f"org:{recorded['org']}", "2026")]["activities"]["hours"] == 6.0


def test_a_known_scope_without_figures_answers_zeros(api: Api, recorded: dict[str, str]) -> None:
    answer = api.call("GET", f"/public/compare?scopes=unit:{recorded['b']}&periods=2025,2026-01")
    assert answer.status == 200, answer.json
    assert [i["activities"]["count"] for i in answer.json["items"]] == [0, 0]


def test_unknown_scopes_are_named(api: Api, recorded: dict[str, str]) -> None:
    answer = api.call(
        "GET", f"/public/compare?scopes=org:{recorded['org']},org:nosuch,unit:gone&periods=2026"
    )
    assert answer.status == 404
    assert {e["problem"] for e in answer.json["errors"]} == {
        "unknown organisation or unit org:nosuch",
        "unknown organisation or unit unit:gone",
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("scopes=all", "query.periods"),
        ("periods=2026", "query.scopes"),
        ("scopes=all,,org:x&periods=2026", "query.scopes"),
        ("scopes=all,all&periods=2026", "query.scopes"),
        ("scopes=everyone&periods=2026", "query.scopes"),
        ("scopes=all&periods=2026-13", "query.periods"),
        ("scopes=all&periods=2026&extra=1", "query.extra"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api: Api, query: str, field: str) -> None:
    answer = api.call("GET", f"/public/compare?{query}")
    assert answer.status == 400, answer.json
    assert field in {e["field"] for e in answer.json["errors"]}


def test_too_many_cells_are_refused(api: Api) -> None:
    periods = ",".join(
        f"{year}-{month:02d}" for year in range(2020, 2026) for month in range(1, 13)
    )
    scopes = ",".join(["all", "org:a", "org:b"])  # 3 × 72 cells
    answer = api.call("GET", f"/public/compare?scopes={scopes}&periods={periods}")
    assert answer.status == 400
    assert f"at most {MAX_CELLS}" in answer.json["message"]


class CountingClient:
    """A DynamoDB client that counts BatchGetItem calls and refuses scans and queries."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.batch_gets: list[int] = []

    def batch_get_item(self, **kwargs: Any) -> Any:
        self.batch_gets.append(sum(len(r["Keys"]) for r in kwargs["RequestItems"].values()))
        return self.client.batch_get_item(**kwargs)

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"{name} is not a key lookup")


def test_a_large_request_is_a_few_batch_gets_and_no_scan(
    api: Api, recorded: dict[str, str]
) -> None:
    settings = get_settings()
    client = CountingClient(boto3.client("dynamodb", region_name=settings.region))
    reader = StatisticsService(
        PublicationStore(client, settings.stats_table),
        DirectoryRepository(clients.data_table(settings)).unknown_scopes,
    )
    scopes = ["all", f"org:{recorded['org']}", f"unit:{recorded['a']}", f"unit:{recorded['b']}"]
    periods = [f"{year}-{month:02d}" for year in (2025, 2026) for month in range(1, 13)]
    periods += [f"{year}-Q{q}" for year in (2025, 2026) for q in range(1, 5)] + ["2024"]
    documents = reader.compare(scopes, periods)
    assert len(documents) == 4 * 33
    # One key (the published document) per cell, 100 keys per call; every scope has
    # figures in some period, so the data table is not asked.
    assert client.batch_gets == [100, 32]


class ThrottledClient:
    """A DynamoDB client whose every BatchGetItem leaves all keys unprocessed."""

    def __init__(self) -> None:
        self.batch_gets = 0

    def batch_get_item(self, **kwargs: Any) -> Any:
        self.batch_gets += 1
        return {"Responses": {}, "UnprocessedKeys": kwargs["RequestItems"]}


def test_unprocessed_keys_are_retried_a_bounded_number_of_times_then_429(
    api: Api, recorded: dict[str, str]
) -> None:
    from chalicelib.api.errors import domain_error_response
    from chalicelib.store.published_table import MAX_BATCH_ATTEMPTS, StatisticsUnavailable

    # Given a table that never processes a key (throttled for good)
    settings = get_settings()
    client = ThrottledClient()
    pauses: list[float] = []
    reader = StatisticsService(
        PublicationStore(client, settings.stats_table, sleep=pauses.append),
        DirectoryRepository(clients.data_table(settings)).unknown_scopes,
    )

    # When the public compares, the reader gives up after a bounded number of tries …
    with pytest.raises(StatisticsUnavailable) as refused:
        reader.compare(["all", f"org:{recorded['org']}"], ["2026", "2026-Q1"])
    assert client.batch_gets == MAX_BATCH_ATTEMPTS
    assert sum(pauses) < 3  # backoff, each pause at most a second

    # … and the caller gets a 429 that says when to try again
    answer = domain_error_response(refused.value)
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "1"


def test_the_directory_check_of_scopes_is_bounded_too() -> None:
    from types import SimpleNamespace

    from chalicelib.domain.errors import TooManyRequests

    client = ThrottledClient()
    table = SimpleNamespace(name="data", meta=SimpleNamespace(client=client))
    with pytest.raises(TooManyRequests):
        DirectoryRepository(table).unknown_scopes(["org:o1", "unit:u1"])
    assert client.batch_gets == 6
