"""Nothing private reaches a public route.

Given an organisation whose private fields all carry one unique marker — diary notes,
the team's reflection answers, activity titles, goal and reflection-question texts,
unit descriptions, member e-mails (also as ``created_by``) and, once surveys exist,
free-text survey answers and young people's proposals that are new or rejected — when every public GET route in
``chalicelib.api.routing.ROUTES`` is called with real ids and every scope and period,
then the marker appears in no answer, and no suppressed indicator carries a figure.

Goal titles, reflection questions, activity titles and unit descriptions are
treated as private: they are written for colleagues and may name young people.
Routes are taken from the Chalice app's own route table (every route without an
authorizer), so a public route added later is checked too — also one declared outside
``endpoint``; its query model comes from ``chalicelib.api.routing.ROUTES`` when it is
registered there, otherwise it is called bare and with every scope and period. A path
or query parameter this test cannot fill makes it fail, never skip.
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib.api.routing import ROUTES
from tests.functional.conftest import ADMIN, Api

# Lower case: e-mails are stored lower-cased, and the search is case-insensitive anyway.
MARKER = f"privmark{uuid.uuid4().hex[:12]}"
PERIODS = ("2026", "2026-Q1", "2026-03")
# Fields a suppressed indicator must not carry (docs/privacy.md: n, suppressed, reason).
FIGURES = {"mean", "ci95", "agree_share", "distribution", "sd", "sum", "scores"}
# Query parameters of a public route that is not in the OpenAPI registry.
UNREGISTERED_QUERY = object()


@dataclass(frozen=True)
class PublicRoute:
    """A GET route anyone may call, and the query model it declares (if registered)."""

    path: str
    query: Any  # a pydantic model, None, or UNREGISTERED_QUERY
    json: bool


@dataclass
class PlantedWorld:
    """Real ids to fill path parameters with, and what was planted where."""

    org_id: str
    org_name: str
    unit_id: str
    activity_id: str
    collection_codes: list[str] = field(default_factory=list)
    planted: list[str] = field(default_factory=list)
    ideas_code: str = ""
    approved_idea: str = ""
    network_id: str = ""


def _has_route(method: str, path: str) -> bool:
    return any(r.method == method and r.path == path for r in ROUTES)


def _activity(goal_id: str, question_id: str, date: str) -> dict[str, Any]:
    return {
        "date": date,
        "start_time": "17:00",
        "duration_minutes": 90,
        "kind": "open",
        "categories": ["socialising"],
        "title": f"Title {MARKER}",
        "participants": {"girls": 4, "boys": 3, "nonbinary": 0, "undisclosed": 1},
        "age_bands": {"13_15": 5, "16_18": 3},
        "new_participants": 1,
        "youth_led": True,
        "youth_leaders": 1,
        "volunteers": 1,
        "staff": 2,
        "goal_ids": [goal_id],
        "goal_ratings": {goal_id: 4},
        "notes": f"Diary {MARKER}",
        "reflection": {question_id: f"Reflection {MARKER}"},
    }


def _plant_survey_free_text(api: Api, token: str, world: PlantedWorld) -> None:
    """Answer a survey with the marker in every free-text question (when surveys exist)."""
    if not (
        _has_route("POST", "/units/{unit_id}/collections")
        and _has_route("POST", "/public/responses")
    ):
        return
    templates = api.call("GET", "/survey-templates", token=token)
    assert templates.status == 200, templates.json
    for template in templates.json["items"]:
        made = api.call(
            "POST",
            f"/units/{world.unit_id}/collections",
            {"template_id": template["id"]},
            token=token,
        )
        assert made.status == 201, made.json
        code = made.json["code"]
        world.collection_codes.append(code)
        form = api.call("GET", f"/public/collections/{code}?lang=en")
        assert form.status == 200, form.json
        answers: dict[str, Any] = {}
        for question in form.json["questions"]:
            if question.get("indicator") or re.search(r"scale|likert|rating", question["type"]):
                answers[question["id"]] = 4
            elif question.get("options"):
                option = question["options"][0]
                answers[question["id"]] = option.get("value", option.get("id", option))
            elif "text" in question["type"]:
                answers[question["id"]] = f"Free text {MARKER}"
                world.planted.append(f"survey {template['id']} answer {question['id']}")
        sent = api.call(
            "POST",
            "/public/responses",
            {
                "submission_id": str(uuid.uuid4()),
                "collection_code": code,
                "lang": "en",
                "answers": answers,
            },
        )
        assert sent.status in (200, 201), sent.json
        assert MARKER not in (sent.body.decode() if isinstance(sent.body, bytes) else sent.body)


APPROVED_IDEA = "Young people decide what the centre buys"


def _plant_ideas(api: Api, token: str, world: PlantedWorld) -> None:
    """An ideas point with the marker in a new, a rejected and an un-approved proposal,
    beside one approved proposal (without it) that has votes."""
    if not _has_route("POST", "/public/ideas"):
        return
    made = api.call("POST", f"/units/{world.unit_id}/collections", {"kind": "ideas"}, token=token)
    assert made.status == 201, made.json
    code = made.json["code"]
    world.collection_codes.append(code)
    world.ideas_code = code
    texts = {
        "new": f"New idea {MARKER}",
        "rejected": f"Rejected idea {MARKER}",
        "unapproved": f"Approved then rejected {MARKER}",
        "approved": APPROVED_IDEA,
    }
    for text in texts.values():
        sent = api.call(
            "POST",
            "/public/ideas",
            {"submission_id": str(uuid.uuid4()), "collection_code": code, "text": text},
        )
        assert sent.status == 201, sent.json
    base = f"/units/{world.unit_id}/collections/{code}/ideas"
    listed = api.call("GET", base, token=token)
    ids = {item["text"]: item["id"] for item in listed.json["items"]}
    for name, statuses in (
        ("rejected", ["rejected"]),
        ("unapproved", ["approved", "rejected"]),
        ("approved", ["approved"]),
    ):
        for status in statuses:
            decided = api.call("PUT", f"{base}/{ids[texts[name]]}", {"status": status}, token=token)
            assert decided.status == 200, decided.json
    world.approved_idea = ids[APPROVED_IDEA]
    for _ in range(2):
        voted = api.call(
            "POST",
            "/public/votes",
            {
                "submission_id": str(uuid.uuid4()),
                "collection_code": code,
                "idea_ids": [world.approved_idea],
            },
        )
        assert voted.status == 201, voted.json
    world.planted.extend(["new proposal", "rejected proposal", "proposal approved then rejected"])


@pytest.fixture
def world(api: Api) -> PlantedWorld:
    admin = api.token(ADMIN)
    org_name = f"Openville {uuid.uuid4().hex[:6]}"
    org = api.call(
        "POST", "/orgs", {"name": org_name, "country": "SI", "youth_population": 5000}, token=admin
    )
    assert org.status == 201, org.json
    org_id = org.json["id"]
    unit = api.call(
        "POST",
        f"/orgs/{org_id}/units",
        {"name": "Centre One", "description": f"Unit notes {MARKER}"},
        token=admin,
    )
    assert unit.status == 201, unit.json
    unit_id = unit.json["id"]
    goal = api.call(
        "POST",
        f"/orgs/{org_id}/goals",
        {"title": f"Goal {MARKER}", "description": f"Goal text {MARKER}"},
        token=admin,
    )
    assert goal.status == 201, goal.json
    question = api.call(
        "POST", f"/orgs/{org_id}/reflection-questions", {"text": f"Q {MARKER}?"}, token=admin
    )
    assert question.status == 201, question.json
    worker_email = f"{MARKER}@example.org"
    member = api.call(
        "POST",
        f"/orgs/{org_id}/members",
        {"email": worker_email, "role": "worker", "unit_ids": [unit_id]},
        token=admin,
    )
    assert member.status == 201, member.json
    worker = api.token(worker_email)
    network = api.call(
        "POST",
        "/networks",
        {"name": "Open network", "org_ids": [org_id], "coordinators": [f"c-{worker_email}"]},
        token=admin,
    )
    assert network.status == 201, network.json
    activity_id = ""
    for date in ("2026-03-14", "2026-03-20"):
        made = api.call(
            "POST",
            f"/units/{unit_id}/activities",
            _activity(goal.json["id"], question.json["id"], date),
            token=worker,
        )
        assert made.status == 201, made.json
        assert made.json["created_by"] == worker_email  # the e-mail really is stored
        activity_id = made.json["id"]
    world = PlantedWorld(
        org_id=org_id,
        org_name=org_name,
        unit_id=unit_id,
        activity_id=activity_id,
        network_id=network.json["id"],
        planted=[
            "activity notes",
            "activity title",
            "reflection answer",
            "reflection question",
            "goal title and description",
            "unit description",
            "member e-mail (created_by)",
            "network coordinator's e-mail",
        ],
    )
    _plant_survey_free_text(api, worker, world)
    _plant_ideas(api, worker, world)
    _record_scores_and_aggregate(org_id, unit_id)
    return world


def _record_scores_and_aggregate(org_id: str, unit_id: str) -> None:
    """Survey scores on both sides of the threshold, then the statistics recomputed.

    ``safety`` gets 20 respondents (published), ``fairness`` 5 (suppressed), all in
    March 2026. Survey answers are dated when they arrive, so these are stored with the
    aggregator's own item builder to land in a chosen period; the aggregator's
    ``rebuild`` then folds the data table into the stats table, so the statistics
    routes answer with real figures rather than zeros.
    """
    import boto3

    from chalicelib.settings import get_settings
    from chalicelib.store.stats import StatsStore
    from tools import stats_admin
    from tools.stream_events import response_item, serialize

    settings = get_settings()
    client = boto3.client("dynamodb", region_name=settings.region)
    for index in range(20):
        scores = {"safety": 3 + index % 3} | ({"fairness": 4} if index < 5 else {})
        item = response_item(f"r{index}", unit_id, org_id, "2026-03-10", scores)
        client.put_item(TableName=settings.data_table, Item=serialize(item))
    stats_admin.rebuild(
        client,
        boto3.client("dynamodbstreams", region_name=settings.region),
        settings.data_table,
        StatsStore(client, settings.stats_table),
        progress=False,
    )


def _path_values(name: str, world: PlantedWorld) -> list[str]:
    values = {
        "org_id": [world.org_id],
        "unit_id": [world.unit_id],
        "activity_id": [world.activity_id],
        "code": world.collection_codes,
        "collection_code": world.collection_codes,
        # The open data package's resources (chalicelib/api/open_data.py).
        "name": ["measures.csv", "figures-2026.csv"],
        # A local export's link (chalicelib/api/local_files.py) is a secret handed to the
        # org admin who asked for it; what anyone else can do is guess one.
        "token": ["0123456789abcdef0123456789abcdef"],
    }
    if name not in values:
        pytest.fail(f"teach this test how to fill the path parameter {{{name}}} of a public route")
    return values[name]


def _query_values(model: Any, world: PlantedWorld) -> Iterator[dict[str, str]]:
    """Every combination of scope and period (and a language) the query model takes."""
    known: dict[str, list[str]] = {
        "scope": [
            "all",
            f"org:{world.org_id}",
            f"unit:{world.unit_id}",
            f"network:{world.network_id}",
            "country:SI",
        ],
        "scopes": [
            f"all,org:{world.org_id},unit:{world.unit_id},network:{world.network_id},country:SI"
        ],
        "period": list(PERIODS),
        "periods": [",".join(PERIODS)],
        "from": ["2026-01"],
        "to": ["2026-12"],
        "grain": ["month", "quarter", "year"],
        # /public/averages and /public/report (chalicelib/api/public_report.py).
        "group": ["all", f"org:{world.org_id}"],
        "level": ["org", "unit"],
        "year": ["2026"],
        "lang": ["en"],
    }
    if model is None:
        yield {}
        return
    if model is UNREGISTERED_QUERY:
        # Unknown parameters: the bare call, and every scope and period.
        yield {}
        for scope, period in itertools.product(known["scope"], known["period"]):
            yield {"scope": scope, "period": period}
        return
    names: list[str] = []
    for name, info in model.model_fields.items():
        alias = info.alias or name
        if alias in known:
            names.append(alias)
        elif info.is_required():
            pytest.fail(f"teach this test how to fill the query parameter {alias!r}")
    for combination in itertools.product(*(known[name] for name in names)):
        yield dict(zip(names, combination, strict=True))


def _urls(route: PublicRoute, world: PlantedWorld) -> Iterator[str]:
    params = re.findall(r"{(\w+)}", route.path)
    for values in itertools.product(*(_path_values(p, world) for p in params)):
        path = route.path
        for name, value in zip(params, values, strict=True):
            path = path.replace(f"{{{name}}}", value)
        for query in _query_values(route.query, world):
            yield f"{path}?{urlencode(query)}" if query else path


def _suppressed_with_figures(value: Any, where: str = "$") -> Iterator[str]:
    if isinstance(value, dict):
        if value.get("suppressed") is True and FIGURES & value.keys():
            yield f"{where}: {sorted(FIGURES & value.keys())}"
        for key, child in value.items():
            yield from _suppressed_with_figures(child, f"{where}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _suppressed_with_figures(child, f"{where}[{index}]")


def _get(api: Api, url: str) -> tuple[int, str]:
    """Status and body text of a GET (CSV too: the ``Api`` helper parses only JSON)."""
    response = api.client.http.request("GET", url, headers={})
    body = response.body
    return response.status_code, body.decode() if isinstance(body, bytes) else body


def _public_get_routes() -> list[PublicRoute]:
    from app import app

    registered = {(doc.path, doc.method): doc for doc in ROUTES}
    routes = []
    for path, methods in sorted(app.routes.items()):
        entry = methods.get("GET")
        if entry is None or entry.authorizer is not None:
            continue
        doc = registered.get((path, "GET"))
        routes.append(
            PublicRoute(
                path=path,
                query=doc.query if doc else UNREGISTERED_QUERY,
                json=doc.content_type == "application/json" if doc else True,
            )
        )
    return routes


def test_public_routes_are_found() -> None:
    # The checks below are only as good as the route list they walk.
    paths = {route.path for route in _public_get_routes()}
    assert {"/health", "/openapi.json", "/public/orgs"} <= paths
    assert "/orgs" not in paths  # signed-in routes are not mistaken for public ones


def test_no_private_field_reaches_a_public_route(api: Api, world: PlantedWorld) -> None:
    checked: list[str] = []
    leaks: list[str] = []
    for route in _public_get_routes():
        for url in _urls(route, world):
            status, text = _get(api, url)
            assert status < 500, f"{url} → {status}"
            checked.append(url)
            if MARKER in text.lower():
                leaks.append(url)
    assert checked, "no public GET route was called"
    assert leaks == [], f"private text ({', '.join(world.planted)}) leaked through {leaks}"


def test_public_orgs_shows_the_planted_organisation(api: Api, world: PlantedWorld) -> None:
    # Positive control: the planted data is really there for public routes to see.
    answer = api.call("GET", "/public/orgs")
    names = [org["name"] for org in answer.json["items"]]
    assert world.org_name in names
    units = next(o["units"] for o in answer.json["items"] if o["id"] == world.org_id)
    assert units == [{"id": world.unit_id, "name": "Centre One"}]


def test_public_statistics_hold_the_planted_figures(api: Api, world: PlantedWorld) -> None:
    # Positive control for the statistics routes: the planted world was aggregated,
    # with one indicator published and one suppressed.
    status, text = _get(api, f"/public/stats?scope=unit:{world.unit_id}&period=2026-03")
    assert status == 200, text
    stats = json.loads(text)
    assert stats["activities"]["count"] == 2
    assert stats["indicators"]["safety"]["n"] == 20
    assert "mean" in stats["indicators"]["safety"]
    assert stats["indicators"]["fairness"]["suppressed"] is True


def test_suppressed_indicators_carry_no_figures(api: Api, world: PlantedWorld) -> None:
    problems: list[str] = []
    for route in _public_get_routes():
        if not route.json:
            continue
        for url in _urls(route, world):
            status, text = _get(api, url)
            if status != 200 or not text:
                continue
            try:
                document = json.loads(text)
            except ValueError:
                continue  # a CSV or other text route
            problems.extend(f"{url} {p}" for p in _suppressed_with_figures(document))
    assert problems == []


def test_the_suppression_check_finds_a_figure_on_a_suppressed_cell() -> None:
    # The walker itself must be able to fail.
    leaky = {"indicators": {"safety": {"n": 3, "suppressed": True, "mean": 4.1}}}
    assert list(_suppressed_with_figures(leaky)) == ["$.indicators.safety: ['mean']"]
    clean = {"indicators": {"safety": {"n": 3, "suppressed": True, "reason": "fewer"}}}
    assert list(_suppressed_with_figures(clean)) == []


def test_an_ideas_point_shows_approved_proposals_and_no_votes(
    api: Api, world: PlantedWorld
) -> None:
    # Positive control for the ideas point, and no vote count on any public answer.
    status, text = _get(api, f"/public/collections/{world.ideas_code}?lang=en")
    assert status == 200, text
    assert json.loads(text)["ideas"] == [{"id": world.approved_idea, "text": APPROVED_IDEA}]
    for route in _public_get_routes():
        if route.path == "/openapi.json":
            continue  # it documents the members' routes, whose answers carry votes
        for url in _urls(route, world):
            status, text = _get(api, url)
            assert '"votes"' not in text, url
