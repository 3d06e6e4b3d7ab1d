"""A family's figures as suppression problems: participation counts, survey respondents.

Pure. Each cell of the family gets its value per measure and the primary (small)
cells are marked (docs/privacy.md, rule 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chalicelib.domain.publication.boxes import group_measures
from chalicelib.domain.publication.family import (
    BAND_PREFIX,
    GENDER_FIGURES,
    VISITS,
    CellKey,
    Family,
)
from chalicelib.domain.publication.groups import PENDING, group_key, split_groups
from chalicelib.domain.publication.suppression import SuppressionProblem, is_hidden
from chalicelib.domain.stats import (
    GROUP_SEPARATOR,
    GROUPINGS,
    Number,
    indicator_sums,
)
from chalicelib.domain.vocabulary import AGE_BANDS, INDICATORS


def _participation_measures() -> list[str]:
    return [*GENDER_FIGURES, VISITS, *(BAND_PREFIX + band for band in AGE_BANDS)]


def participation_value(figures: Mapping[str, Number], measure: str) -> int:
    if measure == VISITS:
        return sum(int(figures.get(short, 0)) for short in GENDER_FIGURES.values())
    if measure.startswith(BAND_PREFIX):
        return int(figures.get("a." + measure[len(BAND_PREFIX) :], 0))
    return int(figures.get(GENDER_FIGURES[measure], 0))


def _units_of(family: Family) -> dict[str, list[str]]:
    return {
        f"org:{org}": [f"unit:{u}" for u in sorted(family.units) if family.units[u] == org]
        for org in family.orgs
    }


def participation_problem(
    family: Family, activity: Mapping[tuple[str, str], Mapping[str, Number]], c: int
) -> SuppressionProblem:
    """Participation counts of a family as a suppression problem."""
    values: dict[CellKey, int] = {}
    primary: set[CellKey] = set()
    for scope, period in family.cells():
        figures = activity.get((scope, period), {})
        for measure in _participation_measures():
            value = participation_value(figures, measure)
            values[(scope, period, measure)] = value
            if scope.startswith("unit:") and measure != VISITS and 0 < value < c:
                primary.add((scope, period, measure))
    return SuppressionProblem(values, primary, _units_of(family), "count", c)


def survey_measures(survey: Iterable[Mapping[str, Number]]) -> list[str]:
    indicators: set[str] = set(INDICATORS)
    for figures in survey:
        indicators |= set(indicator_sums(figures))
    return ["i:" + name for name in sorted(indicators)]


def survey_values(figures: Mapping[str, Number]) -> dict[str, int]:
    """Respondents of every survey measure with answers (totals, groups, pending)."""
    values = {"i:" + name: state.n for name, state in indicator_sums(figures).items()}
    if GROUP_SEPARATOR not in "".join(figures):
        # No group released: every answer is pending in both groupings.
        for measure, n in list(values.items()):
            for by in GROUPINGS:
                values[f"{measure}|{group_key(by, PENDING)}"] = n
        return {m: n for m, n in values.items() if n}
    for by in GROUPINGS:
        for group, part in split_groups(figures, by).items():
            for name, state in indicator_sums(part).items():
                values[f"i:{name}|{group_key(by, group)}"] = state.n
    return {m: n for m, n in values.items() if n}


def survey_problem(
    family: Family, survey: Mapping[tuple[str, str], Mapping[str, Number]], k: int
) -> SuppressionProblem:
    """Respondents per indicator (and per group of it) of a family as a suppression
    problem."""
    values: dict[CellKey, int] = {}
    primary: set[CellKey] = set()
    grouped: set[str] = set()
    by_cell = {cell: survey_values(survey.get(cell, {})) for cell in family.cells()}
    for cell_values in by_cell.values():
        for measure in cell_values:
            if GROUP_SEPARATOR in measure and not is_hidden(measure):
                grouped.add(measure[2:].split(GROUP_SEPARATOR, 1)[0])
    measures = survey_measures(survey.values())
    for indicator in sorted(grouped):
        for by in GROUPINGS:
            measures += group_measures(indicator, by)
    for (scope, period), cell_values in by_cell.items():
        for measure in measures:
            n = cell_values.get(measure, 0)
            values[(scope, period, measure)] = n
            if 0 < n < k:
                primary.add((scope, period, measure))
    return SuppressionProblem(values, primary, _units_of(family), "respondents", k, grouped=grouped)
