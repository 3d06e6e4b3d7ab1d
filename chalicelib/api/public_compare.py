"""``GET /public/compare``: the statistics of many scopes and periods in one answer.

The statistics page compares all organisations (or all units of one) and draws time
series. With one ``/public/stats`` call per cell, a country's municipalities side by
side would be hundreds of requests; here one request reads them all by their known
keys — the published documents, BatchGetItem, 100 keys per call, retried a bounded
number of times — never a scan, and answers each exactly as ``/public/stats`` does.

``scopes`` and ``periods`` are comma-separated; the answer has one item per scope and
period, scopes outer, periods inner, in the order asked. At most ``MAX_CELLS`` cells
(so at most two BatchGetItem calls on the stats table). A scope with no figures in
any asked period is looked up in the data table (one more BatchGetItem) to tell an
organisation or unit without activity (zeros) from one that does not exist (404).
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from chalicelib.api.errors import json_response
from chalicelib.api.public_stats import CACHE_CONTROL, Statistics
from chalicelib.api.routing import endpoint
from chalicelib.domain.models import Output
from chalicelib.domain.stats import InvalidStatsQueryError, parse_period, parse_scope
from chalicelib.services import get_services

bp = Blueprint(__name__)

MAX_CELLS = 150


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

    scopes: str = Field(
        description="Comma-separated: all, org:{org_id}, unit:{unit_id}, network:{id}, country:{CC}"
    )
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
    services = get_services()
    items = [
        services.key_figures.with_derived_figures(item)
        for item in get_services().statistics.compare(query.scope_list, query.period_list)
    ]
    return json_response({"items": items}, 200, {"Cache-Control": CACHE_CONTROL})
