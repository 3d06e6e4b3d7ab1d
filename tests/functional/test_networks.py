"""Networks (docs/networks.md): the routes, the coordinator role, the public listing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.functional.conftest import ADMIN, Api
from tests.functional.world import World

COORDINATOR = "coord@mama.test"


@pytest.fixture
def orgs(api: Api) -> World:
    """Two Slovenian organisations and a Finnish one, each with a unit; ``lj`` an admin."""
    world = World(api)
    for key, name, country in (
        ("lj", "Ljubljana", "SI"),
        ("mb", "Maribor", "SI"),
        ("tre", "Tampere", "FI"),
    ):
        world.with_org(key, name, country=country).with_unit(
            f"{key}_unit", f"{name} centre", org=key
        )
    return world.with_member("boss", "boss@lj.test", "org_admin", org="lj")


def _create(api: Api, orgs: World, **extra: Any) -> Any:
    body = {"name": "MaMa", "org_ids": [orgs["lj"], orgs["mb"]], **extra}
    return api.call("POST", "/networks", body, token=orgs.admin)


def test_a_platform_admin_creates_and_reads_a_network(api: Api, orgs: World) -> None:
    created = _create(api, orgs, coordinators=[COORDINATOR])
    assert created.status == 201, created.json
    network = created.json
    assert network["name"] == "MaMa"
    assert sorted(network["org_ids"]) == sorted([orgs["lj"], orgs["mb"]])
    assert network["countries"] == ["SI"]
    assert network["coordinators"] == [COORDINATOR]

    read = api.call("GET", f"/networks/{network['id']}", token=orgs.admin)
    assert read.status == 200, read.json
    assert {org["id"] for org in read.json["orgs"]} == {orgs["lj"], orgs["mb"]}
    assert all(len(org["units"]) == 1 for org in read.json["orgs"])

    listed = api.call("GET", "/networks", token=orgs.admin)
    assert [n["id"] for n in listed.json["items"]] == [network["id"]]


def test_unknown_organisations_are_named_in_a_400(api: Api, orgs: World) -> None:
    answer = api.call(
        "POST",
        "/networks",
        {"name": "Ghosts", "org_ids": [orgs["lj"], "nosuchorg1", "nosuchorg2"]},
        token=orgs.admin,
    )
    assert answer.status == 400
    assert "nosuchorg1" in answer.json["message"] and "nosuchorg2" in answer.json["message"]
    assert {e["field"] for e in answer.json["errors"]} == {"org_ids"}
    assert api.call("GET", "/networks", token=orgs.admin).json["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "org_ids": ["a"]},
        {"name": "X", "org_ids": []},
        {"name": "X", "org_ids": "abc"},
        {"name": "X", "org_ids": ["a", "a"]},
        {"name": "X", "org_ids": ["a"], "coordinators": ["not-an-email"]},
        {"name": "X", "org_ids": ["a"], "extra": 1},
    ],
)
def test_bad_bodies_are_400_naming_the_field(api: Api, orgs: World, body: dict[str, Any]) -> None:
    answer = api.call("POST", "/networks", body, token=orgs.admin)
    assert answer.status == 400, answer.json
    assert answer.json["errors"]


def test_a_network_may_span_countries_and_change_members(api: Api, orgs: World) -> None:
    network = _create(api, orgs).json
    changed = api.call(
        "PUT",
        f"/networks/{network['id']}",
        {"name": "MaMa and friends", "org_ids": [orgs["lj"], orgs["tre"]]},
        token=orgs.admin,
    )
    assert changed.status == 200, changed.json
    assert changed.json["countries"] == ["FI", "SI"]
    assert changed.json["version"] == 2
    public = api.call("GET", "/public/networks")
    assert public.status == 200
    assert public.json["items"] == [
        {
            "id": network["id"],
            "name": "MaMa and friends",
            "org_ids": sorted([orgs["lj"], orgs["tre"]]),
            "countries": ["FI", "SI"],
        }
    ]
    # Networks never leak into the organisations' listing.
    assert {o["id"] for o in api.call("GET", "/public/orgs").json["items"]} == {
        orgs["lj"],
        orgs["mb"],
        orgs["tre"],
    }


def test_creating_twice_with_one_key_makes_one_network(api: Api, orgs: World) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"name": "Kanuuna", "org_ids": [orgs["tre"]]}
    first = api.call("POST", "/networks", body, token=orgs.admin, headers=key)
    again = api.call("POST", "/networks", body, token=orgs.admin, headers=key)
    assert first.status == again.status == 201
    assert first.json["id"] == again.json["id"]
    assert len(api.call("GET", "/networks", token=orgs.admin).json["items"]) == 1


def test_a_coordinator_reads_the_network_and_writes_nothing_of_its_orgs(
    api: Api, orgs: World
) -> None:
    network = _create(api, orgs, coordinators=[COORDINATOR]).json
    token = api.token(COORDINATOR)
    me = api.call("GET", "/me", token=token).json
    assert me["networks"] == [network["id"]] and me["memberships"] == []
    assert api.call("GET", f"/networks/{network['id']}", token=token).status == 200
    assert [n["id"] for n in api.call("GET", "/networks", token=token).json["items"]] == [
        network["id"]
    ]
    org, unit = orgs["lj"], orgs["lj_unit"]
    for path in (f"/orgs/{org}", f"/orgs/{org}/units", f"/units/{unit}", f"/orgs/{org}/campaigns"):
        assert api.call("GET", path, token=token).status == 200, path
    refused = [
        ("PUT", f"/orgs/{org}", {"name": "Mine", "country": "SI"}),
        ("POST", f"/orgs/{org}/units", {"name": "New"}),
        ("GET", f"/units/{unit}/activities", None),
        (
            "POST",
            f"/units/{unit}/activities",
            {
                "date": "2026-03-01",
                "duration_minutes": 60,
                "kind": "open",
                "title": "x",
                "participants": {"girls": 1},
            },
        ),
        ("GET", f"/orgs/{org}/members", None),
        ("PUT", f"/networks/{network['id']}", {"name": "Mine", "org_ids": [org]}),
        ("POST", "/networks", {"name": "Mine", "org_ids": [org]}),
        # Not a member of the network: Tampere.
        ("GET", f"/orgs/{orgs['tre']}", None),
    ]
    for method, path, body in refused:
        assert api.call(method, path, body, token=token).status == 403, (method, path)


def test_a_coordinator_opens_campaigns_in_the_network_only(api: Api, orgs: World) -> None:
    _create(api, orgs, coordinators=[COORDINATOR])
    token = api.token(COORDINATOR)
    start = datetime.now(UTC)
    body = {
        "template_id": "annual",
        "title": "Youth survey",
        "opens_at": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "closes_at": (start + timedelta(days=21)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    for org in (orgs["lj"], orgs["mb"]):
        opened = api.call("POST", f"/orgs/{org}/campaigns", body, token=token)
        assert opened.status == 201, opened.json
    assert api.call("POST", f"/orgs/{orgs['tre']}/campaigns", body, token=token).status == 403


def test_a_removed_coordinator_loses_every_right(api: Api, orgs: World) -> None:
    network = _create(api, orgs, coordinators=[COORDINATOR]).json
    token = api.token(COORDINATOR)
    api.call(
        "PUT",
        f"/networks/{network['id']}",
        {"name": "MaMa", "org_ids": [orgs["lj"]]},
        token=orgs.admin,
    )
    assert api.call("GET", f"/orgs/{orgs['lj']}", token=token).status == 403
    assert api.call("GET", f"/networks/{network['id']}", token=token).status == 403


def test_others_may_not_read_or_write_networks(api: Api, orgs: World) -> None:
    network = _create(api, orgs).json
    boss = api.token("boss@lj.test")
    assert api.call("GET", f"/networks/{network['id']}", token=boss).status == 403
    assert api.call("GET", "/networks", token=boss).json["items"] == []
    assert (
        api.call("POST", "/networks", {"name": "X", "org_ids": [orgs["lj"]]}, token=boss).status
        == 403
    )
    assert api.call("GET", "/networks/nosuchnetwork", token=orgs.admin).status == 404


def test_the_demo_seeds_mama_and_kanuuna_once(api: Api) -> None:
    from chalicelib.services import get_services
    from devstack.seed.catalogue import NORDIC, SLOVENIA
    from devstack.seed.load import _ensure_org
    from devstack.seed.networks import MAMA_COORDINATOR, seed_networks

    services = get_services()
    admin = services.identity.principal(ADMIN)
    loaded = [_ensure_org(services, admin, spec, {}) for spec in (SLOVENIA[0], NORDIC[0])]
    assert seed_networks(admin, loaded) == 2
    assert seed_networks(admin, loaded) == 2  # a resumed seed adds nothing
    networks = api.call("GET", "/public/networks").json["items"]
    assert [(n["name"], n["countries"]) for n in networks] == [
        ("Kanuuna", ["FI"]),
        ("Mladinska mreža MaMa", ["SI"]),
    ]
    token = api.token(MAMA_COORDINATOR)
    mine = api.call("GET", "/networks", token=token).json["items"]
    assert [n["name"] for n in mine] == ["Mladinska mreža MaMa"]
