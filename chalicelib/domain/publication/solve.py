"""Suppression solved one organisation at a time, then ``all``. Pure.

Each organisation's cells are solved on their own (:func:`solve_org`), which leaves
what its certificates need of ``all`` (its *demands*); ``all`` then suppresses what
every organisation demands and its own small cells (:func:`solve_top`), and names the
organisations whose certificates broke, to be solved again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from chalicelib.domain.publication.boxes import Sign
from chalicelib.domain.publication.family import (
    PROTECTS_ANOTHER_CELL,
    TOO_FEW_RESPONDENTS,
    CellKey,
    Family,
    Thresholds,
)
from chalicelib.domain.publication.problems import (
    participation_problem,
    survey_problem,
    survey_values,
)
from chalicelib.domain.publication.suppression import (
    certificate_holds,
    complete_suppression,
    protect_rests,
)
from chalicelib.domain.stats import (
    Figures,
    Number,
    add_into,
)

Demands = dict[tuple[str, str], set[Sign]]  # (period, measure) of ``all`` → signs


@dataclass
class OrgSolution:
    """An organisation's suppressed cells (its scopes) and what it needs of ``all``."""

    counts: dict[CellKey, str]
    indicators: dict[CellKey, str]
    demands: Demands


def org_family(family: Family, org: str) -> Family:
    """The part of a family that one organisation's publication solves: its units."""
    return Family(family.year, {u: o for u, o in family.units.items() if o == org})


def responsible_org(
    survey_by_org: Mapping[str, Mapping[str, Mapping[str, Number]]],
    period: str,
    measure: str,
    seen: dict[tuple[str, str], dict[str, int]] | None = None,
) -> str | None:
    """Which organisation certifies a small ``all`` survey cell: the first with answers.

    ``seen`` keeps each organisation period's measures across calls (pass one dict)."""
    seen = {} if seen is None else seen
    for org in sorted(survey_by_org):
        if (org, period) not in seen:
            seen[(org, period)] = survey_values(survey_by_org[org].get(period, {}))
        if seen[(org, period)].get(measure, 0) > 0:
            return org
    return None


def solve_org(
    family: Family,
    activity: Mapping[tuple[str, str], Mapping[str, Number]],
    survey: Mapping[tuple[str, str], Mapping[str, Number]],
    thresholds: Thresholds,
    responsible: Iterable[CellKey] = (),
) -> OrgSolution:
    """Suppression of one organisation (``family`` has its units only).

    ``activity`` and ``survey`` hold the figures of its scopes and the true figures of
    ``all`` (every organisation's); ``responsible`` are small ``all`` survey cells this
    organisation certifies (see :func:`responsible_org`).
    """
    own = {f"org:{o}" for o in family.orgs} | {f"unit:{u}" for u in family.units}
    counts_problem = participation_problem(family, activity, thresholds.participation)
    complete_suppression(counts_problem)
    survey_problem_ = survey_problem(family, survey, thresholds.respondents)
    survey_problem_.targets = {c for c in survey_problem_.primary if c[0] in own} | set(responsible)
    complete_suppression(survey_problem_)
    protect_rests(survey_problem_, survey_problem_.suppressed)
    demands: Demands = {}
    for problem in (counts_problem, survey_problem_):
        for cell, signs in problem.signs.items():
            if cell[0] == "all":
                demands.setdefault((cell[1], cell[2]), set()).update(signs)
    return OrgSolution(
        {c: r for c, r in counts_problem.suppressed.items() if c[0] in own},
        {c: r for c, r in survey_problem_.suppressed.items() if c[0] in own},
        demands,
    )


@dataclass
class TopSolution:
    """Suppressed ``all`` cells, and organisations whose solution must be redone."""

    counts: dict[CellKey, str]
    indicators: dict[CellKey, str]
    recheck: set[str]


def solve_top(
    year: str,
    activity: Mapping[str, Mapping[str, Number]],
    survey_by_org: Mapping[str, Mapping[str, Mapping[str, Number]]],
    demands_by_org: Mapping[str, Demands],
    thresholds: Thresholds,
) -> TopSolution:
    """``all`` suppresses what the organisations' certificates need and its small cells.

    A certificate through ``all`` holds only while each of its ``all`` cells can move
    the way it needs; figures of other organisations change that cell, so every
    organisation's demands are checked here against today's ``all`` and an
    organisation whose certificate broke (or that must certify a small ``all`` cell
    nobody certifies yet) is solved again.
    """
    top = Family(year, {})
    survey_all: dict[tuple[str, str], Figures] = {}
    for by_period in survey_by_org.values():
        for period, figures in by_period.items():
            add_into(survey_all.setdefault(("all", period), {}), figures)
    counts_problem = participation_problem(
        top, {("all", p): f for p, f in activity.items()}, thresholds.participation
    )
    survey_problem_ = survey_problem(top, survey_all, thresholds.respondents)
    recheck: set[str] = set()
    covered: set[CellKey] = set()
    counts: dict[CellKey, str] = {}
    indicators: dict[CellKey, str] = dict.fromkeys(survey_problem_.primary, TOO_FEW_RESPONDENTS)
    for org, demands in sorted(demands_by_org.items()):
        for (period, measure), signs in demands.items():
            cell = ("all", period, measure)
            problem = survey_problem_ if measure.startswith("i:") else counts_problem
            if not certificate_holds(problem, cell, signs):
                recheck.add(org)
                continue
            covered.add(cell)
            target = indicators if problem is survey_problem_ else counts
            target.setdefault(cell, PROTECTS_ANOTHER_CELL)
    seen: dict[tuple[str, str], dict[str, int]] = {}
    for cell in sorted(survey_problem_.primary - covered):
        responsible = responsible_org(survey_by_org, cell[1], cell[2], seen)
        if responsible is not None:
            recheck.add(responsible)
    protect_rests(survey_problem_, indicators)
    return TopSolution(counts, indicators, recheck)
