"""Lookups every capability shares: load a record as its model, or answer 404.

``admin_org`` and ``member_org`` are "load the organisation, then require the role":
the order matters (an unknown organisation is a 404 for everyone, before any 403).
"""

from __future__ import annotations

from chalicelib.domain.access import Principal, UnitRole
from chalicelib.domain.errors import InvalidInput, NotFound
from chalicelib.domain.models import Org, Unit
from chalicelib.store.directory import DirectoryRepository


class Lookups:
    """Organisations and units by id, as models (every service over the directory uses it)."""

    def __init__(self, directory: DirectoryRepository) -> None:
        self.directory = directory

    def org(self, org_id: str) -> Org:
        item = self.directory.get_org(org_id)
        if item is None:
            raise NotFound(f"organisation {org_id} not found")
        return Org(**item)

    def admin_org(self, principal: Principal, org_id: str) -> Org:
        """The organisation, if the caller administers it (404 first, then 403)."""
        org = self.org(org_id)
        principal.require_org_admin(org_id)
        return org

    def member_org(self, principal: Principal, org_id: str) -> Org:
        """The organisation, if the caller is one of its members (404 first, then 403)."""
        org = self.org(org_id)
        principal.require_org_member(org_id)
        return org

    def reader_org(self, principal: Principal, org_id: str) -> Org:
        """The organisation, if the caller may read it (404 first, then 403)."""
        org = self.org(org_id)
        principal.require_org_reader(org_id)
        return org

    def unit(self, unit_id: str) -> Unit:
        item = self.directory.get_unit(unit_id)
        if item is None:
            raise NotFound(f"unit {unit_id} not found")
        return Unit(**item)

    def member_unit(self, principal: Principal, unit_id: str) -> tuple[Unit, UnitRole]:
        """The unit and the caller's role in it (404 first, then 403 without a role)."""
        unit = self.unit(unit_id)
        return unit, principal.unit_role(unit.org_id, unit_id)

    def check_units_of_org(self, org_id: str, unit_ids: list[str], field: str) -> None:
        """400 naming ``field`` unless every unit belongs to the organisation."""
        known = {unit["id"] for unit in self.directory.list_units(org_id)}
        unknown = [unit_id for unit_id in unit_ids if unit_id not in known]
        if unknown:
            raise InvalidInput.field(
                field, f"no such unit in this organisation: {', '.join(unknown)}"
            )
