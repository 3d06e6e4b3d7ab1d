"""What the survey stores share: a conditional put of a new item, and a transaction that
puts new items only while given first-visit markers still exist."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, Final

from botocore.exceptions import ClientError

from chalicelib.store.surveys.keys import SEEN_SK
from chalicelib.store.table import DataTableRepository, is_condition_failure

# What _transact_once answers when another transaction held an item: try again.
_CONFLICT: Final[set[int]] = {-1}


class SurveyTableRepository(DataTableRepository):
    """The data table, with puts that store an item (or a set of items) only once."""

    def _put_new(self, item: dict[str, Any]) -> bool:
        try:
            self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def _transact_new(
        self, items: list[dict[str, Any]], checks: Iterable[str] = ()
    ) -> set[int] | None:
        """Put every item if none exists yet, provided every marker PK in ``checks``
        still exists; None on success, else the failed indexes (items first, then checks)."""
        operations: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": item,
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            }
            for item in items
        ]
        operations += [
            {
                "ConditionCheck": {
                    "TableName": self._table.name,
                    "Key": {"PK": pk, "SK": SEEN_SK},
                    "ConditionExpression": "attribute_exists(PK)",
                }
            }
            for pk in checks
        ]
        for attempt in range(3):
            failed = self._transact_once(operations)
            if failed != _CONFLICT:
                return failed
            # Another transaction held one of the items (a double tap): try again shortly.
            time.sleep(0.05 * (attempt + 1))
        raise RuntimeError("transaction kept conflicting")

    def _transact_once(self, operations: list[dict[str, Any]]) -> set[int] | None:
        client = self._table.meta.client
        try:
            client.transact_write_items(TransactItems=operations)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
            failed = {
                index
                for index, reason in enumerate(reasons)
                if reason.get("Code") == "ConditionalCheckFailed"
            }
            if failed:
                return failed
            if any(reason.get("Code") == "TransactionConflict" for reason in reasons):
                return _CONFLICT
            raise

        return None
