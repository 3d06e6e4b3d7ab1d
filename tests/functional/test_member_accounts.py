"""Adding a member gives them a sign-in: a Cognito user in AWS stages (moto's user pool)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib.domain.errors import InvalidInput, TooManyRequests
from chalicelib.settings import get_settings
from chalicelib.store.accounts import CognitoAccounts
from tests.functional.conftest import Api, reset_caches
from tests.functional.world import World, build_world


@pytest.fixture
def pool(aws: None, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str]:
    """A user pool the API adds members to (as ``LOGBOOK_USER_POOL_ID`` says in AWS)."""
    cognito = boto3.client("cognito-idp", region_name=get_settings().region)
    pool_id = cognito.create_user_pool(PoolName="logbook-test")["UserPool"]["Id"]
    monkeypatch.setenv("LOGBOOK_USER_POOL_ID", pool_id)
    reset_caches()
    return cognito, pool_id


@pytest.fixture
def world(pool: tuple[Any, str], api: Api) -> World:
    return build_world(api)


def users(pool: tuple[Any, str]) -> dict[str, dict[str, str]]:
    cognito, pool_id = pool
    listed = cognito.list_users(UserPoolId=pool_id)["Users"]
    return {
        user["Username"]: {a["Name"]: a["Value"] for a in user["Attributes"]} for user in listed
    }


def add(api: Api, world: World, email: str, org: str | None = None) -> Any:
    unit = world.unit if org is None else world.foreign_unit
    return api.call(
        "POST",
        f"/orgs/{org or world.org}/members",
        {"email": email, "role": "worker", "unit_ids": [unit]},
        token=world.admin,
    )


def test_an_added_member_gets_a_verified_sign_in(
    api: Api, world: World, pool: tuple[Any, str]
) -> None:
    assert add(api, world, "New.Worker@LJ.test").status == 201

    created = users(pool)["new.worker@lj.test"]
    assert created["email"] == "new.worker@lj.test"
    assert created["email_verified"] == "true"


def test_every_member_the_world_added_has_one(world: World, pool: tuple[Any, str]) -> None:
    assert set(users(pool)) == {
        "boss@lj.test",
        "worker@lj.test",
        "partner@lj.test",
        "outsider@mb.test",
    }


def test_someone_with_a_sign_in_keeps_it_when_another_org_adds_them(
    api: Api, world: World, pool: tuple[Any, str]
) -> None:
    before = users(pool)

    assert add(api, world, "worker@lj.test", org=world.foreign_org).status == 201

    assert users(pool) == before


def test_adding_a_member_again_is_409_and_invites_nobody(
    api: Api, world: World, pool: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.service import get_logbook

    def no_invitations(email: str) -> bool:
        raise AssertionError(f"invited {email}")

    monkeypatch.setattr(get_logbook().accounts, "invite", no_invitations)

    answer = add(api, world, "worker@lj.test")

    assert answer.status == 409
    assert "already a member" in answer.json["message"]


def test_when_the_sign_in_cannot_be_made_the_member_is_not_stored(
    api: Api, world: World, pool: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.service import get_logbook

    def refused(email: str) -> bool:
        raise InvalidInput.field("email", "the sign-in service refused this address")

    monkeypatch.setattr(get_logbook().accounts, "invite", refused)

    answer = add(api, world, "odd@lj.test")

    assert answer.status == 400
    assert answer.json["errors"] == [
        {"field": "email", "problem": "the sign-in service refused this address"}
    ]
    members = api.call("GET", f"/orgs/{world.org}/members", token=world.admin).json["items"]
    assert "odd@lj.test" not in [member["email"] for member in members]


class RefusingCognito:
    """A cognito-idp client that answers AdminCreateUser with one error code."""

    def __init__(self, code: str) -> None:
        self.code = code

    def admin_create_user(self, **_: Any) -> None:
        raise ClientError({"Error": {"Code": self.code, "Message": "no"}}, "AdminCreateUser")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("UsernameExistsException", None),
        ("InvalidParameterException", InvalidInput),
        ("TooManyRequestsException", TooManyRequests),
        ("LimitExceededException", TooManyRequests),
        ("InternalErrorException", ClientError),
    ],
)
def test_cognito_answers_become_domain_errors_or_stay_server_errors(
    code: str, expected: type[Exception] | None
) -> None:
    accounts = CognitoAccounts(lambda: RefusingCognito(code), "pool")
    if expected is None:
        assert accounts.invite("a@b.si") is False
    else:
        with pytest.raises(expected):
            accounts.invite("a@b.si")
