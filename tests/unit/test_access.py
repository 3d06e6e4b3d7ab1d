"""Roles: who may do what."""

from __future__ import annotations

import pytest

from chalicelib.domain.access import Grant, Principal, SignedIn
from chalicelib.domain.errors import Forbidden

WORKER = Principal("w@x.test", grants={"o1": Grant("o1", "worker", frozenset({"u1"}))})
PARTNER = Principal("p@x.test", grants={"o1": Grant("o1", "partner", frozenset({"u1"}))})
ORG_ADMIN = Principal("a@x.test", grants={"o1": Grant("o1", "org_admin")})
PLATFORM = Principal("root@x.test", platform_admin=True)
NOBODY = Principal("n@x.test")


def test_platform_admin_may_do_everything():
    PLATFORM.require_platform_admin()
    PLATFORM.require_org_admin("any")
    assert PLATFORM.unit_role("any", "unit") == "platform_admin"


def test_org_admin_reaches_every_unit_of_their_org_only():
    assert ORG_ADMIN.unit_role("o1", "u9") == "org_admin"
    with pytest.raises(Forbidden):
        ORG_ADMIN.unit_role("o2", "u9")
    with pytest.raises(Forbidden):
        ORG_ADMIN.require_platform_admin()


def test_worker_reaches_their_units_only():
    assert WORKER.unit_role("o1", "u1") == "worker"
    with pytest.raises(Forbidden):
        WORKER.unit_role("o1", "u2")
    with pytest.raises(Forbidden):
        WORKER.require_org_admin("o1")
    WORKER.require_org_member("o1")


def test_partner_touches_only_their_own_activities():
    role = PARTNER.unit_role("o1", "u1")
    assert PARTNER.may_touch_activity(role, "p@x.test")
    assert not PARTNER.may_touch_activity(role, "w@x.test")
    assert WORKER.may_touch_activity("worker", "p@x.test")


def test_a_person_without_grants_is_not_known():
    assert not NOBODY.known
    with pytest.raises(Forbidden):
        NOBODY.require_org_member("o1")


@pytest.mark.parametrize(
    ("email", "verified", "expected"),
    [
        ("ana@lj.si", True, "ana@lj.si"),
        ("ana@lj.si", False, None),
        ("Ana@lj.si", True, None),
        ("ANA@LJ.SI", True, None),
        (" ana@lj.si", True, None),
    ],
)
def test_a_token_may_take_up_only_a_verified_address_written_as_stored(
    email: str, verified: bool, expected: str | None
) -> None:
    signed_in = SignedIn(subject="s", email=email, email_verified=verified)
    assert signed_in.member_email() == expected
