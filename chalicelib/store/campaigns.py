"""Campaigns, targets and the team's analyses in the data table.

| item          | PK          | SK                                | GSI1PK | GSI1SK |
|---------------|-------------|-----------------------------------|--------|--------|
| campaign      | ORG#{org}   | CAMPAIGN#{id}                     | -      | -      |
| targets       | ORG#{org}   | YEAR#{year}#TARGETS#{scope}       | -      | -      |
| analysis      | ORG#{org}   | YEAR#{year}#ANALYSIS#{scope}      | -      | -      |

A campaign's QR points are ordinary collections (``chalicelib/store/surveys/``) that
carry ``campaign_id``; the campaign item lists them (``units``: unit id and code), so a
campaign is one read and its progress one query per QR point. A campaign and all its
QR points are written in one transaction: all of them or none.

Targets and analyses of one organisation and year share the prefix ``YEAR#{year}#``,
so everything the annual report needs of them is one query.
``type``: ``campaign``, ``targets``, ``analysis``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from boto3.dynamodb.conditions import Key

from chalicelib.store import keys
from chalicelib.store.items import without_keys
from chalicelib.store.surveys import SurveyRepository, entries_of_collection_pk

CAMPAIGN_PREFIX: Final = "CAMPAIGN#"


def campaign_sk(campaign_id: str) -> str:
    return f"{CAMPAIGN_PREFIX}{campaign_id}"


def year_prefix(year: int) -> str:
    return f"YEAR#{year:04d}#"


def targets_sk(year: int, scope: str) -> str:
    return f"{year_prefix(year)}TARGETS#{scope}"


def analysis_sk(year: int, scope: str) -> str:
    return f"{year_prefix(year)}ANALYSIS#{scope}"


class CampaignRepository(SurveyRepository):
    """Campaigns (with their collections), targets and analyses."""

    # ------------------------------------------------------------ campaigns
    def create_campaign(
        self, campaign: dict[str, Any], collections: list[dict[str, Any]]
    ) -> set[int] | None:
        """Store a campaign and its collections in one transaction.

        None on success; else the indexes of the items that already existed (0 is the
        campaign, 1.. its collections: a taken code, for which the caller draws again).
        """
        item = {
            "PK": keys.org_pk(campaign["org_id"]),
            "SK": campaign_sk(campaign["id"]),
            "type": "campaign",
            **campaign,
        }
        return self._transact_new([item, *(self.collection_item(c) for c in collections)])

    def get_campaign(self, org_id: str, campaign_id: str) -> dict[str, Any] | None:
        """One campaign of an organisation, or None."""
        return self._get(keys.org_pk(org_id), campaign_sk(campaign_id))

    def list_campaigns(self, org_id: str) -> list[dict[str, Any]]:
        """An organisation's campaigns (any order; the caller sorts)."""
        items = self._query(
            KeyConditionExpression=Key("PK").eq(keys.org_pk(org_id))
            & Key("SK").begins_with(CAMPAIGN_PREFIX)
        )
        return [without_keys(item) for item in items]

    def answers_of(self, code: str) -> Iterator[dict[str, Any]]:
        """A QR point's stored answers, only what progress counts (statements, gender)."""
        items = self._query(
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(entries_of_collection_pk(code)),
            ProjectionExpression="#items, gender",
            ExpressionAttributeNames={"#items": "items"},
        )
        return iter(items)

    # ------------------------------------------------------------ targets and analyses
    def put_year_item(self, org_id: str, sk: str, kind: str, fields: dict[str, Any]) -> None:
        """Store (or replace) one organisation-year item: targets or an analysis."""
        self._table.put_item(Item={"PK": keys.org_pk(org_id), "SK": sk, "type": kind, **fields})

    def get_year_item(self, org_id: str, sk: str) -> dict[str, Any] | None:
        return self._get(keys.org_pk(org_id), sk)

    def all_year_items(self, org_id: str) -> list[dict[str, Any]]:
        """Every year's targets and analyses of an organisation (for its export): one query."""
        items = self._query(
            KeyConditionExpression=Key("PK").eq(keys.org_pk(org_id))
            & Key("SK").begins_with("YEAR#")
        )
        return [{**without_keys(item), "kind": item["type"]} for item in items]

    def year_items(self, org_id: str, year: int) -> list[dict[str, Any]]:
        """Every target set and analysis of one organisation and year: one query."""
        items = self._query(
            KeyConditionExpression=Key("PK").eq(keys.org_pk(org_id))
            & Key("SK").begins_with(year_prefix(year))
        )
        return [{**without_keys(item), "kind": item["type"]} for item in items]
