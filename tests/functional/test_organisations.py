"""Organisations, units, members, goals and reflection questions."""

from __future__ import annotations

import pytest

from tests.functional.world import build_world


@pytest.fixture
def world(api):
    return build_world(api)


def test_create_org_answers_201_with_an_id(api, world):
    answer = api.call("POST", "/orgs", {"name": "Brežice", "country": "si"}, token=world.admin)
    assert answer.status == 201
    assert answer.json["id"] and answer.json["country"] == "SI"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"country": "SI"}, "name"),
        ({"name": "", "country": "SI"}, "name"),
        ({"name": "X", "country": "Slovenia"}, "country"),
        ({"name": "X", "country": "SI", "youth_population": -1}, "youth_population"),
        ({"name": "X", "country": "SI", "colour": "red"}, "colour"),
        ({"name": 5, "country": "SI"}, "name"),
    ],
)
def test_bad_org_is_400_naming_the_field(api, world, body, field):
    answer = api.call("POST", "/orgs", body, token=world.admin)
    assert answer.status == 400
    assert [e["field"] for e in answer.json["errors"]] == [field]


def test_invalid_json_is_400(api, world):
    answer = api.call("POST", "/orgs", raw="{not json", token=world.admin)
    assert answer.status == 400
    assert answer.json["errors"][0]["field"] == "body"


def test_json_that_is_not_an_object_is_400(api, world):
    answer = api.call("POST", "/orgs", raw="[1, 2]", token=world.admin)
    assert answer.status == 400


def test_a_body_over_the_limit_is_413(api, world):
    answer = api.call("POST", "/orgs", {"name": "X" * 70_000, "country": "SI"}, token=world.admin)
    assert answer.status == 413


def test_org_admin_lists_only_their_org(api, world):
    answer = api.call("GET", "/orgs", token=world.org_admin)
    assert [org["id"] for org in answer.json["items"]] == [world.org]


def test_platform_admin_lists_every_org(api, world):
    answer = api.call("GET", "/orgs", token=world.admin)
    assert {org["id"] for org in answer.json["items"]} == {world.org, world.foreign_org}


def test_org_admin_updates_their_org(api, world):
    answer = api.call(
        "PUT", f"/orgs/{world.org}", {"name": "MOL", "country": "SI"}, token=world.org_admin
    )
    assert answer.status == 200
    assert api.call("GET", f"/orgs/{world.org}", token=world.worker).json["name"] == "MOL"


def test_worker_cannot_update_the_org(api, world):
    answer = api.call(
        "PUT", f"/orgs/{world.org}", {"name": "MOL", "country": "SI"}, token=world.worker
    )
    assert answer.status == 403


def test_unknown_org_is_404(api, world):
    assert api.call("GET", "/orgs/doesnotexist", token=world.admin).status == 404


def test_org_admin_creates_a_unit_in_their_org_only(api, world):
    own = api.call("POST", f"/orgs/{world.org}/units", {"name": "MC Moste"}, token=world.org_admin)
    foreign = api.call(
        "POST", f"/orgs/{world.foreign_org}/units", {"name": "MC X"}, token=world.org_admin
    )
    assert (own.status, foreign.status) == (201, 403)


def test_units_are_listed_by_name(api, world):
    answer = api.call("GET", f"/orgs/{world.org}/units", token=world.worker)
    assert [u["name"] for u in answer.json["items"]] == ["MC Šiška", "Mladinski center Bežigrad"]


def test_unit_update_keeps_its_org(api, world):
    answer = api.call(
        "PUT",
        f"/units/{world.unit}",
        {"name": "Šiška", "description": "Open every day"},
        token=world.org_admin,
    )
    assert answer.status == 200
    assert answer.json["org_id"] == world.org and answer.json["name"] == "Šiška"


def test_members_are_listed_for_org_admins(api, world):
    answer = api.call("GET", f"/orgs/{world.org}/members", token=world.org_admin)
    assert [m["email"] for m in answer.json["items"]] == [
        "boss@lj.test",
        "partner@lj.test",
        "worker@lj.test",
    ]
    assert api.call("GET", f"/orgs/{world.org}/members", token=world.worker).status == 403


def test_adding_a_member_twice_is_409(api, world):
    answer = api.call(
        "POST",
        f"/orgs/{world.org}/members",
        {"email": "worker@lj.test", "role": "worker", "unit_ids": [world.unit]},
        token=world.org_admin,
    )
    assert answer.status == 409


def test_a_worker_needs_units_of_the_same_org(api, world):
    none = api.call(
        "POST",
        f"/orgs/{world.org}/members",
        {"email": "a@b.test", "role": "worker"},
        token=world.org_admin,
    )
    foreign = api.call(
        "POST",
        f"/orgs/{world.org}/members",
        {"email": "a@b.test", "role": "worker", "unit_ids": [world.foreign_unit]},
        token=world.org_admin,
    )
    assert (none.status, foreign.status) == (400, 400)
    assert foreign.json["errors"][0]["field"] == "unit_ids"


def test_bad_role_is_400(api, world):
    answer = api.call(
        "POST",
        f"/orgs/{world.org}/members",
        {"email": "a@b.test", "role": "boss"},
        token=world.org_admin,
    )
    assert answer.status == 400
    assert answer.json["errors"][0]["field"] == "role"


def test_changing_a_role_applies_at_once(api, world):
    answer = api.call(
        "PUT",
        f"/orgs/{world.org}/members/worker@lj.test",
        {"role": "worker", "unit_ids": [world.other_unit]},
        token=world.org_admin,
    )
    assert answer.status == 200
    assert api.call("GET", f"/units/{world.unit}/activities", token=world.worker).status == 403
    assert (
        api.call("GET", f"/units/{world.other_unit}/activities", token=world.worker).status == 200
    )


def test_removed_member_loses_access(api, world):
    answer = api.call("DELETE", f"/orgs/{world.org}/members/worker@lj.test", token=world.org_admin)
    assert answer.status == 204
    assert api.call("GET", "/me", token=world.worker).status == 403
    again = api.call("DELETE", f"/orgs/{world.org}/members/worker@lj.test", token=world.org_admin)
    assert again.status == 404


def test_me_lists_memberships(api, world):
    answer = api.call("GET", "/me", token=world.worker)
    assert answer.json["memberships"] == [
        {"org_id": world.org, "org_name": "Ljubljana", "role": "worker", "unit_ids": [world.unit]}
    ]


def test_goals_are_created_listed_and_updated(api, world):
    created = api.call(
        "POST",
        f"/orgs/{world.org}/goals",
        {"title": "Young people feel safe"},
        token=world.org_admin,
    )
    assert created.status == 201
    goal = created.json["id"]
    updated = api.call(
        "PUT",
        f"/orgs/{world.org}/goals/{goal}",
        {"title": "Young people feel safe", "unit_ids": [world.unit], "active": False},
        token=world.org_admin,
    )
    assert updated.status == 200 and updated.json["unit_ids"] == [world.unit]
    listed = api.call("GET", f"/orgs/{world.org}/goals", token=world.worker)
    assert [g["id"] for g in listed.json["items"]] == [goal]


def test_goal_for_a_foreign_unit_is_400(api, world):
    answer = api.call(
        "POST",
        f"/orgs/{world.org}/goals",
        {"title": "X", "unit_ids": [world.foreign_unit]},
        token=world.org_admin,
    )
    assert answer.status == 400


def test_reflection_questions_are_created_listed_and_updated(api, world):
    created = api.call(
        "POST",
        f"/orgs/{world.org}/reflection-questions",
        {"text": "What went well tonight?"},
        token=world.org_admin,
    )
    assert created.status == 201
    question = created.json["id"]
    updated = api.call(
        "PUT",
        f"/orgs/{world.org}/reflection-questions/{question}",
        {"text": "What went well?", "active": True},
        token=world.org_admin,
    )
    assert updated.json["text"] == "What went well?"
    listed = api.call("GET", f"/orgs/{world.org}/reflection-questions", token=world.worker)
    assert [q["text"] for q in listed.json["items"]] == ["What went well?"]
    assert (
        api.call(
            "PUT",
            f"/orgs/{world.org}/reflection-questions/nope",
            {"text": "x"},
            token=world.org_admin,
        ).status
        == 404
    )


def test_public_orgs_show_names_and_ids_only(api, world):
    answer = api.call("GET", "/public/orgs")
    assert answer.status == 200
    ljubljana = next(org for org in answer.json["items"] if org["id"] == world.org)
    assert set(ljubljana) == {
        "id",
        "name",
        "country",
        "municipality_code",
        "youth_population",
        "units",
    }
    assert {u["id"] for u in ljubljana["units"]} == {world.unit, world.other_unit}
    assert "lj.test" not in str(answer.json)


def test_public_orgs_is_one_query_however_many_organisations(api, world):
    from chalicelib.services import get_services

    client = get_services().directory._table.meta.client
    calls: list[str] = []
    client.meta.events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name))

    def reads_of_public_orgs() -> tuple[list[str], int]:
        calls.clear()
        answer = api.call("GET", "/public/orgs")
        assert answer.status == 200
        return list(calls), len(answer.json["items"])

    few, orgs_before = reads_of_public_orgs()
    for index in range(12):
        created = api.call(
            "POST", "/orgs", {"name": f"Extra {index}", "country": "FI"}, token=world.admin
        )
        assert created.status == 201
        unit = {"name": f"Centre {index}"}
        units = f"/orgs/{created.json['id']}/units"
        assert api.call("POST", units, unit, token=world.admin).status == 201
    many, orgs_after = reads_of_public_orgs()

    assert orgs_after == orgs_before + 12
    assert few == many == ["Query"]


def test_a_path_parameter_that_cannot_be_an_id_is_400(api, world):
    answer = api.call("GET", "/orgs/" + "x" * 300, token=world.admin)
    assert answer.status == 400
    assert answer.json["errors"][0]["field"] == "org_id"
