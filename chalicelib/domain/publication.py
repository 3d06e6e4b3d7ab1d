"""The publication layer: what of the exact, private aggregates may be made public.

Pure Python (no boto3, no chalice). Every public route (``/public/stats`` and its CSV,
``/public/compare``, and whatever later issues add: subgroups, averages, reports, data
packages) publishes documents made here and nothing else. The stats table keeps exact
aggregates; this module turns one *family* of them — every scope (``all``, each
organisation, each unit) × every period (year, quarters, months) of one year — into
the documents the public may see, because a figure is only safe in the company of
every other figure it adds up with (one organisation's part at a time).

Four rules (docs/privacy.md):

1. **Primary suppression.** A survey indicator with 1 … ``k`` − 1 respondents in any
   cell; a participation count by gender or age band of 1 … ``c`` − 1 in a unit's cell.
2. **Complementary suppression** over every additive relation the public can see:
   unit → organisation → all, month → quarter → year, genders → visits (and age bands
   ≤ visits). Every primary cell keeps a certificate — a box of suppressed cells that
   could move with it while every published figure stays the same — so no reader can
   pin it down (see "complementary suppression" below). Each organisation is solved on
   its own, then ``all`` (:func:`solve_org`, :func:`solve_top`), so a change costs in
   proportion to its organisation. ``make privacy-audit`` checks the result with an
   exact solver.
3. **Steps in time** for survey figures: a unit's month publishes its answers only in
   steps of at least ``k`` responses (:func:`release`), and every coarser figure is a
   sum of released unit months; so any published survey figure moves only when at
   least ``k`` new answers stand behind the move, and reading it before and after one
   young person pressed Send shows nothing.
4. ``unique_visitors`` is published only once its period has ended, and not as a
   small count in a unit's cell (:func:`finalise`).

Reason codes are stable API (the pages translate them): see ``REASONS``.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.domain.stats import (
    GROUP_SEPARATOR,
    GROUPINGS,
    Figures,
    Number,
    add_into,
    group_prefix,
    indicator_sums,
    whole_figure,
    without_zeros,
)
from chalicelib.domain.stats_math import summarise
from chalicelib.domain.vocabulary import AGE_BANDS, INDICATORS

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

# ----------------------------------------------------------------- groups (by=)
#
# A survey figure by gender or age band (``/public/stats?by=``) is published under the
# same rules as the total. Respondents who skipped the question form the group
# ``not_answered``, so the groups of a grouping add up to all respondents. Groups are
# released in their own steps (:func:`release_figures`): a group's figures move only
# with at least ``k`` new answers of that group; answers of a group not released yet
# are *pending* — a hidden part of the total (``~``), never published, which the
# suppression treats as one more group (a small pending part is protected like a
# small group). In the suppression problem a group's indicator is the measure
# ``i:{indicator}|{axis}.{group}`` (``i:safety|g.girls``, ``i:safety|a.~``).

NOT_ANSWERED = "not_answered"
PENDING = "~"


def groups_of(by: str) -> tuple[str, ...]:
    """The published groups of a grouping (``gender``, ``age_band``)."""
    return (*GROUPINGS[by][2], NOT_ANSWERED)


def _group_key(by: str, group: str) -> str:
    return group_prefix(by, group)[:-1]  # "g.girls"


def _totals(figures: Mapping[str, Number]) -> Figures:
    return {name: value for name, value in figures.items() if GROUP_SEPARATOR not in name}


def split_groups(
    figures: Mapping[str, Number], by: str, *, live: bool = False
) -> dict[str, Figures]:
    """One grouping's figures per group, and the pending part (``~``).

    ``live`` figures (the aggregates) keep no ``not_answered`` group: it is the total
    minus the answered groups there. Released and published figures keep it, and
    their pending part is the total minus every group.
    """
    split: dict[str, Figures] = {}
    for group in GROUPINGS[by][2] if live else groups_of(by):
        prefix = group_prefix(by, group)
        split[group] = {
            name[len(prefix) :]: value for name, value in figures.items() if name.startswith(prefix)
        }
    rest = _totals(figures)
    for part in split.values():
        add_into(rest, part, -1)
    if live:
        split[NOT_ANSWERED] = without_zeros(rest)
    else:
        split[PENDING] = without_zeros(rest)
    return split


def _group_count(figures: Mapping[str, Number], by: str, group: str) -> int:
    return int(figures.get(group_prefix(by, group) + "r", 0))


def _live_group_counts(live: Mapping[str, Number], by: str) -> dict[str, int]:
    counts = {group: _group_count(live, by, group) for group in GROUPINGS[by][2]}
    counts[NOT_ANSWERED] = int(live.get("r", 0)) - sum(counts.values())
    return counts


def release_figures(
    live: Mapping[str, Number], released: Mapping[str, Number] | None, k: int
) -> Figures | None:
    """What a unit month releases now (None: nothing moves), totals and groups.

    The totals move as :func:`release` says. Each group moves to its live state only
    when at least ``k`` of its responses stand between (else it keeps what was
    released, and the difference stays pending), with the totals or on its own — as
    long as pending stays at least zero: a group can then catch up on a total released
    earlier (or before groups existed), never run ahead of it. If pending would go
    below zero while the totals move (answers were deleted), every group of that
    grouping moves with them.
    """
    before = released or {}
    moved = release(live, released, k)
    if not moved and not any(
        abs(now - _group_count(before, by, group)) >= k
        for by in GROUPINGS
        for group, now in _live_group_counts(live, by).items()
    ):
        return None  # the common case, checked on the counts alone
    totals = _totals(live) if moved else _totals(before)
    result: Figures = dict(totals)
    for by in GROUPINGS:
        now, then = split_groups(live, by, live=True), split_groups(before, by)
        chosen = {
            group: now[group]
            if abs(int(now[group].get("r", 0)) - int(then[group].get("r", 0))) >= k
            else then[group]
            for group in groups_of(by)
        }
        pending = dict(totals)
        for figures in chosen.values():
            add_into(pending, figures, -1)
        if any(value < 0 for value in pending.values()):
            chosen = {group: (now if moved else then)[group] for group in groups_of(by)}
        for group, figures in chosen.items():
            prefix = group_prefix(by, group)
            result.update({prefix + name: value for name, value in figures.items()})
    result = without_zeros(result)
    if not moved and result == without_zeros(before):
        return None
    return result


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


# --------------------------------------------------------------------- the family


def periods_of_year(year: str) -> list[str]:
    """The year, its quarters and its months (17 periods)."""
    quarters = [f"{year}-Q{q}" for q in range(1, 5)]
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    return [year, *quarters, *months]


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


def release(live: Mapping[str, Number], released: Mapping[str, Number] | None, k: int) -> bool:
    """Whether a unit month's survey figures move to their live state now.

    Only when at least ``k`` responses stand between what is published and what is
    live (``r`` counts responses), so every published move is one of at least ``k``.
    """
    before = int((released or {}).get("r", 0))
    return abs(int(live.get("r", 0)) - before) >= k


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


# --------------------------------------------------------- complementary suppression
#
# A suppressed small cell is safe when a reader who knows every published figure, every
# additive relation and what the reason codes say cannot pin it to one value. We make
# that true by construction: for every primary cell the solver keeps a *certificate*,
# a set of suppressed cells with signs ("a box") such that adding the signs to the true
# values gives another table that every published figure and every relation agrees
# with. The reader's feasible range of the primary cell then holds at least two whole
# values, whatever linear (or integer) reasoning they chain across relations — which is
# what the audit's linear programs check independently.
#
# Relations are trees along three independent axes — scopes (unit → organisation →
# all), periods (month → quarter → year) and measures (genders → visits, age bands ≤
# visits) — so a box is a product of one signed pattern per axis, each of which keeps
# every sum of its axis: two siblings (+1, −1), or a chain up to the root (+1, +1, …).
# Suppressing more never breaks a certificate, so each organisation's cells are solved
# on their own: its boxes use its own units (siblings) or go up through the
# organisation to ``all`` (never into another organisation), which is what makes
# publishing incremental (docs/privacy.md).

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


def _group_measures(indicator: str, by: str) -> list[str]:
    """The measures of one grouping of an indicator, its pending part last."""
    return [f"i:{indicator}|{_group_key(by, g)}" for g in (*groups_of(by), PENDING)]


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
    axes = {by: _group_measures(indicator, by) for by in GROUPINGS}
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
                parts = [(scope, period, m) for m in _group_measures(indicator, by)]
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


def _participation_measures() -> list[str]:
    return [*GENDER_FIGURES, VISITS, *(BAND_PREFIX + band for band in AGE_BANDS)]


def _participation_value(figures: Mapping[str, Number], measure: str) -> int:
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
            value = _participation_value(figures, measure)
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
                values[f"{measure}|{_group_key(by, PENDING)}"] = n
        return {m: n for m, n in values.items() if n}
    for by in GROUPINGS:
        for group, part in split_groups(figures, by).items():
            for name, state in indicator_sums(part).items():
                values[f"i:{name}|{_group_key(by, group)}"] = state.n
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
            measures += _group_measures(indicator, by)
    for (scope, period), cell_values in by_cell.items():
        for measure in measures:
            n = cell_values.get(measure, 0)
            values[(scope, period, measure)] = n
            if 0 < n < k:
                primary.add((scope, period, measure))
    return SuppressionProblem(values, primary, _units_of(family), "respondents", k, grouped=grouped)


@dataclass(frozen=True)
class CellInput:
    """What a family's publication needs of one scope and period."""

    activity: Mapping[str, Number] = field(default_factory=dict)
    responses: int = 0  # live count of responses (every template)
    survey: Mapping[str, Number] = field(default_factory=dict)  # released figures
    updated_at: str | None = None
    indicators_as_of: str | None = None


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


def publish_family(
    family: Family,
    cells: Mapping[tuple[str, str], CellInput],
    thresholds: Thresholds,
) -> dict[tuple[str, str], dict[str, Any]]:
    """The public document of every scope and period of the family.

    Solved the way the publish step solves it, one organisation at a time and then
    ``all`` (:func:`solve_org`, :func:`solve_top`). ``unique_visitors`` is carried as
    counted; :func:`finalise` decides at read time whether its period has ended.
    """
    empty = CellInput()
    periods = periods_of_year(family.year)
    survey_by_org = {
        org: {p: cells.get((f"org:{org}", p), empty).survey for p in periods} for org in family.orgs
    }
    all_survey = {p: cells.get(("all", p), empty).survey for p in periods}
    top_primary = survey_problem(
        Family(family.year, {}),
        {("all", p): f for p, f in all_survey.items()},
        thresholds.respondents,
    ).primary
    seen: dict[tuple[str, str], dict[str, int]] = {}
    counts: dict[CellKey, str] = {}
    indicators: dict[CellKey, str] = {}
    demands: dict[str, Demands] = {}
    for org in family.orgs:
        part = org_family(family, org)
        keys = [*part.cells(), *(("all", p) for p in periods)]
        solution = solve_org(
            part,
            {key: cells.get(key, empty).activity for key in keys},
            {key: cells.get(key, empty).survey for key in keys},
            thresholds,
            [c for c in top_primary if responsible_org(survey_by_org, c[1], c[2], seen) == org],
        )
        counts.update(solution.counts)
        indicators.update(solution.indicators)
        demands[org] = solution.demands
    top = solve_top(
        family.year,
        {p: cells.get(("all", p), empty).activity for p in periods},
        survey_by_org,
        demands,
        thresholds,
    )
    counts.update(top.counts)
    indicators.update(top.indicators)
    return {
        (scope, period): document(
            scope, period, cells.get((scope, period), empty), counts, indicators, thresholds
        )
        for scope, period in family.cells()
    }


def _prefixed(figures: Mapping[str, Number], prefix: str) -> dict[str, int]:
    return {
        name[len(prefix) :]: int(value)
        for name, value in sorted(figures.items())
        if name.startswith(prefix) and value != 0
    }


def document(
    scope: str,
    period: str,
    cell: CellInput,
    counts: Mapping[CellKey, str],
    indicators: Mapping[CellKey, str],
    thresholds: Thresholds,
) -> dict[str, Any]:
    """One scope and period's public document (docs/stats.md) under the suppression given."""
    activity = cell.activity
    count, youth_led = whole_figure(activity, "n"), whole_figure(activity, "y")
    suppressed_names: list[str] = []

    def shown(measure: str) -> int | None:
        if (scope, period, measure) in counts:
            suppressed_names.append(measure)
            return None
        return _participation_value(activity, measure)

    genders = {gender: shown(gender) for gender in GENDER_FIGURES}
    visits = shown(VISITS)
    bands = {}
    for band in AGE_BANDS:
        value = shown(BAND_PREFIX + band)
        if value != 0:
            bands[band] = value
    unique = whole_figure(activity, "uv")
    unique_shown: int | None = unique
    if scope.startswith("unit:") and 0 < unique < thresholds.participation:
        unique_shown = None
        suppressed_names.append("unique_visitors")
    return {
        "scope": scope,
        "period": period,
        "activities": {
            "count": count,
            "hours": round(whole_figure(activity, "m") / 60, 2),
            "youth_led": youth_led,
            "youth_led_share": round(youth_led / count, 3) if count else 0.0,
            "by_kind": _prefixed(activity, "k."),
            "by_category": _prefixed(activity, "c."),
        },
        "participation": {
            "visits": visits,
            **genders,
            "age_bands": bands,
            "new": whole_figure(activity, "w"),
            "volunteers": whole_figure(activity, "v"),
            "youth_leaders": whole_figure(activity, "l"),
            "checkins": whole_figure(activity, "ci"),
            "unique_visitors": unique_shown,
            "suppressed": suppressed_names,
        },
        "responses": cell.responses,
        "indicators": publish_indicators(
            scope,
            period,
            cell.survey,
            indicators,
            waiting=cell.responses > 0 and not whole_figure(cell.survey, "r"),
        ),
        "indicators_as_of": cell.indicators_as_of,
        "updated_at": cell.updated_at,
        **publish_groups(scope, period, cell.survey, indicators),
    }


def publish_groups(
    scope: str, period: str, survey: Mapping[str, Number], suppressed: Mapping[CellKey, str]
) -> dict[str, Any]:
    """``{"groups": {by: {group: {"responses", "indicators"}}}}`` when there are
    released survey figures (else nothing: :func:`finalise` answers every group empty).

    A group's ``responses`` is the most respondents behind any of its published
    indicators (None when none is published): nothing a reader could not read off the
    indicators, so it needs no protection of its own.
    """
    if not whole_figure(survey, "r"):
        return {}
    groups: dict[str, Any] = {}
    for by in GROUPINGS:
        split = split_groups(survey, by)
        groups[by] = {
            group: _group_document(
                publish_indicators(
                    scope,
                    period,
                    split[group],
                    suppressed,
                    # Answers not released into a group yet: "too few", as the total
                    # says of answers collected towards its first step.
                    waiting={
                        name for name, state in indicator_sums(split[PENDING]).items() if state.n
                    },
                    suffix=GROUP_SEPARATOR + _group_key(by, group),
                )
            )
            for group in groups_of(by)
        }
    return {"groups": groups}


def _group_document(indicators: dict[str, dict[str, Any]]) -> dict[str, Any]:
    published = [figure["n"] for figure in indicators.values() if "n" in figure]
    return {"responses": max(published, default=None), "indicators": indicators}


def empty_groups(by: str) -> dict[str, Any]:
    """Every group of a grouping without answers."""
    return {group: _group_document(publish_indicators("", "", {}, {})) for group in groups_of(by)}


def publish_indicators(
    scope: str,
    period: str,
    survey: Mapping[str, Number],
    suppressed: Mapping[CellKey, str],
    *,
    waiting: bool | set[str] = False,
    suffix: str = "",
) -> dict[str, dict[str, Any]]:
    """Indicators: the default ones always, others once they have answers.

    A suppressed indicator is exactly ``{"suppressed": true, "reason": code}``. With
    responses that are not released yet (``waiting``: fewer than ``k`` so far), an
    indicator without released answers says ``too_few_respondents``, as a small one
    (for a group: the indicators its grouping's pending answers have, a set).
    """
    sums = indicator_sums(survey)
    published: dict[str, dict[str, Any]] = {}
    for indicator in [*INDICATORS, *sorted(set(sums) - set(INDICATORS))]:
        state = sums.get(indicator)
        reason = suppressed.get((scope, period, "i:" + indicator + suffix))
        if state is None or state.n == 0:
            published[indicator] = {
                "suppressed": True,
                "reason": TOO_FEW_RESPONDENTS
                if (indicator in waiting if isinstance(waiting, set) else waiting)
                else NO_RESPONDENTS,
            }
        elif reason is not None:
            published[indicator] = {"suppressed": True, "reason": reason}
        else:
            summary = summarise(state)
            published[indicator] = {
                "n": summary.n,
                "mean": summary.mean,
                "ci95": [summary.ci95[0], summary.ci95[1]],
                "agree_share": summary.agree_share,
                "distribution": summary.distribution,
            }
    return published


# ---------------------------------------------------------------- at read time


def period_end(period: str) -> date:
    """The first day after a period."""
    year = int(period[:4])
    if len(period) == 4:
        return date(year + 1, 1, 1)
    month = 3 * int(period[6]) + 1 if period[5] == "Q" else int(period[5:7]) + 1
    return date(year + 1, 1, 1) if month > 12 else date(year, month, 1)


def finalise(stored: Mapping[str, Any], today: date, by: str | None = None) -> dict[str, Any]:
    """A stored document as published today: ``unique_visitors`` only after its period;
    ``groups`` only when asked for (``by``), that grouping's only."""
    published = dict(stored)
    participation = dict(published["participation"])
    if today < period_end(str(published["period"])):
        participation["unique_visitors"] = None
    published["participation"] = participation
    groups = published.pop("groups", None) or {}
    if by is not None:
        published["groups"] = groups.get(by) or empty_groups(by)
    return published


def empty_document(scope: str, period: str) -> dict[str, Any]:
    """The document of a scope and period with no figures at all."""
    return document(scope, period, CellInput(), {}, {}, Thresholds())


# ------------------------------------------------------------ one publication


def _iso(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


SUMMARY_PLAIN_LIMIT = 64_000


@dataclass
class OrgSummary:
    """What an organisation's publication leaves for ``all`` (stored per year and org).

    Per period: its released survey figures, live responses, when its survey figures
    were last written and last released; and the ``all`` cells its certificates need.
    """

    survey: dict[str, Figures] = field(default_factory=dict)
    responses: dict[str, int] = field(default_factory=dict)
    survey_at: dict[str, int] = field(default_factory=dict)
    released_at: dict[str, int] = field(default_factory=dict)
    demands: Demands = field(default_factory=dict)

    def to_json(self) -> str:
        """Compact JSON; past 64 KB (survey figures by group of many periods) zlib'd in
        base64 (``{"z": …}``), which keeps even a busy organisation's year far below
        DynamoDB's 400 KB item limit (a year of 400 answers a month: 435 KB → 12 KB)."""
        text = self._plain_json()
        if len(text) <= SUMMARY_PLAIN_LIMIT:
            return text
        packed = base64.b64encode(zlib.compress(text.encode(), 6)).decode("ascii")
        return json.dumps({"z": packed}, separators=(",", ":"))

    def _plain_json(self) -> str:
        return json.dumps(
            {
                "survey": {
                    p: {name: str(value) for name, value in f.items()}
                    for p, f in self.survey.items()
                },
                "responses": self.responses,
                "survey_at": self.survey_at,
                "released_at": self.released_at,
                "demands": [[p, m, sorted(s)] for (p, m), s in sorted(self.demands.items())],
            },
            separators=(",", ":"),
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> OrgSummary:
        data = json.loads(text)
        if "z" in data:
            data = json.loads(zlib.decompress(base64.b64decode(data["z"])))

        def number(value: str) -> Number:
            exact = Decimal(value)
            return int(exact) if exact == exact.to_integral_value() else exact

        return cls(
            survey={
                p: {name: number(v) for name, v in f.items()} for p, f in data["survey"].items()
            },
            responses={p: int(v) for p, v in data["responses"].items()},
            survey_at={p: int(v) for p, v in data["survey_at"].items()},
            released_at={p: int(v) for p, v in data["released_at"].items()},
            demands={(p, m): set(s) for p, m, s in data["demands"]},
        )


@dataclass
class Publication:
    """What one publish step writes: released unit months, changed documents and,
    for an organisation, its summary."""

    releases: dict[tuple[str, str], Figures]
    documents: dict[tuple[str, str], dict[str, Any]]
    summary: OrgSummary | None = None


Stamped = tuple[Mapping[str, Number], int | None]


def plan_org(
    family: Family,
    activity: Mapping[tuple[str, str], Stamped],
    live_survey: Mapping[tuple[str, str], Stamped],
    released: Mapping[tuple[str, str], Stamped],
    others: Mapping[str, OrgSummary],
    thresholds: Thresholds,
    now: int,
) -> Publication:
    """Release what may move (steps of ``k``) and publish one organisation's documents.

    ``family`` has the organisation's units only; ``activity`` has the exact part ``A``
    of its scopes and of ``all``; ``live_survey`` and ``released`` its unit months;
    ``others`` the other organisations' summaries (for ``all``'s survey figures).
    Figures come with the epoch seconds of their last write.
    """
    (org,) = family.orgs or [""]
    releases: dict[tuple[str, str], Figures] = {}
    unit_months: dict[tuple[str, str], Mapping[str, Number]] = {}
    release_times: dict[tuple[str, str], int | None] = {}
    live_counts: dict[tuple[str, str], Figures] = {}
    survey_times: dict[tuple[str, str], int | None] = {}
    for unit in family.units:
        for month in periods_of_year(family.year)[5:]:
            key = (f"unit:{unit}", month)
            live, live_at = live_survey.get(key, ({}, None))
            before, before_at = released.get(key, ({}, None))
            moved = release_figures(
                live, before if key in released else None, thresholds.respondents
            )
            if moved is not None:
                releases[(unit, month)] = moved
                before, before_at = moved, now
            if before:
                unit_months[(unit, month)] = before
                release_times[(unit, month)] = before_at
            if live.get("r"):
                live_counts[(unit, month)] = {"r": live["r"]}
                survey_times[(unit, month)] = live_at
    survey = roll_up(family, unit_months)
    responses = roll_up(family, live_counts)
    as_of = _latest_by_cell(family, release_times)
    survey_at = _latest_by_cell(family, survey_times)
    periods = periods_of_year(family.year)
    scope = f"org:{org}"
    summary = OrgSummary(
        survey={p: dict(survey[(scope, p)]) for p in periods if survey.get((scope, p))},
        responses={
            p: int(responses[(scope, p)].get("r", 0)) for p in periods if (scope, p) in responses
        },
        survey_at={p: survey_at[(scope, p)] for p in periods if (scope, p) in survey_at},
        released_at={p: as_of[(scope, p)] for p in periods if (scope, p) in as_of},
    )
    survey_by_org = {o: s.survey for o, s in others.items() if o != org}
    survey_by_org[org] = summary.survey
    all_survey: dict[tuple[str, str], Figures] = {}
    for by_period in survey_by_org.values():
        for period, figures in by_period.items():
            add_into(all_survey.setdefault(("all", period), {}), figures)
    top_primary = survey_problem(
        Family(family.year, {}), all_survey, thresholds.respondents
    ).primary
    seen: dict[tuple[str, str], dict[str, int]] = {}
    keys = family.cells()
    solution = solve_org(
        family,
        {
            **{key: activity.get(key, ({}, None))[0] for key in keys},
            **{("all", p): activity.get(("all", p), ({}, None))[0] for p in periods},
        },
        {**{key: survey.get(key, {}) for key in keys if key[0] != "all"}, **all_survey},
        thresholds,
        [c for c in top_primary if responsible_org(survey_by_org, c[1], c[2], seen) == org],
    )
    summary.demands = solution.demands
    documents = {}
    for scope_, period in keys:
        if scope_ == "all":
            continue
        own, activity_at = activity.get((scope_, period), ({}, None))
        stamps = [t for t in (activity_at, survey_at.get((scope_, period))) if t is not None]
        cell = CellInput(
            activity=own,
            responses=int(responses.get((scope_, period), {}).get("r", 0)),
            survey=survey.get((scope_, period), {}),
            updated_at=_iso(max(stamps)) if stamps else None,
            indicators_as_of=_iso(as_of.get((scope_, period))),
        )
        documents[(scope_, period)] = document(
            scope_, period, cell, solution.counts, solution.indicators, thresholds
        )
    return Publication(releases, documents, summary)


def plan_top(
    year: str,
    activity: Mapping[str, Stamped],
    summaries: Mapping[str, OrgSummary],
    thresholds: Thresholds,
) -> tuple[dict[tuple[str, str], dict[str, Any]], set[str]]:
    """``all``'s documents from its exact activity and the organisations' summaries,
    and the organisations that must be solved again first (:func:`solve_top`)."""
    periods = periods_of_year(year)
    top = solve_top(
        year,
        {p: activity.get(p, ({}, None))[0] for p in periods},
        {org: s.survey for org, s in summaries.items()},
        {org: s.demands for org, s in summaries.items()},
        thresholds,
    )
    documents = {}
    for period in periods:
        figures, activity_at = activity.get(period, ({}, None))
        survey: Figures = {}
        for summary in summaries.values():
            add_into(survey, summary.survey.get(period, {}))
        written = [s.survey_at[period] for s in summaries.values() if period in s.survey_at]
        stamps = [t for t in (activity_at, max(written, default=None)) if t is not None]
        released = [s.released_at[period] for s in summaries.values() if period in s.released_at]
        cell = CellInput(
            activity=figures,
            responses=sum(s.responses.get(period, 0) for s in summaries.values()),
            survey=survey,
            updated_at=_iso(max(stamps)) if stamps else None,
            indicators_as_of=_iso(max(released, default=None)),
        )
        documents[("all", period)] = document(
            "all", period, cell, top.counts, top.indicators, thresholds
        )
    return documents, top.recheck


def _latest_by_cell(
    family: Family, stamps: Mapping[tuple[str, str], int | None]
) -> dict[tuple[str, str], int]:
    latest: dict[tuple[str, str], int] = {}
    year = family.year
    for (unit, month), stamp in stamps.items():
        if stamp is None:
            continue
        org = family.units[unit]
        quarter = f"{year}-Q{(int(month[5:7]) - 1) // 3 + 1}"
        for scope in (f"unit:{unit}", f"org:{org}", "all"):
            for period in (year, quarter, month):
                latest[(scope, period)] = max(latest.get((scope, period), 0), stamp)
    return latest


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
