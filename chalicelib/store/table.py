"""What every repository of the data table shares: conditional writes that answer
``Conflict`` / ``NotFound``, paged queries and batched reads by key."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.domain.errors import Conflict, NotFound, TooManyRequests
from chalicelib.store.items import without_keys


def is_condition_failure(error: ClientError) -> bool:
    """True when DynamoDB refused a write because its condition did not hold."""
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class DataTableRepository:
    """Shared item operations on the data table (given as a boto3 Table resource)."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def _create(
        self, item: dict[str, Any], what: str, listing: dict[str, Any] | None = None
    ) -> None:
        try:
            if listing is None:
                self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
            else:
                self._put_with_listing(item, "attribute_not_exists(PK)", listing)
        except ClientError as error:
            if is_condition_failure(error):
                raise Conflict(f"{what} already exists") from error
            raise

    def _replace(
        self, item: dict[str, Any], what: str, listing: dict[str, Any] | None = None
    ) -> None:
        try:
            if listing is None:
                self._table.put_item(Item=item, ConditionExpression="attribute_exists(PK)")
            else:
                self._put_with_listing(item, "attribute_exists(PK)", listing)
        except ClientError as error:
            if is_condition_failure(error):
                raise NotFound(f"{what} not found") from error
            raise

    def _put_with_listing(
        self, item: dict[str, Any], condition: str, listing: dict[str, Any]
    ) -> None:
        """The item, then its public listing entry (two writes, the item first).

        Not one transaction: DynamoDB Local (``make dev``) writes a transaction to disk
        some moments after answering, so a stack killed right after creating an
        organisation lost it (tests/e2e/test_devstack_smoke.py). The item first: a
        crash between the two leaves the entry missing (the next edit or
        ``make rebuild`` writes it), never a public entry without its organisation.
        """
        self._table.put_item(Item=item, ConditionExpression=condition)
        self._table.put_item(Item=listing)

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        item = self._table.get_item(Key={"PK": pk, "SK": sk}).get("Item")
        return without_keys(item) if item else None

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        while True:
            page = self._table.query(**kwargs)
            yield from page.get("Items", [])
            start = page.get("LastEvaluatedKey")
            if not start:
                return
            kwargs["ExclusiveStartKey"] = start

    def _batch_get(
        self, wanted: Sequence[tuple[str, str]], projection: str | None = None
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """Items by key: BatchGetItem per 100 keys, a bounded number of retries of
        unprocessed keys (then 429)."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        pending = [{"PK": pk, "SK": sk} for pk, sk in dict.fromkeys(wanted)]
        for start in range(0, len(pending), 100):
            keys_and_projection: dict[str, Any] = {"Keys": pending[start : start + 100]}
            if projection:
                keys_and_projection["ProjectionExpression"] = projection
            request = {self._table.name: keys_and_projection}
            for attempt in range(6):
                answer = self._table.meta.client.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self._table.name, []):
                    found[(item["PK"], item["SK"])] = item
                request = answer.get("UnprocessedKeys") or {}
                if not request:
                    break
                time.sleep(min(0.05 * 2**attempt, 1.0))
            else:
                raise TooManyRequests("the directory is busy; try again", retry_after=1)
        return found
