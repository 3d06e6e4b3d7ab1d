"""``GET /public/averages`` and ``GET /public/report`` over moto: published documents only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chalicelib.settings import get_settings
from chalicelib.store.publication import PublicationStore
from chalicelib.store.stats import StatsStore
from tests.functional.conftest import Api
from tests.functional.world import World
from tools import stats_admin


@pytest.fixture(autouse=True)
def fresh_readers() -> Iterator[None]:
    from tests.functional.conftest import reset_caches

    reset_caches()
    yield
    reset_caches()


def _activity(date: str, girls: int, boys: int) -> dict[str, Any]:
    return {
        "date": date,
        "duration_minutes": 120,
        "kind": "open",
        "categories": ["sport"],
        "title": "Open evening",
        "participants": {"girls": girls, "boys": boys},
        "youth_led": girls > boys,
    }


def _rebuild() -> None:
    settings = get_settings()
    client = boto3.client("dynamodb", region_name=settings.region)
    stats_admin.rebuild(
        client,
        boto3.client("dynamodbstreams", region_name=settings.region),
        settings.data_table,
        StatsStore(client, settings.stats_table),
        progress=False,
    )


@pytest.fixture
def world(api: Api) -> World:
    """Two Slovenian organisations and a Finnish one; one Slovenian unit has no activity."""
    world = World(api)
    for name, country, units in (
        ("Kranj", "SI", ("K1", "K2", "K3")),
        ("Koper", "SI", ("P1",)),
        ("Espoo", "FI", ("E1",)),
    ):
        world.with_org(name, name, country=country)
        for unit_name in units:
            world.with_unit(unit_name, unit_name, org=name)
    for index, (unit, date, girls, boys) in enumerate(
        (
            ("K1", "2026-02-10", 6, 4),  # K1: 1 activity, 10 visits, youth-led
            ("K2", "2026-03-11", 3, 7),  # K2: 2 activities, 30 visits
            ("K2", "2026-03-12", 5, 15),
            ("P1", "2026-04-01", 20, 20),  # Koper: 1 activity, 40 visits
            ("E1", "2026-05-01", 50, 50),
            ("K1", "2025-06-01", 4, 4),  # last year
        )
    ):
        world.with_activity(f"activity{index}", _activity(date, girls, boys), unit=unit)
    _rebuild()
    return world


def _plant(scope: str, period: str, change: Any) -> None:
    """Replace a published document (as a later publication would): a test of what the
    averages read, without running 15 survey answers through the pipeline."""
    settings = get_settings()
    client = boto3.client("dynamodb", region_name=settings.region)
    store = PublicationStore(client, settings.stats_table)
    document = store.read_document(scope, period)
    assert document is not None
    change(document)
    assert store.put_document(scope, period, json.dumps(document), 10**9)


def test_units_of_an_organisation_reporting_activity(api: Api, world: World) -> None:
    answer = api.call("GET", f"/public/averages?group=org:{world['Kranj']}&period=2026")
    assert answer.status == 200, answer.json
    assert answer.headers["Cache-Control"] == "public, max-age=60"
    body = answer.json
    assert (body["group"], body["level"], body["period"], body["members"]) == (
        f"org:{world['Kranj']}",
        "unit",
        "2026",
        3,
    )
    # K3 has no activity in 2026: the mean is over K1 and K2 only.
    assert body["measures"]["activities"] == {"mean": 1.5, "members": 2}
    assert body["measures"]["visits"] == {"mean": 20.0, "members": 2}
    assert body["measures"]["youth_led_share"] == {"mean": 0.5, "members": 2}
    assert body["measures"]["girls_share"] == {"mean": round((0.6 + 0.8 / 3) / 2, 4), "members": 2}


def test_organisations_of_a_country(api: Api, world: World) -> None:
    body = api.call("GET", "/public/averages?group=country:SI&period=2026").json
    assert (body["level"], body["members"]) == ("org", 2)
    assert body["measures"]["visits"] == {"mean": 40.0, "members": 2}  # (40 + 40) / 2
    every = api.call("GET", "/public/averages?group=all&period=2026").json
    assert every["members"] == 3
    assert every["measures"]["visits"] == {"mean": 60.0, "members": 3}
    units = api.call("GET", "/public/averages?group=country:SI&level=unit&period=2026-Q1").json
    assert (units["members"], units["measures"]["visits"]["members"]) == (4, 2)


def test_organisations_of_a_network(api: Api, world: World) -> None:
    # A network across borders: Kranj (SI) and Espoo (FI), docs/networks.md
    made = api.call(
        "POST",
        "/networks",
        {"name": "Twins", "org_ids": [world["Kranj"], world["Espoo"]]},
        token=world.admin,
    )
    assert made.status == 201, made.json
    body = api.call("GET", f"/public/averages?group=network:{made.json['id']}&period=2026").json
    assert (body["level"], body["members"]) == ("org", 2)
    assert body["measures"]["visits"] == {"mean": 70.0, "members": 2}  # (40 + 100) / 2


def test_key_figures_are_averaged_where_given(api: Api, world: World) -> None:
    token = world.admin
    for org, costs in (("Kranj", 800.0), ("Koper", 2000.0)):
        put = api.call(
            "PUT", f"/orgs/{world[org]}/key-figures/2026", {"costs_eur": costs}, token=token
        )
        assert put.status == 200, put.json
    body = api.call("GET", "/public/averages?group=country:SI&period=2026").json
    assert body["measures"]["cost_per_visit"] == {"mean": 35.0, "members": 2}  # 20 and 50


def test_a_suppressed_indicator_never_enters_a_mean(api: Api, world: World) -> None:
    published = {"n": 20, "mean": 4.2, "ci95": [3.9, 4.5], "agree_share": 0.8}
    _plant(f"unit:{world['K1']}", "2026", lambda d: d["indicators"].update(safety=published))
    _plant(
        f"unit:{world['K2']}",
        "2026",
        lambda d: d["indicators"].update(
            safety={"suppressed": True, "reason": "too_few_respondents"}
        ),
    )
    body = api.call("GET", f"/public/averages?group=org:{world['Kranj']}&period=2026").json
    assert body["measures"]["indicator:safety"] == {"mean": 4.2, "members": 1}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=2026", "query.group"),
        ("group=all", "query.period"),
        ("group=everyone&period=2026", "query.group"),
        ("group=country:si&period=2026", "query.group"),
        ("group=all&period=2026-13", "query.period"),
        ("group=all&level=region&period=2026", "query.level"),
        ("group=all&period=2026&x=1", "query.x"),
    ],
)
def test_bad_averages_queries_name_the_parameter(api: Api, query: str, field: str) -> None:
    answer = api.call("GET", f"/public/averages?{query}")
    assert answer.status == 400, answer.json
    assert field in {e["field"] for e in answer.json["errors"]}


def test_an_organisation_as_its_own_member_is_refused(api: Api, world: World) -> None:
    answer = api.call("GET", f"/public/averages?group=org:{world['Kranj']}&level=org&period=2026")
    assert answer.status == 400
    assert answer.json["errors"][0]["field"] == "level"


@pytest.mark.parametrize("group", ["org:nosuch", "network:n1"])
def test_unknown_groups_are_404_naming_the_group(api: Api, group: str) -> None:
    answer = api.call("GET", f"/public/averages?group={group}&period=2026")
    assert answer.status == 404, answer.json
    assert answer.json["errors"][0]["field"] == "group"


def test_the_report_of_an_organisation(api: Api, world: World) -> None:
    org, token = world["Kranj"], world.admin
    put = api.call(
        "PUT",
        f"/orgs/{org}/targets/2026",
        {"scope": f"org:{org}", "targets": {"activities": 4, "visits": 30, "youth_led_share": 0.5}},
        token=token,
    )
    assert put.status == 200, put.json
    api.call(
        "PUT",
        f"/orgs/{org}/analyses/2026",
        {"scope": f"org:{org}", "text": "A year of sport.", "public": True},
        token=token,
    )
    api.call(
        "PUT",
        f"/orgs/{org}/analyses/2026",
        {"scope": f"unit:{world['K1']}", "text": "Private notes.", "public": False},
        token=token,
    )
    answer = api.call("GET", f"/public/report?scope=org:{org}&year=2026")
    assert answer.status == 200, answer.json
    assert answer.headers["Cache-Control"] == "public, max-age=60"
    report = answer.json
    assert report["has_data"] is True
    assert report["figures"]["activities"]["count"] == 3
    assert report["previous"]["period"] == "2025"
    assert report["previous"]["activities"]["count"] == 1
    assert (report["averages"]["group"], report["averages"]["members"]) == ("country:SI", 2)
    assert report["targets"] == {
        "activities": {"target": 4.0, "actual": 3.0, "met": False},
        "visits": {"target": 30.0, "actual": 40.0, "met": True},
        "youth_led_share": {"target": 0.5, "actual": 0.333, "met": False},
    }
    assert report["analysis"] == "A year of sport."
    unit = api.call("GET", f"/public/report?scope=unit:{world['K1']}&year=2026").json
    assert unit["analysis"] is None  # not public
    assert unit["averages"]["group"] == f"org:{org}"


def test_a_scope_without_data_gets_a_report_that_says_so(api: Api, world: World) -> None:
    answer = api.call("GET", f"/public/report?scope=unit:{world['K3']}&year=2024")
    assert answer.status == 200, answer.json
    assert answer.json["has_data"] is False
    assert answer.json["figures"]["activities"]["count"] == 0


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("scope=org:nosuch&year=2026", 404, "scope"),
        ("scope=unit:gone&year=2026", 404, "scope"),
        ("scope=everyone&year=2026", 400, "query.scope"),
        ("scope=all&year=26", 400, "query.year"),
        ("scope=all&year=1999", 400, "query.year"),
        ("scope=all&year=2100", 400, "query.year"),
        ("scope=all", 400, "query.year"),
    ],
)
def test_bad_report_queries(api: Api, query: str, status: int, field: str) -> None:
    answer = api.call("GET", f"/public/report?{query}")
    assert answer.status == status, answer.json
    assert field in {e["field"] for e in answer.json["errors"]}


class CallLog:
    """Every DynamoDB operation a client makes (botocore's before-call event)."""

    def __init__(self, *clients: Any) -> None:
        self.calls: list[str] = []
        for client in clients:
            client.meta.events.register("before-call.dynamodb.*", self._record)

    def _record(self, model: Any, **_: Any) -> None:
        self.calls.append(model.name)


def test_averages_and_a_report_are_a_few_key_reads_and_no_scan(api: Api, world: World) -> None:
    from chalicelib.services import get_services
    from chalicelib.services.averages import AveragesService, known_network
    from chalicelib.services.statistics import StatisticsService
    from chalicelib.store import clients
    from chalicelib.store.directory import DirectoryRepository

    settings = get_settings()
    stats_client = boto3.client("dynamodb", region_name=settings.region)
    table = clients.data_table(settings)
    log = CallLog(stats_client, table.meta.client)
    directory = DirectoryRepository(table)
    service = AveragesService(
        StatisticsService(
            PublicationStore(stats_client, settings.stats_table), directory.unknown_scopes
        ),
        directory,
        get_services().targets.public_year,
        known_network(get_services().networks.network_members),
    )

    # All organisations of a year: the listing, their documents, their key figures.
    service.averages("all", None, "2026")
    assert sorted(log.calls) == ["BatchGetItem", "BatchGetItem", "Query"]

    # An organisation's units, one of them without any figures (K3): no look-up of it.
    log.calls.clear()
    service.averages(f"org:{world['Kranj']}", None, "2026")
    assert sorted(log.calls) == ["BatchGetItem", "Query"]

    # A report: the listing, two years' documents, their key figures, the peers'
    # documents and key figures, and the organisation's year of targets and analyses.
    log.calls.clear()
    service.report(f"org:{world['Kranj']}", "2026")
    assert "Scan" not in log.calls
    assert log.calls.count("Query") == 2
    assert log.calls.count("BatchGetItem") == 5
