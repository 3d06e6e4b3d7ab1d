"""Open statistics: ``GET /public/stats`` and ``GET /public/stats.csv`` (docs/stats.md).

Routes go through ``api/routing.py``'s ``endpoint`` helper (query model, one error mapper,
OpenAPI) and answer what ``chalicelib.services.statistics`` reads: the document the
publication layer made (one GetItem; docs/privacy.md). The answers carry
``Cache-Control: public, max-age=60`` so a CDN absorbs the traffic; statistics are at
most a minute stale there.

CSV: the tidy layout of the ``/stats/`` page's **Download CSV**, one figure a row
(``chalicelib.domain.stats_table``); ``layout=long`` keeps the earlier layout
``scope,period,section,figure,key,value`` for existing scripts
(``chalicelib.domain.stats.statistics_rows``; docs/stats.md).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Literal

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from chalicelib.api.routing import endpoint
from chalicelib.domain.csv_cells import csv_safe_cell
from chalicelib.domain.models import Output
from chalicelib.domain.stats import (
    CSV_COLUMNS,
    InvalidStatsQueryError,
    parse_period,
    parse_scope,
    statistics_rows,
)
from chalicelib.domain.stats_table import ScopeFacts, scope_facts, tidy_csv, tidy_rows
from chalicelib.services import get_services

bp = Blueprint(__name__)

CACHE_CONTROL = "public, max-age=60"


class StatsQuery(BaseModel):
    """Query parameters of the statistics routes."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    scope: str = Field(
        description="all, org:{org_id}, unit:{unit_id}, network:{network_id} or country:{CC}"
    )
    period: str = Field(description="YYYY, YYYY-Qn or YYYY-MM")
    by: Literal["gender", "age_band"] | None = Field(
        default=None,
        description="Also the survey indicators of each group: by gender (girls, boys, "
        "nonbinary, undisclosed, not_answered) or by age band (the bands and not_answered)",
    )

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


class StatsCsvQuery(StatsQuery):
    """The statistics routes' parameters, and the CSV's layout."""

    layout: Literal["tidy", "long"] = Field(
        default="tidy",
        description="tidy (default): one figure a row, exactly the /stats/ page's Download "
        "CSV (section,scope,scope_name,municipality_code,period,measure,value,n,ci95_low,"
        "ci95_high,agree_share,suppressed,reason); long: the earlier layout "
        "scope,period,section,figure,key,value, one row per value (kept for existing scripts)",
    )


class ActivityFigures(Output):
    count: int
    hours: float
    youth_led: int
    youth_led_share: float
    by_kind: dict[str, int]
    by_category: dict[str, int]


SUPPRESSED_COUNT = "null when suppressed (named in participation.suppressed)"


class ParticipationFigures(Output):
    visits: int | None = Field(
        description=f"Sum of participants over activities; {SUPPRESSED_COUNT}"
    )
    girls: int | None = Field(description=SUPPRESSED_COUNT)
    boys: int | None = Field(description=SUPPRESSED_COUNT)
    nonbinary: int | None = Field(description=SUPPRESSED_COUNT)
    undisclosed: int | None = Field(description=SUPPRESSED_COUNT)
    age_bands: dict[str, int | None] = Field(description=f"Each band: {SUPPRESSED_COUNT}")
    new: int
    volunteers: int
    youth_leaders: int
    checkins: int
    unique_visitors: int | None = Field(
        description="First check-ins in the scope and period (for all, a network or a "
        "country, summed over organisations); null until the period has ended, or when a "
        "small count in a unit"
    )
    suppressed: list[str] = Field(
        description="Names of the suppressed counts (age bands as age_bands.{band})"
    )


class IndicatorFigures(Output):
    """Published figures, or exactly ``{"suppressed": true, "reason": code}``."""

    n: int | None = Field(default=None, description="Respondents")
    mean: float | None = None
    ci95: list[float] | None = Field(default=None, description="95 % t interval, clipped to 1..5")
    agree_share: float | None = Field(default=None, description="Share with score >= 4")
    distribution: dict[str, int] | None = Field(
        default=None, description="Respondents per score rounded half-up, 1..5"
    )
    suppressed: bool | None = None
    reason: str | None = Field(
        default=None,
        description="too_few_respondents | protects_another_cell | no_respondents",
    )


class GroupFigures(Output):
    """One group's survey figures, under the same disclosure control as the total."""

    responses: int | None = Field(
        description="The most respondents behind any of the group's published "
        "indicators; null when none is published"
    )
    indicators: dict[str, IndicatorFigures]


class Statistics(Output):
    """Open statistics of one scope and period (docs/stats.md)."""

    scope: str
    period: str
    activities: ActivityFigures
    participation: ParticipationFigures
    responses: int
    indicators: dict[str, IndicatorFigures]
    indicators_as_of: str | None = Field(
        description="When the survey figures last moved (they move in steps of k answers)"
    )
    updated_at: str | None
    groups: dict[str, GroupFigures] | None = Field(
        default=None, description="Only with by=: each group of that grouping"
    )
    # An organisation's year only (key figures, /stats/about.html#key-figures).
    cost_per_visit: float | None = Field(default=None, description="costs_eur / visits")
    visits_per_1000: float | None = Field(default=None, description="visits per 1,000 young")
    visits_per_open_week: float | None = Field(default=None, description="visits / open_weeks")


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
    statistics = get_services().key_figures.with_derived_figures(
        get_services().statistics.statistics(query.scope, query.period, query.by)
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
    summary="The same statistics as CSV: the /stats/ page's tidy rows (layout=long: "
    "scope,period,section,figure,key,value)",
    tag="statistics",
    query=StatsCsvQuery,
    public=True,
    content_type="text/csv",
    errors=(400, 404),
)
def get_statistics_csv(query: StatsCsvQuery) -> Response:
    statistics = get_services().key_figures.with_derived_figures(
        get_services().statistics.statistics(query.scope, query.period, query.by)
    )
    if query.layout == "tidy":
        body = tidy_csv(tidy_rows(statistics, _scope_facts(query.scope), query.by))
        # The page's file name for the same view (static_site/stats/view.js fileBase).
        parts = ["logbook-stats", query.scope.replace(":", "-", 1), query.period]
        filename = "_".join([*parts, f"by-{query.by}"] if query.by else parts) + ".csv"
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(
            [csv_safe_cell(cell) for cell in row] for row in statistics_rows(statistics, query.by)
        )
        body = buffer.getvalue()
        by = f"-by-{query.by}" if query.by else ""
        filename = f"logbook-{query.scope.replace(':', '-')}-{query.period}{by}.csv"
    return Response(
        body=body,
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": CACHE_CONTROL,
        },
    )


def _scope_facts(scope: str) -> ScopeFacts:
    """The scope's name, municipality code and young residents, from what
    ``/public/orgs`` and ``/public/networks`` answer (the page reads the same)."""
    orgs = [org.model_dump() for org in get_services().organisations.public_orgs()]
    networks = (
        [network.model_dump() for network in get_services().networks.public_networks()]
        if scope.startswith("network:")
        else []
    )
    return scope_facts(scope, orgs, networks)
