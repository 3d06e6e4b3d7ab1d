"""Surveys through the API: templates, collections, responses, check-ins (moto)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
import uuid
from decimal import Decimal
from typing import Any

import boto3
import pytest

from chalicelib.domain.periods import periods_of
from chalicelib.services import get_services
from chalicelib.services.clock import SettableClock
from chalicelib.services.survey_answers import RateLimits
from chalicelib.settings import get_settings
from tests.functional.world import World, survey_world
from tools import checkin_markers


@pytest.fixture
def world(api: Any) -> World:
    return survey_world(api)


def items_of_type(kind: str) -> list[dict[str, Any]]:
    settings = get_settings()
    table = boto3.resource("dynamodb", region_name=settings.region).Table(settings.data_table)
    found: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {
        "FilterExpression": "#t = :t",
        "ExpressionAttributeNames": {"#t": "type"},
        "ExpressionAttributeValues": {":t": kind},
    }
    while True:
        page = table.scan(**kwargs)
        found += page["Items"]
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def assert_error(answer: Any, status: int, field: str | None = None) -> None:
    assert answer.status == status, answer.json
    assert answer.json["error"] and answer.json["message"]
    if field is not None:
        assert field in [e["field"] for e in answer.json["errors"]], answer.json


# ------------------------------------------------------------------ templates
def test_builtin_templates_are_listed_for_members(world: World) -> None:
    answer = world.api.call("GET", "/survey-templates", token=world.worker)
    assert answer.status == 200
    by_id = {t["id"]: t for t in answer.json["items"]}
    assert {"annual", "feedback"} <= set(by_id)
    annual = by_id["annual"]
    assert set(annual["languages"]) >= {"en", "sl", "fi", "sv"}
    scale = [q for q in annual["questions"] if q["type"] == "scale"]
    for indicator in (
        "safety",
        "belonging",
        "identity",
        "self_expression",
        "future",
        "influence",
        "responsibility",
        "fairness",
    ):
        assert len([q for q in scale if q["indicator"] == indicator]) >= 2, indicator
    assert [q["type"] for q in annual["questions"]].count("text") == 1
    assert {"age_band", "gender"} <= {q["id"] for q in annual["questions"]}
    feedback_scale = [q for q in by_id["feedback"]["questions"] if q["type"] == "scale"]
    assert 3 <= len(feedback_scale) <= 5


def test_templates_need_a_token(world: World) -> None:
    assert world.api.call("GET", "/survey-templates").status == 401


def test_org_admin_adds_a_template_with_own_indicator(world: World) -> None:
    body = {
        "title": {"en": "Summer camp", "sl": "Poletni tabor"},
        "indicators": [{"id": "nature", "name": {"en": "Nature", "sl": "Narava"}}],
        "questions": [
            {
                "id": "outdoors",
                "type": "scale",
                "indicator": "nature",
                "text": {"en": "I liked being outdoors.", "sl": "Rad sem bil zunaj."},
            },
            {"id": "gender", "type": "choice"},
        ],
    }
    answer = world.api.call(
        "POST", f"/orgs/{world.org}/survey-templates", body, token=world.org_admin
    )
    assert answer.status == 201, answer.json
    template = answer.json
    assert template["languages"] == ["en", "sl"]
    listed = world.api.call("GET", "/survey-templates", token=world.worker).json["items"]
    assert template["id"] in [t["id"] for t in listed]
    # Another organisation's member does not see it.
    others = world.api.call("GET", "/survey-templates", token=world.other).json["items"]
    assert template["id"] not in [t["id"] for t in others]
    # It works end to end: a collection, the page's questions, a scored response.
    code = world.collection({"template_id": template["id"]})
    shown = world.api.call("GET", f"/public/collections/{code}?lang=sl").json
    assert shown["title"] == "Poletni tabor"
    assert shown["questions"][0]["options"][4]["text"] == "Popolnoma se strinjam"
    assert world.respond(code, {"outdoors": 4, "gender": "girls"}).status == 201
    (stored,) = items_of_type("response")
    assert stored["scores"] == {"nature": Decimal("4")} and stored["gender"] == "girls"


def test_template_extending_annual_adds_items(world: World) -> None:
    body = {
        "title": {"en": "Our survey", "sl": "Naša", "fi": "Meidän", "sv": "Vår"},
        "extends": "annual",
        "questions": [
            {
                "id": "wifi",
                "type": "choice",
                "text": {"en": "Wi-Fi?", "sl": "Wi-Fi?", "fi": "Wi-Fi?", "sv": "Wi-Fi?"},
                "options": [
                    {"value": "good", "text": {"en": "Good", "sl": "Dober", "fi": "Hyvä", "sv": "Bra"}},
                    {"value": "bad", "text": {"en": "Bad", "sl": "Slab", "fi": "Huono", "sv": "Dålig"}},
                ],
            }
        ],
    }  # fmt: skip
    answer = world.api.call(
        "POST", f"/orgs/{world.org}/survey-templates", body, token=world.org_admin
    )
    assert answer.status == 201, answer.json
    ids = [q["id"] for q in answer.json["questions"]]
    assert "safety_1" in ids and ids[-1] == "wifi"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": {"en": "X"}, "questions": []}, "questions"),
        (
            {"title": {"en": "X"}, "questions": [{"id": "a", "type": "scale", "indicator": "mood", "text": {"en": "A"}}]},
            "questions.0.indicator",
        ),
        (
            {"title": {"en": "X"}, "questions": [{"id": "a", "type": "choice", "text": {"en": "A"}}]},
            "questions.0.options",
        ),
        (
            {"title": {"en": "X"}, "questions": [{"id": "a", "type": "text", "indicator": "safety", "text": {"en": "A"}}]},
            "questions.0.indicator",
        ),
        (
            {"title": {"en": "X"}, "questions": [{"id": "gender", "type": "choice", "text": {"en": "G"}}]},
            "questions.0",
        ),
        ({"title": {"en": "X"}, "questions": [{"id": "a", "type": "scale", "text": {"de": "A"}}]}, "title"),
        ({"title": {"en": "X"}, "extends": "annual", "questions": [{"id": "safety_1", "type": "text", "text": {"en": "A"}}]}, "questions.0.id"),
        ({"title": {"en": "X"}, "questions": [{"id": "Bad Id", "type": "text", "text": {"en": "A"}}]}, "questions.0.id"),
        ({"title": {"en": "X"}, "questions": [], "surprise": 1}, "surprise"),
    ],
)  # fmt: skip
def test_bad_templates_are_named(world: World, body: dict[str, Any], field: str) -> None:
    answer = world.api.call(
        "POST", f"/orgs/{world.org}/survey-templates", body, token=world.org_admin
    )
    assert_error(answer, 400, field)


def test_only_org_admins_add_templates(world: World) -> None:
    body = {"title": {"en": "X"}, "questions": [{"id": "a", "type": "text", "text": {"en": "A"}}]}
    answer = world.api.call("POST", f"/orgs/{world.org}/survey-templates", body, token=world.worker)
    assert_error(answer, 403)
    answer = world.api.call("POST", "/orgs/nosuchorg/survey-templates", body, token=world.admin)
    assert_error(answer, 404)


# ------------------------------------------------------------------ collections
def test_create_collection_answers_code_url_and_qr(world: World, api: Any) -> None:
    answer = api.call(
        "POST", f"/units/{world.unit}/collections", {"template_id": "annual"}, token=world.worker
    )
    assert answer.status == 201, answer.json
    body = answer.json
    code = body["code"]
    assert len(code) == 10 and code.isalnum()
    assert body["url"] == f"{get_settings().site_url}/s/?c={code}"
    assert body["status"] == "open" and body["received"] == 0
    assert body["qr_svg_url"].endswith(f"/public/collections/{code}/qr.svg")
    assert body["poster_url"].endswith(f"/s/poster.html?c={code}")
    qr = api.client.http.get(f"/public/collections/{code}/qr.svg")
    assert qr.status_code == 200 and qr.headers["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.body[:300] and qr.body.rstrip().endswith(b"</svg>")


def test_codes_are_distinct(world: World) -> None:
    codes = {world.collection() for _ in range(8)}
    assert len(codes) == 8


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "template_id"),
        ({"template_id": "nosuch"}, "template_id"),
        ({"template_id": "annual", "activity_id": "nosuch"}, "activity_id"),
        ({"template_id": "annual", "closes_at": "2020-01-01T00:00:00Z"}, "closes_at"),
        ({"template_id": "annual", "closes_at": "2099-01-01T00:00:00"}, "closes_at"),
        (
            {"template_id": "annual", "opens_at": "2099-02-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z"},
            "closes_at",
        ),
        ({"kind": "checkin", "template_id": "annual"}, "template_id"),
        # Its default closing time would be past the calendar's end.
        ({"kind": "checkin", "opens_at": "9999-06-01T00:00:00Z"}, "opens_at"),
        ({"kind": "poll"}, "kind"),
        ({"template_id": 5}, "template_id"),
    ],
)  # fmt: skip
def test_bad_collections_are_named(world: World, body: dict[str, Any], field: str) -> None:
    answer = world.api.call("POST", f"/units/{world.unit}/collections", body, token=world.worker)
    assert_error(answer, 400, field)


def test_collection_for_an_activity(world: World) -> None:
    activity = world.api.call(
        "POST",
        f"/units/{world.unit}/activities",
        {"date": "2026-03-14", "duration_minutes": 90, "kind": "group", "title": "Band"},
        token=world.worker,
    ).json
    code = world.collection({"template_id": "feedback", "activity_id": activity["id"]})
    assert world.respond(code, {"safety": 5, "enjoyed": 5}).status == 201
    (stored,) = items_of_type("response")
    assert stored["activity_id"] == activity["id"] and stored["template_id"] == "feedback"


def test_collections_need_unit_membership(world: World) -> None:
    body = {"template_id": "annual"}
    assert_error(
        world.api.call("POST", f"/units/{world.unit2}/collections", body, token=world.worker), 403
    )
    assert_error(
        world.api.call("POST", f"/units/{world.unit}/collections", body, token=world.other), 403
    )
    assert world.api.call("POST", f"/units/{world.unit}/collections", body).status == 401
    assert_error(world.api.call("POST", "/units/nosuch/collections", body, token=world.admin), 404)
    # Another organisation's template is not usable here.
    template = world.api.call(
        "POST",
        f"/orgs/{world.org}/survey-templates",
        {"title": {"en": "X"}, "questions": [{"id": "a", "type": "text", "text": {"en": "A"}}]},
        token=world.org_admin,
    ).json
    answer = world.api.call(
        "POST",
        f"/units/{world.other_unit}/collections",
        {"template_id": template["id"]},
        token=world.other,
    )
    assert_error(answer, 400, "template_id")  # fmt: skip


def test_list_and_close_collections(world: World) -> None:
    first = world.collection()
    second = world.collection({"kind": "checkin"})
    assert world.respond(first, {"safety_1": 4}).status == 201
    listed = world.api.call("GET", f"/units/{world.unit}/collections", token=world.worker)
    assert listed.status == 200
    by_code = {c["code"]: c for c in listed.json["items"]}
    assert set(by_code) == {first, second}
    assert by_code[first]["received"] == 1 and by_code[second]["kind"] == "checkin"

    closed = world.api.call(
        "POST", f"/units/{world.unit}/collections/{first}/close", token=world.worker
    )
    assert closed.status == 200 and closed.json["status"] == "closed"
    again = world.api.call(
        "POST", f"/units/{world.unit}/collections/{first}/close", token=world.worker
    )
    assert again.json["closed_at"] == closed.json["closed_at"]
    assert_error(world.api.call("GET", f"/public/collections/{first}"), 410)
    assert_error(world.respond(first, {"safety_1": 4}), 410)
    # Wrong unit, unknown code, no right.
    assert_error(
        world.api.call(
            "POST", f"/units/{world.unit2}/collections/{first}/close", token=world.admin
        ),
        404,
    )
    assert_error(
        world.api.call(
            "POST", f"/units/{world.unit}/collections/zzzzzzzzzz/close", token=world.worker
        ),
        404,
    )
    assert_error(world.api.call("GET", f"/units/{world.unit}/collections", token=world.other), 403)  # fmt: skip


# ------------------------------------------------------------------ the public side
def test_public_collection_in_each_language(world: World) -> None:
    code = world.collection()
    texts = {}
    for lang in ("en", "sl", "fi", "sv"):
        answer = world.api.call("GET", f"/public/collections/{code}?lang={lang}")
        assert answer.status == 200
        body = answer.json
        assert set(body) >= {"code", "title", "languages", "questions"}
        assert body["code"] == code and body["lang"] == lang and body["unit_name"] == "MC Šiška"
        question = body["questions"][0]
        assert set(question) <= {"id", "type", "indicator", "text", "options", "max_length"}
        assert question["type"] == "scale" and [o["value"] for o in question["options"]] == [
            1,
            2,
            3,
            4,
            5,
        ]
        texts[lang] = question["text"]
    assert len(set(texts.values())) == 4
    # A regional tag falls back to its language, an unknown one to English.
    assert world.api.call("GET", f"/public/collections/{code}?lang=sv-FI").json["lang"] == "sv"
    assert world.api.call("GET", f"/public/collections/{code}?lang=de").json["lang"] == "en"
    assert_error(world.api.call("GET", f"/public/collections/{code}?lang=<script>"), 400, "query.lang")  # fmt: skip


def test_unknown_code_is_404_and_codes_ignore_case(world: World) -> None:
    code = world.collection()
    assert_error(world.api.call("GET", "/public/collections/abcdefghjk"), 404)
    assert_error(world.api.call("GET", "/public/collections/x"), 404)
    assert_error(world.api.call("GET", "/public/collections/abcdefghjk/qr.svg"), 404)
    assert world.api.call("GET", f"/public/collections/{code.upper()}").status == 200


def test_not_yet_open_is_410_with_a_message(world: World) -> None:
    code = world.collection({"template_id": "annual", "opens_at": "2099-01-01T08:00:00+02:00"})
    answer = world.api.call("GET", f"/public/collections/{code}")
    assert_error(answer, 410)
    assert "2099-01-01T06:00:00Z" in answer.json["message"]


def test_collections_close_by_default(world: World, clock: SettableClock) -> None:
    # Given a survey and a check-in opened without a closing time
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    clock.set(now)
    survey = world.api.call(
        "POST", f"/units/{world.unit}/collections", {"template_id": "annual"}, token=world.worker
    ).json
    checkin = world.api.call(
        "POST", f"/units/{world.unit}/collections", {"kind": "checkin"}, token=world.worker
    ).json
    later = world.api.call(
        "POST",
        f"/units/{world.unit}/collections",
        {"template_id": "annual", "opens_at": "2099-03-01T08:00:00Z"},
        token=world.worker,
    ).json
    # Then each says when it closes: a survey after 28 days, a check-in after a year,
    # counted from when it opens
    iso = "%Y-%m-%dT%H:%M:%SZ"
    assert survey["closes_at"] == (now + dt.timedelta(days=28)).strftime(iso)
    assert checkin["closes_at"] == (now + dt.timedelta(days=365)).strftime(iso)
    assert later["closes_at"] == "2099-03-29T08:00:00Z"
    public = world.api.call("GET", f"/public/collections/{survey['code']}").json
    assert public["closes_at"] == survey["closes_at"]
    # And after that the survey takes no more answers, while the check-in still does
    clock.set(now + dt.timedelta(days=28))
    assert_error(world.respond(survey["code"], {"safety_1": 3}), 410)
    assert world.check_in(checkin["code"], "Frog").status == 201


def test_collections_stored_without_closing_time_close_after_the_default(
    world: World, clock: SettableClock
) -> None:
    code = world.collection()
    # As stored by the version before default closing times: no closes_at at all.
    data_table().update_item(
        Key={"PK": f"COLLECTION#{code}", "SK": "COLLECTION"},
        UpdateExpression="REMOVE closes_at SET created_at = :c",
        ExpressionAttributeValues={":c": "2026-01-01T10:00:00Z"},
    )
    listed = world.api.call("GET", f"/units/{world.unit}/collections", token=world.worker).json
    (mine,) = [c for c in listed["items"] if c["code"] == code]
    assert mine["closes_at"] == "2026-01-29T10:00:00Z"
    clock.set(dt.datetime(2026, 1, 29, 9, 59, tzinfo=dt.UTC))
    assert world.respond(code, {"safety_1": 3}).status == 201
    clock.set(dt.datetime(2026, 1, 29, 10, 0, tzinfo=dt.UTC))
    assert_error(world.respond(code, {"safety_1": 3}), 410)


def test_closes_at_passes(world: World, clock: SettableClock) -> None:
    code = world.collection({"template_id": "annual", "closes_at": "2099-01-01T00:00:00Z"})
    assert world.api.call("GET", f"/public/collections/{code}").status == 200
    later = dt.datetime(2099, 1, 1, 0, 0, 1, tzinfo=dt.UTC)
    clock.set(later)
    assert_error(world.api.call("GET", f"/public/collections/{code}"), 410)


# ------------------------------------------------------------------ responses
def test_response_is_stored_once_with_scores(world: World) -> None:
    code = world.collection()
    sid = str(uuid.uuid4())
    answers = {
        "safety_1": 5,
        "safety_2": 4,
        "belonging_1": 3,
        "fairness_1": 1,
        "fairness_2": 2,
        "age_band": "13_15",
        "gender": "nonbinary",
        "comment": "  More table tennis please  ",
    }
    first = world.respond(code, answers, sid)
    assert first.status == 201 and first.json == {"submission_id": sid, "status": "stored"}
    again = world.respond(code, answers, sid)
    assert again.status == 200 and again.json["status"] == "duplicate"
    # A replay with other content is still the first one's.
    changed = world.respond(code, {"safety_1": 1}, sid)
    assert changed.status == 200
    (stored,) = items_of_type("response")
    assert stored["unit_id"] == world.unit and stored["org_id"] == world.org
    assert stored["template_id"] == "annual"
    assert stored["date"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert stored["scores"] == {
        "safety": Decimal("4.5"),
        "belonging": Decimal("3"),
        "fairness": Decimal("1.5"),
    }
    assert stored["age_band"] == "13_15" and stored["gender"] == "nonbinary"
    # Free text is in its own item, never in the aggregated one.
    assert "comment" not in str(stored) and "table tennis" not in str(stored)
    (text,) = items_of_type("response_text")
    assert text["texts"] == {"comment": "More table tennis please"}


def test_scores_round_thirds(world: World) -> None:
    template = {
        "title": {"en": "Three"},
        "questions": [
            {"id": f"q{i}", "type": "scale", "indicator": "safety", "text": {"en": f"Q{i}"}}
            for i in range(3)
        ],
    }
    made = world.api.call(
        "POST", f"/orgs/{world.org}/survey-templates", template, token=world.org_admin
    )
    code = world.collection({"template_id": made.json["id"]})
    assert world.respond(code, {"q0": 5, "q1": 4, "q2": 4}).status == 201
    (stored,) = items_of_type("response")
    assert stored["scores"] == {"safety": Decimal("4.3333")}  # fmt: skip


def test_nothing_private_is_stored(world: World) -> None:
    code = world.collection()
    world.api.call(
        "POST",
        "/public/responses",
        {"submission_id": str(uuid.uuid4()), "collection_code": code, "lang": "en", "answers": {"safety_1": 3}},
        headers={"User-Agent": "Mozilla/5.0 secret-agent", "X-Forwarded-For": "203.0.113.9"},
    )  # fmt: skip
    (stored,) = items_of_type("response")
    flat = str(stored)
    assert "secret-agent" not in flat and "203.0.113.9" not in flat
    assert set(stored) <= {
        "PK", "SK", "GSI1PK", "GSI1SK", "type", "submission_id", "collection_code", "unit_id",
        "org_id", "date", "template_id", "scores", "items", "age_band", "gender", "choices",
        "activity_id",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"nosuch": 3}, "answers.nosuch"),
        ({"safety_1": 6}, "answers.safety_1"),
        ({"safety_1": 0}, "answers.safety_1"),
        ({"safety_1": "5"}, "answers.safety_1"),
        ({"safety_1": 4.5}, "answers.safety_1"),
        ({"safety_1": True}, "answers.safety_1"),
        ({"gender": "robot"}, "answers.gender"),
        ({"gender": 1}, "answers.gender"),
        ({"comment": 42}, "answers.comment"),
        ({"comment": "x" * 1001}, "answers.comment"),
        ({}, "answers"),
        ({"safety_1": None, "comment": "   "}, "answers"),
    ],
)
def test_bad_answers_are_named(world: World, answers: dict[str, Any], field: str) -> None:
    code = world.collection()
    assert_error(world.respond(code, answers), 400, field)
    assert items_of_type("response") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"collection_code": "x", "lang": "en", "answers": {}}, "submission_id"),
        ({"submission_id": "not-a-uuid", "collection_code": "x", "lang": "en", "answers": {}}, "submission_id"),
        ({"submission_id": str(uuid.uuid4()), "collection_code": "x", "lang": "e n", "answers": {}}, "lang"),
        ({"submission_id": str(uuid.uuid4()), "collection_code": "x", "lang": "en", "answers": []}, "answers"),
        ({"submission_id": str(uuid.uuid4()), "collection_code": "x", "lang": "en", "answers": {}, "ip": "1"}, "ip"),
    ],
)  # fmt: skip
def test_malformed_bodies_are_400(world: World, body: dict[str, Any], field: str) -> None:
    assert_error(world.api.call("POST", "/public/responses", body), 400, field)


def test_garbage_bodies_never_5xx(world: World) -> None:
    for raw in ("", "{", "null", "[]", '"x"', "\x00\xff"):
        answer = world.api.call("POST", "/public/responses", raw=raw)
        assert answer.status == 400, (raw, answer.body)
    big = {
        "submission_id": str(uuid.uuid4()),
        "collection_code": world.collection(),
        "lang": "en",
        "answers": {"comment": "x" * 70_000},
    }
    assert_error(world.api.call("POST", "/public/responses", big), 413)


def test_unknown_collection_and_wrong_kind(world: World) -> None:
    assert_error(world.respond("abcdefghjk", {"safety_1": 3}), 404)
    assert_error(world.respond("", {"safety_1": 3}), 400, "collection_code")
    checkin = world.collection({"kind": "checkin"})
    assert_error(world.respond(checkin, {"safety_1": 3}), 400, "collection_code")


def test_replay_after_close_still_succeeds(world: World) -> None:
    code = world.collection()
    sid = str(uuid.uuid4())
    assert world.respond(code, {"safety_1": 3}, sid).status == 201
    world.api.call("POST", f"/units/{world.unit}/collections/{code}/close", token=world.worker)
    assert world.respond(code, {"safety_1": 3}, sid).status == 200
    assert len(items_of_type("response")) == 1


def test_rate_limit_stops_stuffing_but_not_replays(world: World, clock: SettableClock) -> None:
    get_services().survey_answers.limits = RateLimits(per_minute=5, per_day=8)
    # One fixed minute: a real clock could cross into the next window mid-test.
    frozen = dt.datetime.now(dt.UTC).replace(second=10)
    clock.set(frozen)
    code = world.collection()
    other = world.collection()
    sids = [str(uuid.uuid4()) for _ in range(5)]
    for sid in sids:
        assert world.respond(code, {"safety_1": 3}, sid).status == 201
    stuffed = world.respond(code, {"safety_1": 1})
    assert_error(stuffed, 429)
    assert 0 < stuffed.json["retry_after"] <= 60
    # Retries of stored answers are still confirmed; other collections are unaffected.
    assert world.respond(code, {"safety_1": 3}, sids[0]).status == 200
    assert world.respond(other, {"safety_1": 3}).status == 201
    assert len(items_of_type("response")) == 6


def test_rate_limit_has_a_daily_cap(world: World, clock: SettableClock) -> None:
    get_services().survey_answers.limits = RateLimits(per_minute=100, per_day=3)
    frozen = dt.datetime.now(dt.UTC).replace(hour=12)
    clock.set(frozen)
    code = world.collection()
    for _ in range(3):
        assert world.respond(code, {"safety_1": 3}).status == 201
    answer = world.respond(code, {"safety_1": 3})
    assert_error(answer, 429)
    assert "daily" in answer.json["message"]


def test_a_class_of_thirty_answers_at_once(world: World) -> None:
    code = world.collection()
    for _ in range(30):
        assert world.respond(code, {"safety_1": 4, "influence_1": 5}).status == 201
    assert len(items_of_type("response")) == 30


@pytest.fixture
def source_ip(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the source address the local gateway reports (API Gateway's ``sourceIp``)."""
    from chalice.local import LambdaEventConverter

    def use(ip: str) -> None:
        monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", ip)

    return use


def limit_senders(monkeypatch: pytest.MonkeyPatch, per_window: int, per_day: int) -> None:
    """Deployment settings for the per-sender limits."""
    monkeypatch.setenv("LOGBOOK_SENDER_LIMIT_PER_WINDOW", str(per_window))
    monkeypatch.setenv("LOGBOOK_SENDER_LIMIT_PER_DAY", str(per_day))
    get_settings.cache_clear()


def test_a_script_cannot_lock_a_class_out(
    world: World, source_ip: Any, clock: SettableClock
) -> None:
    # Given a script sending answers as fast as it can from one address
    frozen = dt.datetime.now(dt.UTC).replace(minute=1, second=0)
    clock.set(frozen)
    code = world.collection()
    source_ip("198.51.100.66")
    stored = 0
    while (answer := world.respond(code, {"safety_1": 1})).status == 201:
        stored += 1
    # Then it is stopped by its own limit, with a clear 429 and Retry-After
    assert stored == 60
    assert_error(answer, 429)
    assert answer.json["retry_after"] == 540
    assert answer.headers["Retry-After"] == "540"
    # While a class of 30 on a school's Wi-Fi (one address) answers at once
    source_ip("203.0.113.7")
    for _ in range(30):
        assert world.respond(code, {"safety_1": 5}).status == 201
    assert len(items_of_type("response")) == 90


def test_one_sender_cannot_stuff_a_survey_over_the_day(
    world: World, source_ip: Any, monkeypatch: pytest.MonkeyPatch, clock: SettableClock
) -> None:
    limit_senders(monkeypatch, per_window=4, per_day=10)
    clock.set(dt.datetime.now(dt.UTC).replace(hour=9, minute=0, second=0))
    code = world.collection()
    source_ip("2001:db8:5:6::1")
    accepted = 0
    for _ in range(6):  # one burst every ten minutes, each up to the window's limit
        for _ in range(5):
            if world.respond(code, {"safety_1": 1}).status == 201:
                accepted += 1
        clock.advance(dt.timedelta(minutes=10))
    assert accepted == 10
    refused = world.respond(code, {"safety_1": 1})
    assert_error(refused, 429)
    assert "today" in refused.json["message"]
    # Another address of the same IPv6 /64 is the same sender, and so, for the day's
    # limit, is another /64 of the same /48 (one site); another site is not.
    source_ip("2001:db8:5:6:ffff::2")
    assert_error(world.respond(code, {"safety_1": 1}), 429)
    source_ip("2001:db8:5:7::1")
    assert_error(world.respond(code, {"safety_1": 1}), 429)
    source_ip("2001:db8:9:9::1")
    assert world.respond(code, {"safety_1": 1}).status == 201


def test_check_ins_have_the_same_sender_limits(
    world: World, source_ip: Any, monkeypatch: pytest.MonkeyPatch, clock: SettableClock
) -> None:
    limit_senders(monkeypatch, per_window=3, per_day=100)
    frozen = dt.datetime.now(dt.UTC).replace(minute=31)
    clock.set(frozen)
    code = world.collection({"kind": "checkin"})
    source_ip("192.0.2.10")
    sids = [str(uuid.uuid4()) for _ in range(3)]
    for index, sid in enumerate(sids):
        assert world.check_in(code, f"visitor{index}", sid).status == 201
    assert_error(world.check_in(code, "visitor9"), 429)
    # A retry of a stored check-in is still confirmed: replays count against nothing.
    assert world.check_in(code, "visitor0", sids[0]).status == 200


def test_no_source_address_is_stored(world: World, source_ip: Any) -> None:
    code = world.collection()
    checkin = world.collection({"kind": "checkin"})
    source_ip("203.0.113.77")
    assert world.respond(code, {"safety_1": 4}).status == 201
    assert world.check_in(checkin, "Frog").status == 201
    everything = str(data_table().scan()["Items"])
    assert "203.0.113.77" not in everything and "203.0.113" not in everything
    for item in items_of_type("response") + items_of_type("checkin"):
        assert not any("SENDER" in str(value) for value in item.values())
    counters = items_of_type("sender_window")
    assert len(counters) == 4  # a window and a day bucket for each collection
    assert all(int(c["expires_at"]) - time.time() < 86400 + 600 for c in counters)
    window_counters = [c for c in counters if c["PK"].startswith("SENDER#")]
    assert all(int(c["expires_at"]) - time.time() <= 900 for c in window_counters)


# ------------------------------------------------------------------ check-in
def test_checkin_collection_gives_salt_and_questions(world: World) -> None:
    code = world.collection({"kind": "checkin"})
    body = world.api.call("GET", f"/public/collections/{code}?lang=fi").json
    assert body["kind"] == "checkin" and len(body["salt"]) == 32
    assert [q["id"] for q in body["questions"]] == ["age_band", "gender"]
    # One salt per organisation: another unit's check-in shares it, another org's does not.
    code2 = world.collection({"kind": "checkin"}, unit=world.unit2)
    assert world.api.call("GET", f"/public/collections/{code2}").json["salt"] == body["salt"]


def test_checkins_count_visits_and_first_visits(world: World) -> None:
    code = world.collection({"kind": "checkin"})
    code2 = world.collection({"kind": "checkin"}, unit=world.unit2)
    sid = str(uuid.uuid4())
    first = world.check_in(code, "Frog42", sid, gender="girls", age_band="13_15")
    assert first.status == 201, first.json
    assert world.check_in(code, "Frog42", sid).status == 200
    assert world.check_in(code, "Frog42").status == 201
    assert world.check_in(code2, "Frog42").status == 201
    assert world.check_in(code, "Toad").status == 201
    checkins = sorted(items_of_type("checkin"), key=lambda item: item["GSI1SK"])
    assert len(checkins) == 4
    today = dt.datetime.now(dt.UTC).date()
    periods = [
        f"{today.year}",
        f"{today.year}-Q{(today.month - 1) // 3 + 1}",
        f"{today.year}-{today.month:02d}",
    ]
    by_sid = {item["submission_id"]: item for item in checkins}
    assert by_sid[sid]["first_visit"] == {"unit": periods, "org": periods}
    assert by_sid[sid]["gender"] == "girls" and by_sid[sid]["age_band"] == "13_15"
    firsts = sorted(
        (item["unit_id"], tuple(item["first_visit"]["unit"]), tuple(item["first_visit"]["org"]))
        for item in checkins
    )
    # Frog42: first in unit 1 and the org; again in unit 1 (nothing new); first in unit 2
    # but not in the org. Toad: first everywhere.
    assert firsts == sorted(
        [
            (world.unit, tuple(periods), tuple(periods)),
            (world.unit, (), ()),
            (world.unit2, tuple(periods), ()),
            (world.unit, tuple(periods), tuple(periods)),
        ]
    )
    # Nobody's nickname or hash is in a check-in.
    for item in checkins:
        assert "visitor" not in item and "Frog" not in str(item)


def data_table() -> Any:
    settings = get_settings()
    return boto3.resource("dynamodb", region_name=settings.region).Table(settings.data_table)


def phone_hash(world: World, code: str, nickname: str) -> str:
    salt = world.api.call("GET", f"/public/collections/{code}").json["salt"]
    return hashlib.sha256((salt + nickname).encode()).hexdigest()


def test_a_guessed_nickname_cannot_be_tested_against_stored_data(world: World) -> None:
    # Given a check-in, and an attacker who knows the public salt and guesses the nickname
    code = world.collection({"kind": "checkin"})
    assert world.check_in(code, "Frog42").status == 201
    guess = phone_hash(world, code, "Frog42")
    # Then nothing stored carries the hash they can compute...
    for item in data_table().scan()["Items"]:
        assert guess not in str(item), item
    # ...because markers hold it keyed with the organisation's secret, which no public
    # answer carries.
    (key_item,) = items_of_type("checkin_key")
    key = bytes(key_item["key"].value)
    keyed = hmac.new(key, guess.encode(), hashlib.sha256).hexdigest()
    markers = items_of_type("visit_marker")
    assert len(markers) == 6 and all(m["PK"].endswith(f"#{keyed}") for m in markers)
    public = world.api.call("GET", f"/public/collections/{code}").body
    assert key.hex() not in str(public) and keyed not in str(public)


def test_checkins_stored_before_the_key_keep_counting_once(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given markers written before check-in keys existed (the phone's hash in the key)
    code = world.collection({"kind": "checkin"})
    legacy = phone_hash(world, code, "Frog42")
    today = dt.datetime.now(dt.UTC).date()
    periods = list(periods_of(today))
    table = data_table()
    for scope in (f"unit:{world.unit}", f"org:{world.org}"):
        for period in periods:
            table.put_item(
                Item={"PK": f"SEEN#{scope}#{period}#{legacy}", "SK": "SEEN", "type": "visit_marker"}
            )
    # When the same young person checks in after the upgrade: not a first visit
    assert world.check_in(code, "Frog42").status == 201
    # And after the migration re-keyed the old markers, still not; a new one is.
    assert checkin_markers.main(["--endpoint", ""]) == 0  # `make migrate-checkins`
    assert "re-keyed 6 first-visit marker(s)" in capsys.readouterr().out
    assert world.check_in(code, "Frog42").status == 201
    assert world.check_in(code, "Toad").status == 201
    firsts = [item["first_visit"] for item in items_of_type("checkin")]
    empty = {"unit": [], "org": []}
    assert sorted(map(str, firsts)) == sorted(
        map(str, [empty, empty, {"unit": periods, "org": periods}])
    )
    assert not any(legacy in m["PK"] for m in items_of_type("visit_marker"))
    again = get_services().survey_answers.rekey_checkin_markers()
    assert (again.moved, again.merged) == (0, 0)


def test_bad_checkins(world: World) -> None:
    code = world.collection({"kind": "checkin"})
    survey = world.collection()
    base = {"submission_id": str(uuid.uuid4()), "collection_code": code, "visitor": "a" * 64}
    assert_error(
        world.api.call("POST", "/public/checkins", {**base, "visitor": "Frog42"}), 400, "visitor"
    )
    assert_error(
        world.api.call("POST", "/public/checkins", {**base, "gender": "robot"}), 400, "gender"
    )
    assert_error(
        world.api.call("POST", "/public/checkins", {**base, "age_band": "7"}), 400, "age_band"
    )
    assert_error(
        world.api.call("POST", "/public/checkins", {**base, "nickname": "Frog"}), 400, "nickname"
    )
    assert_error(
        world.api.call("POST", "/public/checkins", {**base, "collection_code": survey}),
        400,
        "collection_code",
    )
    assert_error(
        world.api.call("POST", "/public/checkins", {**base, "collection_code": "abcdefghjk"}), 404
    )
    world.api.call("POST", f"/units/{world.unit}/collections/{code}/close", token=world.worker)
    assert_error(world.api.call("POST", "/public/checkins", base), 410)  # fmt: skip


def test_openapi_documents_the_survey_routes(world: World) -> None:
    document = world.api.call("GET", "/openapi.json").json
    for path in (
        "/survey-templates",
        "/orgs/{org_id}/survey-templates",
        "/units/{unit_id}/collections",
        "/units/{unit_id}/collections/{code}/close",
        "/public/collections/{code}",
        "/public/collections/{code}/qr.svg",
        "/public/responses",
        "/public/checkins",
    ):
        assert path in document["paths"], path
    assert "security" not in document["paths"]["/public/responses"]["post"]
    for path in ("/public/responses", "/public/checkins"):
        refused = document["paths"][path]["post"]["responses"]["429"]
        assert "Retry-After" in refused["headers"]
