"""Counters of the per-sender limits, and the day's key their buckets are hashed with.

| item             | PK                      | SK                           | TTL (``expires_at``)     |
|------------------|-------------------------|------------------------------|--------------------------|
| key of the day   | SENDER_KEY              | {YYYY-MM-DD}                 | end of the next day      |
| sender window    | SENDER#{bucket24}       | {scope}#W#{window start}     | window end + 5 minutes   |
| sender day       | SENDERS#{bucket12}      | {scope}#D#{YYYY-MM-DD}       | end of the day + 5 min   |

``type``: ``sender_key``, ``sender_window``. ``scope`` is what is limited (a collection
code). No address, no answer, no collection content is in these items, and no answer
carries a bucket. The stream consumer ignores both types.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, Final

from botocore.exceptions import ClientError

from chalicelib.store.table import is_condition_failure

KEY_PK: Final = "SENDER_KEY"
KEY_BYTES: Final = 32
# After its window a counter is useless: DynamoDB's TTL sweeps it.
COUNTER_GRACE: Final = dt.timedelta(minutes=5)

# One key per day and table, read once per process.
_day_keys: dict[tuple[str, str], bytes] = {}


def forget_day_keys() -> None:
    """Drop the keys cached in this process (tests recreate tables under one name)."""
    _day_keys.clear()


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


class SenderLimitStore:
    """Fixed-window counters over the data table (a boto3 Table resource)."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def day_key(self, day: dt.date) -> bytes:
        """The random key of ``day``, made on first use; everyone agrees on the first one
        stored. It expires after the next day: old buckets cannot be recomputed."""
        cache_key = (self._table.name, day.isoformat())
        cached = _day_keys.get(cache_key)
        if cached is not None:
            return cached
        key = self._stored_key(day)
        if key is None:
            expires = dt.datetime.combine(day + dt.timedelta(days=2), dt.time(), dt.UTC)
            try:
                self._table.put_item(
                    Item={
                        "PK": KEY_PK,
                        "SK": day.isoformat(),
                        "type": "sender_key",
                        "key": secrets.token_bytes(KEY_BYTES),
                        "expires_at": _epoch(expires),
                    },
                    ConditionExpression="attribute_not_exists(PK)",
                )
            except ClientError as error:
                if not is_condition_failure(error):
                    raise
            key = self._stored_key(day)
        if key is None:  # pragma: no cover - the put above or a racer created it
            raise RuntimeError(f"no sender key for {day}")
        _day_keys[cache_key] = key
        return key

    def _stored_key(self, day: dt.date) -> bytes | None:
        item = self._table.get_item(
            Key={"PK": KEY_PK, "SK": day.isoformat()}, ConsistentRead=True
        ).get("Item")
        return bytes(item["key"].value) if item else None

    def count(self, pk: str, sk: str, limit: int, expires_at: dt.datetime) -> bool:
        """Count one submission; False (and nothing counted) once ``limit`` is reached."""
        try:
            self._table.update_item(
                Key={"PK": pk, "SK": sk},
                UpdateExpression="ADD n :one SET #type = :type, expires_at = :exp",
                ConditionExpression="attribute_not_exists(n) OR n < :limit",
                ExpressionAttributeNames={"#type": "type"},
                ExpressionAttributeValues={
                    ":one": 1,
                    ":limit": limit,
                    ":type": "sender_window",
                    ":exp": _epoch(expires_at + COUNTER_GRACE),
                },
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True
