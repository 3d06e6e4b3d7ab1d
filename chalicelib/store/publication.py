"""DynamoDB access for the published side of the stats table (keys in ``stats_keys``).

Besides the exact aggregates (parts ``A``, ``S`` and, for unit months, ``Sg``/``Sa``) the stats table holds:

* ``R`` of each unit month: the survey figures as last *released* (steps in time);
* ``P`` of each scope and period: the public document as the publication layer made
  it (JSON in ``doc``) — every public route reads these and nothing else;
* ``FAMILY#{year}`` / ``UNITS``: which units (and their organisations) have figures
  in a year, so the publish step knows the family without reading the data table,
  and a counter ``v`` that orders publications (a slower, older publish step cannot
  overwrite a newer one's documents).

The family bookkeeping is ``FamilyRegistry`` (``store/family_registry.py``); what all
share (batched reads, newer-only writes) is ``store/published_table.py``. Reads on a
request path are by key only: one GetItem per ``/public/stats``, one
BatchGetItem per 100 keys per ``/public/compare``, each with a bounded number of
retries of unprocessed keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from chalicelib.domain.publication import Family, OrgSummary, periods_of_year
from chalicelib.domain.stats import Figures
from chalicelib.store.family_registry import FamilyRegistry
from chalicelib.store.published_table import StatisticsUnavailable, figures_of
from chalicelib.store.stats import StatsStore, _number
from chalicelib.store.stats_keys import (
    DOCUMENT,
    PUBLISHED,
    RELEASED,
    SUMMARY_PREFIX,
    UPDATED_AT,
    family_key,
    stats_pk,
)

# A unit month's live survey figures: totals (``S``) and by gender and age band.
SURVEY_PARTS = ("S", "Sg", "Sa")


class PublicationStore(FamilyRegistry):
    """Reads and writes released figures, published documents and family registries."""

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
                inputs.activity[(scope, period)] = (figures_of(item), stamp)
            elif sk in SURVEY_PARTS:
                # The totals and the groups' figures (``Sg``, ``Sa``) as one map.
                figures, before = inputs.live_survey.get((scope, period), ({}, None))
                later = max((t for t in (stamp, before) if t is not None), default=None)
                inputs.live_survey[(scope, period)] = ({**figures, **figures_of(item)}, later)
            elif sk == RELEASED:
                inputs.released[(scope, period)] = (figures_of(item), stamp)
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


class FamilyInputs:
    """What :meth:`PublicationStore.read_inputs` found (``(figures, epoch seconds)``)."""

    def __init__(self) -> None:
        self.activity: dict[tuple[str, str], tuple[Figures, int | None]] = {}
        self.live_survey: dict[tuple[str, str], tuple[Figures, int | None]] = {}
        self.released: dict[tuple[str, str], tuple[Figures, int | None]] = {}
        self.documents: dict[tuple[str, str], str] = {}


__all__ = ["FamilyInputs", "PublicationStore", "StatisticsUnavailable", "StatsStore"]
