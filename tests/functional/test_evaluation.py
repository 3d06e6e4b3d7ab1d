"""The evaluation cycle through the API: campaigns, their progress, targets, analyses (moto)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import boto3
import pytest

from chalicelib.domain.surveys import ANNUAL
from chalicelib.services import get_services
from chalicelib.services.clock import SettableClock
from chalicelib.settings import get_settings
from tests.functional.world import World, build_world

SCALE_IDS = [q.id for q in ANNUAL.questions if q.type == "scale"]
HOUR = dt.timedelta(hours=1)


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture
def world(api: Any) -> World:
    return build_world(api)


def campaign_body(**changes: Any) -> dict[str, Any]:
    start = now()
    return {
        "template_id": "annual",
        "title": "Youth survey 2026",
        "opens_at": iso(start - HOUR),
        "closes_at": iso(start + dt.timedelta(days=21)),
        **changes,
    }


def open_campaign(api: Any, world: World, **changes: Any) -> dict[str, Any]:
    answer = api.call(
        "POST", f"/orgs/{world.org}/campaigns", campaign_body(**changes), token=world.org_admin
    )
    assert answer.status == 201, answer.json
    return answer.json


def respond(api: Any, code: str, answers: dict[str, Any]) -> None:
    answer = api.call(
        "POST",
        "/public/responses",
        {
            "submission_id": str(uuid.uuid4()),
            "collection_code": code,
            "lang": "sl",
            "answers": answers,
        },
    )
    assert answer.status == 201, answer.json


def complete(gender: str | None = None, value: int = 4) -> dict[str, Any]:
    answers: dict[str, Any] = dict.fromkeys(SCALE_IDS, value)
    if gender:
        answers["gender"] = gender
    return answers


def data_items(kind: str) -> list[dict[str, Any]]:
    settings = get_settings()
    table = boto3.resource("dynamodb", region_name=settings.region).Table(settings.data_table)
    return [item for item in table.scan()["Items"] if item.get("type") == kind]


def assert_error(answer: Any, status: int, field: str) -> None:
    assert answer.status == status, answer.json
    assert field in [problem["field"] for problem in answer.json["errors"]], answer.json


# ------------------------------------------------------------------ campaigns
def test_a_campaign_opens_one_qr_point_per_unit(api: Any, world: World) -> None:
    created = open_campaign(api, world)

    units = sorted(c["unit_id"] for c in created["collections"])
    assert units == sorted([world.unit, world.other_unit])
    for collection in created["collections"]:
        assert collection["url"].endswith(f"/s/?c={collection['code']}")
        assert collection["poster_url"].endswith(f"/s/poster.html?c={collection['code']}")
        # Each is an ordinary QR point of its unit: the public page serves it.
        public = api.call("GET", f"/public/collections/{collection['code']}?lang=sl")
        assert public.status == 200, public.json
        assert public.json["closes_at"] == created["closes_at"]
    codes = {c["code"] for c in created["collections"]}
    assert created["posters_url"].split("?c=")[1].split(",") == [
        c["code"] for c in created["collections"]
    ]
    listed = api.call("GET", f"/units/{world.unit}/collections", token=world.worker).json
    assert [c["campaign_id"] for c in listed["items"] if c["code"] in codes] == [created["id"]]


def test_a_campaign_for_chosen_units_only(api: Any, world: World) -> None:
    created = open_campaign(api, world, unit_ids=[world.other_unit])
    assert [c["unit_id"] for c in created["collections"]] == [world.other_unit]
    assert [u["unit_id"] for u in created["units"]] == [world.other_unit]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"template_id": "nope"}, "template_id"),
        (
            {
                "closes_at": iso(now() - dt.timedelta(days=1)),
                "opens_at": iso(now() - 2 * HOUR * 24),
            },
            "closes_at",
        ),
        ({"closes_at": iso(now() - 2 * HOUR)}, "closes_at"),
        ({"opens_at": "2026-10-01T00:00:00"}, "opens_at"),
        ({"title": "  "}, "title"),
        ({"unit_ids": []}, "unit_ids"),
        ({"unit_ids": ["x", "x"]}, "unit_ids"),
        ({"unit_ids": ["0000000000000000"]}, "unit_ids"),
        ({"opens_at": "2026-01-01T00:00:00Z", "closes_at": "2028-01-01T00:00:00Z"}, "closes_at"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_campaigns_are_named_and_store_nothing(
    api: Any, world: World, changes: dict[str, Any], field: str
) -> None:
    answer = api.call(
        "POST", f"/orgs/{world.org}/campaigns", campaign_body(**changes), token=world.org_admin
    )
    assert answer.status == 400, answer.json
    assert field in [problem["field"] for problem in answer.json["errors"]], answer.json
    assert data_items("campaign") == []
    assert data_items("collection") == []


def test_a_unit_of_another_organisation_is_refused(api: Any, world: World) -> None:
    answer = api.call(
        "POST",
        f"/orgs/{world.org}/campaigns",
        campaign_body(unit_ids=[world.unit, world.foreign_unit]),
        token=world.org_admin,
    )
    assert_error(answer, 400, "unit_ids")
    # All or nothing: not even the own unit's QR point was opened.
    assert data_items("collection") == []


def test_only_org_admins_open_campaigns(api: Any, world: World) -> None:
    for token in (world.worker, world.partner, world.outsider):
        answer = api.call("POST", f"/orgs/{world.org}/campaigns", campaign_body(), token=token)
        assert answer.status == 403, answer.json
    assert data_items("collection") == []


def test_a_repeated_post_with_its_key_opens_the_campaign_once(api: Any, world: World) -> None:
    body = campaign_body()
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    path = f"/orgs/{world.org}/campaigns"
    first = api.call("POST", path, body, token=world.org_admin, headers=headers)
    again = api.call("POST", path, body, token=world.org_admin, headers=headers)
    assert first.status == again.status == 201
    assert again.json == first.json
    assert len(data_items("campaign")) == 1
    assert len(data_items("collection")) == 2
    other = api.call(
        "POST", path, {**body, "title": "Other"}, token=world.org_admin, headers=headers
    )
    assert other.status == 422


def test_progress_counts_complete_answers_and_genders(api: Any, world: World) -> None:
    created = open_campaign(api, world)
    code = next(c["code"] for c in created["collections"] if c["unit_id"] == world.unit)
    # 14 complete answers from girls, 15 from boys, and answers that are not complete.
    for _ in range(14):
        respond(api, code, complete("girls"))
    for _ in range(15):
        respond(api, code, complete("boys", 5))
    respond(api, code, {"safety_1": 4, "gender": "girls"})  # one statement only
    respond(api, code, {**complete(), "gender": "nonbinary"})

    def unit_of(campaign: dict[str, Any]) -> dict[str, Any]:
        return next(u for u in campaign["units"] if u["unit_id"] == world.unit)

    seen = api.call("GET", f"/orgs/{world.org}/campaigns/{created['id']}", token=world.worker)
    assert seen.status == 200, seen.json
    progress = unit_of(seen.json)
    assert progress["responses"] == 31
    assert (progress["complete"], progress["girls"], progress["boys"]) == (30, 14, 15)
    assert progress["minimum_reached"] is True
    assert progress["gender_split_possible"] is False
    assert progress["days_left"] == 21
    assert progress["status"] == "open"
    other = next(u for u in seen.json["units"] if u["unit_id"] == world.other_unit)
    assert (other["responses"], other["minimum_reached"]) == (0, False)
    assert seen.json["responses"] == 31
    assert seen.json["units_with_minimum"] == 1

    respond(api, code, complete("girls"))
    again = api.call("GET", f"/orgs/{world.org}/campaigns", token=world.partner)
    assert again.status == 200
    assert unit_of(again.json["items"][0])["gender_split_possible"] is True


def test_campaign_points_close_by_themselves(api: Any, world: World, clock: SettableClock) -> None:
    created = open_campaign(api, world)
    code = created["collections"][0]["code"]
    later = dt.datetime.fromisoformat(created["closes_at"]) + dt.timedelta(seconds=1)
    clock.set(later)
    answer = api.call(
        "POST",
        "/public/responses",
        {
            "submission_id": str(uuid.uuid4()),
            "collection_code": code,
            "lang": "en",
            "answers": complete(),
        },
    )
    assert answer.status == 410
    seen = api.call("GET", f"/orgs/{world.org}/campaigns/{created['id']}", token=world.org_admin)
    assert seen.json["status"] == "closed"
    assert {u["status"] for u in seen.json["units"]} == {"closed"}
    assert {u["days_left"] for u in seen.json["units"]} == {0}


def test_a_scheduled_campaign_takes_no_answers_yet(api: Any, world: World) -> None:
    start = now() + dt.timedelta(days=2)
    created = open_campaign(
        api, world, opens_at=iso(start), closes_at=iso(start + dt.timedelta(days=14))
    )
    assert created["status"] == "scheduled"
    code = created["collections"][0]["code"]
    assert api.call("GET", f"/public/collections/{code}").status == 410


def test_progress_is_for_members_of_the_organisation_only(api: Any, world: World) -> None:
    created = open_campaign(api, world)
    path = f"/orgs/{world.org}/campaigns/{created['id']}"
    assert api.call("GET", path).status == 401
    assert api.call("GET", path, token=world.outsider).status == 403
    assert api.call("GET", f"/orgs/{world.foreign_org}/campaigns/{created['id']}",
                    token=world.admin).status == 404  # fmt: skip
    assert api.call("GET", f"/orgs/{world.org}/campaigns/0000000000000000",
                    token=world.org_admin).status == 404  # fmt: skip


# ------------------------------------------------------------------ targets and analyses
def test_targets_are_set_read_and_replaced(api: Any, world: World) -> None:
    path = f"/orgs/{world.org}/targets/2027"
    body = {
        "scope": f"org:{world.org}",
        "targets": {"indicator:safety": 4.2, "youth_led_share": 0.15, "visits": 9000},
    }
    first = api.call("PUT", path, body, token=world.org_admin)
    assert first.status == 200, first.json
    assert first.json["targets"] == body["targets"]
    again = api.call("PUT", path, body, token=world.org_admin)
    assert again.json == first.json  # idempotent: nothing changed, not even updated_at
    unit_body = {"scope": f"unit:{world.unit}", "targets": {"indicator:fairness": 4}}
    assert api.call("PUT", path, unit_body, token=world.org_admin).status == 200
    replaced = {"scope": f"org:{world.org}", "targets": {"visits": 9500}}
    assert api.call("PUT", path, replaced, token=world.org_admin).status == 200

    read = api.call("GET", path, token=world.partner)
    assert read.status == 200, read.json
    assert [(i["scope"], i["targets"]) for i in read.json["items"]] == [
        (f"org:{world.org}", {"visits": 9500}),
        (f"unit:{world.unit}", {"indicator:fairness": 4}),
    ]
    assert (
        api.call("GET", f"/orgs/{world.org}/targets/2026", token=world.worker).json["items"] == []
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"targets": {"happiness": 3}}, "targets.happiness"),
        ({"targets": {"indicator:joy": 3}}, "targets.indicator:joy"),
        ({"targets": {"indicator:safety": 6}}, "targets.indicator:safety"),
        ({"targets": {"youth_led_share": 15}}, "targets.youth_led_share"),
        ({"targets": {"visits": -1}}, "targets.visits"),
        ({"targets": {"visits": "9000"}}, "targets.visits"),
        ({"targets": {"visits": True}}, "targets.visits"),
        ({"scope": "all"}, "scope"),
        ({"scope": "org:0000000000000000"}, "scope"),
        ({"scope": "unit:0000000000000000"}, "scope"),
    ],
)
def test_bad_targets_are_named(api: Any, world: World, body: dict[str, Any], field: str) -> None:
    full = {"scope": f"org:{world.org}", "targets": {"visits": 1}, **body}
    answer = api.call("PUT", f"/orgs/{world.org}/targets/2027", full, token=world.org_admin)
    assert_error(answer, 400, field)
    assert data_items("targets") == []


def test_a_foreign_unit_scope_and_a_bad_year_are_refused(api: Any, world: World) -> None:
    body = {"scope": f"unit:{world.foreign_unit}", "targets": {"visits": 1}}
    answer = api.call("PUT", f"/orgs/{world.org}/targets/2027", body, token=world.org_admin)
    assert_error(answer, 400, "scope")
    for year in ("27", "1999", "3000", "abcd"):
        answer = api.call(
            "PUT",
            f"/orgs/{world.org}/targets/{year}",
            {"scope": f"org:{world.org}", "targets": {}},
            token=world.org_admin,
        )
        assert_error(answer, 400, "year")


def test_only_org_admins_set_targets_and_write_analyses(api: Any, world: World) -> None:
    targets = {"scope": f"org:{world.org}", "targets": {"visits": 1}}
    analysis = {"scope": f"org:{world.org}", "text": "A good year.", "public": True}
    for token in (world.worker, world.partner, world.outsider):
        assert (
            api.call("PUT", f"/orgs/{world.org}/targets/2026", targets, token=token).status == 403
        )
        assert (
            api.call("PUT", f"/orgs/{world.org}/analyses/2026", analysis, token=token).status == 403
        )
    assert api.call("GET", f"/orgs/{world.org}/analyses/2026", token=world.outsider).status == 403


def test_an_org_year_is_one_query_for_the_report(api: Any, world: World) -> None:

    path = f"/orgs/{world.org}/analyses/2026"
    public = {"scope": f"org:{world.org}", "text": "Safety rose in every centre.", "public": True}
    private = {"scope": f"unit:{world.unit}", "text": "Staff shortage in spring.", "public": False}
    assert api.call("PUT", path, public, token=world.org_admin).status == 200
    first = api.call("PUT", path, private, token=world.org_admin)
    assert first.status == 200
    assert api.call("PUT", path, private, token=world.org_admin).json == first.json
    target = {"scope": f"org:{world.org}", "targets": {"indicator:safety": 4.2}}
    assert (
        api.call("PUT", f"/orgs/{world.org}/targets/2026", target, token=world.org_admin).status
        == 200
    )

    members = api.call("GET", path, token=world.worker).json["items"]
    assert [(a["scope"], a["public"]) for a in members] == [
        (f"org:{world.org}", True),
        (f"unit:{world.unit}", False),
    ]
    year = get_services().targets.public_year(world.org, 2026)
    assert year == {
        "targets": {f"org:{world.org}": {"indicator:safety": 4.2}},
        "analyses": {f"org:{world.org}": "Safety rose in every centre."},
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"text": "a\x00b"}, "text"),
        ({"public": "yes"}, "public"),
        ({"public": None}, "public"),
    ],
)
def test_bad_analyses_are_named(api: Any, world: World, body: dict[str, Any], field: str) -> None:
    full = {"scope": f"org:{world.org}", "text": "Fine.", "public": False, **body}
    answer = api.call("PUT", f"/orgs/{world.org}/analyses/2026", full, token=world.org_admin)
    assert answer.status in (400, 413), answer.json
    if answer.status == 400:
        assert field in [p["field"] for p in answer.json["errors"]], answer.json
    assert data_items("analysis") == []
