"""Organisations and units in the data table, their public listing, and the directory
that also holds their people (``store/members.py``) and set-up (``store/org_setup.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from boto3.dynamodb.conditions import Key

from chalicelib.store import keys
from chalicelib.store.items import without_keys
from chalicelib.store.members import MemberRecords
from chalicelib.store.org_setup import OrgSetupRecords

PUBLIC_ORG_FIELDS = ("id", "name", "country", "youth_population", "municipality_code")
PUBLIC_UNIT_FIELDS = ("id", "name", "org_id")


def listing_entry(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """The public listing entry of an organisation or unit: public fields only."""
    fields: tuple[str, ...]
    if kind == "org":
        sk = keys.org_sk(record["id"])
        fields = PUBLIC_ORG_FIELDS
    else:
        sk = f"UNIT#{record['org_id']}#{record['id']}"
        fields = PUBLIC_UNIT_FIELDS
    entry = {name: record[name] for name in fields if record.get(name) is not None}
    return {"PK": keys.PUBLIC_LISTING_PK, "SK": sk, "type": f"{kind}_listing", **entry}


class DirectoryRepository(MemberRecords, OrgSetupRecords):
    """Who and what an organisation is made of: organisations and units here (with the
    public listing), people in ``MemberRecords``, what they set up in ``OrgSetupRecords``."""

    # ------------------------------------------------------------ organisations
    def create_org(self, org: dict[str, Any]) -> None:
        """Store a new organisation (and its public listing entry)."""
        self._create(self._org_item(org), "organisation", listing_entry("org", org))

    def replace_org(self, org: dict[str, Any]) -> None:
        """Overwrite an existing organisation (and its public listing entry)."""
        self._replace(self._org_item(org), "organisation", listing_entry("org", org))

    @staticmethod
    def _org_item(org: dict[str, Any]) -> dict[str, Any]:
        return {
            "PK": keys.org_pk(org["id"]),
            "SK": "ORG",
            "GSI1PK": keys.ORGS_INDEX_PK,
            "GSI1SK": keys.org_sk(org["id"]),
            "type": "org",
            **org,
        }

    def get_org(self, org_id: str) -> dict[str, Any] | None:
        """One organisation, or None."""
        return self._get(keys.org_pk(org_id), "ORG")

    def list_orgs(self) -> list[dict[str, Any]]:
        """Every organisation."""
        items = self._query(
            IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq(keys.ORGS_INDEX_PK)
        )
        return [without_keys(item) for item in items]

    # ------------------------------------------------------------ units
    def create_unit(self, unit: dict[str, Any]) -> None:
        """Store a new unit (and its public listing entry)."""
        self._create(self._unit_item(unit), "unit", listing_entry("unit", unit))

    def replace_unit(self, unit: dict[str, Any]) -> None:
        """Overwrite an existing unit (and its public listing entry)."""
        self._replace(self._unit_item(unit), "unit", listing_entry("unit", unit))

    # ------------------------------------------------------------ public listing
    def public_listing(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Every organisation and unit's public fields: one Query on one partition
        (1 MB per page: one read for thousands of units), whatever their number."""
        orgs: list[dict[str, Any]] = []
        units: list[dict[str, Any]] = []
        for item in self._query(KeyConditionExpression=Key("PK").eq(keys.PUBLIC_LISTING_PK)):
            if item["SK"].startswith("NETWORK#"):
                continue  # networks' entries (chalicelib/store/networks.py)
            entry = without_keys(item)
            entry.pop("type", None)
            (orgs if item["SK"].startswith("ORG#") else units).append(entry)
        return orgs, units

    def unknown_scopes(self, scopes: Sequence[str]) -> list[str]:
        """The ``org:``/``unit:``/``network:`` scopes with no such organisation, unit or
        network (BatchGetItem, a bounded number of retries of unprocessed keys), and the
        ``country:`` scopes without any organisation (one Query of the public listing)."""
        wanted: dict[tuple[str, str], str] = {}
        countries: list[str] = []
        for scope in scopes:
            kind, _, identifier = scope.partition(":")
            if kind == "org":
                wanted[(keys.org_pk(identifier), "ORG")] = scope
            elif kind == "unit":
                wanted[(keys.unit_pk(identifier), "UNIT")] = scope
            elif kind == "network":
                wanted[(f"NETWORK#{identifier}", "NETWORK")] = scope
            elif kind == "country":
                countries.append(scope)
        unknown_countries: list[str] = []
        if countries:
            orgs, _ = self.public_listing()
            present = {f"country:{org.get('country')}" for org in orgs}
            unknown_countries = [scope for scope in countries if scope not in present]
        found = self._batch_get(list(wanted), "PK, SK")
        return [scope for key, scope in wanted.items() if key not in found] + unknown_countries

    @staticmethod
    def _unit_item(unit: dict[str, Any]) -> dict[str, Any]:
        return {
            "PK": keys.unit_pk(unit["id"]),
            "SK": "UNIT",
            "GSI1PK": keys.org_pk(unit["org_id"]),
            "GSI1SK": keys.unit_in_org_sk(unit["id"]),
            "type": "unit",
            **unit,
        }

    def get_unit(self, unit_id: str) -> dict[str, Any] | None:
        """One unit, or None."""
        return self._get(keys.unit_pk(unit_id), "UNIT")

    def list_units(self, org_id: str) -> list[dict[str, Any]]:
        """The units of one organisation."""
        items = self._query(
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(keys.org_pk(org_id))
            & Key("GSI1SK").begins_with("UNIT#"),
        )
        return [without_keys(item) for item in items]

    def list_all_units(self) -> list[dict[str, Any]]:
        """Every unit of every organisation (one query per organisation)."""
        return [unit for org in self.list_orgs() for unit in self.list_units(org["id"])]
