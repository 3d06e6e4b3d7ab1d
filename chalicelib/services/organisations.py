"""Organisations and their units (youth centres)."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain.access import Principal
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.ids import new_id
from chalicelib.domain.models import Org, OrgIn, PublicOrg, PublicUnit, Unit, UnitIn
from chalicelib.services.clock import Clock
from chalicelib.services.lookups import Lookups
from chalicelib.store.directory import DirectoryRepository


class Organisations:
    """Create, read and change organisations and units; the public listing."""

    def __init__(
        self,
        lookups: Lookups,
        directory: DirectoryRepository,
        clock: Clock,
        org_changed: Callable[[str], None] = lambda org_id: None,
    ) -> None:
        self.lookups = lookups
        self.directory = directory
        self.clock = clock
        # Told an organisation's id after it changed (derived figures read its population).
        self.org_changed = org_changed

    # ------------------------------------------------------------ organisations
    def create_org(self, principal: Principal, data: OrgIn) -> Org:
        principal.require_platform_admin()
        self._check_org(data)
        now = self.clock.iso()
        org = Org(id=new_id(), created_at=now, updated_at=now, **data.model_dump())
        self.directory.create_org(org.model_dump())
        return org

    def get_org(self, principal: Principal, org_id: str) -> Org:
        return self.lookups.reader_org(principal, org_id)

    def update_org(self, principal: Principal, org_id: str, data: OrgIn) -> Org:
        current = self.lookups.admin_org(principal, org_id)
        self._check_org(data)
        org = current.model_copy(update={**data.model_dump(), "updated_at": self.clock.iso()})
        self.directory.replace_org(org.model_dump())
        self.org_changed(org_id)
        return org

    def list_orgs(self, principal: Principal) -> list[Org]:
        """Platform admins see every organisation; others their own."""
        if principal.platform_admin:
            orgs = [Org(**item) for item in self.directory.list_orgs()]
        else:
            orgs = [self.lookups.org(org_id) for org_id in principal.grants]
        return sorted(orgs, key=lambda org: org.name)

    def public_orgs(self) -> list[PublicOrg]:
        """Every organisation with its units: public fields only, one Query in all."""
        orgs, units = self.directory.public_listing()
        by_org: dict[str, list[PublicUnit]] = {}
        for unit in units:
            by_org.setdefault(unit["org_id"], []).append(
                PublicUnit(id=unit["id"], name=unit["name"])
            )
        result = [
            PublicOrg(
                id=org["id"],
                name=org["name"],
                country=org["country"],
                municipality_code=org.get("municipality_code"),
                youth_population=org.get("youth_population"),
                units=sorted(by_org.get(org["id"], []), key=lambda unit: unit.name),
            )
            for org in orgs
        ]
        return sorted(result, key=lambda org: (org.country, org.name))

    @staticmethod
    def _check_org(data: OrgIn) -> None:
        problem = data.municipality_code_problem()
        if problem:
            raise InvalidInput.field("municipality_code", problem)

    # ------------------------------------------------------------ units
    def create_unit(self, principal: Principal, org_id: str, data: UnitIn) -> Unit:
        self.lookups.admin_org(principal, org_id)
        now = self.clock.iso()
        unit = Unit(id=new_id(), org_id=org_id, created_at=now, updated_at=now, **data.model_dump())
        self.directory.create_unit(unit.model_dump())
        return unit

    def list_units(self, principal: Principal, org_id: str) -> list[Unit]:
        self.lookups.reader_org(principal, org_id)
        units = [Unit(**item) for item in self.directory.list_units(org_id)]
        return sorted(units, key=lambda unit: unit.name)

    def get_unit(self, principal: Principal, unit_id: str) -> Unit:
        unit = self.lookups.unit(unit_id)
        principal.require_org_reader(unit.org_id)
        return unit

    def update_unit(self, principal: Principal, unit_id: str, data: UnitIn) -> Unit:
        current = self.lookups.unit(unit_id)
        principal.require_org_admin(current.org_id)
        unit = current.model_copy(update={**data.model_dump(), "updated_at": self.clock.iso()})
        self.directory.replace_unit(unit.model_dump())
        return unit
