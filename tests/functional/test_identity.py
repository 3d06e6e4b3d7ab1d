"""Identity: local sign-in, the custom authorizer, 401 versus 403."""

from __future__ import annotations

import pytest

from tests.functional.conftest import ADMIN


def test_health_needs_no_token(api):
    answer = api.call("GET", "/health")
    assert (answer.status, answer.json) == (200, {"status": "ok"})


def test_local_login_gives_a_token_for_the_seeded_admin(api):
    answer = api.call("POST", "/auth/local-login", {"email": ADMIN})
    assert answer.status == 200
    assert answer.json["token"].count(".") == 2


def test_local_login_accepts_any_case_of_the_email(api):
    answer = api.call("POST", "/auth/local-login", {"email": "  Admin@Logbook.LOCAL "})
    assert answer.status == 200


def test_local_login_refuses_an_unknown_person(api):
    answer = api.call("POST", "/auth/local-login", {"email": "nobody@example.org"})
    assert answer.status == 401
    assert answer.json["error"] == "unauthenticated"


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "email"), ({"email": "not-an-email"}, "email"), ({"email": 5}, "email")],
)
def test_local_login_names_a_bad_field(api, body, field):
    answer = api.call("POST", "/auth/local-login", body)
    assert answer.status == 400
    assert answer.json["errors"][0]["field"] == field


def test_no_token_is_401(api):
    assert api.call("GET", "/me").status == 401


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer not.a.jwt", "Basic abc", "Bearer a.b.c", "token"]
)
def test_a_bad_token_is_401(api, header):
    answer = api.call("GET", "/me", headers={"Authorization": header})
    assert answer.status == 401


def test_a_valid_token_answers_me(api):
    answer = api.call("GET", "/me", token=api.token(ADMIN))
    assert answer.status == 200
    assert answer.json == {"email": ADMIN, "platform_admin": True, "memberships": []}


def test_a_valid_token_without_a_right_is_403(api):
    worker_world_org = api.call(
        "POST", "/orgs", {"name": "Celje", "country": "SI"}, token=api.token(ADMIN)
    ).json["id"]
    unit = api.call(
        "POST", f"/orgs/{worker_world_org}/units", {"name": "MC Celje"}, token=api.token(ADMIN)
    ).json["id"]
    api.call(
        "POST",
        f"/orgs/{worker_world_org}/members",
        {"email": "w@celje.test", "role": "worker", "unit_ids": [unit]},
        token=api.token(ADMIN),
    )
    answer = api.call(
        "POST", "/orgs", {"name": "X", "country": "SI"}, token=api.token("w@celje.test")
    )
    assert answer.status == 403
    assert answer.json["error"] == "forbidden"
