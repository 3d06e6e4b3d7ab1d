"""Activities in the data table, listed by unit and date through GSI1."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key
from botocore.exceptions import ClientError

from chalicelib.domain.errors import Conflict, InvalidInput, NotFound
from chalicelib.store import keys
from chalicelib.store.items import without_keys
from chalicelib.store.table import DataTableRepository, is_condition_failure

_CURSOR_KEYS = frozenset({"PK", "SK", "GSI1PK", "GSI1SK"})
MAX_READS_PER_PAGE = 10


def encode_cursor(last_key: dict[str, Any]) -> str:
    """An opaque, URL-safe cursor for a page's LastEvaluatedKey."""
    raw = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, unit_id: str) -> dict[str, Any]:
    """The LastEvaluatedKey behind a cursor of this unit's list; InvalidInput otherwise."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidInput.field("cursor", "is not a cursor this API gave out") from error
    if (
        not isinstance(value, dict)
        or set(value) != _CURSOR_KEYS
        or not all(isinstance(part, str) for part in value.values())
        or value["GSI1PK"] != keys.activities_by_date_pk(unit_id)
        or value["PK"] != keys.unit_pk(unit_id)
    ):
        raise InvalidInput.field("cursor", "is not a cursor of this unit's activities")
    return value


class ActivityRepository(DataTableRepository):
    """Stores activities; every write is conditional so nothing is silently overwritten."""

    @staticmethod
    def _item(activity: dict[str, Any]) -> dict[str, Any]:
        return {
            "PK": keys.unit_pk(activity["unit_id"]),
            "SK": keys.activity_sk(activity["id"]),
            "GSI1PK": keys.activities_by_date_pk(activity["unit_id"]),
            "GSI1SK": keys.activity_by_date_sk(
                activity["date"], activity.get("start_time"), activity["id"]
            ),
            "type": "activity",
            **{name: value for name, value in activity.items() if value is not None},
        }

    def create(self, activity: dict[str, Any]) -> None:
        """Store a new activity."""
        self._create(self._item(activity), "activity")

    def create_many(self, activities: list[dict[str, Any]]) -> None:
        """Store many new activities with batched writes (seeding and imports)."""
        with self._table.batch_writer() as batch:
            for activity in activities:
                batch.put_item(Item=self._item(activity))

    def get(self, unit_id: str, activity_id: str) -> dict[str, Any] | None:
        """One activity, or None."""
        return self._get(keys.unit_pk(unit_id), keys.activity_sk(activity_id))

    def replace(self, activity: dict[str, Any], expected_version: int) -> None:
        """Overwrite an activity if it is still at ``expected_version``.

        Raises NotFound if it is gone and Conflict (with ``current_version``) if
        someone else changed it since it was read.
        """
        try:
            self._table.put_item(
                Item=self._item(activity),
                ConditionExpression=Attr("version").eq(expected_version),
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            current = self.get(activity["unit_id"], activity["id"])
            if current is None:
                raise NotFound("activity not found") from error
            raise Conflict(
                f"the activity was changed by someone else: it is at version "
                f"{current['version']}, this edit is based on version {expected_version}",
                current_version=current["version"],
                current=current,
            ) from error

    def delete(self, unit_id: str, activity_id: str) -> None:
        """Delete an activity; NotFound if there is none."""
        try:
            self._table.delete_item(
                Key={"PK": keys.unit_pk(unit_id), "SK": keys.activity_sk(activity_id)},
                ConditionExpression="attribute_exists(PK)",
            )
        except ClientError as error:
            if is_condition_failure(error):
                raise NotFound("activity not found") from error
            raise

    def count_using_categories(self, unit_ids: list[str], category_ids: set[str]) -> dict[str, int]:
        """How many activities of these units name each of ``category_ids`` (planned too).

        Reads only the ``categories`` attribute of each activity: an admin's vocabulary
        change is rare, and must not remove a word that activities still use.
        """
        counts = dict.fromkeys(sorted(category_ids), 0)
        if not category_ids:
            return counts
        for unit_id in unit_ids:
            items = self._query(
                KeyConditionExpression=Key("PK").eq(keys.unit_pk(unit_id))
                & Key("SK").begins_with("ACT#"),
                ProjectionExpression="categories",
            )
            for item in items:
                for category in set(item.get("categories") or ()) & category_ids:
                    counts[category] += 1
        return counts

    def list_page(
        self,
        unit_id: str,
        *,
        date_from: str | None,
        date_to: str | None,
        cursor: str | None,
        limit: int,
        created_by: str | None = None,
        status: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of a unit's activities, newest first, within [date_from, date_to].

        ``created_by`` and ``status`` filter (an activity stored without a status is done).
        """
        key = Key("GSI1PK").eq(keys.activities_by_date_pk(unit_id))
        low, high = date_from or "0000-00-00", (date_to or "9999-12-31") + "#~~"
        query: dict[str, Any] = {
            "IndexName": "GSI1",
            "KeyConditionExpression": key & Key("GSI1SK").between(low, high),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        filters: list[ConditionBase] = []
        if created_by is not None:
            filters.append(Attr("created_by").eq(created_by))
        if status == "planned":
            filters.append(Attr("status").eq("planned"))
        elif status == "done":
            filters.append(Attr("status").not_exists() | Attr("status").eq("done"))
        if filters:
            condition: ConditionBase = filters[0]
            for more in filters[1:]:
                condition = condition & more
            query["FilterExpression"] = condition
        last = decode_cursor(cursor, unit_id) if cursor else None
        items: list[dict[str, Any]] = []
        # A filter (partners see their own) can leave a page short: read on, each time
        # evaluating no more than what is still missing, so the cursor never skips an
        # item. Bounded, so a partner among thousands of others' activities still gets
        # a quick answer (a short page with a cursor).
        for _ in range(MAX_READS_PER_PAGE):
            if last:
                query["ExclusiveStartKey"] = last
            query["Limit"] = limit - len(items)
            page = self._table.query(**query)
            items += [without_keys(item) for item in page.get("Items", [])]
            last = page.get("LastEvaluatedKey")
            if not last or len(items) >= limit:
                break
        return items, encode_cursor(last) if last else None
