"""Hostile input: whatever a client sends, the answer is a 4xx naming the field, never a 5xx."""

from __future__ import annotations

import decimal
import json
from urllib.parse import quote

import pytest

from tests.builders import activity
from tests.functional.world import build_world


@pytest.fixture
def world(api):
    return build_world(api)


def fields(answer) -> list[str]:
    return [problem["field"] for problem in answer.json["errors"]]


def test_deeply_nested_json_is_a_400_naming_the_body(api, world):
    deep = '{"title":' + "[" * 20_000 + "]" * 20_000 + "}"
    answer = api.call("POST", f"/units/{world.unit}/activities", raw=deep, token=world.worker)
    assert answer.status == 400, answer.body
    assert fields(answer) == ["title"] or fields(answer) == ["body"]
    assert "nested" in answer.json["message"]


def test_deep_nesting_is_refused_in_a_body_that_is_filtered_first(api, world):
    # Routes with a ``prepare_body`` decode the JSON themselves before validation.
    deep = "[" * 30_000 + "]" * 30_000
    for path in (f"/units/{world.unit}/activities", f"/units/{world.unit}/collections", "/orgs"):
        answer = api.call("POST", path, raw=deep, token=world.admin)
        assert answer.status == 400, (path, answer.body)


def test_a_date_time_that_overflows_in_utc_is_a_400_naming_it(api, world):
    answer = api.call(
        "POST",
        f"/units/{world.unit}/collections",
        {"kind": "checkin", "opens_at": "9999-12-31T23:00:00-05:00"},
        token=world.worker,
    )
    assert answer.status == 400, answer.body
    assert fields(answer) == ["opens_at"]


@pytest.mark.parametrize("value", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-00:01"])
def test_date_times_at_the_edge_of_the_calendar_are_400(api, world, value):
    answer = api.call(
        "POST",
        f"/units/{world.unit}/collections",
        {"template_id": "feedback", "closes_at": value},
        token=world.worker,
    )
    assert answer.status == 400, answer.body
    assert fields(answer) == ["closes_at"]


def test_a_huge_version_is_a_400_naming_it(api, world):
    stored = api.call(
        "POST", f"/units/{world.unit}/activities", activity(), token=world.worker
    ).json
    body = {**activity(), "version": 10**40}
    answer = api.call(
        "PUT",
        f"/units/{world.unit}/activities/{stored['id']}",
        raw=json.dumps(body),
        token=world.worker,
    )
    assert answer.status == 400, answer.body
    assert fields(answer) == ["version"]


NUMBERS = ["1" + "0" * 40, "1" + "0" * 5000, "1e400", "NaN", "Infinity", "-Infinity"]


def test_numbers_out_of_any_range_are_400_naming_the_field(api, world):
    for raw_number in NUMBERS:
        body = json.dumps(activity()).replace(
            '"duration_minutes": 120', f'"duration_minutes": {raw_number}'
        )
        assert raw_number in body
        answer = api.call("POST", f"/units/{world.unit}/activities", raw=body, token=world.worker)
        assert answer.status == 400, (raw_number, answer.body)
        assert fields(answer) == ["duration_minutes"], raw_number


def test_a_lone_surrogate_is_400_naming_the_field(api, world):
    raw = json.dumps(activity(title="Chess \ud800 club"))
    assert "\\ud800" in raw
    answer = api.call("POST", f"/units/{world.unit}/activities", raw=raw, token=world.worker)
    assert answer.status == 400, answer.body
    assert fields(answer) == ["title"]


def test_huge_numbers_in_a_nested_object_name_the_path(api, world):
    body = activity()
    raw = json.dumps(body).replace('"girls": 5', '"girls": ' + "9" * 60)
    answer = api.call("POST", f"/units/{world.unit}/activities", raw=raw, token=world.worker)
    assert answer.status == 400, answer.body
    assert fields(answer) == ["participants.girls"]


ODD_SEGMENTS = ["%00", "%C0%AF", "%FF%FE", "a%0Ab", "\u202e", "%E2%80%AE", "x" * 5000, "%25" * 300]


def test_odd_path_parameters_are_4xx(api, world):
    for segment in ODD_SEGMENTS:
        answer = api.call("GET", f"/units/{world.unit}/activities/{segment}", token=world.worker)
        assert 400 <= answer.status < 500, (segment, answer.status, answer.body)
        assert answer.json["errors"], answer.body


def test_a_giant_query_string_is_4xx(api, world):
    answer = api.call(
        "GET",
        f"/units/{world.unit}/activities?from={'9' * 20_000}&cursor={'A' * 20_000}",
        token=world.worker,
    )
    assert 400 <= answer.status < 500, answer.body


def test_query_numbers_out_of_range_are_4xx(api, world):
    answer = api.call("GET", f"/public/stats?scope=all&period={'9' * 5000}", token=None)
    assert 400 <= answer.status < 500, answer.body


EMAILS = [
    "o'brien@lj.test",
    "yes!@lj.test",
    "a#b@lj.test",
    "a/b@lj.test",
    "50%off@lj.test",
    "a?b@lj.test",
    "a+tag@lj.test",
    "ä.ö@lj.test",
    "a&b=c@lj.test",
]


def test_every_member_that_can_be_added_can_be_updated_and_removed(api, world):
    for email in EMAILS:
        added = api.call(
            "POST",
            f"/orgs/{world.org}/members",
            {"email": email, "role": "worker", "unit_ids": [world.unit]},
            token=world.org_admin,
        )
        assert added.status == 201, added.body
        path = f"/orgs/{world.org}/members/{quote(email, safe='')}"
        body = {"role": "org_admin", "unit_ids": []}
        updated = api.call("PUT", path, body, token=world.org_admin)
        assert updated.status == 200, (email, updated.body)
        assert updated.json["email"] == email
        removed = api.call("DELETE", path, token=world.org_admin)
        assert removed.status == 204, (email, removed.body)
    members = api.call("GET", f"/orgs/{world.org}/members", token=world.org_admin).json
    assert not set(EMAILS) & {m["email"] for m in members["items"]}


def test_a_control_character_is_no_e_mail_address(api, world):
    answer = api.call(
        "POST",
        f"/orgs/{world.org}/members",
        {"email": "a\u0000b@lj.test", "role": "worker", "unit_ids": [world.unit]},
        token=world.org_admin,
    )
    assert answer.status == 400, answer.body
    assert fields(answer) == ["email"]


@pytest.mark.parametrize(
    "error", [RecursionError("deep"), OverflowError("date"), decimal.Inexact("digits")]
)
def test_input_that_slips_past_every_rule_into_arithmetic_is_still_a_400(aws, error):
    from chalice import Blueprint, Chalice
    from chalice.test import Client

    from chalicelib.api import routing

    blueprint = Blueprint("hostile_probe")
    registered = len(routing.ROUTES)

    @routing.endpoint(blueprint, "GET", "/probe", summary="probe", tag="probe", public=True)
    def probe() -> None:
        raise error

    del routing.ROUTES[registered:]
    probe_app = Chalice(app_name="probe")
    probe_app.register_blueprint(blueprint)
    with Client(probe_app) as client:
        answer = client.http.get("/probe")
    assert answer.status_code == 400
    assert json.loads(answer.body)["errors"] == [
        {"field": "body", "problem": "a value is out of range"}
    ]
