"""A small organisation set up through the API, for tests that need people and places."""

from __future__ import annotations

from dataclasses import dataclass

from tests.functional.conftest import ADMIN, Api


@dataclass
class World:
    """Two organisations; org A has two units and one person of every role."""

    admin: str
    org: str
    unit: str
    other_unit: str
    foreign_org: str
    foreign_unit: str
    org_admin: str
    worker: str
    partner: str
    outsider: str


def build_world(api: Api) -> World:
    """Create the world through the public API, as an admin would."""
    admin = api.token(ADMIN)

    def post(path: str, body: dict, token: str = admin) -> dict:
        answer = api.call("POST", path, body, token=token)
        assert answer.status == 201, (path, answer.json)
        return answer.json

    org = post("/orgs", {"name": "Ljubljana", "country": "SI", "youth_population": 60000})["id"]
    unit = post(f"/orgs/{org}/units", {"name": "MC Šiška"})["id"]
    other_unit = post(f"/orgs/{org}/units", {"name": "Mladinski center Bežigrad"})["id"]
    foreign_org = post("/orgs", {"name": "Maribor", "country": "SI"})["id"]
    foreign_unit = post(f"/orgs/{foreign_org}/units", {"name": "MC Pekarna"})["id"]
    post(f"/orgs/{org}/members", {"email": "boss@lj.test", "role": "org_admin"})
    post(f"/orgs/{org}/members", {"email": "worker@lj.test", "role": "worker", "unit_ids": [unit]})
    post(
        f"/orgs/{org}/members", {"email": "partner@lj.test", "role": "partner", "unit_ids": [unit]}
    )
    post(
        f"/orgs/{foreign_org}/members",
        {"email": "outsider@mb.test", "role": "worker", "unit_ids": [foreign_unit]},
    )
    return World(
        admin=admin,
        org=org,
        unit=unit,
        other_unit=other_unit,
        foreign_org=foreign_org,
        foreign_unit=foreign_unit,
        org_admin=api.token("boss@lj.test"),
        worker=api.token("worker@lj.test"),
        partner=api.token("partner@lj.test"),
        outsider=api.token("outsider@mb.test"),
    )
