"""Who someone is and what they may do: principals, the caller's memberships."""

from __future__ import annotations

from chalicelib.domain.access import Principal, SignedIn
from chalicelib.domain.models import Me, Membership
from chalicelib.services.clock import Clock
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.networks import NetworkRepository


class Identity:
    """Principals from e-mail addresses and verified tokens (docs/identity.md)."""

    def __init__(
        self,
        directory: DirectoryRepository,
        clock: Clock,
        networks: NetworkRepository | None = None,
    ) -> None:
        self.directory = directory
        self.clock = clock
        self.networks = networks

    def principal(self, email: str) -> Principal:
        """Load what ``email`` may do (trusted callers: seeding, tools, local sign-in).

        Requests go through ``principal_for``, which also checks who the token is.
        Unknown people get a principal with no rights.
        """
        account = self.directory.account(email)
        return Principal(
            email=email,
            platform_admin=account.platform_admin,
            grants=account.grants,
            networks=self._coordinated(account.networks),
        )

    def _coordinated(self, network_ids: frozenset[str]) -> dict[str, frozenset[str]]:
        """The member organisations of the networks someone coordinates (a GetItem each:
        only coordinators pay it)."""
        coordinated: dict[str, frozenset[str]] = {}
        for network_id in sorted(network_ids):
            members = self.networks.network_members(network_id) if self.networks else None
            if members is not None:
                coordinated[network_id] = frozenset(members)
        return coordinated

    def principal_for(self, signed_in: SignedIn) -> Principal:
        """What the person behind a verified token may do (docs/identity.md).

        An invitation names an address; the first sign-in with that address, verified
        and written as stored, binds it to the token's subject. From then on only that
        subject has the address's rights: another subject, an unverified address or the
        address in other letter case gets a principal with no rights.
        """
        nobody = Principal(email=signed_in.email)
        email = signed_in.member_email()
        if email is None:
            return nobody
        account = self.directory.account(email)
        if not account.has_rights:
            return nobody
        bound = account.subject or self.directory.bind_subject(
            email, signed_in.subject, self.clock.iso()
        )
        if bound != signed_in.subject:
            return nobody
        return Principal(
            email=email,
            platform_admin=account.platform_admin,
            grants=account.grants,
            networks=self._coordinated(account.networks),
        )

    def me(self, principal: Principal) -> Me:
        """The caller and their memberships."""
        memberships = []
        for grant in principal.grants.values():
            org = self.directory.get_org(grant.org_id)
            memberships.append(
                Membership(
                    org_id=grant.org_id,
                    org_name=org["name"] if org else None,
                    role=grant.role,
                    unit_ids=sorted(grant.unit_ids),
                )
            )
        return Me(
            email=principal.email,
            platform_admin=principal.platform_admin,
            memberships=sorted(memberships, key=lambda m: m.org_name or ""),
            networks=sorted(principal.networks),
        )

    def add_platform_admin(self, email: str) -> None:
        """Make someone a platform admin (bootstrap and seeding only; no route does it)."""
        self.directory.put_platform_admin(email.lower(), self.clock.iso())
