"""The signed patterns a certificate's box is made of, one per axis. Pure.

A box (:mod:`chalicelib.domain.publication.suppression`) is a product of one signed
pattern per axis — scopes, periods, measures — each of which keeps every sum of its
axis: two siblings (+1, −1), or a chain up to the root (+1, +1, …).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from chalicelib.domain.periods import periods_of_year
from chalicelib.domain.publication.family import BAND_PREFIX, GENDER_FIGURES, VISITS
from chalicelib.domain.publication.groups import PENDING, group_key, groups_of
from chalicelib.domain.stats import (
    GROUP_SEPARATOR,
    GROUPINGS,
)
from chalicelib.domain.vocabulary import AGE_BANDS

INF = float("inf")
Sign = int
Pattern = tuple[tuple[str, Sign], ...]


def _quarter_of(period: str) -> str:
    return f"{period[:4]}-Q{(int(period[5:7]) - 1) // 3 + 1}"


def _months_of(quarter: str) -> list[str]:
    q = int(quarter[6])
    return [f"{quarter[:4]}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]


def period_patterns(period: str) -> list[Pattern]:
    """Signed periods that keep every month → quarter → year sum, ``period`` at +1."""
    year = period[:4]
    if len(period) == 7 and period[5] != "Q":  # a month
        quarter = _quarter_of(period)
        siblings: list[Pattern] = [
            ((period, 1), (other, -1)) for other in _months_of(quarter) if other != period
        ]
        # A month of another quarter: both quarters move, the year does not (sparse
        # data often has no sibling month with the same kind of visitor).
        cousins: list[Pattern] = [
            ((period, 1), (quarter, 1), (other, -1), (_quarter_of(other), -1))
            for other in periods_of_year(year)[5:]
            if _quarter_of(other) != quarter
        ]
        return [*siblings, *cousins, ((period, 1), (quarter, 1), (year, 1))]
    if period[5:6] == "Q":
        patterns: list[Pattern] = [((period, 1), (m, 1), (year, 1)) for m in _months_of(period)]
        for other in (f"{year}-Q{q}" for q in range(1, 5)):
            if other != period:
                for month in _months_of(period):
                    for other_month in _months_of(other):
                        patterns.append(((period, 1), (month, 1), (other, -1), (other_month, -1)))
        return patterns
    return [
        ((year, 1), (f"{year}-Q{q}", 1), (month, 1))
        for q in range(1, 5)
        for month in _months_of(f"{year}-Q{q}")
    ]


def scope_patterns(
    scope: str, units_of: Mapping[str, Sequence[str]], org_of: Mapping[str, str]
) -> list[Pattern]:
    """Signed scopes that keep every unit → organisation → all sum, ``scope`` at +1.

    Never through another organisation: siblings are units of the same organisation,
    and otherwise the chain goes up to ``all`` (whose other parts it leaves alone).
    """
    if scope.startswith("unit:"):
        org = org_of[scope]
        siblings: list[Pattern] = [
            ((scope, 1), (other, -1)) for other in units_of[org] if other != scope
        ]
        return [*siblings, ((scope, 1), (org, 1), ("all", 1))]
    if scope.startswith("org:"):
        return [((scope, 1), (unit, 1), ("all", 1)) for unit in units_of[scope]]
    return [(("all", 1), (org, 1), (unit, 1)) for org in sorted(units_of) for unit in units_of[org]]


# How much a pattern along the measures changes Σ age bands − visits (per unit of sign):
# the one inequality, which a change may use only as far as the slack allows.
MeasurePattern = tuple[Pattern, int]


def participation_patterns(measure: str) -> list[MeasurePattern]:
    """Signed measures that keep visits = Σ genders and Σ age bands ≤ visits."""
    genders = list(GENDER_FIGURES)
    bands = [BAND_PREFIX + band for band in AGE_BANDS]
    if measure in GENDER_FIGURES:
        siblings: list[MeasurePattern] = [
            (((measure, 1), (other, -1)), 0) for other in genders if other != measure
        ]
        # Visits move with the gender: an age band moves too where every visitor has
        # one (no slack), or visits alone where some have none.
        with_band: list[MeasurePattern] = [
            (((measure, 1), (VISITS, 1), (band, 1)), 0) for band in bands
        ]
        return [*siblings, *with_band, (((measure, 1), (VISITS, 1)), -1)]
    if measure.startswith(BAND_PREFIX):
        patterns: list[MeasurePattern] = [
            (((measure, 1), (other, -1)), 0) for other in bands if other != measure
        ]
        patterns.append((((measure, 1),), 1))
        patterns += [(((measure, 1), (VISITS, 1), (g, 1)), 0) for g in genders]
        return patterns
    return [(((measure, 1),), 0)]


def group_measures(indicator: str, by: str) -> list[str]:
    """The measures of one grouping of an indicator, its pending part last."""
    return [f"i:{indicator}|{group_key(by, g)}" for g in (*groups_of(by), PENDING)]


def survey_patterns(measure: str, grouped: set[str]) -> list[MeasurePattern]:
    """Signed survey measures that keep every grouping's sum (groups + pending = total).

    Without groups an indicator is its own axis. With groups, two groups of one
    grouping move against each other (+1, −1), or a group moves with the total and
    with one group of the other grouping (+1, +1, +1), since both groupings add up to
    the same total.
    """
    indicator, _, group = measure[2:].partition(GROUP_SEPARATOR)
    if indicator not in grouped:
        return [(((measure, 1),), 0)]
    total = "i:" + indicator
    axes = {by: group_measures(indicator, by) for by in GROUPINGS}
    if not group:
        first, second = axes.values()
        return [(((total, 1), (a, 1), (b, 1)), 0) for a in first for b in second]
    (own,) = [by for by, measures in axes.items() if measure in measures]
    (other,) = [by for by in axes if by != own]
    siblings: list[MeasurePattern] = [
        (((measure, 1), (sibling, -1)), 0) for sibling in axes[own] if sibling != measure
    ]
    chains: list[MeasurePattern] = [
        (((measure, 1), (total, 1), (crossing, 1)), 0) for crossing in axes[other]
    ]
    return [*siblings, *chains]
