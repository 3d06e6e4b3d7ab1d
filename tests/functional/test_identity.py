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
    assert answer.json == {
        "email": ADMIN,
        "platform_admin": True,
        "memberships": [],
        "networks": [],
    }


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


# ---------------------------------------------------------------- a person is their `sub`


def forged(email: str, *, sub: str, verified: object = True) -> str:
    """A token the local issuer's key signed, with whatever claims a caller chooses."""
    import time
    from pathlib import Path

    import jwt

    from chalicelib.auth.tokens import ALGORITHM, PRIVATE_KEY_FILE
    from chalicelib.settings import get_settings

    settings = get_settings()
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": sub,
        "email": email,
        "iat": now,
        "exp": now + 600,
        "token_use": "id",
    }
    if verified is not None:
        claims["email_verified"] = verified
    private_pem = (Path(settings.local_key_dir) / PRIVATE_KEY_FILE).read_bytes()
    return jwt.encode(claims, private_pem, algorithm=ALGORITHM)


def is_admin(api, token: str) -> bool:
    answer = api.call("GET", "/me", token=token)
    return answer.status == 200 and answer.json["platform_admin"] is True


def test_the_reported_forgery_is_no_platform_admin(api):
    # The outside review's token: upper-case address, unverified, someone else's subject.
    token = forged("ADMIN@LOGBOOK.LOCAL", sub="attacker-sub", verified=False)

    assert api.call("GET", "/me", token=token).status == 403
    answer = api.call("POST", "/orgs", {"name": "Mine", "country": "SI"}, token=token)
    assert answer.status == 403


@pytest.mark.parametrize(
    "verified",
    [False, None, "false", "True", 1],
    ids=["false", "absent", "str-false", "str-True", "one"],
)
def test_an_unverified_email_gets_no_rights(api, verified):
    assert api.call("GET", "/me", token=forged(ADMIN, sub="s-1", verified=verified)).status == 403


def test_the_same_email_in_other_letter_case_gets_no_rights(api):
    assert api.call("GET", "/me", token=forged("Admin@Logbook.local", sub="s-1")).status == 403


def test_the_first_verified_sign_in_binds_the_member_to_its_subject(api):
    first = forged(ADMIN, sub="the-real-admin")
    assert is_admin(api, first)

    # Same verified address, another subject: someone else, whatever the e-mail says.
    assert api.call("GET", "/me", token=forged(ADMIN, sub="an-impostor")).status == 403
    assert is_admin(api, first)


def test_the_local_sign_in_issues_one_stable_subject_per_account(api):
    import jwt

    first, second = api.token(ADMIN), api.token("ADMIN@logbook.local")
    claims = [jwt.decode(t, options={"verify_signature": False}) for t in (first, second)]

    assert claims[0]["sub"] == claims[1]["sub"] != ADMIN
    assert claims[0]["email_verified"] is True
    assert claims[0]["email"] == ADMIN
    assert is_admin(api, first)


def test_a_local_sign_in_after_another_subject_bound_the_account_reaches_nothing(api):
    assert is_admin(api, forged(ADMIN, sub="bound-elsewhere"))

    assert api.call("GET", "/me", token=api.token(ADMIN)).status == 403


def test_members_are_bound_like_platform_admins(api):
    admin = api.token(ADMIN)
    org = api.call("POST", "/orgs", {"name": "Celje", "country": "SI"}, token=admin).json["id"]
    api.call(
        "POST",
        f"/orgs/{org}/members",
        {"email": "boss@celje.test", "role": "org_admin"},
        token=admin,
    )
    boss = forged("boss@celje.test", sub="boss-1")
    assert api.call("GET", f"/orgs/{org}/members", token=boss).status == 200

    impostor = forged("boss@celje.test", sub="boss-2")
    assert api.call("GET", f"/orgs/{org}/members", token=impostor).status == 403
    assert api.call("GET", "/me", token=impostor).status == 403


def test_of_two_racing_first_sign_ins_exactly_one_binds(api, monkeypatch):
    from chalicelib.domain.access import SignedIn
    from chalicelib.services import get_services

    services = get_services()
    # Both requests read the account before either of them binds it.
    unbound = services.directory.account(ADMIN)
    assert unbound.subject is None
    monkeypatch.setattr(services.directory, "account", lambda email: unbound)

    first = services.identity.principal_for(
        SignedIn(subject="sub-a", email=ADMIN, email_verified=True)
    )
    second = services.identity.principal_for(
        SignedIn(subject="sub-b", email=ADMIN, email_verified=True)
    )

    assert first.platform_admin
    assert not second.known
    monkeypatch.undo()
    assert services.directory.account(ADMIN).subject == "sub-a"


def test_a_token_without_rights_binds_nothing(api):
    from chalicelib.services import get_services

    assert api.call("GET", "/me", token=forged("later@celje.test", sub="early")).status == 403

    assert get_services().directory.account("later@celje.test").subject is None


# ---------------------------------------------------------------- the local sign-in's reach


@pytest.mark.parametrize(
    "origin", ["http://127.0.0.1:8080", "http://localhost:8080", "HTTP://127.0.0.1:8080"]
)
def test_local_login_answers_the_sites_own_origin(api, origin):
    answer = api.call("POST", "/auth/local-login", {"email": ADMIN}, headers={"Origin": origin})
    assert answer.status == 200


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "http://127.0.0.1:8000",
        "http://127.0.0.1:8081",
        "https://127.0.0.1:8080",
        "http://127.0.0.1:8080.evil.example",
        "null",
        "",
    ],
)
def test_local_login_refuses_any_other_origin(api, origin):
    # Any web page a developer visits while `make dev` runs could otherwise sign in as admin.
    answer = api.call("POST", "/auth/local-login", {"email": ADMIN}, headers={"Origin": origin})
    assert answer.status == 403
    assert answer.json["error"] == "forbidden"
    assert answer.json["errors"][0]["field"] == "Origin"
    assert "token" not in answer.json


def test_local_login_without_origin_is_a_script_and_answers(api):
    # curl and scripts send no Origin; browsers always send it on a cross-origin POST.
    assert api.call("POST", "/auth/local-login", {"email": ADMIN}).status == 200


def routes_of_app(environment: dict[str, str]) -> set[str]:
    """The routes ``app.py`` registers in a fresh process with ``environment``."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGBOOK_")}
    env.update(environment)
    script = "import json, app; print(json.dumps(sorted(app.app.routes)))"
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "environment",
    [{}, {"LOGBOOK_STAGE": "dev"}, {"LOGBOOK_STAGE": "prod"}],
    ids=["no-stage", "dev", "prod"],
)
def test_the_local_sign_in_exists_only_when_the_stage_is_local(environment):
    routes = routes_of_app(environment)
    assert "/auth/local-login" not in routes
    assert "/me" in routes


def test_the_local_stage_has_the_local_sign_in():
    assert "/auth/local-login" in routes_of_app({"LOGBOOK_STAGE": "local"})


def test_the_authorizer_names_the_subject_and_passes_the_email_claims_as_signed(api):
    from chalicelib.api.authorizer import authorize

    event = {
        "type": "TOKEN",
        "authorizationToken": "Bearer " + forged("Ana@LJ.si", sub="sub-ana", verified=False),
        "methodArn": "arn:aws:execute-api:eu-north-1:123456789012:abc/api/GET/me",
    }
    answer = authorize(event, None)

    assert answer["principalId"] == "sub-ana"
    # API Gateway hands context values to the API as strings.
    assert answer["context"] == {"email": "Ana@LJ.si", "email_verified": "false"}
