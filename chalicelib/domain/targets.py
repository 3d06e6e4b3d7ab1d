"""Targets for a year and the team's written analysis of it. Pure: no I/O.

KEKS municipalities set "good enough" targets for next year's figures and write an
analysis of the year that politicians read. Here an org admin sets, per year and per
scope (the organisation or one of its units), a number for any measure the open
statistics show, and writes the year's analysis, public or not. The annual report
(``/public/report``) puts each target beside the actual figure.
"""

from __future__ import annotations

import math
import re
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from chalicelib.domain.errors import FieldProblem
from chalicelib.domain.models import Output, StrictInput
from chalicelib.domain.vocabulary import INDICATORS

FIRST_YEAR = 2000
LAST_YEAR = 2100
MAX_TARGETS = 60
MAX_ANALYSIS = 20_000

# The measures /stats/ shows, and the range a target for each may take.
COUNT = (0.0, 1e9)
SHARE = (0.0, 1.0)
SCORE = (1.0, 5.0)
RATE = (0.0, 1e7)
MEASURES: dict[str, tuple[float, float]] = {
    "activities": COUNT,
    "hours": COUNT,
    "visits": COUNT,
    "new": COUNT,
    "volunteers": COUNT,
    "youth_leaders": COUNT,
    "youth_led": COUNT,
    "responses": COUNT,
    "checkins": COUNT,
    "unique_visitors": COUNT,
    "youth_led_share": SHARE,
    "visits_per_1000": RATE,
    "visits_per_open_week": RATE,
    "cost_per_visit": RATE,
}
INDICATOR_PREFIX = "indicator:"
Scope = Annotated[
    str,
    StringConstraints(pattern=r"^(org|unit):[A-Za-z0-9_-]{1,64}$"),
    Field(description="org:{org_id} or unit:{unit_id} (a unit of this organisation)"),
]
MeasureName = Annotated[str, StringConstraints(min_length=1, max_length=80)]
_INDICATOR_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def check_year(value: str) -> int:
    """A path's year, or ValueError naming what is wrong."""
    if not re.fullmatch(r"\d{4}", value) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise ValueError(f"must be a year from {FIRST_YEAR} to {LAST_YEAR}, e.g. 2026")
    return int(value)


def measure_problems(
    targets: dict[str, float], own_indicators: frozenset[str] = frozenset()
) -> list[FieldProblem]:
    """What is wrong with a set of targets: unknown measures, values out of range.

    ``own_indicators`` are the organisation's own indicators (from its templates),
    which may have targets beside the default ones.
    """
    problems: list[FieldProblem] = []
    known_indicators = set(INDICATORS) | own_indicators
    for name, value in targets.items():
        where = f"targets.{name}"
        if name.startswith(INDICATOR_PREFIX):
            indicator = name[len(INDICATOR_PREFIX) :]
            if not _INDICATOR_ID.match(indicator) or indicator not in known_indicators:
                problems.append(
                    FieldProblem(
                        where,
                        "is not an indicator of this organisation; known: "
                        + ", ".join(sorted(known_indicators)),
                    )
                )
                continue
            low, high = SCORE
        elif name in MEASURES:
            low, high = MEASURES[name]
        else:
            problems.append(
                FieldProblem(
                    where,
                    "is not a measure; use one of " + ", ".join(MEASURES) + " or indicator:<name>",
                )
            )
            continue
        if not math.isfinite(value) or not low <= value <= high:
            problems.append(FieldProblem(where, f"must lie between {low:g} and {high:g}"))
    return problems


class TargetsIn(StrictInput):
    """``PUT /orgs/{org_id}/targets/{year}``: the whole set of one scope's targets."""

    scope: Scope
    targets: Annotated[
        dict[MeasureName, Annotated[float, Field(allow_inf_nan=False)]],
        Field(max_length=MAX_TARGETS, description='{"<measure>": number}, e.g. {"visits": 9000}'),
    ]


class Targets(Output):
    """One scope's targets for one year."""

    org_id: str
    year: int
    scope: str
    targets: dict[str, float]
    updated_by: str
    updated_at: str


class AnalysisIn(StrictInput):
    """``PUT /orgs/{org_id}/analyses/{year}``: the team's written analysis of a scope's year."""

    scope: Scope
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ANALYSIS)
    ]
    public: bool = Field(description="Shown in the public annual report when true")

    @field_validator("text")
    @classmethod
    def _no_control_characters(cls, value: str) -> str:
        if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value):
            raise ValueError("contains control characters")
        return value


class Analysis(Output):
    """The team's analysis of one scope's year."""

    org_id: str
    year: int
    scope: str
    text: str
    public: bool
    updated_by: str
    updated_at: str


class YearTargets(Output):
    """Every scope's targets of one organisation and year."""

    org_id: str
    year: int
    items: list[Targets]


class YearAnalyses(Output):
    """Every scope's analysis of one organisation and year."""

    org_id: str
    year: int
    items: list[Analysis]
