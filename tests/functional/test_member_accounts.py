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
    from chalicelib.services import get_services

    def no_invitations(email: str) -> bool:
        raise AssertionError(f"invited {email}")

    monkeypatch.setattr(get_services().accounts, "invite", no_invitations)

    answer = add(api, world, "worker@lj.test")

    assert answer.status == 409
    assert "already a member" in answer.json["message"]


def test_when_the_sign_in_cannot_be_made_the_member_is_not_stored(
    api: Api, world: World, pool: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.services import get_services

    def refused(email: str) -> bool:
        raise InvalidInput.field("email", "the sign-in service refused this address")

    monkeypatch.setattr(get_services().accounts, "invite", refused)

    answer = add(api, world, "odd@lj.test")

    assert answer.status == 400
    assert answer.json["errors"] == [
        {"field": "email", "problem": "the sign-in service refused this address"}
    ]
    members = api.call("GET", f"/orgs/{world.org}/members", token=world.admin).json["items"]
    assert "odd@lj.test" not in [member["email"] for member in members]


class RefusingCognito:
    """A cognito-idp client that answers every call with one error code."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.calls: list[str] = []

    def _refuse(self, operation: str) -> None:
        self.calls.append(operation)
        raise ClientError({"Error": {"Code": self.code, "Message": "no"}}, operation)

    def admin_create_user(self, **_: Any) -> None:
        self._refuse("AdminCreateUser")

    def admin_enable_user(self, **_: Any) -> None:
        self._refuse("AdminEnableUser")

    def admin_disable_user(self, **_: Any) -> None:
        self._refuse("AdminDisableUser")


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
        with pytest.raises(ClientError):  # exists: enabled again, which refuses too
            accounts.invite("a@b.si")
    else:
        with pytest.raises(expected):
            accounts.invite("a@b.si")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("UserNotFoundException", None),
        ("TooManyRequestsException", TooManyRequests),
        ("LimitExceededException", TooManyRequests),
        ("InternalErrorException", ClientError),
    ],
)
@pytest.mark.parametrize("operation", ["disable", "enable"])
def test_cognito_answers_to_disable_and_enable(
    code: str, expected: type[Exception] | None, operation: str
) -> None:
    accounts = CognitoAccounts(lambda: RefusingCognito(code), "pool")
    if expected is None:
        getattr(accounts, operation)("a@b.si")  # nobody to switch off or on: nothing to do
    else:
        with pytest.raises(expected):
            getattr(accounts, operation)("a@b.si")


# ---------------------------------------------------------------- removing disables the sign-in


def enabled(pool: tuple[Any, str], email: str) -> bool:
    cognito, pool_id = pool
    return bool(cognito.admin_get_user(UserPoolId=pool_id, Username=email)["Enabled"])


def remove(api: Api, world: World, email: str, org: str | None = None) -> Any:
    return api.call("DELETE", f"/orgs/{org or world.org}/members/{email}", token=world.admin)


def test_removing_a_member_of_nothing_else_disables_their_sign_in(
    api: Api, world: World, pool: tuple[Any, str]
) -> None:
    assert enabled(pool, "worker@lj.test")

    assert remove(api, world, "worker@lj.test").status == 204

    assert not enabled(pool, "worker@lj.test")
    assert enabled(pool, "boss@lj.test")


def test_a_member_elsewhere_keeps_their_sign_in(
    api: Api, world: World, pool: tuple[Any, str]
) -> None:
    assert add(api, world, "worker@lj.test", org=world.foreign_org).status == 201

    assert remove(api, world, "worker@lj.test").status == 204

    assert enabled(pool, "worker@lj.test")


def test_a_platform_admin_keeps_their_sign_in(
    api: Api, world: World, pool: tuple[Any, str]
) -> None:
    from chalicelib.services import get_services

    get_services().identity.add_platform_admin("worker@lj.test")

    assert remove(api, world, "worker@lj.test").status == 204

    assert enabled(pool, "worker@lj.test")


def test_adding_a_removed_person_again_enables_their_sign_in(
    api: Api, world: World, pool: tuple[Any, str]
) -> None:
    remove(api, world, "worker@lj.test")

    assert add(api, world, "worker@lj.test", org=world.foreign_org).status == 201

    assert enabled(pool, "worker@lj.test")


def test_when_cognito_refuses_to_disable_the_member_stays_and_removing_again_works(
    api: Api, world: World, pool: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.services import get_services

    accounts = get_services().accounts

    def throttled(email: str) -> None:
        raise TooManyRequests("too many sign-in changes at once; try again in a minute")

    monkeypatch.setattr(accounts, "disable", throttled)
    assert remove(api, world, "worker@lj.test").status == 429
    monkeypatch.undo()

    assert remove(api, world, "worker@lj.test").status == 204
    assert not enabled(pool, "worker@lj.test")


def test_added_elsewhere_while_being_removed_keeps_the_sign_in(
    api: Api, world: World, pool: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.services import get_services

    services = get_services()
    disable = services.accounts.disable

    def another_admin_adds_them_meanwhile(email: str) -> None:
        disable(email)
        services.directory.put_member(
            {
                "email": email,
                "org_id": world.foreign_org,
                "role": "worker",
                "unit_ids": [world.foreign_unit],
                "created_at": "t",
                "updated_at": "t",
            },
            create=True,
        )

    monkeypatch.setattr(services.accounts, "disable", another_admin_adds_them_meanwhile)

    assert remove(api, world, "worker@lj.test").status == 204

    assert enabled(pool, "worker@lj.test")


def test_a_person_removed_everywhere_is_unbound_and_binds_afresh_when_invited_again(
    api: Api, world: World, pool: tuple[Any, str]
) -> None:
    from chalicelib.services import get_services

    directory = get_services().directory
    assert api.call("GET", "/me", token=world.worker).status == 200
    assert directory.account("worker@lj.test").subject is not None

    remove(api, world, "worker@lj.test")

    assert directory.account("worker@lj.test").subject is None
    assert api.call("GET", "/me", token=world.worker).status == 403
