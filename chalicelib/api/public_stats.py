"""Open statistics: ``GET /public/stats`` and ``GET /public/stats.csv`` (CONTRACT.md).

Each request is one Query on one stats partition (both parts of a scope and period
live there). Only when nothing is stored yet does a second GetItem on the data table
tell an existing organisation or unit (answer zeros) from an unknown one (404). The
answers carry ``Cache-Control: public, max-age=60`` so a CDN absorbs the traffic;
statistics are at most a minute stale there.

CSV: header ``scope,period,section,figure,key,value`` and one row per figure (see
``chalicelib.domain.stats.statistics_rows``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from chalice import Blueprint, Response

from chalicelib.domain.stats import (
    CSV_COLUMNS,
    InvalidStatsQueryError,
    parse_period,
    parse_scope,
    publish_statistics,
    statistics_rows,
)
from chalicelib.settings import get_settings
from chalicelib.store.stats import StatsStore

public_stats = Blueprint(__name__)

CACHE_CONTROL = "public, max-age=60"


class StatsReader:
    """Reads one scope and period's statistics (injectable for tests)."""

    def __init__(
        self, store: StatsStore, data_client: Any, data_table: str, suppression_threshold: int
    ) -> None:
        self._store = store
        self._data_client = data_client
        self._data_table = data_table
        self._threshold = suppression_threshold

    def statistics(self, scope: str, period: str) -> dict[str, Any] | None:
        """The published document, or ``None`` for an unknown organisation or unit."""
        activity, survey, updated, found = self._store.read_statistics(scope, period)
        if not found and not self._store.scope_exists(self._data_client, self._data_table, scope):
            return None
        updated_at = (
            datetime.fromtimestamp(updated, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if updated is not None
            else None
        )
        return publish_statistics(scope, period, activity, survey, self._threshold, updated_at)


@lru_cache(maxsize=1)
def get_stats_reader() -> StatsReader:
    """The reader of this process, on the configured tables (built once)."""
    import boto3

    settings = get_settings()
    client = boto3.client(
        "dynamodb", region_name=settings.region, endpoint_url=settings.dynamodb_endpoint
    )
    return StatsReader(
        StatsStore(client, settings.stats_table),
        client,
        settings.data_table,
        settings.suppression_threshold,
    )


def _error(status: int, code: str, message: str, field: str, problem: str) -> Response:
    return Response(
        body=json.dumps(
            {"error": code, "message": message, "errors": [{"field": field, "problem": problem}]}
        ),
        status_code=status,
        headers={"Content-Type": "application/json", "Cache-Control": "no-store"},
    )


def _lookup() -> dict[str, Any] | Response:
    params: Mapping[str, str] = public_stats.current_request.query_params or {}
    try:
        scope = parse_scope(params.get("scope"))
        period = parse_period(params.get("period"))
    except InvalidStatsQueryError as error:
        return _error(400, "invalid_request", f"invalid {error.field}", error.field, error.problem)
    statistics = get_stats_reader().statistics(scope, period)
    if statistics is None:
        return _error(404, "not_found", "no such scope", "scope", "unknown organisation or unit")
    return statistics


@public_stats.route("/public/stats", methods=["GET"], cors=True)
def get_statistics() -> Response:
    """Statistics of a scope and period as JSON."""
    found = _lookup()
    if isinstance(found, Response):
        return found
    return Response(
        body=json.dumps(found),
        status_code=200,
        headers={"Content-Type": "application/json", "Cache-Control": CACHE_CONTROL},
    )


@public_stats.route("/public/stats.csv", methods=["GET"], cors=True)
def get_statistics_csv() -> Response:
    """The same statistics as CSV, one row per figure."""
    found = _lookup()
    if isinstance(found, Response):
        return found
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(statistics_rows(found))
    filename = f"logbook-{found['scope'].replace(':', '-')}-{found['period']}.csv"
    return Response(
        body=buffer.getvalue(),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": CACHE_CONTROL,
        },
    )
