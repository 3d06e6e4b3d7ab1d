"""What every reader and writer of the stats table's published side shares: the
client, batched reads by key with bounded retries, conditional writes of newer
publications, and the capacity meter (benchmarks)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.domain.errors import TooManyRequests
from chalicelib.domain.stats import Figures
from chalicelib.store.stats import CapacityMeter
from chalicelib.store.stats_keys import BOOKKEEPING, DOCUMENT, PUBLICATION_VERSION

BATCH_GET_LIMIT = 100
MAX_BATCH_ATTEMPTS = 6


class StatisticsUnavailable(TooManyRequests):
    """DynamoDB kept keys unprocessed through every retry (throttling): try again."""


def figures_of(item: Mapping[str, Any]) -> Figures:
    """The figures of a stats item (numbers only, bookkeeping left out)."""
    figures: Figures = {}
    for name, value in item.items():
        if name in BOOKKEEPING or name == DOCUMENT or "N" not in value:
            continue
        number = Decimal(value["N"])
        figures[name] = int(number) if number == number.to_integral_value() else number
    return figures


class PublishedTable:
    """The stats table as the publication layer uses it (a low-level DynamoDB client)."""

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
            self._meter.record(response, write=True)

    def _count_read(self, response: Mapping[str, Any]) -> None:
        if self._meter is not None:
            self._meter.record(response, write=False)
