"""A refused field carries a stable code beside its English problem, for pages to translate."""

from __future__ import annotations

import pytest

from tests.builders import activity
from tests.functional.world import build_world


@pytest.fixture
def world(api):
    return build_world(api)


def post(api, world, body):
    return api.call("POST", f"/units/{world.unit}/activities", body, token=world.worker)


def test_a_bound_names_its_code_and_limit(api, world):
    # Given an activity with a count above the largest the API takes
    body = activity(participants={"girls": 10_001, "boys": 0, "nonbinary": 0, "undisclosed": 0})
    # When it is saved
    answer = post(api, world, body)
    # Then the field's problem has a code and the bound, beside the English
    assert answer.status == 400
    [entry] = [e for e in answer.json["errors"] if e["field"] == "participants.girls"]
    assert entry["code"] == "less_than_equal"
    assert entry["limit"] == 10_000
    assert entry["problem"]


def test_a_missing_field_is_coded_missing(api, world):
    body = activity()
    del body["title"]
    answer = post(api, world, body)
    assert answer.status == 400
    assert {"field": "title", "code": "missing"}.items() <= answer.json["errors"][0].items()


def test_a_rule_of_the_domain_has_its_own_code(api, world):
    # Given more new participants than participants
    body = activity(new_participants=50)
    # When it is saved, then the problem is coded, not only worded
    answer = post(api, world, body)
    assert answer.status == 400
    [entry] = [e for e in answer.json["errors"] if e["field"] == "new_participants"]
    assert entry["code"] == "exceeds_total"
    assert "exceeds" in entry["problem"]


def test_a_worker_without_units_is_coded_units_needed(api, world):
    answer = api.call(
        "POST",
        f"/orgs/{world.org}/members",
        {"email": "new@lj.test", "role": "worker", "unit_ids": []},
        token=world.org_admin,
    )
    assert answer.status == 400
    [entry] = [e for e in answer.json["errors"] if e["field"] == "unit_ids"]
    assert entry["code"] == "units_needed"
