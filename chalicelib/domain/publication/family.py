"""One family: a year of every scope, the thresholds and the reason codes. Pure.

A *family* is every scope (``all``, each organisation, each unit) × every period (the
year, its quarters, its months) of one year: the figures that add up with each other
and so are published together (docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.periods import periods_of_year
from chalicelib.domain.stats import (
    Figures,
    Number,
    without_zeros,
)

# Reason codes of a suppressed figure (stable; static_site translates them).
TOO_FEW_RESPONDENTS = "too_few_respondents"
NO_RESPONDENTS = "no_respondents"
PROTECTS_ANOTHER_CELL = "protects_another_cell"
SMALL_COUNT = "small_count"
PERIOD_NOT_ENDED = "period_not_ended"
REASONS = (TOO_FEW_RESPONDENTS, NO_RESPONDENTS, PROTECTS_ANOTHER_CELL, SMALL_COUNT)

GENDER_FIGURES = {"girls": "g", "boys": "b", "nonbinary": "x", "undisclosed": "u"}
VISITS = "visits"
BAND_PREFIX = "age_bands."

CellKey = tuple[str, str, str]  # (scope, period, measure)


@dataclass(frozen=True)
class Thresholds:
    """``k``: fewest respondents behind a survey figure; ``c``: smallest published
    participation count by gender or age band in a unit's cell (other than 0)."""

    respondents: int = 15
    participation: int = 3

    def __post_init__(self) -> None:
        # With a threshold of 2 the reason "fewer than 2" would itself say "exactly 1".
        if self.respondents < 3 or self.participation < 3:
            raise ValueError("thresholds must be at least 3")


def period_relations(year: str) -> list[tuple[str, tuple[str, ...]]]:
    """``(parent, children)``: the year of its quarters, each quarter of its months."""
    quarters = tuple(f"{year}-Q{q}" for q in range(1, 5))
    relations: list[tuple[str, tuple[str, ...]]] = [(year, quarters)]
    for q in range(1, 5):
        relations.append(
            (f"{year}-Q{q}", tuple(f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)))
        )
    return relations


@dataclass(frozen=True)
class Family:
    """One year of every scope: ``units`` maps each unit id to its organisation id."""

    year: str
    units: Mapping[str, str]

    @property
    def orgs(self) -> list[str]:
        return sorted(set(self.units.values()))

    def scopes(self) -> list[str]:
        return ["all", *(f"org:{o}" for o in self.orgs), *(f"unit:{u}" for u in sorted(self.units))]

    def scope_relations(self) -> list[tuple[str, tuple[str, ...]]]:
        """``(parent, children)``: ``all`` of its organisations, each of its units."""
        relations: list[tuple[str, tuple[str, ...]]] = [
            ("all", tuple(f"org:{o}" for o in self.orgs))
        ]
        for org in self.orgs:
            units = sorted(u for u, o in self.units.items() if o == org)
            relations.append((f"org:{org}", tuple(f"unit:{u}" for u in units)))
        return relations

    def cells(self) -> list[tuple[str, str]]:
        return [(s, p) for s in self.scopes() for p in periods_of_year(self.year)]


def roll_up(
    family: Family, unit_months: Mapping[tuple[str, str], Mapping[str, Number]]
) -> dict[tuple[str, str], Figures]:
    """Every scope and period of the family as sums of its unit months' figures."""
    totals: dict[tuple[str, str], Figures] = {}
    year = family.year
    for (unit, month), figures in unit_months.items():
        org = family.units.get(unit)
        if org is None or not month.startswith(year + "-"):
            continue
        quarter = f"{year}-Q{(int(month[5:7]) - 1) // 3 + 1}"
        for scope in (f"unit:{unit}", f"org:{org}", "all"):
            for period in (year, quarter, month):
                target = totals.setdefault((scope, period), {})
                for name, value in figures.items():
                    target[name] = target.get(name, 0) + value
    return {key: without_zeros(value) for key, value in totals.items()}


def family_member(item: Mapping[str, Any] | None) -> tuple[str, str, str] | None:
    """``(year, unit, org)`` of an item that counts in the statistics, else None."""
    if not item or item.get("type") not in ("activity", "response", "checkin"):
        return None
    unit, org, day = item.get("unit_id"), item.get("org_id"), item.get("date")
    if not (isinstance(unit, str) and isinstance(org, str) and isinstance(day, str)):
        return None
    if len(day) < 4 or not day[:4].isdigit() or " " in unit or " " in org:
        return None
    return day[:4], unit, org
