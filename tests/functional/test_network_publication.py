"""Network and country documents: the sum of their organisations' published documents,
suppressed where any member is, rebuilt when a network's members change (on moto)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.events.aggregate import get_aggregator
from chalicelib.settings import get_settings
from chalicelib.store.clients import data_table
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.networks import NetworkRepository
from tests.network_sums import group_problems
from tools.stream_events import activity_item, response_item, stream_event, stream_record

PERIODS = ("2026", "2026-Q1", "2026-03", "2026-04")
_SEQUENCE = itertools.count(1)
NOW = "2026-01-01T00:00:00Z"


def make_world() -> dict[str, Any]:
    """Ljubljana and Maribor (SI, units l1, l2 and m1), Tampere (FI, unit t1)."""
    table = data_table(get_settings())
    directory = DirectoryRepository(table)
    for org, name, country in (
        ("lj", "Ljubljana", "SI"),
        ("mb", "Maribor", "SI"),
        ("tre", "Tampere", "FI"),
    ):
        directory.create_org(
            {"id": org, "name": name, "country": country, "created_at": NOW, "updated_at": NOW}
        )
    for unit, org in (("l1", "lj"), ("l2", "lj"), ("m1", "mb"), ("t1", "tre")):
        directory.create_unit(
            {"id": unit, "org_id": org, "name": unit, "created_at": NOW, "updated_at": NOW}
        )
    return {"networks": NetworkRepository(table)}


@pytest.fixture
def world(aws: None) -> dict[str, Any]:
    return make_world()


def fold(items: list[dict[str, Any]], old: list[dict[str, Any] | None] | None = None) -> None:
    olds = old or [None] * len(items)
    records = [stream_record(next(_SEQUENCE), o, n) for o, n in zip(olds, items, strict=True)]
    get_aggregator().handle(stream_event(records, "shardId-1"))


def set_network(
    world: dict[str, Any], org_ids: list[str], before: dict[str, Any] | None
) -> dict[str, Any]:
    """Store network n1 with these members and fold its change from the stream."""
    item = {
        "id": "n1",
        "name": "MaMa",
        "org_ids": org_ids,
        "coordinators": [],
        "created_at": NOW,
        "updated_at": NOW,
        "version": (before or {}).get("version", 0) + 1,
    }
    repo: NetworkRepository = world["networks"]
    if before is None:
        repo.create_network(item)
    else:
        repo.replace_network(item, before["version"])
    stored = {"PK": "NETWORK#n1", "SK": "NETWORK", "type": "network", **item}
    previous = (
        {"PK": "NETWORK#n1", "SK": "NETWORK", "type": "network", **before} if before else None
    )
    fold([stored], [previous])
    return item


@pytest.fixture
def client(world: dict[str, Any]) -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="local") as test_client:
        yield test_client


def read(client: Client, scope: str, period: str) -> dict[str, Any]:
    answer = client.http.get(f"/public/stats?scope={scope}&period={period}")
    assert answer.status_code == 200, answer.body
    return json.loads(answer.body)


def assert_sum(read_one: Callable[[str, str], dict[str, Any]], scope: str, orgs: list[str]) -> None:
    for period in PERIODS:
        group = read_one(scope, period)
        members = [read_one(f"org:{org}", period) for org in orgs]
        assert group_problems(group, members) == [], (scope, period)


def activities() -> list[dict[str, Any]]:
    return [
        activity_item(
            "a1", "l1", "lj", "2026-03-02", participants={"girls": 6, "boys": 5}, kind="group"
        ),
        activity_item(
            "a2", "l2", "lj", "2026-03-09", participants={"girls": 4, "boys": 7}, youth_led=True
        ),
        activity_item("a3", "m1", "mb", "2026-03-03", participants={"girls": 1, "boys": 9}),
        activity_item(
            "a4", "t1", "tre", "2026-04-03", participants={"girls": 8, "boys": 8}, kind="event"
        ),
    ]


def test_network_and_country_documents_are_sums_of_their_organisations(
    client: Client, world: dict[str, Any]
) -> None:
    set_network(world, ["lj", "mb"], None)
    fold(activities())

    def get(scope: str, period: str) -> dict[str, Any]:
        return read(client, scope, period)

    assert_sum(get, "network:n1", ["lj", "mb"])
    assert_sum(get, "country:SI", ["lj", "mb"])
    assert_sum(get, "country:FI", ["tre"])
    network = get("network:n1", "2026-03")
    assert network["activities"]["count"] == 3
    assert network["activities"]["by_kind"] == {"group": 1, "open": 2}
    # Maribor's one unit has a girl alone in March: Maribor's girls are null, so are
    # the network's, and named so.
    assert get("org:mb", "2026-03")["participation"]["girls"] is None
    assert network["participation"]["girls"] is None
    assert "girls" in network["participation"]["suppressed"]


def test_a_network_indicator_is_recombined_exactly_or_suppressed(
    client: Client, world: dict[str, Any]
) -> None:
    set_network(world, ["lj", "mb", "tre"], None)
    fold(
        [
            response_item(f"l{i}", "l1", "lj", "2026-03-05", {"safety": 3 + i % 3, "fairness": 4})
            for i in range(20)
        ]
        + [
            response_item(f"m{i}", "m1", "mb", "2026-03-06", {"safety": 5, "fairness": 2})
            for i in range(16)
        ]
        + [response_item(f"t{i}", "t1", "tre", "2026-03-07", {"safety": 1}) for i in range(15)]
        + [response_item(f"x{i}", "t1", "tre", "2026-03-08", {"fairness": 5}) for i in range(5)]
    )
    network = read(client, "network:n1", "2026-03")
    safety = network["indicators"]["safety"]
    # 20 × (3, 4, 5 …) + 16 × 5 + 15 × 1, exactly
    scores = [3 + i % 3 for i in range(20)] + [5] * 16 + [1] * 15
    assert safety["n"] == 51
    assert safety["mean"] == round(sum(scores) / 51, 2)
    assert safety["distribution"] == {"1": 15, "2": 0, "3": 7, "4": 7, "5": 22}
    # Tampere's fairness rests on 5 young people: suppressed there, so in the network
    assert read(client, "org:tre", "2026-03")["indicators"]["fairness"]["suppressed"] is True
    assert network["indicators"]["fairness"] == {
        "suppressed": True,
        "reason": "protects_another_cell",
    }
    assert_sum(lambda s, p: read(client, s, p), "network:n1", ["lj", "mb", "tre"])
    assert_sum(lambda s, p: read(client, s, p), "country:SI", ["lj", "mb"])


def test_a_network_follows_its_members_as_they_join_and_leave(
    client: Client, world: dict[str, Any]
) -> None:
    fold(activities())
    fold([response_item(f"r{i}", "l1", "lj", "2026-03-05", {"safety": 4}) for i in range(16)])
    network = set_network(world, ["lj"], None)
    assert_sum(lambda s, p: read(client, s, p), "network:n1", ["lj"])
    # The rebuild recombined the member's released survey sums too.
    assert read(client, "network:n1", "2026")["indicators"]["safety"]["n"] == 16
    network = set_network(world, ["lj", "tre"], network)
    assert_sum(lambda s, p: read(client, s, p), "network:n1", ["lj", "tre"])
    network = set_network(world, ["tre"], network)
    assert_sum(lambda s, p: read(client, s, p), "network:n1", ["tre"])
    # A later activity of a member moves the network; of a former member, not.
    fold([activity_item("a5", "t1", "tre", "2026-03-20", participants={"girls": 3, "boys": 3})])
    fold([activity_item("a6", "l1", "lj", "2026-03-21", participants={"girls": 3, "boys": 3})])
    assert read(client, "network:n1", "2026-03")["activities"]["count"] == 1
    assert_sum(lambda s, p: read(client, s, p), "network:n1", ["tre"])
    # The same change delivered twice changes nothing.
    fold([{"PK": "NETWORK#n1", "SK": "NETWORK", "type": "network", **network}], [None])
    assert_sum(lambda s, p: read(client, s, p), "network:n1", ["tre"])


def test_a_network_scope_is_one_get_item(client: Client, world: dict[str, Any]) -> None:
    from chalicelib.services import get_services

    set_network(world, ["lj", "mb"], None)
    fold(activities())
    service = get_services().statistics
    calls: list[str] = []
    service._store._client.meta.events.register(  # type: ignore[attr-defined]
        "before-call.dynamodb", lambda model, **_: calls.append(model.name)
    )
    assert client.http.get("/public/stats?scope=network:n1&period=2026").status_code == 200
    assert client.http.get("/public/stats?scope=country:SI&period=2026").status_code == 200
    assert calls == ["GetItem", "GetItem"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("scope=network:nosuch&period=2026", 404),
        ("scope=country:SE&period=2026", 404),
        ("scope=country:si&period=2026", 400),
        ("scope=country:SVN&period=2026", 400),
        ("scope=network:&period=2026", 400),
        ("scope=network:n1&period=2019", 200),
    ],
)
def test_group_scopes_are_checked(
    client: Client, world: dict[str, Any], query: str, status: int
) -> None:
    set_network(world, ["lj"], None)
    for path in ("/public/stats", "/public/stats.csv"):
        answer = client.http.get(f"{path}?{query}")
        assert answer.status_code == status, (path, query, answer.body)
        if status != 200:
            assert json.loads(answer.body)["errors"][0]["field"].endswith("scope")


def test_compare_takes_network_and_country_scopes(client: Client, world: dict[str, Any]) -> None:
    set_network(world, ["lj", "mb"], None)
    fold(activities())
    answer = client.http.get("/public/compare?scopes=network:n1,country:SI,country:FI&periods=2026")
    assert answer.status_code == 200, answer.body
    items = json.loads(answer.body)["items"]
    assert [item["scope"] for item in items] == ["network:n1", "country:SI", "country:FI"]
    assert [item["activities"]["count"] for item in items] == [3, 3, 1]


def test_an_organisation_that_moves_country_moves_its_figures(
    client: Client, world: dict[str, Any]
) -> None:
    fold(activities())
    directory = DirectoryRepository(data_table(get_settings()))
    before = directory.get_org("mb")
    assert before is not None
    after = {**before, "country": "FI"}
    directory.replace_org(after)
    org_item = {"PK": "ORG#mb", "SK": "ORG", "type": "org"}
    fold([{**org_item, **after}], [{**org_item, **before}])
    get = lambda s, p: read(client, s, p)  # noqa: E731
    assert_sum(get, "country:SI", ["lj"])
    assert_sum(get, "country:FI", ["mb", "tre"])
    # Nothing else changed: the same record again rebuilds the same documents.
    fold([{**org_item, **after}], [{**org_item, **before}])
    assert_sum(get, "country:FI", ["mb", "tre"])


def test_a_rebuild_restores_a_networks_entry_and_figures(
    client: Client, world: dict[str, Any]
) -> None:
    import boto3

    from chalicelib.store.stats import StatsStore
    from tools import stats_admin

    set_network(world, ["lj", "tre"], None)
    fold(activities())
    settings = get_settings()
    table = data_table(settings)
    table.delete_item(Key={"PK": "PUBLIC#LISTING", "SK": "NETWORK#n1"})
    client_ = boto3.client("dynamodb", region_name=settings.region)
    stats_admin.rebuild(
        client_,
        boto3.client("dynamodbstreams", region_name=settings.region),
        settings.data_table,
        StatsStore(client_, settings.stats_table),
        progress=False,
    )
    assert [n["id"] for n in json.loads(client.http.get("/public/networks").body)["items"]] == [
        "n1"
    ]
    assert_sum(lambda s, p: read(client, s, p), "network:n1", ["lj", "tre"])


def test_the_open_data_package_has_networks_and_countries(
    client: Client, world: dict[str, Any]
) -> None:
    import csv
    import io

    set_network(world, ["lj", "mb"], None)
    fold(activities())
    answer = client.http.get("/public/datapackage/figures-2026.csv")
    assert answer.status_code == 200, answer.body
    rows = list(csv.DictReader(io.StringIO(answer.body.decode("utf-8-sig"))))
    visits = {
        (row["scope"], row["period"]): row["value"]
        for row in rows
        if row["section"] == "summary" and row["measure"] == "visits"
    }
    assert visits[("network:n1", "2026-03")] == "32"
    assert visits[("country:FI", "2026")] == "16"
    names = {row["scope"]: row["scope_name"] for row in rows}
    assert names["network:n1"] == "MaMa" and names["country:SI"] == "SI"
