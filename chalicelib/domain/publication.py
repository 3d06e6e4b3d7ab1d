"""The publication layer: what of the exact, private aggregates may be made public.

Pure Python (no boto3, no chalice). Every public route (``/public/stats`` and its CSV,
``/public/compare``, and whatever later issues add: subgroups, averages, reports, data
packages) publishes documents made here and nothing else. The stats table keeps exact
aggregates; this module turns one *family* of them — every scope (``all``, each
organisation, each unit) × every period (year, quarters, months) of one year — into
the documents the public may see, because a figure is only safe in the company of
every other figure it adds up with.

Four rules (DESIGN.md "Publication layer", docs/privacy.md):

1. **Primary suppression.** A survey indicator with 1 … ``k`` − 1 respondents in any
   cell; a participation count by gender or age band of 1 … ``c`` − 1 in a unit's cell.
2. **Complementary suppression** over every additive relation the public can see:
   unit → organisation → all, month → quarter → year, genders → visits (and age bands
   ≤ visits). In every relation each suppressed member must keep a range of at least
   two whole values given everything else in it and what the reason codes tell
   (a primary cell lies in 1 … threshold − 1, a complementary one is not small).
   When a relation does not hold that, the smallest other member that fixes it is
   suppressed too (the parent only when no member can), and the relations it is in
   are checked again. ``make privacy-audit`` checks the result with an exact solver.
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

import heapq
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from chalicelib.domain.stats import Figures, Number, indicator_sums, without_zeros
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


@dataclass(frozen=True)
class Relation:
    """``parent = Σ children`` (``open_remainder``: ``parent ≥ Σ children``)."""

    parent: CellKey
    children: tuple[CellKey, ...]
    open_remainder: bool = False

    @property
    def members(self) -> tuple[CellKey, ...]:
        return (self.parent, *self.children)


@dataclass
class SuppressionProblem:
    """Cells with exact values, the primary ones, the public relations between them,
    and the threshold that applies to each cell (``None``: no primary rule there)."""

    values: dict[CellKey, int]
    primary: set[CellKey]
    relations: list[Relation]
    threshold: Callable[[CellKey], int | None]
    suppressed: dict[CellKey, str] = field(default_factory=dict)


INF = math.inf


def attacker_bounds(value: int, reason: str | None, threshold: int | None) -> tuple[float, float]:
    """What a reader knows of a cell: its value, or the range its reason code implies."""
    if reason is None:
        return float(value), float(value)
    if reason in (TOO_FEW_RESPONDENTS, SMALL_COUNT):
        return 1.0, float((threshold or 2) - 1)
    # A complementary cell is never a small group and never empty.
    return float(threshold or 1), INF


def _bounds(problem: SuppressionProblem, cell: CellKey) -> tuple[float, float]:
    return attacker_bounds(
        problem.values.get(cell, 0), problem.suppressed.get(cell), problem.threshold(cell)
    )


def _ranges(
    problem: SuppressionProblem,
    relation: Relation,
    known: Mapping[CellKey, tuple[float, float]] | None = None,
) -> dict[CellKey, tuple[float, float]]:
    """The range of every suppressed member given this relation (and ``known`` ranges)."""
    known = known or {}
    bounds = {cell: known.get(cell) or _bounds(problem, cell) for cell in relation.members}
    rest = (0.0, INF) if relation.open_remainder else (0.0, 0.0)
    parent_low, parent_high = bounds[relation.parent]
    result: dict[CellKey, tuple[float, float]] = {}
    for cell in relation.members:
        if cell not in problem.suppressed:
            continue
        low, high = bounds[cell]
        others = [bounds[c] for c in relation.children if c != cell]
        others_low = sum(b[0] for b in others) + rest[0]
        others_high = sum(b[1] for b in others) + rest[1]
        if cell == relation.parent:
            result[cell] = (max(low, others_low), min(high, others_high))
        else:
            result[cell] = (max(low, parent_low - others_high), min(high, parent_high - others_low))
    return result


def _protected(problem: SuppressionProblem, relation: Relation) -> bool:
    # Whole values: a range holding fewer than two of them pins the cell down.
    return not any(_pinned(low, high) for low, high in _ranges(problem, relation).values())


def _pinned(low: float, high: float) -> bool:
    return high != INF and math.floor(high + 1e-9) - math.ceil(low - 1e-9) < 1


def propagate(
    problem: SuppressionProblem, by_cell: Mapping[CellKey, list[int]]
) -> dict[CellKey, tuple[float, float]]:
    """What a reader can narrow every suppressed cell to by chaining the relations.

    Interval propagation to a fixed point (a close, cheap stand-in for the audit's
    linear programs): each relation narrows its suppressed members given the current
    ranges of the others, and a narrowed cell re-examines its other relations. A
    primary participation cell's own upper bound is left out, so that it must stay
    uncertain by what the others allow (a margin for what longer chains can do).
    """
    cells = sorted(problem.suppressed)
    slot = {cell: i for i, cell in enumerate(cells)}
    low: list[float] = []
    high: list[float] = []
    for cell in cells:
        if cell in problem.primary and (problem.threshold(cell) or 0) < 5:
            bounds = (1.0, INF)
        else:
            bounds = _bounds(problem, cell)
        low.append(bounds[0])
        high.append(bounds[1])
    # Each relation with a suppressed member: (parent slot or None, parent value,
    # published children's sum, suppressed children's slots, open remainder).
    compiled: dict[int, tuple[int | None, float, float, list[int], bool]] = {}
    by_slot: list[list[int]] = [[] for _ in cells]
    for cell in cells:
        for index in by_cell.get(cell, []):
            if index in compiled:
                continue
            relation = problem.relations[index]
            parent = slot.get(relation.parent)
            parent_value = float(problem.values.get(relation.parent, 0))
            published = 0.0
            hidden: list[int] = []
            for child in relation.children:
                if child in slot:
                    hidden.append(slot[child])
                else:
                    published += problem.values.get(child, 0)
            compiled[index] = (parent, parent_value, published, hidden, relation.open_remainder)
            for member in ([parent] if parent is not None else []) + hidden:
                by_slot[member].append(index)
    pending = sorted(compiled)
    queued = set(pending)
    steps = 0
    while pending and steps < 500_000:
        steps += 1
        index = pending.pop()
        queued.discard(index)
        parent, parent_value, published, hidden, open_rest = compiled[index]
        sum_low = published + sum(low[i] for i in hidden)
        infinite = sum(1 for i in hidden if high[i] == INF) + (1 if open_rest else 0)
        finite_high = published + sum(high[i] for i in hidden if high[i] != INF)
        if parent is None:
            p_low = p_high = parent_value
        else:
            p_low, p_high = low[parent], high[parent]
        changed: list[int] = []
        # Counts are whole numbers: bounds round inwards (an integer attacker, and a
        # propagation that moves in whole steps and so ends soon).
        if parent is not None:
            new_low: float = math.ceil(max(p_low, sum_low) - 1e-9)
            new_high: float = min(p_high, INF if infinite else math.floor(finite_high + 1e-9))
            if new_low > p_low + 1e-9 or new_high < p_high - 1e-9:
                low[parent], high[parent] = new_low, new_high
                changed.append(parent)
        for i in hidden:
            others_low = sum_low - low[i]
            if high[i] == INF:
                others_high = INF if infinite > 1 else finite_high
            else:
                others_high = INF if infinite else finite_high - high[i]
            new_low = max(low[i], p_low - others_high)
            new_high = min(high[i], p_high - others_low)
            new_low = float(math.ceil(new_low - 1e-9)) if new_low != -INF else new_low
            new_high = float(math.floor(new_high + 1e-9)) if new_high != INF else new_high
            if new_low > low[i] + 1e-9 or new_high < high[i] - 1e-9:
                low[i], high[i] = new_low, new_high
                changed.append(i)
        for i in changed:
            for other in by_slot[i]:
                if other not in queued:
                    queued.add(other)
                    pending.append(other)
    return {cell: (low[i], high[i]) for cell, i in slot.items()}


def complete_suppression(problem: SuppressionProblem) -> dict[CellKey, str]:
    """Primary and complementary suppression: cell → reason (mutates ``problem``).

    Greedy and minimal in the statistics offices' sense: cells are added one at a
    time, each the smallest that protects the relation at hand (or, when none alone
    does, the largest that helps most), and a parent only when no member can.
    """
    by_cell: dict[CellKey, list[int]] = {}
    for index, relation in enumerate(problem.relations):
        for cell in relation.members:
            by_cell.setdefault(cell, []).append(index)
    for cell in sorted(problem.primary):
        problem.suppressed[cell] = TOO_FEW_RESPONDENTS if cell[2].startswith("i:") else SMALL_COUNT
    pending = [i for cell in problem.suppressed for i in by_cell.get(cell, [])]
    heapq.heapify(pending)
    queued = set(pending)

    def suppress(cell: CellKey) -> None:
        problem.suppressed[cell] = PROTECTS_ANOTHER_CELL
        for index in by_cell.get(cell, []):
            if index not in queued:
                queued.add(index)
                heapq.heappush(pending, index)

    while pending:
        index = heapq.heappop(pending)
        queued.discard(index)
        relation = problem.relations[index]
        while not _protected(problem, relation):
            candidates = sorted(
                (
                    (problem.values.get(c, 0), c)
                    for c in relation.children
                    if c not in problem.suppressed and problem.values.get(c, 0) > 0
                ),
            )
            chosen = None
            for _, cell in candidates:
                problem.suppressed[cell] = PROTECTS_ANOTHER_CELL
                fixes = _protected(problem, relation)
                del problem.suppressed[cell]
                if fixes:
                    chosen = cell
                    break
            if chosen is None and candidates:
                chosen = candidates[-1][1]
            if chosen is None and relation.parent not in problem.suppressed:
                chosen = relation.parent
            if chosen is None:
                break  # every member is suppressed: bounds alone are all there is
            suppress(chosen)
        if pending:
            continue
        # Relations one at a time hold; chained together they may still pin a cell.
        # Each pinned cell gets its smallest neighbour suppressed (all in one round, so
        # that the propagation runs once per round rather than once per cell).
        widen: set[CellKey] = set()
        for cell, (low, high) in sorted(propagate(problem, by_cell).items()):
            threshold = problem.threshold(cell) or 0
            margin = 1.0 if cell in problem.primary and threshold < 5 else 0.0
            if not _pinned(low, high - margin):
                continue
            extra = _widening_cell(problem, by_cell, cell)
            if extra is not None:
                widen.add(extra)
        for extra in sorted(widen):
            if extra not in problem.suppressed:
                suppress(extra)
    return problem.suppressed


def _widening_cell(
    problem: SuppressionProblem, by_cell: Mapping[CellKey, list[int]], cell: CellKey
) -> CellKey | None:
    """The smallest published cell sharing a relation with ``cell`` (its parent last)."""
    options: list[tuple[int, int, CellKey]] = []
    for index in by_cell.get(cell, []):
        relation = problem.relations[index]
        for member in relation.children:
            if member not in problem.suppressed and problem.values.get(member, 0) > 0:
                options.append((0, problem.values[member], member))
        if relation.parent not in problem.suppressed:
            options.append((1, problem.values.get(relation.parent, 0), relation.parent))
    return min(options)[2] if options else None


# ----------------------------------------------------------------- the documents


def _participation_measures() -> list[str]:
    return [*GENDER_FIGURES, VISITS, *(BAND_PREFIX + band for band in AGE_BANDS)]


def _participation_value(figures: Mapping[str, Number], measure: str) -> int:
    if measure == VISITS:
        return sum(int(figures.get(short, 0)) for short in GENDER_FIGURES.values())
    if measure.startswith(BAND_PREFIX):
        return int(figures.get("a." + measure[len(BAND_PREFIX) :], 0))
    return int(figures.get(GENDER_FIGURES[measure], 0))


def participation_problem(
    family: Family, activity: Mapping[tuple[str, str], Mapping[str, Number]], c: int
) -> SuppressionProblem:
    """Participation counts of a family as a suppression problem."""
    measures = _participation_measures()
    values: dict[CellKey, int] = {}
    primary: set[CellKey] = set()
    for scope, period in family.cells():
        figures = activity.get((scope, period), {})
        for measure in measures:
            value = _participation_value(figures, measure)
            values[(scope, period, measure)] = value
            if scope.startswith("unit:") and measure != VISITS and 0 < value < c:
                primary.add((scope, period, measure))
    relations = _tree_relations(family, measures)
    for scope, period in family.cells():
        relations.append(
            Relation(
                (scope, period, VISITS),
                tuple((scope, period, g) for g in GENDER_FIGURES),
            )
        )
        relations.append(
            Relation(
                (scope, period, VISITS),
                tuple((scope, period, BAND_PREFIX + b) for b in AGE_BANDS),
                open_remainder=True,
            )
        )

    def threshold(cell: CellKey) -> int | None:
        return c if cell[0].startswith("unit:") and cell[2] != VISITS else None

    return SuppressionProblem(values, primary, relations, threshold)


def _tree_relations(family: Family, measures: Iterable[str]) -> list[Relation]:
    relations = []
    scope_tree = family.scope_relations()
    period_tree = period_relations(family.year)
    periods = periods_of_year(family.year)
    scopes = family.scopes()
    for measure in measures:
        for parent, children in scope_tree:
            for period in periods:
                relations.append(
                    Relation(
                        (parent, period, measure), tuple((c, period, measure) for c in children)
                    )
                )
        for parent, children in period_tree:
            for scope in scopes:
                relations.append(
                    Relation((scope, parent, measure), tuple((scope, c, measure) for c in children))
                )
    return relations


def survey_problem(
    family: Family, survey: Mapping[tuple[str, str], Mapping[str, Number]], k: int
) -> SuppressionProblem:
    """Respondents per indicator of a family as a suppression problem."""
    indicators: set[str] = set(INDICATORS)
    for figures in survey.values():
        indicators |= set(indicator_sums(figures))
    measures = ["i:" + name for name in sorted(indicators)]
    values: dict[CellKey, int] = {}
    primary: set[CellKey] = set()
    for scope, period in family.cells():
        sums = indicator_sums(survey.get((scope, period), {}))
        for measure in measures:
            state = sums.get(measure[2:])
            n = state.n if state else 0
            values[(scope, period, measure)] = n
            if 0 < n < k:
                primary.add((scope, period, measure))
    return SuppressionProblem(values, primary, _tree_relations(family, measures), lambda _: k)


@dataclass(frozen=True)
class CellInput:
    """What a family's publication needs of one scope and period."""

    activity: Mapping[str, Number] = field(default_factory=dict)
    responses: int = 0  # live count of responses (every template)
    survey: Mapping[str, Number] = field(default_factory=dict)  # released figures
    updated_at: str | None = None
    indicators_as_of: str | None = None


def publish_family(
    family: Family,
    cells: Mapping[tuple[str, str], CellInput],
    thresholds: Thresholds,
) -> dict[tuple[str, str], dict[str, Any]]:
    """The public document of every scope and period of the family.

    ``unique_visitors`` is carried as counted; :func:`finalise` decides at read time
    whether its period has ended.
    """
    activity = {key: cell.activity for key, cell in cells.items()}
    survey = {key: cell.survey for key, cell in cells.items()}
    counts = complete_suppression(participation_problem(family, activity, thresholds.participation))
    indicators = complete_suppression(survey_problem(family, survey, thresholds.respondents))
    empty = CellInput()
    return {
        (scope, period): document(
            scope,
            period,
            cells.get((scope, period), empty),
            counts,
            indicators,
            thresholds,
        )
        for scope, period in family.cells()
    }


def _int(figures: Mapping[str, Number], name: str) -> int:
    return int(figures.get(name, 0))


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
    """One scope and period's public document (CONTRACT.md) under the suppression given."""
    activity = cell.activity
    count, youth_led = _int(activity, "n"), _int(activity, "y")
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
    unique = _int(activity, "uv")
    unique_shown: int | None = unique
    if scope.startswith("unit:") and 0 < unique < thresholds.participation:
        unique_shown = None
        suppressed_names.append("unique_visitors")
    return {
        "scope": scope,
        "period": period,
        "activities": {
            "count": count,
            "hours": round(_int(activity, "m") / 60, 2),
            "youth_led": youth_led,
            "youth_led_share": round(youth_led / count, 3) if count else 0.0,
            "by_kind": _prefixed(activity, "k."),
            "by_category": _prefixed(activity, "c."),
        },
        "participation": {
            "visits": visits,
            **genders,
            "age_bands": bands,
            "new": _int(activity, "w"),
            "volunteers": _int(activity, "v"),
            "youth_leaders": _int(activity, "l"),
            "checkins": _int(activity, "ci"),
            "unique_visitors": unique_shown,
            "suppressed": suppressed_names,
        },
        "responses": cell.responses,
        "indicators": publish_indicators(
            scope,
            period,
            cell.survey,
            indicators,
            waiting=cell.responses > 0 and not _int(cell.survey, "r"),
        ),
        "indicators_as_of": cell.indicators_as_of,
        "updated_at": cell.updated_at,
    }


def publish_indicators(
    scope: str,
    period: str,
    survey: Mapping[str, Number],
    suppressed: Mapping[CellKey, str],
    *,
    waiting: bool = False,
) -> dict[str, dict[str, Any]]:
    """Indicators: the default ones always, others once they have answers.

    A suppressed indicator is exactly ``{"suppressed": true, "reason": code}``. With
    responses that are not released yet (``waiting``: fewer than ``k`` so far), an
    indicator without released answers says ``too_few_respondents``, as a small one.
    """
    sums = indicator_sums(survey)
    published: dict[str, dict[str, Any]] = {}
    for indicator in [*INDICATORS, *sorted(set(sums) - set(INDICATORS))]:
        state = sums.get(indicator)
        reason = suppressed.get((scope, period, "i:" + indicator))
        if state is None or state.n == 0:
            published[indicator] = {
                "suppressed": True,
                "reason": TOO_FEW_RESPONDENTS if waiting else NO_RESPONDENTS,
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


def finalise(stored: Mapping[str, Any], today: date) -> dict[str, Any]:
    """A stored document as published today: ``unique_visitors`` only after its period."""
    published = dict(stored)
    participation = dict(published["participation"])
    if today < period_end(str(published["period"])):
        participation["unique_visitors"] = None
    published["participation"] = participation
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


@dataclass
class Publication:
    """What one publish step writes: released unit months and changed documents."""

    releases: dict[tuple[str, str], Figures]
    documents: dict[tuple[str, str], dict[str, Any]]


def plan_publication(
    family: Family,
    activity: Mapping[tuple[str, str], tuple[Mapping[str, Number], int | None]],
    live_survey: Mapping[tuple[str, str], tuple[Mapping[str, Number], int | None]],
    released: Mapping[tuple[str, str], tuple[Mapping[str, Number], int | None]],
    thresholds: Thresholds,
    now: int,
) -> Publication:
    """Release what may move (steps of ``k``) and publish every document of the family.

    ``activity`` has every scope and period's exact part ``A``; ``live_survey`` and
    ``released`` have unit months (scope ``unit:{id}``) only. Figures come with the
    epoch seconds of their last write.
    """
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
            if release(live, before if key in released else None, thresholds.respondents):
                releases[(unit, month)] = dict(without_zeros(live))
                before, before_at = live, now
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
    cells = {}
    for scope, period in family.cells():
        figures, activity_at = activity.get((scope, period), ({}, None))
        stamps = [t for t in (activity_at, survey_at.get((scope, period))) if t is not None]
        cells[(scope, period)] = CellInput(
            activity=figures,
            responses=int(responses.get((scope, period), {}).get("r", 0)),
            survey=survey.get((scope, period), {}),
            updated_at=_iso(max(stamps)) if stamps else None,
            indicators_as_of=_iso(as_of.get((scope, period))),
        )
    return Publication(releases, publish_family(family, cells, thresholds))


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
