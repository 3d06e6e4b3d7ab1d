"""The publish step's bookkeeping in the stats table: each year's family (which units,
of which organisations, have figures), the publication counter that orders publish
steps, the years published, and the units whose publication was deferred."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.domain.publication import Family
from chalicelib.store.published_table import PublishedTable
from chalicelib.store.stats_keys import family_key, pending_key, years_key


class FamilyRegistry(PublishedTable):
    """Families, publication numbers, published years and deferred units."""

    # ------------------------------------------------------------ publish step

    def register(self, year: str, members: Iterable[tuple[str, str]]) -> tuple[Family, int]:
        """Add units to a year's family; the family and a new publication number.

        One UpdateItem: ``ADD`` of the ``unit org`` pairs (idempotent) and of 1 to the
        counter, returning both.
        """
        pairs = sorted({f"{unit} {org}" for unit, org in members})
        pk, sk = family_key(year)
        names = {"#v": "v"}
        values: dict[str, Any] = {":one": {"N": "1"}}
        expression = "ADD #v :one"
        if pairs:
            names["#u"] = "u"
            values[":u"] = {"SS": pairs}
            expression += ", #u :u"
        response = self._client.update_item(
            TableName=self._table,
            Key={"PK": {"S": pk}, "SK": {"S": sk}},
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
            ReturnConsumedCapacity=self._capacity,
        )
        self._count_write(response)
        attributes = response["Attributes"]
        version = int(attributes["v"]["N"])
        if version == 1:
            # A year's first publication: note the year (networks rebuild every year).
            self._add_years([year])
        return self._family(year, attributes), version

    def _add_years(self, years: Iterable[str]) -> None:
        pk, sk = years_key()
        self._count_write(
            self._client.update_item(
                TableName=self._table,
                Key={"PK": {"S": pk}, "SK": {"S": sk}},
                UpdateExpression="ADD #y :y",
                ExpressionAttributeNames={"#y": "y"},
                ExpressionAttributeValues={":y": {"SS": sorted(set(years))}},
                ReturnConsumedCapacity=self._capacity,
            )
        )

    def published_years(self) -> list[str]:
        """Every year with a family: one GetItem (a Scan, once, on tables published
        before the list of years existed; the list is kept from then on)."""
        pk, sk = years_key()
        response = self._client.get_item(
            TableName=self._table,
            Key={"PK": {"S": pk}, "SK": {"S": sk}},
            ConsistentRead=True,
            ReturnConsumedCapacity=self._capacity,
        )
        self._count_read(response)
        item = response.get("Item")
        if item is not None:
            return sorted(item.get("y", {}).get("SS", []))
        years = self.years()
        if years:
            self._add_years(years)
        return years

    def defer(self, members: Iterable[tuple[str, str, str]], now: int) -> int:
        """Note ``(year, unit, org)`` as waiting for publication; since when any waits.

        One UpdateItem (``ADD`` to a set: idempotent, so a redelivered batch adds nothing).
        """
        pk, sk = pending_key()
        expression = "SET #t = if_not_exists(#t, :now)"
        names = {"#t": "t"}
        values: dict[str, Any] = {":now": {"N": str(now)}}
        pairs = sorted({" ".join(member) for member in members})
        if pairs:
            expression += " ADD #m :m"
            names["#m"] = "m"
            values[":m"] = {"SS": pairs}
        response = self._client.update_item(
            TableName=self._table,
            Key={"PK": {"S": pk}, "SK": {"S": sk}},
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
            ReturnConsumedCapacity=self._capacity,
        )
        self._count_write(response)
        return int(response["Attributes"]["t"]["N"])

    def pending(self) -> set[tuple[str, str, str]]:
        """The members whose publication was deferred (one consistent GetItem)."""
        pk, sk = pending_key()
        response = self._client.get_item(
            TableName=self._table,
            Key={"PK": {"S": pk}, "SK": {"S": sk}},
            ConsistentRead=True,
            ReturnConsumedCapacity=self._capacity,
        )
        self._count_read(response)
        members = set()
        for text in response.get("Item", {}).get("m", {}).get("SS", []):
            year, unit, org = text.split(" ", 2)
            members.add((year, unit, org))
        return members

    def published(self, members: Iterable[tuple[str, str, str]]) -> None:
        """Take published members off the waiting list (others deferred meanwhile stay)."""
        pairs = sorted({" ".join(member) for member in members})
        if not pairs:
            return
        pk, sk = pending_key()
        key = {"PK": {"S": pk}, "SK": {"S": sk}}
        response = self._client.update_item(
            TableName=self._table,
            Key=key,
            UpdateExpression="DELETE #m :m",
            ExpressionAttributeNames={"#m": "m"},
            ExpressionAttributeValues={":m": {"SS": pairs}},
            ReturnValues="ALL_NEW",
            ReturnConsumedCapacity=self._capacity,
        )
        self._count_write(response)
        if "m" in response.get("Attributes", {}):
            return
        # Nothing waits any more: the next deferral starts a new "since".
        try:
            self._client.delete_item(
                TableName=self._table,
                Key=key,
                ConditionExpression="attribute_not_exists(#m)",
                ExpressionAttributeNames={"#m": "m"},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise

    def read_family(self, year: str) -> Family:
        """The units with figures in a year (admin and audit)."""
        pk, sk = family_key(year)
        item = self._client.get_item(
            TableName=self._table, Key={"PK": {"S": pk}, "SK": {"S": sk}}, ConsistentRead=True
        ).get("Item")
        return self._family(year, item or {})

    def years(self) -> list[str]:
        """Every year with a family (admin and audit: a Scan)."""
        years = set()
        for page in self._client.get_paginator("scan").paginate(
            TableName=self._table, ProjectionExpression="PK"
        ):
            for item in page.get("Items", []):
                pk = item["PK"]["S"]
                if pk.startswith("FAMILY#"):
                    years.add(pk.split("#", 1)[1])
        return sorted(years)

    @staticmethod
    def _family(year: str, attributes: Mapping[str, Any]) -> Family:
        units = {}
        for pair in attributes.get("u", {}).get("SS", []):
            unit, _, org = pair.partition(" ")
            units[unit] = org
        return Family(year, units)
