"""Reading an organisation whole, and writing an import without writing anything twice.

Items are built with the key schema of ``keys.py`` and ``surveys.py`` (the same layout
the repositories write). An import first reads which keys exist, then batch-writes only
the missing ones: a second import of the same package writes nothing, and two imports
racing write identical items (a put of the same item changes no figure).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Key

from chalicelib.store import keys
from chalicelib.store import surveys as survey_keys
from chalicelib.store.activities import ActivityRepository
from chalicelib.store.campaigns import analysis_sk, campaign_sk, targets_sk
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.items import without_keys
from chalicelib.store.table import DataTableRepository

_BATCH_GET = 100


class OrgPackageStore(DataTableRepository):
    """Whole-organisation reads and idempotent bulk writes on the data table."""

    # ------------------------------------------------------------ reads
    def activities_of_unit(self, unit_id: str) -> Iterator[dict[str, Any]]:
        """Every activity of a unit, oldest first (all pages)."""
        for item in self._query(
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(keys.activities_by_date_pk(unit_id)),
        ):
            yield without_keys(item)

    def activity_ids_of_unit(self, unit_id: str) -> set[str]:
        """The ids of a unit's stored activities (keys only)."""
        found: set[str] = set()
        for item in self._query(
            KeyConditionExpression=Key("PK").eq(keys.unit_pk(unit_id))
            & Key("SK").begins_with("ACT#"),
            ProjectionExpression="SK",
        ):
            found.add(str(item["SK"])[len("ACT#") :])
        return found

    def collections_of_unit(self, unit_id: str) -> list[dict[str, Any]]:
        """A unit's QR points, oldest first."""
        return [
            without_keys(item)
            for item in self._query(
                IndexName="GSI1",
                KeyConditionExpression=Key("GSI1PK").eq(
                    survey_keys.collections_of_unit_pk(unit_id)
                ),
            )
        ]

    def existing(self, item_keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (PK, SK) keys hold an item (batched, strongly consistent)."""
        found: set[tuple[str, str]] = set()
        unique = list(dict.fromkeys(item_keys))
        resource = self._table.meta.client
        for start in range(0, len(unique), _BATCH_GET):
            request: dict[str, Any] = {
                self._table.name: {
                    "Keys": [{"PK": pk, "SK": sk} for pk, sk in unique[start : start + _BATCH_GET]],
                    "ProjectionExpression": "PK, SK",
                    "ConsistentRead": True,
                }
            }
            while request:
                answer = resource.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self._table.name, []):
                    found.add((str(item["PK"]), str(item["SK"])))
                request = answer.get("UnprocessedKeys") or {}
        return found

    # ------------------------------------------------------------ writes
    def put_all(self, items: list[dict[str, Any]]) -> None:
        """Batch-write items (the caller wrote only those whose keys are missing)."""
        with self._table.batch_writer(overwrite_by_pkeys=["PK", "SK"]) as batch:
            for item in items:
                batch.put_item(Item=item)


# ------------------------------------------------------------ items, by the key schema
def unit_item(unit: dict[str, Any]) -> dict[str, Any]:
    return DirectoryRepository._unit_item(unit)


def member_item(member: dict[str, Any]) -> dict[str, Any]:
    return {
        "PK": keys.user_pk(member["email"]),
        "SK": keys.org_sk(member["org_id"]),
        "GSI1PK": keys.org_pk(member["org_id"]),
        "GSI1SK": keys.member_in_org_sk(member["email"]),
        "type": "member",
        **member,
    }


def goal_item(goal: dict[str, Any]) -> dict[str, Any]:
    return {
        "PK": keys.org_pk(goal["org_id"]),
        "SK": keys.goal_sk(goal["id"]),
        "type": "goal",
        **goal,
    }


def question_item(question: dict[str, Any]) -> dict[str, Any]:
    return {
        "PK": keys.org_pk(question["org_id"]),
        "SK": keys.question_sk(question["id"]),
        "type": "question",
        **question,
    }


def key_figures_item(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "PK": keys.org_pk(figures["org_id"]),
        "SK": keys.key_figures_sk(figures["year"]),
        "type": "key_figures",
        # DynamoDB takes no floats: numbers go as Decimal, as written by their route.
        **{
            name: Decimal(str(value)) if isinstance(value, float) else value
            for name, value in figures.items()
            if value is not None
        },
    }


def year_item(kind: str, entry: dict[str, Any]) -> dict[str, Any]:
    """Targets (``kind`` targets) or an analysis (``analysis``) of a year and scope."""
    sk = (targets_sk if kind == "targets" else analysis_sk)(entry["year"], entry["scope"])
    return {
        "PK": keys.org_pk(entry["org_id"]),
        "SK": sk,
        "type": kind,
        **{name: _decimals(value) for name, value in entry.items() if value is not None},
    }


def _decimals(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {key: _decimals(inner) for key, inner in value.items()}
    return value


def template_item(template: dict[str, Any]) -> dict[str, Any]:
    return {
        "PK": survey_keys.org_pk(template["org_id"]),
        "SK": survey_keys.template_sk(template["id"]),
        "type": "survey_template",
        **template,
    }


def activity_item(activity: dict[str, Any]) -> dict[str, Any]:
    return ActivityRepository._item(activity)


def collection_item(collection: dict[str, Any]) -> dict[str, Any]:
    return {
        "PK": survey_keys.collection_pk(collection["code"]),
        "SK": survey_keys.COLLECTION_SK,
        "GSI1PK": survey_keys.collections_of_unit_pk(collection["unit_id"]),
        "GSI1SK": f"{collection['created_at']}#{collection['code']}",
        "type": "collection",
        **{name: value for name, value in collection.items() if value is not None},
    }


def campaign_item(campaign: dict[str, Any]) -> dict[str, Any]:
    """A campaign as ``CampaignRepository.create_campaign`` stores it (its QR points listed)."""
    return {
        "PK": keys.org_pk(campaign["org_id"]),
        "SK": campaign_sk(campaign["id"]),
        "type": "campaign",
        **campaign,
    }
