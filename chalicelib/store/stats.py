"""DynamoDB access for the stats table (key schema in ``stats_keys``).

A small class that receives its boto3 DynamoDB *client* and the table name; it speaks
plain Python (``StatsKey``, figure maps) to its callers. Nothing public reads these
exact aggregates: public routes read the published documents
(``chalicelib.store.publication``); ``scan_aggregates`` exists for the admin commands.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import ClientError

from chalicelib.domain.stats import Figures, Number, StatsKey
from chalicelib.settings import Settings
from chalicelib.store.stats_keys import (
    AGGREGATE_PARTS,
    BOOKKEEPING,
    UPDATED_AT,
    WATERMARKS,
    key_attributes,
    parse_key,
)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
_BATCH_GET_LIMIT = 100


def stats_client(settings: Settings) -> Any:
    """A low-level DynamoDB client for these settings.

    Not the resource's ``meta.client``: that one re-serialises typed attribute values.
    """
    import boto3

    return boto3.client(
        "dynamodb",
        region_name=settings.region,
        endpoint_url=settings.dynamodb_endpoint,
        config=Config(retries={"max_attempts": 5, "mode": "adaptive"}, connect_timeout=3),
    )


class WatermarkMovedError(Exception):
    """The conditional write found a watermark other than the one it read."""


@dataclass
class CapacityMeter:
    """Counts requests and the capacity DynamoDB reports, for the benchmark."""

    write_requests: int = 0
    read_requests: int = 0
    write_units: float = 0.0
    read_units: float = 0.0
    conditional_failures: int = 0
    item_sizes: list[tuple[int, int]] = field(default_factory=list)

    def record(self, response: Mapping[str, Any], *, write: bool) -> None:
        """One request and the capacity its ``response`` reports."""
        if write:
            self.write_requests += 1
        else:
            self.read_requests += 1
        consumed = response.get("ConsumedCapacity")
        entries = consumed if isinstance(consumed, list) else [consumed] if consumed else []
        for entry in entries:
            units = float(entry.get("CapacityUnits", 0.0))
            if write:
                self.write_units += units
            else:
                self.read_units += units


@dataclass(frozen=True)
class StoredAggregate:
    """One stats item as stored: figures (zeros included) and bookkeeping."""

    key: StatsKey
    figures: Figures
    watermarks: dict[str, str]
    updated_at: int | None


def _to_python(value: Any) -> Any:
    return _deserializer.deserialize(value)


def _to_dynamo(value: Any) -> Any:
    return _serializer.serialize(value)


def _placeholder(index: int) -> str:
    """``index`` in upper-case base 36 (``0`` … ``Z``, ``10`` …)."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    tag = ""
    while True:
        index, digit = divmod(index, 36)
        tag = digits[digit] + tag
        if index == 0:
            return tag


def _number(value: Number) -> str:
    """A number as DynamoDB text: plain digits, no exponent, no trailing zeros.

    ``str(Decimal("1.00000000") - 1)`` is ``"0E-8"``; engines differ in how they take
    such spellings (moto fails on them), so every number is normalised first.
    """
    if isinstance(value, int):
        return str(value)
    return format(Decimal(value).normalize(), "f")


class StatsStore:
    """Reads and writes aggregates in the stats table."""

    def __init__(
        self,
        client: Any,
        table_name: str,
        meter: CapacityMeter | None = None,
    ) -> None:
        self._client = client
        self._table = table_name
        self._meter = meter
        self._capacity = "TOTAL" if meter is not None else "NONE"

    @property
    def client(self) -> Any:
        """The DynamoDB client (the publish step shares it)."""
        return self._client

    @property
    def table_name(self) -> str:
        return self._table

    # ------------------------------------------------------------ stream writes

    def read_watermarks(
        self, keys: Sequence[StatsKey], *, consistent: bool = False
    ) -> dict[StatsKey, dict[str, str] | None]:
        """Watermarks of the given aggregates: ``None`` when the item has no ``_w`` yet.

        One BatchGetItem (per 100 keys) projecting only the keys and ``_w``. An
        eventually consistent read is enough: a stale watermark only makes the
        conditional write fail, and the retry reads consistently.
        """
        found: dict[StatsKey, dict[str, str] | None] = dict.fromkeys(keys)
        unique = sorted(set(keys))
        for start in range(0, len(unique), _BATCH_GET_LIMIT):
            request: dict[str, Any] = {
                self._table: {
                    "Keys": [
                        {name: {"S": value} for name, value in key_attributes(key).items()}
                        for key in unique[start : start + _BATCH_GET_LIMIT]
                    ],
                    "ProjectionExpression": "PK, SK, #w",
                    "ExpressionAttributeNames": {"#w": WATERMARKS},
                    "ConsistentRead": consistent,
                }
            }
            attempt = 0
            while request:
                response = self._client.batch_get_item(
                    RequestItems=request, ReturnConsumedCapacity=self._capacity
                )
                self._count_read(response)
                for item in response.get("Responses", {}).get(self._table, []):
                    key = parse_key(item["PK"]["S"], item["SK"]["S"])
                    raw = item.get(WATERMARKS)
                    found[key] = _to_python(raw) if raw is not None else None
                request = response.get("UnprocessedKeys") or {}
                if request:
                    attempt += 1
                    time.sleep(min(0.05 * 2**attempt, 1.0))
        return found

    def apply_delta(
        self,
        key: StatsKey,
        delta: Mapping[str, Number],
        *,
        shard: str,
        expected: str | None,
        watermark: str,
        map_exists: bool,
        prune: Mapping[str, str],
        now: int,
    ) -> None:
        """Add ``delta`` and move this shard's watermark from ``expected`` to ``watermark``.

        One UpdateItem: ``ADD`` for every figure, ``SET`` of the watermark, ``REMOVE``
        of pruned shards' watermarks, all conditional on the watermarks being what the
        caller read. Raises :class:`WatermarkMovedError` when they are not.
        """
        names: dict[str, str] = {"#w": WATERMARKS, "#t": UPDATED_AT, "#s": shard}
        values: dict[str, Any] = {":now": {"N": str(now)}}
        adds = []
        for index, (name, value) in enumerate(sorted(delta.items())):
            if value == 0:
                continue
            # Short placeholders (upper-case base 36, never clashing with the
            # lower-case ones below): a grouping's batch of ~400 figures stays under
            # DynamoDB's 4 KB limit of an update expression.
            tag = _placeholder(index)
            names[f"#{tag}"] = name
            values[f":{tag}"] = {"N": _number(value)}
            adds.append(f"#{tag} :{tag}")
        conditions = []
        sets = ["#t = :now"]
        removes = []
        if map_exists:
            sets.append("#w.#s = :wm")
            values[":wm"] = {"S": watermark}
            if expected is None:
                conditions.append("attribute_not_exists(#w.#s)")
            else:
                conditions.append("#w.#s = :old")
                values[":old"] = {"S": expected}
            for index, (pruned, pruned_value) in enumerate(sorted(prune.items())):
                names[f"#p{index}"] = pruned
                values[f":p{index}"] = {"S": pruned_value}
                removes.append(f"#w.#p{index}")
                conditions.append(f"#w.#p{index} = :p{index}")
        else:
            # The first writer creates the map; a concurrent creator makes this fail.
            sets.append("#w = :wmap")
            values[":wmap"] = {"M": {shard: {"S": watermark}}}
            conditions.append("attribute_not_exists(#w)")
            del names["#s"]
        expression = "SET " + ", ".join(sets)
        if adds:
            expression += " ADD " + ", ".join(adds)
        if removes:
            expression += " REMOVE " + ", ".join(removes)
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key={name: {"S": value} for name, value in key_attributes(key).items()},
                UpdateExpression=expression,
                ConditionExpression=" AND ".join(conditions),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnConsumedCapacity=self._capacity,
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                if self._meter is not None:
                    self._meter.conditional_failures += 1
                raise WatermarkMovedError(str(key)) from error
            raise
        self._count_write(response)

    def add_without_watermark(self, key: StatsKey, delta: Mapping[str, Number], now: int) -> None:
        """The naive baseline of the benchmark: an unconditional ``ADD`` (not exactly-once)."""
        names = {"#t": UPDATED_AT}
        values: dict[str, Any] = {":now": {"N": str(now)}}
        adds = []
        for index, (name, value) in enumerate(sorted(delta.items())):
            names[f"#f{index}"] = name
            values[f":f{index}"] = {"N": _number(value)}
            adds.append(f"#f{index} :f{index}")
        response = self._client.update_item(
            TableName=self._table,
            Key={name: {"S": value} for name, value in key_attributes(key).items()},
            UpdateExpression="SET #t = :now ADD " + ", ".join(adds),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnConsumedCapacity=self._capacity,
        )
        self._count_write(response)

    # ------------------------------------------------------------ admin

    def scan_aggregates(self) -> Iterator[StoredAggregate]:
        """Every stored aggregate (admin commands only: this is a Scan)."""
        paginator = self._client.get_paginator("scan")
        for page in paginator.paginate(TableName=self._table):
            for item in page.get("Items", []):
                # Released figures and published documents are derived, not aggregates.
                if item["PK"]["S"].startswith("STATS#") and item["SK"]["S"] in AGGREGATE_PARTS:
                    yield self._decode(item)

    def put_aggregate(
        self, key: StatsKey, figures: Mapping[str, Number], watermarks: Mapping[str, str], now: int
    ) -> None:
        """Replace an aggregate wholesale (rebuild)."""
        item: dict[str, Any] = {name: {"S": value} for name, value in key_attributes(key).items()}
        for name, value in figures.items():
            item[name] = {"N": _number(value)}
        item[WATERMARKS] = {"M": {shard: {"S": mark} for shard, mark in watermarks.items()}}
        item[UPDATED_AT] = {"N": str(now)}
        self._count_write(
            self._client.put_item(
                TableName=self._table, Item=item, ReturnConsumedCapacity=self._capacity
            )
        )

    def delete_aggregate(self, key: StatsKey) -> None:
        """Remove an aggregate that no longer has any contribution (rebuild)."""
        self._count_write(
            self._client.delete_item(
                TableName=self._table,
                Key={name: {"S": value} for name, value in key_attributes(key).items()},
                ReturnConsumedCapacity=self._capacity,
            )
        )

    # ------------------------------------------------------------ helpers

    @staticmethod
    def _decode(item: Mapping[str, Any]) -> StoredAggregate:
        key = parse_key(item["PK"]["S"], item["SK"]["S"])
        figures: Figures = {}
        for name, value in item.items():
            if name in BOOKKEEPING:
                continue
            number = _to_python(value)
            figures[name] = int(number) if number == number.to_integral_value() else number
        raw_marks = item.get(WATERMARKS)
        updated = item.get(UPDATED_AT)
        return StoredAggregate(
            key=key,
            figures=figures,
            watermarks=_to_python(raw_marks) if raw_marks else {},
            updated_at=int(updated["N"]) if updated else None,
        )

    def _count_write(self, response: Mapping[str, Any]) -> None:
        if self._meter is not None:
            self._meter.record(response, write=True)

    def _count_read(self, response: Mapping[str, Any]) -> None:
        if self._meter is not None:
            self._meter.record(response, write=False)
