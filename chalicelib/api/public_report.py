"""``GET /public/averages`` and ``GET /public/report`` (docs/evaluation.md, "Averages" and "The annual report").

Both are anonymous and read only published documents (``chalicelib.services.averages``);
answers carry the same ``Cache-Control`` as ``/public/stats``. docs/evaluation.md
describes them.
"""

from __future__ import annotations

from typing import Any, Literal

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from chalicelib.api.errors import json_response
from chalicelib.api.public_stats import CACHE_CONTROL, Statistics
from chalicelib.api.routing import endpoint
from chalicelib.domain.averages import parse_group
from chalicelib.domain.key_figures import year_problem
from chalicelib.domain.models import Output
from chalicelib.domain.stats import InvalidStatsQueryError, parse_period, parse_scope
from chalicelib.services import get_services

bp = Blueprint(__name__)


def _problem(parse: Any, value: str) -> str:
    try:
        return str(parse(value))
    except InvalidStatsQueryError as error:
        raise ValueError(error.problem) from error


def _year(value: str) -> str:
    problem = year_problem(value)
    if problem is None and int(value) > get_services().clock.today().year:
        problem = "has not begun yet"
    if problem:
        raise ValueError(problem)
    return value


class AveragesQuery(BaseModel):
    """Query parameters of ``/public/averages``."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    group: str = Field(description="all, country:CC, network:ID or org:ID")
    level: Literal["org", "unit"] | None = Field(
        default=None,
        description="Members: organisations (org, the default) or units (unit: the "
        "default for org:ID; other groups up to 200 units)",
    )
    period: str = Field(description="YYYY, YYYY-Qn or YYYY-MM")

    @field_validator("group")
    @classmethod
    def _group(cls, value: str) -> str:
        return _problem(parse_group, value)

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        return _problem(parse_period, value)


class MeasureAverage(Output):
    mean: float = Field(description="Unweighted mean over the members that report the measure")
    members: int = Field(description="How many members report it")


class Averages(Output):
    """The unweighted mean of each measure over the members that report it."""

    group: str
    level: str
    period: str
    members: int = Field(description="Members of the group (reporting or not)")
    measures: dict[str, MeasureAverage] = Field(
        description="visits, hours, activities, youth_led_share, girls_share …, "
        "age_share:<band>, indicator:<name>, cost_per_visit, visits_per_1000, "
        "visits_per_open_week; a measure no member reports is absent"
    )


class ReportQuery(BaseModel):
    """Query parameters of ``/public/report``."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    scope: str = Field(description="all, org:{org_id} or unit:{unit_id}")
    year: str = Field(description="YYYY, not after this year")

    @field_validator("scope")
    @classmethod
    def _scope(cls, value: str) -> str:
        return _problem(parse_scope, value)

    @field_validator("year")
    @classmethod
    def _year(cls, value: str) -> str:
        return _year(value)


class TargetResult(Output):
    target: float
    actual: float | None = Field(description="The year's published figure; null if withheld")
    met: bool | None = Field(description="null when the figure is not published")


class Report(Output):
    """The annual report of a scope (docs/evaluation.md)."""

    scope: str
    year: str
    has_data: bool = Field(description="false: nothing recorded for the scope that year")
    figures: Statistics
    previous: Statistics = Field(description="The year before")
    averages: Averages | None = Field(
        description="The peers' averages (an organisation: its country's organisations; "
        "a unit: its organisation's units); null for other scopes"
    )
    targets: dict[str, TargetResult]
    analysis: str | None = Field(description="The team's analysis, only when made public")


@endpoint(
    bp,
    "GET",
    "/public/averages",
    summary="Unweighted means of a group's members (as Kolada computes group values)",
    tag="statistics",
    query=AveragesQuery,
    response=Averages,
    public=True,
    errors=(400, 404),
)
def get_averages(query: AveragesQuery) -> Response:
    answer = get_services().averages.averages(query.group, query.level, query.period)
    return json_response(answer, 200, {"Cache-Control": CACHE_CONTROL})


@endpoint(
    bp,
    "GET",
    "/public/report",
    summary="The annual report of a scope: the year against last year, the peers' "
    "average and the targets, with the team's public analysis",
    tag="statistics",
    query=ReportQuery,
    response=Report,
    public=True,
    errors=(400, 404),
)
def get_report(query: ReportQuery) -> Response:
    answer = get_services().averages.report(query.scope, query.year)
    return json_response(answer, 200, {"Cache-Control": CACHE_CONTROL})
