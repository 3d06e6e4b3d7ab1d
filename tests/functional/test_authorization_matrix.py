"""Every route × every role × own, foreign and missing organisation or unit.

The routes are read from the registry (``chalicelib.api.routing.ROUTES``), so a new
route is covered the day it lands: ``test_every_route_has_an_expectation`` fails
until this table says who may call it. Each case builds a real request (a valid
body, a fresh activity or member where the call would consume one) and checks
the status class: 2xx, 401, 403 or 404.

Roles: anonymous (no token), platform admin, org admin of org A, worker and
partner of unit A1, an outsider whose token is valid but who has no role, and an
impostor whose valid token names the platform admin's verified address with another
subject (a person is their subject, not their e-mail).
Targets: "own" is org A / unit A1, "foreign" is org B / unit B1, "missing" is an
id that does not exist. Routes without an organisation or unit have one target.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import jwt
import pytest
from chalice.test import Client
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from moto import mock_aws

from app import app
from chalicelib.api.routing import ROUTES
from chalicelib.auth.tokens import PRIVATE_KEY_FILE, issue_local_token
from chalicelib.domain.activity import ActivityIn
from chalicelib.domain.models import MemberIn
from chalicelib.services import get_services
from chalicelib.settings import get_settings
from chalicelib.store.schema import create_tables
from devstack.gateway import patch_local_authorizer
from tests.functional.conftest import ADMIN, Api, reset_caches

ROLES = (
    "anonymous",
    "platform_admin",
    "org_admin",
    "worker",
    "partner",
    "coordinator",
    "outsider",
    "impostor",
)
# No role: "outsider" has a valid token and no role; "impostor" has a valid token with the
# platform admin's own address, verified, but another subject (docs/identity.md).
NO_ROLE = ("outsider", "impostor")
TARGETS = ("own", "foreign", "missing")
EMAILS = {
    "platform_admin": ADMIN,
    "org_admin": "boss@a.test",
    "worker": "worker@a.test",
    "partner": "partner@a.test",
    "coordinator": "coordinator@net.test",
    "outsider": "nobody@nowhere.test",
}
MISSING = "0000000000000000"


@dataclass
class World:
    """Org A (units A1, A2) and org B (unit B1), their goals, questions and people."""

    api: Api
    tokens: dict[str, str | None]
    orgs: dict[str, str]  # target -> org id
    units: dict[str, str]  # target -> unit id
    goals: dict[str, str]
    questions: dict[str, str]
    unit_workers: dict[str, str]  # target -> e-mail of a worker of that unit
    org_units: dict[str, str] = field(default_factory=dict)
    # target -> network id: "own" holds org A (the coordinator's), "foreign" org B
    networks: dict[str, str] = field(default_factory=dict)


def activity_body(title: str = "Open evening") -> dict[str, Any]:
    return {
        "date": "2026-03-14",
        "duration_minutes": 120,
        "kind": "open",
        "title": title,
        "participants": {"girls": 2, "boys": 1},
    }


def clear_cached_factories() -> None:
    """Every per-process cache that holds a table: this module's moto world is its own."""
    reset_caches()


def activity_in(body: dict[str, Any]) -> ActivityIn:
    # Strict models take JSON as the API does (dates as strings).
    return ActivityIn.model_validate_json(json.dumps(body))


@pytest.fixture(scope="module")
def world(key_dir: Path) -> Iterator[World]:
    """One moto world for the whole matrix: hundreds of calls, set up once."""
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        patch.setenv("LOGBOOK_LOCAL_KEY_DIR", str(key_dir))
        patch.setenv("LOGBOOK_STAGE", "local")
        patch.delenv("LOGBOOK_DYNAMODB_ENDPOINT", raising=False)
        clear_cached_factories()
        settings = get_settings()
        create_tables(
            boto3.client("dynamodb", region_name=settings.region),
            settings.data_table,
            settings.stats_table,
        )
        patch_local_authorizer()
        get_services().identity.add_platform_admin(ADMIN)
        with Client(app, stage_name="local") as client:
            api = Api(client)
            admin = api.token(ADMIN)

            def post(path: str, body: dict[str, Any]) -> str:
                answer = api.call("POST", path, body, token=admin)
                assert answer.status == 201, (path, answer.json)
                return str(answer.json["id"])

            org_a = post("/orgs", {"name": "Org A", "country": "SI"})
            org_b = post("/orgs", {"name": "Org B", "country": "FI"})
            unit_a1 = post(f"/orgs/{org_a}/units", {"name": "A1"})
            post(f"/orgs/{org_a}/units", {"name": "A2"})
            unit_b1 = post(f"/orgs/{org_b}/units", {"name": "B1"})
            members = [
                (org_a, EMAILS["org_admin"], "org_admin", []),
                (org_a, EMAILS["worker"], "worker", [unit_a1]),
                (org_a, EMAILS["partner"], "partner", [unit_a1]),
                (org_b, "worker@b.test", "worker", [unit_b1]),
            ]
            for org, email, role, units in members:
                answer = api.call(
                    "POST",
                    f"/orgs/{org}/members",
                    {"email": email, "role": role, "unit_ids": units},
                    token=admin,
                )
                assert answer.status == 201, answer.json
            networks = {
                "own": post(
                    "/networks",
                    {"name": "Net A", "org_ids": [org_a], "coordinators": [EMAILS["coordinator"]]},
                ),
                "foreign": post("/networks", {"name": "Net B", "org_ids": [org_b]}),
                "missing": MISSING,
            }
            tokens: dict[str, str | None] = {"anonymous": None}
            for role, email in EMAILS.items():
                # The outsider cannot use local sign-in (no role): their token is minted.
                tokens[role] = (
                    issue_local_token(settings, email) if role == "outsider" else api.token(email)
                )
            tokens["impostor"] = impostor_token(settings, ADMIN)
            yield World(
                api=api,
                tokens=tokens,
                orgs={"own": org_a, "foreign": org_b, "missing": MISSING},
                units={"own": unit_a1, "foreign": unit_b1, "missing": MISSING},
                goals={
                    "own": post(f"/orgs/{org_a}/goals", {"title": "Belonging"}),
                    "foreign": post(f"/orgs/{org_b}/goals", {"title": "Safety"}),
                    "missing": MISSING,
                },
                questions={
                    "own": post(f"/orgs/{org_a}/reflection-questions", {"text": "What worked?"}),
                    "foreign": post(f"/orgs/{org_b}/reflection-questions", {"text": "Why?"}),
                    "missing": MISSING,
                },
                unit_workers={"own": EMAILS["worker"], "foreign": "worker@b.test"},
                networks=networks,
            )
    clear_cached_factories()


# ---------------------------------------------------------------- request builders
@dataclass(frozen=True)
class Request:
    path: str
    body: Any = None


# A builder makes the request for (world, route path, role, target).
Builder = Callable[[World, str, str, str], Request]


def fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"no value for a parameter of {path}"
    return path


def target_ids(world: World, target: str) -> dict[str, str]:
    return {
        "org_id": world.orgs[target],
        "unit_id": world.units[target],
        "goal_id": world.goals[target],
        "question_id": world.questions[target],
        "network_id": world.networks[target],
    }


def plain(body: Any = None) -> Builder:
    """A request whose path needs only the target's ids; ``body`` may be a factory."""

    def build(world: World, path: str, role: str, target: str) -> Request:
        return Request(fill(path, target_ids(world, target)), body() if callable(body) else body)

    return build


def throwaway_member(world: World, path: str, role: str, target: str) -> Request:
    """PUT/DELETE of a member: a fresh member of the target org, so deletes never run out."""
    email = f"temp-{uuid.uuid4().hex[:10]}@a.test"
    if target != "missing":
        admin = get_services().identity.principal(ADMIN)
        get_services().people.add_member(
            admin,
            world.orgs[target],
            MemberIn(email=email, role="worker", unit_ids=[world.units[target]]),
        )
    path = fill(path, {"org_id": world.orgs[target], "email": email.replace("@", "%40")})
    return Request(path, {"role": "worker", "unit_ids": [world.units[target]]})


def fresh_activity(world: World, path: str, role: str, target: str) -> Request:
    """GET/PUT/DELETE of an activity: a fresh one, recorded by the caller where it may.

    A partner touches only what it recorded, so "own" means the caller's own
    activity; the partner-versus-someone-else's case has its own test below.
    """
    activity_id = MISSING
    if target != "missing":
        services = get_services()
        unit = world.units[target]
        may_record = role in ("platform_admin",) or (
            target == "own" and role in ("org_admin", "worker", "partner")
        )
        author = EMAILS[role] if may_record else world.unit_workers[target]
        activity = services.activities.record_activity(
            services.identity.principal(author), unit, activity_in(activity_body())
        )
        activity_id = activity.id
    path = fill(path, {"unit_id": world.units[target], "activity_id": activity_id})
    return Request(path, {**activity_body("Edited"), "version": 1})


def new_member(world: World, path: str, role: str, target: str) -> Request:
    return Request(
        fill(path, {"org_id": world.orgs[target]}),
        {
            "email": f"new-{uuid.uuid4().hex[:10]}@a.test",
            "role": "worker",
            "unit_ids": [world.units[target]],
        },
    )


def stats_of_target(world: World, path: str, role: str, target: str) -> Request:
    """Open statistics of the target unit (the route lands from the statistics branch)."""
    return Request(f"{path}?scope=unit:{world.units[target]}&period=2026")


def open_collection(world: World, target: str, kind: str = "survey") -> str:
    """A fresh open QR point in the target unit (made by the platform admin), or a bad code."""
    if target == "missing":
        return "zzzzzzzzzz"
    body = {"kind": kind, **({"template_id": "feedback"} if kind == "survey" else {})}
    answer = world.api.call(
        "POST",
        f"/units/{world.units[target]}/collections",
        body,
        token=world.tokens["platform_admin"],
    )
    assert answer.status == 201, answer.json
    return str(answer.json["code"])


def collection_route(world: World, path: str, role: str, target: str) -> Request:
    """A route of one collection: its code and unit filled in."""
    code = open_collection(world, target)
    return Request(fill(path, {"unit_id": world.units[target], "code": code}))


def survey_response(world: World, path: str, role: str, target: str) -> Request:
    """One valid answer (a 1–5 item at 4) to a fresh survey of the target unit."""
    code = open_collection(world, target)
    answers = {}
    if target != "missing":
        survey = world.api.call("GET", f"/public/collections/{code}?lang=en")
        item = next(q for q in survey.json["questions"] if q.get("indicator"))
        answers = {item["id"]: 4}
    else:
        answers = {"q1": 4}
    return Request(
        path,
        {
            "submission_id": str(uuid.uuid4()),
            "collection_code": code,
            "lang": "en",
            "answers": answers,
        },
    )


def checkin(world: World, path: str, role: str, target: str) -> Request:
    code = open_collection(world, target, kind="checkin")
    return Request(
        path,
        {"submission_id": str(uuid.uuid4()), "collection_code": code, "visitor": "a" * 64},
    )


def approved_idea(world: World, target: str) -> tuple[str, str]:
    """A fresh ideas point of the target unit with one approved proposal: (code, idea id)."""
    code = open_collection(world, target, kind="ideas")
    if target == "missing":
        return code, MISSING
    proposed = world.api.call(
        "POST",
        "/public/ideas",
        {"submission_id": str(uuid.uuid4()), "collection_code": code, "text": "We ask this"},
    )
    assert proposed.status == 201, proposed.json
    admin = world.tokens["platform_admin"]
    listed = world.api.call(
        "GET", f"/units/{world.units[target]}/collections/{code}/ideas", token=admin
    )
    idea_id = str(listed.json["items"][0]["id"])
    approved = world.api.call(
        "PUT",
        f"/units/{world.units[target]}/collections/{code}/ideas/{idea_id}",
        {"status": "approved"},
        token=admin,
    )
    assert approved.status == 200, approved.json
    return code, idea_id


def idea_proposal(world: World, path: str, role: str, target: str) -> Request:
    code = open_collection(world, target, kind="ideas")
    body = {"submission_id": str(uuid.uuid4()), "collection_code": code, "text": "Ask this"}
    return Request(path, body)


def idea_vote(world: World, path: str, role: str, target: str) -> Request:
    code, idea_id = approved_idea(world, target)
    body = {"submission_id": str(uuid.uuid4()), "collection_code": code, "idea_ids": [idea_id]}
    return Request(path, body)


def idea_route(world: World, path: str, role: str, target: str) -> Request:
    """A proposal's (or an ideas point's) route, with a decision as the body."""
    code, idea_id = approved_idea(world, target)
    values = {"unit_id": world.units[target], "code": code, "idea_id": idea_id}
    return Request(fill(path, values), {"status": "approved"})


def adopted_of_target(world: World, path: str, role: str, target: str) -> Request:
    return Request(fill(path, {"org_id": world.orgs[target]}) + "?year=2026")


def averages_of_target(world: World, path: str, role: str, target: str) -> Request:
    """The averages of the target organisation's units."""
    return Request(f"{path}?group=org:{world.orgs[target]}&period=2026")


def report_of_target(world: World, path: str, role: str, target: str) -> Request:
    """The annual report of the target unit."""
    return Request(f"{path}?scope=unit:{world.units[target]}&year=2026")


def compare_target(world: World, path: str, role: str, target: str) -> Request:
    """The target unit beside everything, over two periods."""
    return Request(f"{path}?scopes=all,unit:{world.units[target]}&periods=2026,2026-Q1")


def campaign_body() -> dict[str, Any]:
    start = datetime.now(UTC)
    return {
        "template_id": "annual",
        "title": "Youth survey",
        "opens_at": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "closes_at": (start + timedelta(days=21)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def campaign_of_target(world: World, path: str, role: str, target: str) -> Request:
    """A campaign of the target organisation (opened by the platform admin) for its unit."""
    campaign_id = MISSING
    if target != "missing":
        answer = world.api.call(
            "POST",
            f"/orgs/{world.orgs[target]}/campaigns",
            {**campaign_body(), "unit_ids": [world.units[target]]},
            token=world.tokens["platform_admin"],
        )
        assert answer.status == 201, answer.json
        campaign_id = str(answer.json["id"])
    return Request(fill(path, {"org_id": world.orgs[target], "campaign_id": campaign_id}))


def year_of_target(body: dict[str, Any]) -> Builder:
    """A PUT/GET of the target organisation's year 2026, scoped to that organisation."""

    def build(world: World, path: str, role: str, target: str) -> Request:
        org = world.orgs[target]
        return Request(fill(path, {"org_id": org, "year": "2026"}), {"scope": f"org:{org}", **body})

    return build


def key_figures_of_target(world: World, path: str, role: str, target: str) -> Request:
    """A year's key figures of the target organisation."""
    return Request(
        fill(path, {"org_id": world.orgs[target], "year": "2026"}),
        {"costs_eur": 1000, "open_weeks": 40},
    )


def impostor_token(settings: Any, email: str) -> str:
    """A genuine token (the issuer's key) for ``email``, verified, with another subject."""
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": "not-the-admin",
        "email": email,
        "email_verified": True,
        "iat": now,
        "exp": now + 3600,
    }
    private_pem = (Path(settings.local_key_dir) / PRIVATE_KEY_FILE).read_bytes()
    return jwt.encode(claims, private_pem, "RS256")


def local_login(world: World, path: str, role: str, target: str) -> Request:
    email = EMAILS.get(role, "anonymous@nowhere.test")
    return Request("/auth/local-login", {"email": email})


@dataclass(frozen=True)
class Upload:
    """A file sent as the raw body (imports), with its media type."""

    media_type: str
    content: bytes


def org_package(world: World, path: str, role: str, target: str) -> Request:
    """The target organisation's own package: a restore, which changes nothing (importing
    another organisation's package would also import its members and their roles)."""
    from chalicelib.services import get_services

    admin = get_services().identity.principal(ADMIN)
    source = world.orgs["own" if target == "missing" else target]
    package = get_services().org_packages.export_package(admin, source)
    return Request(
        fill(path, {"org_id": world.orgs[target]}), Upload("application/zip", package.content)
    )


def activity_sheet(world: World, path: str, role: str, target: str) -> Request:
    """A one-row CSV of activities, new each time (its title is unique)."""
    title = f"Imported {uuid.uuid4().hex[:8]}"
    sheet = f"date,duration_minutes,kind,title\r\n2026-03-14,60,open,{title}\r\n".encode()
    return Request(fill(path, {"unit_id": world.units[target]}), Upload("text/csv", sheet))


def local_export_link(world: World, path: str, role: str, target: str) -> Request:
    """A kept export's link: whoever holds the unguessable token may fetch it."""
    from chalicelib.api.local_files import keep_local_export

    token = keep_local_export(b"PK\x05\x06" + bytes(18), "export.zip")
    return Request(fill(path, {"token": token}))


def new_network(world: World, path: str, role: str, target: str) -> Request:
    return Request(path, {"name": "New network", "org_ids": [world.orgs["own"]]})


def network_as_it_is(world: World, path: str, role: str, target: str) -> Request:
    """A PUT of the target network that keeps its members and coordinators."""
    bodies = {
        "own": {
            "name": "Net A",
            "org_ids": [world.orgs["own"]],
            "coordinators": [EMAILS["coordinator"]],
        },
        "foreign": {"name": "Net B", "org_ids": [world.orgs["foreign"]]},
        "missing": {"name": "Nothing", "org_ids": [world.orgs["own"]]},
    }
    return Request(fill(path, {"network_id": world.networks[target]}), bodies[target])


def open_resource(world: World, path: str, role: str, target: str) -> Request:
    return Request(fill(path, {"name": "measures.csv"}))


# ---------------------------------------------------------------- who may do what
# access kinds: public, public_scoped (anyone; 404 for a missing scope), local_login, signed_in (any role), platform (platform admin),
# org_member / org_admin (of the target org), unit_member (a role in the target unit),
# org_reader (members and the coordinators of its network), campaign_opener (its admins and
# coordinators), network_reader / network_admin (of the target network).
EXPECTATIONS: dict[tuple[str, str], tuple[str, Builder]] = {
    ("GET", "/health"): ("public", plain()),
    ("GET", "/openapi.json"): ("public", plain()),
    ("GET", "/public/orgs"): ("public", plain()),
    ("POST", "/auth/local-login"): ("local_login", local_login),
    ("GET", "/local/exports/{token}"): ("public", local_export_link),
    ("GET", "/me"): ("signed_in", plain()),
    ("GET", "/orgs"): ("signed_in", plain()),
    ("POST", "/orgs"): ("platform", plain({"name": "New org", "country": "SE"})),
    ("GET", "/orgs/{org_id}"): ("org_reader", plain()),
    ("PUT", "/orgs/{org_id}"): ("org_admin", plain({"name": "Renamed", "country": "SI"})),
    ("POST", "/orgs/{org_id}/units"): ("org_admin", plain({"name": "New unit"})),
    ("GET", "/orgs/{org_id}/units"): ("org_reader", plain()),
    ("GET", "/units/{unit_id}"): ("org_reader", plain()),
    ("PUT", "/units/{unit_id}"): ("org_admin", plain({"name": "Renamed unit"})),
    ("POST", "/orgs/{org_id}/members"): ("org_admin", new_member),
    ("GET", "/orgs/{org_id}/members"): ("org_admin", plain()),
    ("PUT", "/orgs/{org_id}/members/{email}"): ("org_admin", throwaway_member),
    ("DELETE", "/orgs/{org_id}/members/{email}"): ("org_admin", throwaway_member),
    ("POST", "/orgs/{org_id}/goals"): ("org_admin", plain({"title": "New goal"})),
    ("GET", "/orgs/{org_id}/goals"): ("org_member", plain()),
    ("PUT", "/orgs/{org_id}/goals/{goal_id}"): ("org_admin", plain({"title": "Belonging"})),
    ("POST", "/orgs/{org_id}/reflection-questions"): ("org_admin", plain({"text": "New?"})),
    ("GET", "/orgs/{org_id}/reflection-questions"): ("org_member", plain()),
    ("PUT", "/orgs/{org_id}/reflection-questions/{question_id}"): (
        "org_admin",
        plain({"text": "What worked?"}),
    ),
    ("POST", "/units/{unit_id}/activities"): ("unit_member", plain(activity_body)),
    ("GET", "/units/{unit_id}/activities"): ("unit_member", plain()),
    ("GET", "/units/{unit_id}/activities/{activity_id}"): ("unit_member", fresh_activity),
    ("PUT", "/units/{unit_id}/activities/{activity_id}"): ("unit_member", fresh_activity),
    ("DELETE", "/units/{unit_id}/activities/{activity_id}"): ("unit_member", fresh_activity),
    ("GET", "/units/{unit_id}/activity-export"): ("unit_member", plain()),
    ("GET", "/orgs/{org_id}/activity-export"): ("org_admin", plain()),
    ("GET", "/orgs/{org_id}/export.zip"): ("org_admin", plain()),
    ("POST", "/orgs/{org_id}/import"): ("org_admin", org_package),
    ("POST", "/units/{unit_id}/activities/import"): ("unit_member", activity_sheet),
    ("GET", "/activity-import-template.csv"): ("public", plain()),
    ("GET", "/public/datapackage.json"): ("public", plain()),
    ("GET", "/public/datapackage/{name}"): ("public", open_resource),
    ("GET", "/public/catalog.jsonld"): ("public", plain()),
    # Open statistics: anyone, for any existing scope; an unknown unit is 404.
    ("GET", "/public/stats"): ("public_scoped", stats_of_target),
    ("GET", "/public/stats.csv"): ("public_scoped", stats_of_target),
    ("GET", "/public/compare"): ("public_scoped", compare_target),
    ("GET", "/public/averages"): ("public_scoped", averages_of_target),
    ("GET", "/public/report"): ("public_scoped", report_of_target),
    # Surveys: templates by organisation, QR points by unit, answers by anyone with a code.
    ("GET", "/survey-templates"): ("signed_in", plain()),
    ("POST", "/orgs/{org_id}/survey-templates"): (
        "org_admin",
        plain({"title": {"en": "Our feedback"}, "extends": "feedback"}),
    ),
    ("POST", "/units/{unit_id}/collections"): ("unit_member", plain({"template_id": "feedback"})),
    ("GET", "/units/{unit_id}/collections"): ("unit_member", plain()),
    ("POST", "/units/{unit_id}/collections/{code}/close"): ("unit_member", collection_route),
    ("GET", "/public/collections/{code}"): ("public_scoped", collection_route),
    ("GET", "/public/collections/{code}/qr.svg"): ("public_scoped", collection_route),
    ("POST", "/public/responses"): ("public_scoped", survey_response),
    ("POST", "/public/checkins"): ("public_scoped", checkin),
    # Ideas: anyone with the code proposes and votes; the unit's members read proposals,
    # its staff (not partners) moderate; the organisation's members read what was adopted.
    ("POST", "/public/ideas"): ("public_scoped", idea_proposal),
    ("POST", "/public/votes"): ("public_scoped", idea_vote),
    ("GET", "/units/{unit_id}/collections/{code}/ideas"): ("unit_member", idea_route),
    ("PUT", "/units/{unit_id}/collections/{code}/ideas/{idea_id}"): ("unit_staff", idea_route),
    ("GET", "/orgs/{org_id}/adopted-ideas"): ("org_member", adopted_of_target),
    # The evaluation cycle: org admins run campaigns and set targets; members follow them.
    # Coordinators of a network open campaigns in its organisations and follow them.
    ("POST", "/orgs/{org_id}/campaigns"): ("campaign_opener", plain(campaign_body)),
    ("GET", "/orgs/{org_id}/campaigns"): ("org_reader", plain()),
    ("GET", "/orgs/{org_id}/campaigns/{campaign_id}"): ("org_reader", campaign_of_target),
    ("PUT", "/orgs/{org_id}/targets/{year}"): (
        "org_admin",
        year_of_target({"targets": {"indicator:safety": 4.2}}),
    ),
    ("GET", "/orgs/{org_id}/targets/{year}"): ("org_member", year_of_target({})),
    ("PUT", "/orgs/{org_id}/analyses/{year}"): (
        "org_admin",
        year_of_target({"text": "A good year.", "public": True}),
    ),
    ("GET", "/orgs/{org_id}/analyses/{year}"): ("org_member", year_of_target({})),
    # Vocabulary and key figures: the organisation's members read, its admins write.
    ("GET", "/orgs/{org_id}/vocabulary"): ("org_member", plain()),
    ("PUT", "/orgs/{org_id}/vocabulary"): (
        "org_admin",
        plain({"categories": [{"id": "cafe", "labels": {"en": "Café"}, "maps_to": "socialising"}]}),
    ),
    ("GET", "/orgs/{org_id}/key-figures"): ("org_member", plain()),
    ("GET", "/orgs/{org_id}/key-figures/{year}"): ("org_member", key_figures_of_target),
    ("PUT", "/orgs/{org_id}/key-figures/{year}"): ("org_admin", key_figures_of_target),
    # Networks: platform admins make and change them; coordinators read theirs.
    ("POST", "/networks"): ("platform", new_network),
    ("GET", "/networks"): ("signed_in", plain()),
    ("GET", "/networks/{network_id}"): ("network_reader", plain()),
    ("PUT", "/networks/{network_id}"): ("network_admin", network_as_it_is),
    ("GET", "/public/networks"): ("public", plain()),
}
ALLOWED = {
    "org_member": {"org_admin", "worker", "partner"},
    "org_reader": {"org_admin", "worker", "partner", "coordinator"},
    "campaign_opener": {"org_admin", "coordinator"},
    "network_reader": {"coordinator"},
    "network_admin": set(),
    "org_admin": {"org_admin"},
    "unit_member": {"org_admin", "worker", "partner"},
    "unit_staff": {"org_admin", "worker"},
}
UNSCOPED = {"public", "local_login", "signed_in", "platform"}


def expected(access: str, role: str, target: str) -> str:
    """The status class a role gets for a route of this access kind on this target."""
    if access == "public":
        return "2xx"
    if access == "public_scoped":
        return "404" if target == "missing" else "2xx"
    if access == "local_login":
        return "401" if role in ("anonymous", *NO_ROLE) else "2xx"
    if role == "anonymous":
        return "401"
    if role in NO_ROLE:
        return "403"
    if access == "signed_in":
        return "2xx"
    if access == "platform":
        return "2xx" if role == "platform_admin" else "403"
    if target == "missing":
        return "404"
    if role == "platform_admin":
        return "2xx"
    if target == "foreign":
        return "403"
    return "2xx" if role in ALLOWED[access] else "403"


def status_class(status: int) -> str:
    """2xx, or the exact code: the matrix tells 401, 403 and 404 apart."""
    return "2xx" if 200 <= status < 300 else str(status)


def route_keys() -> list[tuple[str, str]]:
    return sorted({(route.method, route.path) for route in ROUTES})


def cases() -> Iterator[Any]:
    for key in route_keys():
        if key not in EXPECTATIONS:
            continue
        access, _ = EXPECTATIONS[key]
        targets = ("-",) if access in UNSCOPED else TARGETS
        for role in ROLES:
            for target in targets:
                yield pytest.param(key, role, target, id=f"{key[0]} {key[1]} | {role} | {target}")


# ---------------------------------------------------------------- the tests
def send(world: World, method: str, path: str, body: Any, token: str | None) -> Any:
    """One call; JSON is parsed only when the answer is JSON (exports are files)."""
    # As browsers and curl do: binary answers (zip) need an Accept that admits them.
    headers = {"Content-Type": "application/json", "Accept": "*/*"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if isinstance(body, Upload):
        headers["Content-Type"], data = body.media_type, body.content
    else:
        data = json.dumps(body) if body is not None else None
    answer = world.api.client.http.request(method, path, headers=headers, body=data)
    is_json = "json" in answer.headers.get("Content-Type", "") and answer.body
    answer.json = json.loads(answer.body) if is_json else None
    return answer


def test_every_route_has_an_expectation() -> None:
    missing = [
        f"{method} {path}" for method, path in route_keys() if (method, path) not in EXPECTATIONS
    ]
    assert missing == [], (
        "routes without an authorization expectation; add them to EXPECTATIONS: "
        + ", ".join(missing)
    )


def test_the_matrix_covers_enough_routes() -> None:
    # Guards against the registry being empty (e.g. the app not imported).
    assert len([key for key in route_keys() if key in EXPECTATIONS]) >= 30


@pytest.mark.parametrize(("route", "role", "target"), list(cases()))
def test_route_role_target(world: World, route: tuple[str, str], role: str, target: str) -> None:
    method, path = route
    access, build = EXPECTATIONS[route]
    request = build(world, path, role, target if target != "-" else "own")
    answer = send(world, method, request.path, request.body, world.tokens[role])
    want = expected(access, role, target)
    got = status_class(answer.status_code)
    assert got == want, (
        f"{method} {request.path} as {role}: {answer.status_code} {answer.body[:300]!r}"
    )
    if got != "2xx" and answer.json is not None and "error" in answer.json:
        # Our own refusals keep the error shape (the authorizer's 401 is API Gateway's).
        assert {"error", "message", "errors"} <= set(answer.json)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_a_partner_cannot_touch_someone_elses_activity(world: World, method: str) -> None:
    services = get_services()
    activity = services.activities.record_activity(
        services.identity.principal(EMAILS["worker"]),
        world.units["own"],
        activity_in(activity_body()),
    )
    body = {**activity_body("Partner edit"), "version": 1} if method == "PUT" else None
    answer = world.api.call(
        method,
        f"/units/{world.units['own']}/activities/{activity.id}",
        body,
        token=world.tokens["partner"],
    )
    assert answer.status_code == 403


def test_a_partner_lists_and_exports_only_its_own_activities(world: World) -> None:
    services = get_services()
    unit = world.units["own"]
    mine = services.activities.record_activity(
        services.identity.principal(EMAILS["partner"]), unit, activity_in(activity_body("M"))
    )
    listing = world.api.call(
        "GET", f"/units/{unit}/activities?limit=200", token=world.tokens["partner"]
    )
    assert {item["created_by"] for item in listing.json["items"]} == {EMAILS["partner"]}
    assert mine.id in {item["id"] for item in listing.json["items"]}
    exported = world.api.client.http.request(
        "GET",
        f"/units/{unit}/activity-export?format=csv",
        headers={"Authorization": f"Bearer {world.tokens['partner']}"},
    )
    assert exported.status_code == 200
    ids = {row["activity_id"] for row in csv.DictReader(io.StringIO(exported.body.decode()[1:]))}
    assert mine.id in ids
    assert all(
        services.activities.get_activity(
            services.identity.principal(ADMIN), unit, activity_id
        ).created_by
        == EMAILS["partner"]
        for activity_id in ids
    )


def test_a_worker_of_one_unit_is_refused_the_other_unit_of_its_org(world: World) -> None:
    units = world.api.call("GET", f"/orgs/{world.orgs['own']}/units", token=world.tokens["worker"])
    other = next(unit["id"] for unit in units.json["items"] if unit["name"] == "A2")
    for method, path in [
        ("GET", f"/units/{other}/activities"),
        ("POST", f"/units/{other}/activities"),
        ("GET", f"/units/{other}/activity-export"),
    ]:
        body = activity_body() if method == "POST" else None
        answer = send(world, method, path, body, world.tokens["worker"])
        assert answer.status_code == 403, (method, path, answer.json)


# ---------------------------------------------------------------- forged tokens
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def forged_tokens(key_dir: Path) -> dict[str, str]:
    """Tokens a caller might try; none of them may pass the authorizer."""
    settings = get_settings()
    private_pem = (key_dir / PRIVATE_KEY_FILE).read_bytes()
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": ADMIN,
        "email": ADMIN,
        "iat": now,
        "exp": now + 600,
    }
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    honest_worker = jwt.encode(
        {**claims, "sub": "w", "email": EMAILS["worker"]}, private_pem, "RS256"
    )
    header, _, signature = honest_worker.split(".")
    unsigned_header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return {
        "bad-signature": jwt.encode(claims, other_key, "RS256"),
        "wrong-issuer": jwt.encode({**claims, "iss": "someone-else"}, private_pem, "RS256"),
        "wrong-audience": jwt.encode({**claims, "aud": "another-app"}, private_pem, "RS256"),
        "alg-none": f"{unsigned_header}.{_b64(json.dumps(claims).encode())}.",
        "tampered-claims": f"{header}.{_b64(json.dumps(claims).encode())}.{signature}",
        "expired": jwt.encode(
            {**claims, "iat": now - 7200, "exp": now - 3600}, private_pem, "RS256"
        ),
        "garbage": "not-a-token",
    }


FORGERIES = (
    "bad-signature",
    "wrong-issuer",
    "wrong-audience",
    "alg-none",
    "tampered-claims",
    "expired",
    "garbage",
)


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_token_is_401_on_every_route_that_needs_one(
    world: World, key_dir: Path, forgery: str
) -> None:
    token = forged_tokens(key_dir)[forgery]
    protected = [route for route in ROUTES if not route.public]
    assert protected
    for route in protected:
        # The authorizer answers before any route runs: the ids need not exist.
        path = re.sub(r"\{\w+\}", MISSING, route.path)
        answer = send(world, route.method, path, {}, token)
        assert answer.status_code == 401, (
            f"{forgery}: {route.method} {route.path} -> {answer.status_code}"
        )


# ---------------------------------------------------------------- idempotent creation
def creating_routes() -> list[tuple[str, str]]:
    """Every route that creates something for a signed-in person (POST answering 201)."""
    return sorted(
        (r.method, r.path)
        for r in ROUTES
        if r.method == "POST" and r.status == 201 and not r.public
    )


def test_every_creating_post_is_idempotent_in_the_registry() -> None:
    routes = creating_routes()
    assert ("POST", "/units/{unit_id}/activities") in routes
    keyed = {(r.method, r.path) for r in ROUTES if r.idempotent}
    assert set(routes) <= keyed


def data_items() -> int:
    table = boto3.resource("dynamodb", region_name=get_settings().region).Table(
        get_settings().data_table
    )
    return int(table.scan(Select="COUNT")["Count"])


@pytest.mark.parametrize("route", creating_routes(), ids=lambda r: f"{r[0]} {r[1]}")
def test_a_creating_post_sent_twice_with_one_key_stores_once(
    world: World, route: tuple[str, str]
) -> None:
    method, path = route
    _, build = EXPECTATIONS[route]
    request = build(world, path, "platform_admin", "own")
    token = world.tokens["platform_admin"]
    key = str(uuid.uuid4())
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    headers["Idempotency-Key"] = key

    if isinstance(request.body, Upload):
        headers["Content-Type"], body = request.body.media_type, request.body.content
    else:
        body = json.dumps(request.body)

    def post() -> Any:
        return world.api.client.http.request(method, request.path, headers=headers, body=body)

    first = post()
    assert first.status_code == 201, first.body
    stored = data_items()
    again = post()
    assert (again.status_code, again.body) == (first.status_code, first.body)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert data_items() == stored
