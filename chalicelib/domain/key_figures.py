"""Key figures of an organisation's year, and the public figures derived from them.

Pure: ``derived_figures`` takes a published statistics document and the year's key
figures and answers ``cost_per_visit``, ``visits_per_1000`` and
``visits_per_open_week`` (docs/vocabulary.md, "Key figures"), so whichever public read
side serves the statistics can add them with one call.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field

from chalicelib.domain.models import Output, StrictInput

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
DERIVED = ("cost_per_visit", "visits_per_1000", "visits_per_open_week")

Money = Annotated[float, Field(ge=0, le=10_000_000_000)]


class KeyFiguresIn(StrictInput):
    """``PUT /orgs/{org_id}/key-figures/{year}``: what the organisation reports for a year."""

    costs_eur: Money | None = Field(default=None, description="Costs of youth work, EUR")
    open_weeks: int | None = Field(default=None, ge=0, le=53, description="Weeks open")
    staff_fte: float | None = Field(
        default=None, ge=0, le=100_000, description="Staff, full-time equivalents"
    )
    youth_population: int | None = Field(
        default=None, ge=0, le=100_000_000, description="Young residents that year"
    )


class KeyFigures(Output):
    org_id: str
    year: int
    costs_eur: float | None = None
    open_weeks: int | None = None
    staff_fte: float | None = None
    youth_population: int | None = None
    updated_at: str | None = Field(default=None, description="null: nothing reported yet")


def year_problem(year: str) -> str | None:
    """Why a path's ``year`` is not a year key figures can be kept for (None if it is)."""
    if not (len(year) == 4 and year.isascii() and year.isdigit()):
        return "must be a year, YYYY"
    if not EARLIEST_YEAR <= int(year) <= LATEST_YEAR:
        return f"must be between {EARLIEST_YEAR} and {LATEST_YEAR}"
    return None


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    return float(value) if isinstance(value, int | float | Decimal) else None


def derived_figures(
    statistics: Mapping[str, Any],
    key_figures: Mapping[str, Any] | None,
    org_youth_population: int | None = None,
) -> dict[str, float | None]:
    """The per-cost, per-capita and per-week figures of one organisation's year.

    ``statistics`` is a public statistics document (its ``participation.visits`` may be
    ``null`` where the publication layer withheld it); ``key_figures`` the year's key
    figures (or None). The year's ``youth_population`` wins over the organisation's.
    A figure is ``None`` when what it needs is missing or zero: never a division by
    zero, never a guess.
    """
    visits = _number((statistics.get("participation") or {}).get("visits"))
    figures = key_figures or {}
    costs = _number(figures.get("costs_eur"))
    weeks = _number(figures.get("open_weeks"))
    population = _number(figures.get("youth_population"))
    if not population:  # not reported for the year (0 is not a population either)
        population = _number(org_youth_population)
    return {
        "cost_per_visit": round(costs / visits, 2) if costs is not None and visits else None,
        "visits_per_1000": (
            round(visits * 1000 / population, 1) if visits is not None and population else None
        ),
        "visits_per_open_week": (
            round(visits / weeks, 1) if visits is not None and weeks else None
        ),
    }
