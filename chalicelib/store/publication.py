"""DynamoDB access for the published side of the stats table (keys in ``stats_keys``).

Besides the exact aggregates (parts ``A``, ``S`` and, for unit months, ``Sg``/``Sa``) the stats table holds:

* ``R`` of each unit month: the survey figures as last *released* (steps in time);
* ``P`` of each scope and period: the public document as the publication layer made
  it (JSON in ``doc``) — every public route reads these and nothing else;
* ``FAMILY#{year}`` / ``UNITS``: which units (and their organisations) have figures
  in a year, so the publish step knows the family without reading the data table,
  and a counter ``v`` that orders publications (a slower, older publish step cannot
  overwrite a newer one's documents).

Reads on a request path are by key only: one GetItem per ``/public/stats``, one
BatchGetItem per 100 keys per ``/public/compare``, each with a bounded number of
retries of unprocessed keys.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.domain.errors import TooManyRequests
from chalicelib.domain.publication import Family, OrgSummary, periods_of_year
from chalicelib.domain.stats import Figures
from chalicelib.store.stats import CapacityMeter, StatsStore, _number
from chalicelib.store.stats_keys import (
    BOOKKEEPING,
    DOCUMENT,
    PUBLICATION_VERSION,
    PUBLISHED,
    RELEASED,
    SUMMARY_PREFIX,
    UPDATED_AT,
    family_key,
    pending_key,
    stats_pk,
    years_key,
)

BATCH_GET_LIMIT = 100
# A unit month's live survey figures: totals (``S``) and by gender and age band.
SURVEY_PARTS = ("S", "Sg", "Sa")
MAX_BATCH_ATTEMPTS = 6


class StatisticsUnavailable(TooManyRequests):
    """DynamoDB kept keys unprocessed through every retry (throttling): try again."""


def _figures(item: Mapping[str, Any]) -> Figures:
    figures: Figures = {}
    for name, value in item.items():
        if name in BOOKKEEPING or name == DOCUMENT or "N" not in value:
            continue
        number = Decimal(value["N"])
        figures[name] = int(number) if number == number.to_integral_value() else number
    return figures


class PublicationStore:
    """Reads and writes released figures, published documents and family registries."""

    def __init__(
        self,
        client: Any,
        table_name: str,
        meter: CapacityMeter | None = None,
        sleep: Any = time.sleep,
    ) -> None:
        self._client = client
        self._table = table_name
        self._meter = meter
        self._sleep = sleep
        self._capacity = "TOTAL" if meter is not None else "NONE"

    # ------------------------------------------------------------ public reads

    def read_document(self, scope: str, period: str) -> dict[str, Any] | None:
        """The published document of one scope and period (one GetItem), or None."""
        response = self._client.get_item(
            TableName=self._table,
            Key={"PK": {"S": stats_pk(scope, period)}, "SK": {"S": PUBLISHED}},
            ProjectionExpression="#d",
            ExpressionAttributeNames={"#d": DOCUMENT},
            ReturnConsumedCapacity=self._capacity,
        )
        self._count_read(response)
        item = response.get("Item")
        return json.loads(item[DOCUMENT]["S"]) if item else None

    def read_documents(
        self, cells: Family | Sequence[tuple[str, str]], *, consistent: bool = False
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """Published documents of many scopes and periods (BatchGetItem per 100 keys;
        ``consistent`` for the publish step, which reads what it has just written)."""
        wanted = cells.cells() if isinstance(cells, Family) else list(cells)
        keys = [(stats_pk(scope, period), PUBLISHED) for scope, period in wanted]
        by_pk = {stats_pk(scope, period): (scope, period) for scope, period in wanted}
        found = self._batch_get(keys, projection=True, consistent=consistent)
        return {
            by_pk[pk]: json.loads(item[DOCUMENT]["S"])
            for (pk, _), item in found.items()
            if DOCUMENT in item
        }

    def _batch_get(
        self, keys: Sequence[tuple[str, str]], *, projection: bool = False, consistent: bool = False
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """Items by key, 100 per call; unprocessed keys retried a bounded number of times."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        unique = sorted(set(keys))
        for start in range(0, len(unique), BATCH_GET_LIMIT):
            request_keys: list[dict[str, Any]] = [
                {"PK": {"S": pk}, "SK": {"S": sk}}
                for pk, sk in unique[start : start + BATCH_GET_LIMIT]
            ]
            for attempt in range(MAX_BATCH_ATTEMPTS):
                table_request: dict[str, Any] = {"Keys": request_keys, "ConsistentRead": consistent}
                if projection:
                    table_request["ProjectionExpression"] = "PK, SK, #d"
                    table_request["ExpressionAttributeNames"] = {"#d": DOCUMENT}
                response = self._client.batch_get_item(
                    RequestItems={self._table: table_request},
                    ReturnConsumedCapacity=self._capacity,
                )
                self._count_read(response)
                for item in response.get("Responses", {}).get(self._table, []):
                    found[(item["PK"]["S"], item["SK"]["S"])] = item
                request_keys = (
                    (response.get("UnprocessedKeys") or {}).get(self._table, {}).get("Keys", [])
                )
                if not request_keys:
                    break
                self._sleep(min(0.05 * 2**attempt, 1.0))
            else:
                raise StatisticsUnavailable(
                    "statistics are busy; try again in a moment", retry_after=1
                )
        return found

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

    def read_inputs(self, family: Family) -> FamilyInputs:
        """Everything one publication of a family needs, read consistently by key.

        For one organisation's part of a family: its scopes' and ``all``'s exact
        activity and documents, its unit months' live and released survey figures.
        """
        keys: list[tuple[str, str]] = []
        for scope, period in family.cells():
            keys += [(stats_pk(scope, period), "A"), (stats_pk(scope, period), PUBLISHED)]
        for unit in family.units:
            for month in periods_of_year(family.year)[5:]:
                keys += [(stats_pk(f"unit:{unit}", month), part) for part in SURVEY_PARTS]
                keys += [(stats_pk(f"unit:{unit}", month), RELEASED)]
        return self._inputs(self._batch_get(keys, consistent=True))

    @staticmethod
    def _inputs(items: Mapping[tuple[str, str], Mapping[str, Any]]) -> FamilyInputs:
        inputs = FamilyInputs()
        for (pk, sk), item in items.items():
            scope, _, period = pk[len("STATS#") :].rpartition("#")
            stamp = int(item[UPDATED_AT]["N"]) if UPDATED_AT in item else None
            if sk == PUBLISHED:
                inputs.documents[(scope, period)] = item[DOCUMENT]["S"]
            elif sk == "A":
                inputs.activity[(scope, period)] = (_figures(item), stamp)
            elif sk in SURVEY_PARTS:
                # The totals and the groups' figures (``Sg``, ``Sa``) as one map.
                figures, before = inputs.live_survey.get((scope, period), ({}, None))
                later = max((t for t in (stamp, before) if t is not None), default=None)
                inputs.live_survey[(scope, period)] = ({**figures, **_figures(item)}, later)
            elif sk == RELEASED:
                inputs.released[(scope, period)] = (_figures(item), stamp)
        return inputs

    def read_summaries(self, year: str) -> dict[str, OrgSummary]:
        """Every organisation's summary of a year (one consistent Query of the registry's
        partition, whatever the number of organisations: ~20 KB each)."""
        pk, _ = family_key(year)
        summaries: dict[str, OrgSummary] = {}
        paginator = self._client.get_paginator("query")
        for page in paginator.paginate(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :org)",
            ExpressionAttributeValues={":pk": {"S": pk}, ":org": {"S": SUMMARY_PREFIX}},
            ConsistentRead=True,
            ReturnConsumedCapacity=self._capacity,
        ):
            self._count_read(page)
            for item in page.get("Items", []):
                org = item["SK"]["S"][len(SUMMARY_PREFIX) :]
                summaries[org] = OrgSummary.from_json(item[DOCUMENT]["S"])
        return summaries

    def read_org_summaries(self, year: str, orgs: Iterable[str]) -> dict[str, OrgSummary]:
        """Some organisations' summaries of a year, by key (BatchGetItem per 100; a
        network's rebuild needs its members', not the whole platform's)."""
        pk, _ = family_key(year)
        found = self._batch_get([(pk, SUMMARY_PREFIX + org) for org in orgs], consistent=True)
        return {
            sk[len(SUMMARY_PREFIX) :]: OrgSummary.from_json(item[DOCUMENT]["S"])
            for (_, sk), item in found.items()
        }

    def put_summary(self, year: str, org: str, summary: OrgSummary, version: int) -> bool:
        """Store an organisation's summary unless a newer publication already did."""
        pk, _ = family_key(year)
        return self._put_newer(pk, SUMMARY_PREFIX + org, summary.to_json(), version)

    def read_all_scope(self, year: str) -> FamilyInputs:
        """``all``'s exact activity and published documents of a year (consistent)."""
        keys = []
        for period in periods_of_year(year):
            keys += [(stats_pk("all", period), "A"), (stats_pk("all", period), PUBLISHED)]
        return self._inputs(self._batch_get(keys, consistent=True))

    def put_released(self, unit: str, month: str, figures: Mapping[str, Any], now: int) -> None:
        """Replace a unit month's released survey figures."""
        item: dict[str, Any] = {
            "PK": {"S": stats_pk(f"unit:{unit}", month)},
            "SK": {"S": RELEASED},
            UPDATED_AT: {"N": str(now)},
        }
        for name, value in figures.items():
            if value != 0:
                item[name] = {"N": _number(value)}
        self._count_write(
            self._client.put_item(
                TableName=self._table, Item=item, ReturnConsumedCapacity=self._capacity
            )
        )

    def put_document(self, scope: str, period: str, document: str, version: int) -> bool:
        """Store a published document unless a newer publication already did."""
        return self._put_newer(stats_pk(scope, period), PUBLISHED, document, version)

    def _put_newer(self, pk: str, sk: str, document: str, version: int) -> bool:
        """Put a JSON document with its publication number unless the stored one is
        newer (two publish steps may race: the later number wins); False if it was."""
        try:
            response = self._client.put_item(
                TableName=self._table,
                Item={
                    "PK": {"S": pk},
                    "SK": {"S": sk},
                    DOCUMENT: {"S": document},
                    PUBLICATION_VERSION: {"N": str(version)},
                },
                ConditionExpression="attribute_not_exists(#v) OR #v < :v",
                ExpressionAttributeNames={"#v": PUBLICATION_VERSION},
                ExpressionAttributeValues={":v": {"N": str(version)}},
                ReturnConsumedCapacity=self._capacity,
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        self._count_write(response)
        return True

    def _count_write(self, response: Mapping[str, Any]) -> None:
        if self._meter is not None:
            self._meter.write_requests += 1
            self._meter.record(response, write=True)

    def _count_read(self, response: Mapping[str, Any]) -> None:
        if self._meter is not None:
            self._meter.read_requests += 1
            self._meter.record(response, write=False)


class FamilyInputs:
    """What :meth:`PublicationStore.read_inputs` found (``(figures, epoch seconds)``)."""

    def __init__(self) -> None:
        self.activity: dict[tuple[str, str], tuple[Figures, int | None]] = {}
        self.live_survey: dict[tuple[str, str], tuple[Figures, int | None]] = {}
        self.released: dict[tuple[str, str], tuple[Figures, int | None]] = {}
        self.documents: dict[tuple[str, str], str] = {}


__all__ = ["FamilyInputs", "PublicationStore", "StatisticsUnavailable", "StatsStore"]
