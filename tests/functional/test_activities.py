"""Activities: record, read, list with a cursor, edit with a version, delete."""

from __future__ import annotations

import json

import pytest

from tests.builders import activity
from tests.functional.world import build_world


@pytest.fixture
def world(api):
    return build_world(api)


def record(api, world, token=None, unit=None, **changes):
    answer = api.call(
        "POST",
        f"/units/{unit or world.unit}/activities",
        activity(**changes),
        token=token or world.worker,
    )
    assert answer.status == 201, answer.json
    return answer.json


def test_recorded_activity_comes_back_with_server_fields(api, world):
    stored = record(api, world)
    assert stored["version"] == 1
    assert stored["unit_id"] == world.unit and stored["org_id"] == world.org
    assert stored["created_by"] == "worker@lj.test"
    assert stored["created_at"] == stored["updated_at"]
    fetched = api.call("GET", f"/units/{world.unit}/activities/{stored['id']}", token=world.worker)
    assert fetched.json == stored


def test_every_contract_field_round_trips(api, world):
    goal = api.call(
        "POST", f"/orgs/{world.org}/goals", {"title": "Safety"}, token=world.org_admin
    ).json["id"]
    question = api.call(
        "POST",
        f"/orgs/{world.org}/reflection-questions",
        {"text": "What went well?"},
        token=world.org_admin,
    ).json["id"]
    body = activity(
        goal_ids=[goal], goal_ratings={goal: 4}, reflection={question: "Everyone joined in."}
    )
    stored = api.call("POST", f"/units/{world.unit}/activities", body, token=world.worker).json
    for field, value in body.items():
        assert stored[field] == value, field


def test_minimal_activity_gets_defaults(api, world):
    body = {"date": "2026-01-05", "duration_minutes": 60, "kind": "group", "title": "Chess"}
    stored = api.call("POST", f"/units/{world.unit}/activities", body, token=world.worker).json
    assert stored["participants"] == {"girls": 0, "boys": 0, "nonbinary": 0, "undisclosed": 0}
    assert (
        stored["age_bands"] is None and stored["categories"] == [] and stored["youth_led"] is False
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": "2026-02-30"}, "date"),
        ({"date": "14.3.2026"}, "date"),
        ({"date": "1999-12-31"}, "date"),
        ({"start_time": "25:00"}, "start_time"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 2000}, "duration_minutes"),
        ({"duration_minutes": "120"}, "duration_minutes"),
        ({"kind": "party"}, "kind"),
        ({"categories": ["socialising", "juggling"]}, "categories.1"),
        ({"categories": ["sport", "sport"]}, "categories"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"participants": {"girls": -1}}, "participants.girls"),
        ({"participants": {"girls": 1.5}}, "participants.girls"),
        ({"participants": {"cats": 1}}, "participants.cats"),
        ({"age_bands": {"13_15": 1}}, "age_bands"),
        ({"age_bands": {"14_15": 13}}, "age_bands.14_15.[key]"),
        ({"new_participants": 14}, "new_participants"),
        ({"youth_leaders": 14}, "youth_leaders"),
        ({"youth_led": "yes"}, "youth_led"),
        ({"volunteers": 10_001}, "volunteers"),
        ({"goal_ids": ["nosuchgoal"]}, "goal_ids.nosuchgoal"),
        ({"goal_ratings": {"g1": 4}}, "goal_ratings.g1"),
        ({"reflection": {"nosuchquestion": "x"}}, "reflection.nosuchquestion"),
        ({"notes": "x" * 10_001}, "notes"),
        ({"mood": "great"}, "mood"),
        ({"date": None}, "date"),
        ({"title": None}, "title"),
    ],
)
def test_bad_activity_is_400_naming_the_field_and_nothing_is_stored(api, world, changes, field):
    answer = api.call(
        "POST", f"/units/{world.unit}/activities", activity(**changes), token=world.worker
    )
    assert answer.status == 400, answer.json
    assert field in [e["field"] for e in answer.json["errors"]], answer.json
    assert answer.json["errors"][0]["problem"]
    listed = api.call("GET", f"/units/{world.unit}/activities", token=world.worker)
    assert listed.json["items"] == []


def post_as(api, world, content_type):
    """A valid activity, sent with ``content_type``."""
    return api.call(
        "POST",
        f"/units/{world.unit}/activities",
        activity(),
        token=world.worker,
        headers={"Content-Type": content_type},
    )


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_body_not_sent_as_json_is_415_naming_the_header_and_nothing_is_stored(
    api, world, content_type
):
    answer = post_as(api, world, content_type)
    assert answer.status == 415, answer.json
    assert answer.json["error"] == "unsupported_media_type"
    assert answer.json["errors"] == [
        {"field": "Content-Type", "problem": f"must be application/json, not {content_type}"}
    ]
    listed = api.call("GET", f"/units/{world.unit}/activities", token=world.worker)
    assert listed.json["items"] == []


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON"])
def test_json_with_parameters_or_in_capitals_is_accepted(api, world, content_type):
    assert post_as(api, world, content_type).status == 201


def test_a_body_without_content_type_is_read_as_json(api, world):
    answer = api.client.http.request(
        "POST",
        f"/units/{world.unit}/activities",
        headers={"Authorization": f"Bearer {world.worker}"},
        body=json.dumps(activity()),
    )
    assert answer.status_code == 201, answer.body


def test_goal_ratings_out_of_range_is_400(api, world):
    goal = api.call(
        "POST", f"/orgs/{world.org}/goals", {"title": "Safety"}, token=world.org_admin
    ).json["id"]
    answer = api.call(
        "POST",
        f"/units/{world.unit}/activities",
        activity(goal_ids=[goal], goal_ratings={goal: 6}),
        token=world.worker,
    )
    assert answer.status == 400
    assert answer.json["errors"][0]["field"] == f"goal_ratings.{goal}"


def test_goal_of_another_unit_is_refused(api, world):
    goal = api.call(
        "POST",
        f"/orgs/{world.org}/goals",
        {"title": "X", "unit_ids": [world.other_unit]},
        token=world.org_admin,
    ).json["id"]
    answer = api.call(
        "POST", f"/units/{world.unit}/activities", activity(goal_ids=[goal]), token=world.worker
    )
    assert answer.status == 400


def test_server_fields_in_the_body_are_ignored(api, world):
    body = activity(id="mine", version=99, created_by="someone@else.test", unit_id="x")
    stored = api.call("POST", f"/units/{world.unit}/activities", body, token=world.worker).json
    assert stored["id"] != "mine" and stored["version"] == 1
    assert stored["created_by"] == "worker@lj.test" and stored["unit_id"] == world.unit


def test_list_filters_by_date_and_pages_with_a_cursor(api, world):
    for day in range(1, 8):
        record(api, world, date=f"2026-04-{day:02d}", title=f"Day {day}")
    seen, cursor = [], None
    while True:
        path = f"/units/{world.unit}/activities?from=2026-04-02&to=2026-04-06&limit=2"
        if cursor:
            path += f"&cursor={cursor}"
        page = api.call("GET", path, token=world.worker).json
        seen += [item["date"] for item in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert seen == ["2026-04-06", "2026-04-05", "2026-04-04", "2026-04-03", "2026-04-02"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-13-01", "query.from"),
        ("to=yesterday", "query.to"),
        ("limit=0", "query.limit"),
        ("limit=many", "query.limit"),
        ("cursor=garbage!", "cursor"),
        ("cursor=eyJhIjoxfQ", "cursor"),
        ("from=2026-05-01&to=2026-04-01", "query"),
        ("colour=red", "query.colour"),
    ],
)
def test_bad_list_query_is_400(api, world, query, field):
    answer = api.call("GET", f"/units/{world.unit}/activities?{query}", token=world.worker)
    assert answer.status == 400, answer.json
    assert answer.json["errors"][0]["field"] == field


def test_a_cursor_of_another_unit_is_refused(api, world):
    for day in range(1, 4):
        record(api, world, date=f"2026-04-0{day}")
    cursor = api.call("GET", f"/units/{world.unit}/activities?limit=1", token=world.org_admin).json[
        "next"
    ]
    answer = api.call(
        "GET", f"/units/{world.other_unit}/activities?cursor={cursor}", token=world.org_admin
    )
    assert answer.status == 400


def test_update_with_the_read_version_bumps_it(api, world):
    stored = record(api, world)
    stored["title"] = "Friday open house (long)"
    answer = api.call(
        "PUT", f"/units/{world.unit}/activities/{stored['id']}", stored, token=world.worker
    )
    assert answer.status == 200
    assert answer.json["version"] == 2 and answer.json["title"] == "Friday open house (long)"
    assert answer.json["created_at"] == stored["created_at"]


def test_stale_version_is_409_naming_the_current_one_and_nothing_changes(api, world):
    stored = record(api, world)
    first = dict(stored, title="First edit")
    second = dict(stored, title="Second edit")
    assert (
        api.call(
            "PUT", f"/units/{world.unit}/activities/{stored['id']}", first, token=world.worker
        ).status
        == 200
    )
    answer = api.call(
        "PUT", f"/units/{world.unit}/activities/{stored['id']}", second, token=world.org_admin
    )
    assert answer.status == 409
    assert answer.json["current_version"] == 2
    current = api.call(
        "GET", f"/units/{world.unit}/activities/{stored['id']}", token=world.worker
    ).json
    assert current["title"] == "First edit"


def test_update_without_version_is_400(api, world):
    stored = record(api, world)
    stored.pop("version")
    answer = api.call(
        "PUT", f"/units/{world.unit}/activities/{stored['id']}", stored, token=world.worker
    )
    assert answer.status == 400
    assert answer.json["errors"][0]["field"] == "version"


def test_invalid_update_keeps_the_stored_activity(api, world):
    stored = record(api, world)
    bad = dict(stored, participants={"girls": -5})
    assert (
        api.call(
            "PUT", f"/units/{world.unit}/activities/{stored['id']}", bad, token=world.worker
        ).status
        == 400
    )
    current = api.call(
        "GET", f"/units/{world.unit}/activities/{stored['id']}", token=world.worker
    ).json
    assert current == stored


def test_update_of_a_missing_activity_is_404(api, world):
    answer = api.call(
        "PUT", f"/units/{world.unit}/activities/nope", activity(version=1), token=world.worker
    )
    assert answer.status == 404


def test_delete_then_get_is_404(api, world):
    stored = record(api, world)
    path = f"/units/{world.unit}/activities/{stored['id']}"
    assert api.call("DELETE", path, token=world.worker).status == 204
    assert api.call("GET", path, token=world.worker).status == 404
    assert api.call("DELETE", path, token=world.worker).status == 404


def test_partner_sees_and_changes_only_their_own(api, world):
    theirs = record(api, world, token=world.partner, title="Partner workshop")
    ours = record(api, world, token=world.worker, title="Open house")
    listed = api.call("GET", f"/units/{world.unit}/activities", token=world.partner).json["items"]
    assert [item["id"] for item in listed] == [theirs["id"]]
    path = f"/units/{world.unit}/activities/{ours['id']}"
    assert api.call("GET", path, token=world.partner).status == 403
    assert api.call("PUT", path, ours, token=world.partner).status == 403
    assert api.call("DELETE", path, token=world.partner).status == 403
    own_path = f"/units/{world.unit}/activities/{theirs['id']}"
    assert api.call("PUT", own_path, theirs, token=world.partner).status == 200


def test_worker_of_another_unit_is_refused(api, world):
    stored = record(api, world)
    assert (
        api.call("GET", f"/units/{world.other_unit}/activities", token=world.worker).status == 403
    )
    assert (
        api.call(
            "POST", f"/units/{world.other_unit}/activities", activity(), token=world.worker
        ).status
        == 403
    )
    assert (
        api.call(
            "GET", f"/units/{world.unit}/activities/{stored['id']}", token=world.outsider
        ).status
        == 403
    )


def test_org_admin_reaches_every_unit_of_their_org(api, world):
    record(api, world, unit=world.other_unit, token=world.org_admin)
    assert (
        api.call("GET", f"/units/{world.other_unit}/activities", token=world.org_admin).status
        == 200
    )
    assert (
        api.call("GET", f"/units/{world.foreign_unit}/activities", token=world.org_admin).status
        == 403
    )


def test_unknown_unit_is_404(api, world):
    assert api.call("GET", "/units/nope/activities", token=world.admin).status == 404
    assert api.call("POST", "/units/nope/activities", activity(), token=world.admin).status == 404
