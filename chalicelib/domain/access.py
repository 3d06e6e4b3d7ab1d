"""Who may do what: roles and the checks every route makes. Pure, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from chalicelib.domain.errors import Forbidden
from chalicelib.domain.models import Role

UnitRole = Literal["platform_admin", "org_admin", "worker", "partner"]


@dataclass(frozen=True)
class Grant:
    """A person's role in one organisation, and for workers and partners, their units."""

    org_id: str
    role: Role
    unit_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SignedIn:
    """What a verified token says: its subject and its e-mail claims, exactly as signed."""

    subject: str
    email: str
    email_verified: bool

    def member_email(self) -> str | None:
        """The address whose invitations this token may take up, or None.

        Only a verified address, written exactly as Logbook stores addresses (lower
        case, no spaces): ``ADMIN@logbook.local`` is somebody else's account, not the
        admin's. Whether the subject is the one bound to the address is the store's
        to say (``Identity.principal_for`` in the services).
        """
        if not self.email_verified or self.email != self.email.strip().lower():
            return None
        return self.email


@dataclass(frozen=True)
class Account:
    """Everything stored about one address: its rights and the subject bound to it."""

    platform_admin: bool = False
    grants: dict[str, Grant] = field(default_factory=dict)
    subject: str | None = None
    # The networks this address coordinates (docs/networks.md).
    networks: frozenset[str] = frozenset()

    @property
    def has_rights(self) -> bool:
        return self.platform_admin or bool(self.grants) or bool(self.networks)


@dataclass(frozen=True)
class Principal:
    """A signed-in person with everything they may do."""

    email: str
    platform_admin: bool = False
    grants: dict[str, Grant] = field(default_factory=dict)
    # Network id → its member organisations, for the networks this person coordinates.
    networks: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        """Whether the person has any right at all."""
        return self.platform_admin or bool(self.grants) or bool(self.networks)

    def coordinates(self, org_id: str) -> bool:
        """Whether the person coordinates a network that ``org_id`` belongs to."""
        return any(org_id in orgs for orgs in self.networks.values())

    def require_org_reader(self, org_id: str) -> None:
        """A member of ``org_id``, a coordinator of one of its networks, or a platform
        admin passes: the organisation, its units and campaigns, never its records."""
        if not (self.platform_admin or org_id in self.grants or self.coordinates(org_id)):
            raise Forbidden("you are not a member of this organisation or its network")

    def require_campaign_opener(self, org_id: str) -> None:
        """An admin of ``org_id`` or a coordinator of one of its networks passes."""
        if not (self.is_org_admin(org_id) or self.coordinates(org_id)):
            raise Forbidden("only an admin of this organisation or its network may do this")

    def require_network_reader(self, network_id: str) -> None:
        """A coordinator of the network (or a platform admin) passes."""
        if not (self.platform_admin or network_id in self.networks):
            raise Forbidden("only a coordinator of this network may do this")

    def require_platform_admin(self) -> None:
        """Only a platform admin passes."""
        if not self.platform_admin:
            raise Forbidden("only a platform admin may do this")

    def is_org_admin(self, org_id: str) -> bool:
        grant = self.grants.get(org_id)
        return self.platform_admin or (grant is not None and grant.role == "org_admin")

    def require_org_admin(self, org_id: str) -> None:
        """An admin of ``org_id`` (or a platform admin) passes."""
        if not self.is_org_admin(org_id):
            raise Forbidden("only an admin of this organisation may do this")

    def require_org_member(self, org_id: str) -> None:
        """Anyone with a role in ``org_id`` (or a platform admin) passes."""
        if not (self.platform_admin or org_id in self.grants):
            raise Forbidden("you are not a member of this organisation")

    def unit_role(self, org_id: str, unit_id: str) -> UnitRole:
        """The caller's role in a unit; raises ``Forbidden`` without one."""
        if self.platform_admin:
            return "platform_admin"
        grant = self.grants.get(org_id)
        if grant is None:
            raise Forbidden("you are not a member of this unit's organisation")
        if grant.role == "org_admin":
            return "org_admin"
        if unit_id not in grant.unit_ids:
            raise Forbidden("you are not a member of this unit")
        return grant.role

    def may_touch_activity(self, role: UnitRole, created_by: str) -> bool:
        """Partners see and change only what they recorded themselves."""
        return role != "partner" or created_by == self.email
