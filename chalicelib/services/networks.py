"""Networks of organisations: the use cases behind ``/networks`` and ``/public/networks``.

A platform admin creates a network from organisations (in any countries) and names its
coordinators; a coordinator is invited by e-mail exactly as a member is (the sign-in is
created, the first verified sign-in binds the address to its subject:
docs/identity.md). A coordinator reads the network, its organisations and their units
and campaigns, opens campaigns in them, and writes nothing else of theirs
(``chalicelib.domain.access``). Public figures of a network are the publish step's
(``chalicelib.events.publish``, docs/networks.md).
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.access import Principal
from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.domain.ids import new_id
from chalicelib.domain.networks import (
    Network,
    NetworkIn,
    NetworkOrg,
    NetworkView,
    PublicNetwork,
    network_problem,
)
from chalicelib.services.clock import Clock
from chalicelib.store.accounts import SignInAccounts
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.networks import NetworkRepository


class NetworkService:
    """Networks and their coordinators, with every access check."""

    def __init__(
        self,
        directory: DirectoryRepository,
        networks: NetworkRepository,
        accounts: SignInAccounts,
        clock: Clock,
    ) -> None:
        self.directory = directory
        self.networks = networks
        self.accounts = accounts
        self.clock = clock

    # ------------------------------------------------------------ reads
    def network_members(self, network_id: str) -> list[str] | None:
        """The member organisations of a network (sorted), or None if there is none."""
        return self.networks.network_members(network_id)

    def get_network(self, principal: Principal, network_id: str) -> NetworkView:
        """A network with its organisations and their units (admins, its coordinators)."""
        item = self._network(network_id)
        principal.require_network_reader(network_id)
        orgs = []
        for org_id in item["org_ids"]:
            org = self.directory.get_org(org_id)
            if org is None:
                continue
            units = sorted(
                ({"id": u["id"], "name": u["name"]} for u in self.directory.list_units(org_id)),
                key=lambda unit: unit["name"],
            )
            orgs.append(
                NetworkOrg(id=org_id, name=org["name"], country=org["country"], units=units)
            )
        countries = sorted({org.country for org in orgs})
        orgs.sort(key=lambda org: (org.country, org.name))
        return NetworkView(**item, countries=countries, orgs=orgs)

    def list_networks(self, principal: Principal) -> list[Network]:
        """Platform admins: every network; coordinators: theirs; others: none."""
        if principal.platform_admin:
            items = self.networks.list_networks()
        else:
            items = [
                item
                for item in (self.networks.get_network(n) for n in sorted(principal.networks))
                if item is not None
            ]
        _, countries = self.networks.groups()
        return sorted(
            (self._view(item, countries) for item in items), key=lambda network: network.name
        )

    def public_networks(self) -> list[PublicNetwork]:
        """Every network's id, name, organisations and countries: one Query in all."""
        networks, countries = self.networks.groups()
        result = [
            PublicNetwork(
                id=entry["id"],
                name=entry["name"],
                org_ids=sorted(entry["org_ids"]),
                countries=sorted({countries[o] for o in entry["org_ids"] if o in countries}),
            )
            for entry in networks.values()
        ]
        return sorted(result, key=lambda network: network.name)

    # ------------------------------------------------------------ writes
    def create_network(self, principal: Principal, data: NetworkIn) -> Network:
        principal.require_platform_admin()
        countries = self._check(data)
        now = self.clock.iso()
        coordinators = sorted(data.coordinators)
        item: dict[str, Any] = {
            "id": new_id(),
            "name": data.name,
            "org_ids": list(data.org_ids),
            "coordinators": coordinators,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        # Sign-ins first: should one fail, nothing is stored and creating again works.
        for email in coordinators:
            self._invite(email)
        self.networks.create_network(item)
        for email in coordinators:
            self.networks.put_coordinator(str(item["id"]), email, now)
        return self._view(item, countries)

    def update_network(self, principal: Principal, network_id: str, data: NetworkIn) -> Network:
        """Change a network's name, members and coordinators (platform admins).

        The publish step sees the change on the stream and rebuilds the network's
        public documents for every year (docs/networks.md).
        """
        current = self._network(network_id)
        principal.require_platform_admin()
        countries = self._check(data)
        now = self.clock.iso()
        item = {
            **current,
            "name": data.name,
            "org_ids": list(data.org_ids),
            "coordinators": sorted(data.coordinators),
            "updated_at": now,
            "version": int(current["version"]) + 1,
        }
        before, after = set(current["coordinators"]), set(item["coordinators"])
        for email in sorted(after - before):
            self._invite(email)
        self.networks.replace_network(item, int(current["version"]))
        for email in sorted(after - before):
            self.networks.put_coordinator(network_id, email, now)
        for email in sorted(before - after):
            self._remove_coordinator(network_id, email)
        return self._view(item, countries)

    # ------------------------------------------------------------ helpers
    def _network(self, network_id: str) -> dict[str, Any]:
        item = self.networks.get_network(network_id)
        if item is None:
            raise NotFound(f"network {network_id} not found")
        return item

    def _check(self, data: NetworkIn) -> dict[str, str]:
        """Refuse duplicates and unknown organisations (naming them); their countries."""
        duplicated = network_problem(data.org_ids, data.coordinators)
        if duplicated:
            raise InvalidInput(
                f"{', '.join(duplicated)}: contains duplicates",
                errors=[FieldProblem(name, "contains duplicates") for name in duplicated],
            )
        unknown = self.directory.unknown_scopes([f"org:{org}" for org in data.org_ids])
        if unknown:
            ids = [scope.removeprefix("org:") for scope in unknown]
            raise InvalidInput(
                f"org_ids: no such organisation: {', '.join(ids)}",
                errors=[FieldProblem("org_ids", f"no such organisation: {i}") for i in ids],
            )
        _, countries = self.networks.groups()
        return countries

    @staticmethod
    def _view(item: dict[str, Any], countries: dict[str, str]) -> Network:
        return Network(
            **item,
            countries=sorted({countries[o] for o in item["org_ids"] if o in countries}),
        )

    def _invite(self, email: str) -> None:
        """Create (or enable again) the coordinator's sign-in, as for a member."""
        if not self.accounts.invite(email):
            self.accounts.enable(email)

    def _remove_coordinator(self, network_id: str, email: str) -> None:
        """As removing a member: someone left with no role anywhere loses their sign-in."""
        self.networks.delete_coordinator(network_id, email)
        if not self.directory.account(email).has_rights:
            self.accounts.disable(email)
            if self.directory.account(email).has_rights:
                self.accounts.enable(email)
            else:
                self.directory.unbind_subject(email)
