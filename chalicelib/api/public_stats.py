"""Open statistics: ``GET /public/stats`` and ``GET /public/stats.csv`` (CONTRACT.md).

Routes go through the lead's ``endpoint`` helper (query model, one error mapper,
OpenAPI). Each request is one Query on one stats partition (both parts of a scope and
period live there). Only when nothing is stored yet does a GetItem on the data table
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
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from chalicelib.api.routing import endpoint
from chalicelib.domain.csv_cells import csv_safe_cell
from chalicelib.domain.errors import FieldProblem, NotFound
from chalicelib.domain.models import Output
from chalicelib.domain.stats import (
    CSV_COLUMNS,
    InvalidStatsQueryError,
    parse_period,
    parse_scope,
    publish_statistics,
    statistics_rows,
)
from chalicelib.service import get_logbook
from chalicelib.settings import get_settings
from chalicelib.store import clients
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.stats import StatsStore, stats_client

bp = Blueprint(__name__)

CACHE_CONTROL = "public, max-age=60"


class StatsQuery(BaseModel):
    """Query parameters of the statistics routes."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    scope: str = Field(description="all, org:{org_id} or unit:{unit_id}")
    period: str = Field(description="YYYY, YYYY-Qn or YYYY-MM")

    @field_validator("scope")
    @classmethod
    def _scope(cls, value: str) -> str:
        try:
            return parse_scope(value)
        except InvalidStatsQueryError as error:
            raise ValueError(error.problem) from error

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        try:
            return parse_period(value)
        except InvalidStatsQueryError as error:
            raise ValueError(error.problem) from error


class ActivityFigures(Output):
    count: int
    hours: float
    youth_led: int
    youth_led_share: float
    by_kind: dict[str, int]
    by_category: dict[str, int]


class ParticipationFigures(Output):
    visits: int = Field(description="Sum of participants over activities")
    girls: int
    boys: int
    nonbinary: int
    undisclosed: int
    age_bands: dict[str, int]
    new: int
    volunteers: int
    youth_leaders: int
    checkins: int
    unique_visitors: int = Field(
        description="First check-ins in the scope and period; for all, summed over organisations"
    )


class IndicatorFigures(Output):
    n: int = Field(description="Respondents")
    mean: float | None = None
    ci95: list[float] | None = Field(default=None, description="95 % t interval, clipped to 1..5")
    agree_share: float | None = Field(default=None, description="Share with score >= 4")
    distribution: dict[str, int] | None = Field(
        default=None, description="Respondents per score rounded half-up, 1..5"
    )
    suppressed: bool | None = None
    reason: str | None = None


class Statistics(Output):
    """Open statistics of one scope and period (CONTRACT.md)."""

    scope: str
    period: str
    activities: ActivityFigures
    participation: ParticipationFigures
    responses: int
    indicators: dict[str, IndicatorFigures]
    updated_at: str | None
    # An organisation's year only (key figures, /stats/about.html#key-figures).
    cost_per_visit: float | None = Field(default=None, description="costs_eur / visits")
    visits_per_1000: float | None = Field(default=None, description="visits per 1,000 young")
    visits_per_open_week: float | None = Field(default=None, description="visits / open_weeks")


class StatsReader:
    """Reads one scope and period's statistics (injectable for tests)."""

    def __init__(
        self,
        store: StatsStore,
        scope_exists: Callable[[str], bool],
        suppression_threshold: int,
    ) -> None:
        self._store = store
        self._scope_exists = scope_exists
        self._threshold = suppression_threshold

    def statistics(self, scope: str, period: str) -> dict[str, Any]:
        """The published document; NotFound for an unknown organisation or unit."""
        activity, survey, updated, found = self._store.read_statistics(scope, period)
        if not found and not self._scope_exists(scope):
            raise NotFound(
                "no such organisation or unit",
                errors=[FieldProblem("scope", "unknown organisation or unit")],
            )
        updated_at = (
            datetime.fromtimestamp(updated, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if updated is not None
            else None
        )
        return publish_statistics(scope, period, activity, survey, self._threshold, updated_at)


@lru_cache(maxsize=1)
def get_stats_reader() -> StatsReader:
    """The reader of this process, on the configured tables (built once)."""
    settings = get_settings()
    directory = DirectoryRepository(clients.data_table(settings))

    def scope_exists(scope: str) -> bool:
        if scope == "all":
            return True
        kind, _, identifier = scope.partition(":")
        if kind == "org":
            return directory.get_org(identifier) is not None
        return directory.get_unit(identifier) is not None

    return StatsReader(
        StatsStore(stats_client(settings), settings.stats_table),
        scope_exists,
        settings.suppression_threshold,
    )


@endpoint(
    bp,
    "GET",
    "/public/stats",
    summary="Open statistics of a scope and period",
    tag="statistics",
    query=StatsQuery,
    response=Statistics,
    public=True,
    errors=(400, 404),
)
def get_statistics(query: StatsQuery) -> Response:
    statistics = get_logbook().with_derived_figures(
        get_stats_reader().statistics(query.scope, query.period)
    )
    return Response(
        body=json.dumps(statistics, separators=(",", ":")),
        status_code=200,
        headers={"Content-Type": "application/json", "Cache-Control": CACHE_CONTROL},
    )


@endpoint(
    bp,
    "GET",
    "/public/stats.csv",
    summary="The same statistics as CSV: scope,period,section,figure,key,value",
    tag="statistics",
    query=StatsQuery,
    public=True,
    content_type="text/csv",
    errors=(400, 404),
)
def get_statistics_csv(query: StatsQuery) -> Response:
    statistics = get_logbook().with_derived_figures(
        get_stats_reader().statistics(query.scope, query.period)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([csv_safe_cell(cell) for cell in row] for row in statistics_rows(statistics))
    filename = f"logbook-{query.scope.replace(':', '-')}-{query.period}.csv"
    return Response(
        body=buffer.getvalue(),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": CACHE_CONTROL,
        },
    )
