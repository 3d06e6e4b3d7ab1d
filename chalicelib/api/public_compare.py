"""``GET /public/compare``: the statistics of many scopes and periods in one answer.

The statistics page compares all organisations (or all units of one) and draws time
series. With one ``/public/stats`` call per cell, a country's municipalities side by
side would be hundreds of requests; here one request reads them all by their known
keys — BatchGetItem, 100 keys per call, two keys (activity and survey part) per scope
and period — never a scan, and publishes each exactly as ``/public/stats`` does.

``scopes`` and ``periods`` are comma-separated; the answer has one item per scope and
period, scopes outer, periods inner, in the order asked. At most ``MAX_CELLS`` cells
(so at most three BatchGetItem calls on the stats table). A scope with no figures in
any asked period is looked up in the data table (one more BatchGetItem) to tell an
organisation or unit without activity (zeros) from one that does not exist (404).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from chalicelib.api.errors import json_response
from chalicelib.api.public_stats import CACHE_CONTROL, Statistics
from chalicelib.api.routing import endpoint
from chalicelib.domain.errors import FieldProblem, NotFound
from chalicelib.domain.models import Output
from chalicelib.domain.stats import (
    InvalidStatsQueryError,
    parse_period,
    parse_scope,
    publish_statistics,
)
from chalicelib.service import get_logbook
from chalicelib.settings import get_settings
from chalicelib.store import keys as data_keys
from chalicelib.store.stats import stats_client
from chalicelib.store.stats_keys import BOOKKEEPING, UPDATED_AT, stats_pk

bp = Blueprint(__name__)

MAX_CELLS = 150
BATCH_GET_LIMIT = 100
PARTS = ("A", "S")
_deserializer = TypeDeserializer()


def _split(value: str, parse: Any, field: str) -> list[str]:
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ValueError(f"{field} has an empty entry")
    if len(set(items)) != len(items):
        raise ValueError(f"{field} contains duplicates")
    try:
        return [parse(item) for item in items]
    except InvalidStatsQueryError as error:
        raise ValueError(error.problem) from error


class CompareQuery(BaseModel):
    """Query parameters of ``/public/compare``."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    scopes: str = Field(description="Comma-separated: all, org:{org_id}, unit:{unit_id}")
    periods: str = Field(description="Comma-separated: YYYY, YYYY-Qn or YYYY-MM")

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: str) -> str:
        _split(value, parse_scope, "scopes")
        return value

    @field_validator("periods")
    @classmethod
    def _periods(cls, value: str) -> str:
        _split(value, parse_period, "periods")
        return value

    @model_validator(mode="after")
    def _bounded(self) -> CompareQuery:
        cells = len(self.scope_list) * len(self.period_list)
        if cells > MAX_CELLS:
            raise ValueError(
                f"asks for {cells} scope-period cells; at most {MAX_CELLS} in one request"
            )
        return self

    @property
    def scope_list(self) -> list[str]:
        return [item.strip() for item in self.scopes.split(",")]

    @property
    def period_list(self) -> list[str]:
        return [item.strip() for item in self.periods.split(",")]


class Comparison(Output):
    """Statistics of every scope and period asked for, scopes outer, periods inner."""

    items: list[Statistics]


def _figures(item: dict[str, Any]) -> dict[str, Any]:
    # The stored figures as numbers, as StatsStore reads them (bookkeeping left out).
    figures: dict[str, Any] = {}
    for name, value in item.items():
        if name in BOOKKEEPING:
            continue
        number = _deserializer.deserialize(value)
        figures[name] = int(number) if number == number.to_integral_value() else number
    return figures


class BatchStatsReader:
    """Reads many scopes and periods by key (injectable client for tests)."""

    def __init__(
        self, client: Any, stats_table: str, data_table: str, suppression_threshold: int
    ) -> None:
        self._client = client
        self._stats_table = stats_table
        self._data_table = data_table
        self._threshold = suppression_threshold

    def _batch_get(self, table: str, keys: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        """Every item of ``keys`` that exists, 100 keys per call, retrying unprocessed keys."""
        for start in range(0, len(keys), BATCH_GET_LIMIT):
            request: dict[str, Any] = {table: {"Keys": keys[start : start + BATCH_GET_LIMIT]}}
            attempt = 0
            while request:
                response = self._client.batch_get_item(RequestItems=request)
                yield from response.get("Responses", {}).get(table, [])
                request = response.get("UnprocessedKeys") or {}
                if request:
                    attempt += 1
                    time.sleep(min(0.05 * 2**attempt, 1.0))

    def _unknown_scopes(self, scopes: list[str]) -> list[str]:
        keys = {}
        for scope in scopes:
            kind, _, identifier = scope.partition(":")
            if kind == "org":
                keys[scope] = (data_keys.org_pk(identifier), "ORG")
            elif kind == "unit":
                keys[scope] = (data_keys.unit_pk(identifier), "UNIT")
        if not keys:
            return []
        found = {
            (item["PK"]["S"], item["SK"]["S"])
            for item in self._batch_get(
                self._data_table,
                [{"PK": {"S": pk}, "SK": {"S": sk}} for pk, sk in keys.values()],
            )
        }
        return [scope for scope, key in keys.items() if key not in found]

    def statistics(self, scopes: list[str], periods: list[str]) -> list[dict[str, Any]]:
        """The published documents; NotFound names every unknown organisation or unit."""
        keys = [
            {"PK": {"S": stats_pk(scope, period)}, "SK": {"S": part}}
            for scope in scopes
            for period in periods
            for part in PARTS
        ]
        stored = {
            (item["PK"]["S"], item["SK"]["S"]): item
            for item in self._batch_get(self._stats_table, keys)
        }
        with_figures = {pk.split("#")[1] for pk, _ in stored}
        unknown = self._unknown_scopes([s for s in scopes if s not in with_figures])
        if unknown:
            raise NotFound(
                f"no such organisation or unit: {', '.join(unknown)}",
                errors=[
                    FieldProblem("scopes", f"unknown organisation or unit {s}") for s in unknown
                ],
            )
        documents = []
        for scope in scopes:
            for period in periods:
                pk = stats_pk(scope, period)
                parts = {part: stored.get((pk, part)) for part in PARTS}
                stamps = [
                    int(_deserializer.deserialize(item[UPDATED_AT]))
                    for item in parts.values()
                    if item is not None and UPDATED_AT in item
                ]
                updated_at = (
                    datetime.fromtimestamp(max(stamps), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                    if stamps
                    else None
                )
                activity = _figures(parts["A"]) if parts["A"] else {}
                survey = _figures(parts["S"]) if parts["S"] else {}
                documents.append(
                    publish_statistics(scope, period, activity, survey, self._threshold, updated_at)
                )
        return documents


@lru_cache(maxsize=1)
def get_batch_reader() -> BatchStatsReader:
    """The reader of this process, on the configured tables (built once)."""
    settings = get_settings()
    return BatchStatsReader(
        stats_client(settings),
        settings.stats_table,
        settings.data_table,
        settings.suppression_threshold,
    )


@endpoint(
    bp,
    "GET",
    "/public/compare",
    summary="Open statistics of many scopes and periods at once (by key, never a scan)",
    tag="statistics",
    query=CompareQuery,
    response=Comparison,
    public=True,
    errors=(400, 404),
)
def compare(query: CompareQuery) -> Response:
    logbook = get_logbook()
    items = [
        logbook.with_derived_figures(item)
        for item in get_batch_reader().statistics(query.scope_list, query.period_list)
    ]
    return json_response({"items": items}, 200, {"Cache-Control": CACHE_CONTROL})
