"""Complementary suppression: the problem, its certificates and the greedy solver. Pure.

A suppressed small cell is safe when a reader who knows every published figure, every
additive relation and what the reason codes say cannot pin it to one value. We make
that true by construction: for every primary cell the solver keeps a *certificate*,
a set of suppressed cells with signs ("a box") such that adding the signs to the true
values gives another table that every published figure and every relation agrees
with. The reader's feasible range of the primary cell then holds at least two whole
values, whatever linear (or integer) reasoning they chain across relations — which is
what the audit's linear programs check independently.

Relations are trees along three independent axes — scopes (unit → organisation →
all), periods (month → quarter → year) and measures (genders → visits, age bands ≤
visits) — so a box is a product of one signed pattern per axis, each of which keeps
every sum of its axis: two siblings (+1, −1), or a chain up to the root (+1, +1, …).
Suppressing more never breaks a certificate, so each organisation's cells are solved
on their own: its boxes use its own units (siblings) or go up through the
organisation to ``all`` (never into another organisation), which is what makes
publishing incremental (docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from chalicelib.domain.publication.boxes import (
    INF,
    MeasurePattern,
    Pattern,
    Sign,
    group_measures,
    participation_patterns,
    period_patterns,
    scope_patterns,
    survey_patterns,
)
from chalicelib.domain.publication.family import (
    BAND_PREFIX,
    PROTECTS_ANOTHER_CELL,
    SMALL_COUNT,
    TOO_FEW_RESPONDENTS,
    VISITS,
    CellKey,
)
from chalicelib.domain.publication.groups import PENDING
from chalicelib.domain.stats import (
    GROUP_SEPARATOR,
    GROUPINGS,
)
from chalicelib.domain.vocabulary import AGE_BANDS


@dataclass
class SuppressionProblem:
    """Cells with exact values and the primary ones, for one kind of figure.

    ``kind`` is ``"count"`` (participation: a suppressed count is known to be ≥ 1) or
    ``"respondents"`` (survey: a small cell is known to be 1 … k − 1, a complementary
    one ≥ ``k``). ``units_of`` maps each organisation scope to its unit scopes.
    ``targets`` are the cells to certify (the primary ones unless told otherwise).
    """

    values: dict[CellKey, int]
    primary: set[CellKey]
    units_of: dict[str, list[str]]
    kind: str
    k: int
    targets: set[CellKey] | None = None
    # Survey indicators that have groups in this problem (:func:`survey_patterns`).
    grouped: set[str] = field(default_factory=set)
    suppressed: dict[CellKey, str] = field(default_factory=dict)
    # Signs each suppressed cell takes in some certificate (a certificate holds only
    # while each of its cells can move that way: :func:`certificate_holds`).
    signs: dict[CellKey, set[Sign]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.org_of = {unit: org for org, units in self.units_of.items() for unit in units}

    def can_move(self, cell: CellKey, sign: Sign) -> bool:
        """Whether a reader must allow this suppressed cell to move by ``sign``."""
        value = self.values.get(cell, 0)
        if value <= 0:
            return False  # an empty cell is never suppressed: a reader knows it is 0
        if self.kind == "count":
            return sign > 0 or value >= 2
        if is_hidden(cell[2]):  # never published: a reader knows only that it is ≥ 0
            return True
        if value < self.k:  # reads as 1 … k − 1 ("too few respondents")
            return sign < 0 or value <= self.k - 2
        return sign > 0 or value >= self.k + 1  # reads as ≥ k ("protects another cell")

    def slack(self, scope: str, period: str) -> int:
        """Visits minus the age bands given: how far Σ bands may grow."""
        visits = self.values.get((scope, period, VISITS), 0)
        return visits - sum(
            self.values.get((scope, period, BAND_PREFIX + band), 0) for band in AGE_BANDS
        )


def is_hidden(measure: str) -> bool:
    """Whether a survey measure is never published (a grouping's pending part)."""
    return measure.endswith("." + PENDING)


def _weight(cell: CellKey) -> float:
    """What suppressing one more cell costs: coarser figures are read by more people."""
    scope, period, measure = cell
    if measure.startswith("i:"):
        if is_hidden(measure):
            return 0.0
        # A total is what everybody reads first; its groups come second.
        weight = 4.0 if GROUP_SEPARATOR not in measure else 1.0
        return weight * _scope_period_weight(scope, period)
    weight = _scope_period_weight(scope, period)
    if measure == VISITS:  # the figure everybody reads first
        weight *= 10.0
    return weight


def _scope_period_weight(scope: str, period: str) -> float:
    weight = {"unit": 1.0, "org": 2.0}.get(scope.split(":", 1)[0], 6.0)
    if len(period) == 4:
        weight *= 4.0
    elif period[5] == "Q":
        weight *= 1.5
    return weight


def _box_cost(
    problem: SuppressionProblem,
    box: tuple[Pattern, Pattern, MeasurePattern],
    sign: Sign,
    limit: float,
) -> tuple[float, list[tuple[CellKey, Sign]]] | None:
    """The cost of a box and its signed cells; None when invalid or not below ``limit``."""
    scopes, periods, (measures, inequality) = box
    cost = 0.0
    cells: list[tuple[CellKey, Sign]] = []
    for scope, scope_sign in scopes:
        for period, period_sign in periods:
            outer = sign * scope_sign * period_sign
            if inequality and outer * inequality > problem.slack(scope, period):
                return None
            for measure, measure_sign in measures:
                cell = (scope, period, measure)
                cell_sign = outer * measure_sign
                if not problem.can_move(cell, cell_sign):
                    return None
                if cell not in problem.suppressed:
                    cost += _weight(cell) + problem.values[cell] * 1e-6
                    if cost >= limit:
                        return None
                cells.append((cell, cell_sign))
    return cost, cells


def best_box(problem: SuppressionProblem, target: CellKey) -> list[tuple[CellKey, Sign]] | None:
    """The cheapest certificate of ``target`` (suppressed cells it needs, with signs)."""
    scope, period, measure = target
    scopes = scope_patterns(scope, problem.units_of, problem.org_of)
    periods = period_patterns(period)
    measures = (
        participation_patterns(measure)
        if problem.kind == "count"
        else survey_patterns(measure, problem.grouped)
    )
    best: tuple[float, list[tuple[CellKey, Sign]]] | None = None

    def line(cells: Iterable[tuple[CellKey, Sign]]) -> bool:
        return all(problem.can_move(cell, sign) for cell, sign in cells)

    # Every box holds the three lines through the target (each pattern starts with it
    # at +1): a pattern whose own line cannot move rules out every box it is in.
    usable = {
        sign: (
            [line(((x, period, measure), sign * g) for x, g in a) for a in scopes],
            [line(((scope, x, measure), sign * g) for x, g in b) for b in periods],
            [line(((scope, period, x), sign * g) for x, g in c[0]) for c in measures],
        )
        for sign in (1, -1)
    }
    for i, a in enumerate(scopes):
        for j, b in enumerate(periods):
            for m, c in enumerate(measures):
                for sign in (1, -1):
                    ok_a, ok_b, ok_c = usable[sign]
                    if not (ok_a[i] and ok_b[j] and ok_c[m]):
                        continue
                    limit = best[0] if best is not None else INF
                    found = _box_cost(problem, (a, b, c), sign, limit)
                    if found is not None:
                        best = found
                        if best[0] == 0:
                            return best[1]
    return best[1] if best else None


def complete_suppression(problem: SuppressionProblem) -> dict[CellKey, str]:
    """Primary and complementary suppression: cell → reason (mutates ``problem``).

    Greedy, as statistics offices do it: each target in turn gets the cheapest box
    (fewest and finest new cells, counting those already suppressed as free), so
    neighbouring small cells share their complements.
    """
    for cell in sorted(problem.primary):
        problem.suppressed[cell] = TOO_FEW_RESPONDENTS if problem.kind != "count" else SMALL_COUNT
    targets = problem.primary if problem.targets is None else problem.targets
    for target in sorted(targets, key=lambda cell: (-problem.values.get(cell, 0), cell)):
        box = best_box(problem, target)
        if box is None:  # pragma: no cover - a chain to the roots always exists
            raise ValueError(f"no certificate for {target}")
        for cell, sign in box:
            problem.suppressed.setdefault(cell, PROTECTS_ANOTHER_CELL)
            problem.signs.setdefault(cell, set()).add(sign)
    return problem.suppressed


def protect_rests(problem: SuppressionProblem, suppressed: dict[CellKey, str]) -> None:
    """No grouping's unpublished part of a cell may be small (mutates ``suppressed``).

    Where the total is published, total − published groups is known: the answers of
    its suppressed groups and pending part together. Each of those may be protected by
    its certificate (a box that moves one against another keeps each uncertain) while
    their sum is not; so while that rest has 1 … ``k`` − 1 respondents, its smallest
    published group is suppressed too (the rest then has at least ``k``).
    """
    if not problem.grouped:
        return
    for scope, period in sorted({(scope, period) for scope, period, _ in problem.values}):
        for indicator in sorted(problem.grouped):
            total = (scope, period, "i:" + indicator)
            if total in suppressed or not problem.values.get(total):
                continue
            for by in GROUPINGS:
                parts = [(scope, period, m) for m in group_measures(indicator, by)]
                while True:
                    hidden = [c for c in parts if c in suppressed or is_hidden(c[2])]
                    rest = sum(problem.values.get(c, 0) for c in hidden)
                    shown = [c for c in parts if c not in hidden and problem.values.get(c, 0)]
                    if not 0 < rest < problem.k or not shown:
                        break
                    smallest = min(shown, key=lambda c: (problem.values[c], c))
                    suppressed[smallest] = PROTECTS_ANOTHER_CELL


def certificate_holds(problem: SuppressionProblem, cell: CellKey, signs: Iterable[Sign]) -> bool:
    """Whether a cell of some certificate can still move every way it has to."""
    return all(problem.can_move(cell, sign) for sign in signs)
