"""Statistics as additive figures: what one data item contributes, and how to publish.

Pure Python (no boto3, no chalice). Every published figure is derived from *figures*:
small maps of short names to exact numbers (``int`` or ``Decimal``) that can be added
and subtracted in any order. The stream consumer folds record deltas
(``contribution(new) - contribution(old)``), ``rebuild`` folds whole items; both use
:func:`contribution`, so the two can only agree or both be wrong the same way.

Aggregate keys are (scope × period × part):

* scope: ``unit:{id}``, ``org:{id}``, ``all``;
* period: ``YYYY``, ``YYYY-Qn``, ``YYYY-MM`` of the item's ``date``;
* part: ``A`` (activities, participation and check-ins) or ``S`` (survey responses and
  indicators); for unit months also ``Sg`` and ``Sa``: a response's ``S`` figures once
  more under its gender and its age band (``g.girls|safety.s``, ``a.13_15|r``; a skipped
  question adds nothing there), the survey results by group of ``/public/stats?by=``. Two parts keep each stored item small (DynamoDB bills a write by the
  larger of the old and new item per 1 KB) and an activity write never rewrites the
  survey figures.

Figure names (kept short because they are DynamoDB attribute names):

==========  ======================================================================
part A      ``n`` activities, ``m`` minutes, ``y`` youth-led activities,
            ``k.{kind}``, ``c.{category}``, ``g``/``b``/``x``/``u`` girls, boys,
            nonbinary, undisclosed participants, ``a.{band}`` age bands,
            ``w`` new participants, ``v`` volunteers, ``l`` youth leaders,
            ``ci`` check-ins, ``uv`` unique visitors
part S      ``r`` responses; per indicator ``{name}.1`` … ``{name}.5`` respondents per
            score rounded half-up, ``{name}.s`` Σscore, ``{name}.q`` Σscore²,
            ``{name}.a`` respondents with score ≥ 4
==========  ======================================================================

Scores are quantised to 3 decimals before summing so that sums and sums of squares
stay exact decimals with at most 6 places (DynamoDB numbers carry 38 digits; 6 places
also keep every engine's zero a plain ``0.000000``, never ``0E-8``). A third is
3.333: far finer than the two decimals published.

Unique visitors: a check-in names the periods for which it is the visitor's first in
its unit (``first_visit.unit``) and in its organisation (``first_visit.org``). The
``all`` scope counts the organisation firsts, so it is the sum of unique visitors over
organisations (a person visiting two organisations counts twice; we never know
people across organisations).

Items that are not activities, responses or check-ins contribute nothing, nor do
planned activities (``status`` other than ``done``), and so do malformed ones (the API validates what it writes; a bad item must not block the
stream). :func:`contribution` reports why it ignored an item through ``on_invalid``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from chalicelib.domain.periods import PERIOD_PATTERN, periods_of
from chalicelib.domain.stats_math import IndicatorSums, Number
from chalicelib.domain.vocabulary import AGE_BANDS, INDICATORS

Part = Literal["A", "S", "Sg", "Sa"]
Figures = dict[str, Number]

GENDERS = {"girls": "g", "boys": "b", "nonbinary": "x", "undisclosed": "u"}
DEFAULT_INDICATORS = INDICATORS

_PERIOD = PERIOD_PATTERN
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_NAME = re.compile(r"^[a-z0-9_]{1,40}$")
# A respondent's stored score (4 decimals, domain/surveys/answers.py) enters the sums
# rounded to 3, so sums and sums of squares stay exact (see the module docstring).
AGGREGATED_SCORE_QUANTUM = Decimal("0.001")


class InvalidStatsQueryError(ValueError):
    """A scope or period the statistics cannot be asked for."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, order=True)
class StatsKey:
    """One aggregate: a scope, a period and a part (``A`` or ``S``)."""

    scope: str
    period: str
    part: Part


# --------------------------------------------------------------------- parsing


SCOPE_FORMS = "all, org:{org_id}, unit:{unit_id}, network:{network_id} or country:{CC}"
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def parse_scope(scope: str | None) -> str:
    """Validate a ``scope`` query value; returns it unchanged."""
    if not scope:
        raise InvalidStatsQueryError("scope", f"required: {SCOPE_FORMS}")
    if scope == "all":
        return scope
    kind, _, identifier = scope.partition(":")
    if kind == "country":
        if not _COUNTRY.match(identifier):
            raise InvalidStatsQueryError(
                "scope", "country:{CC} takes an ISO 3166-1 alpha-2 code in capitals, e.g. SI"
            )
        return scope
    if kind not in ("org", "unit", "network") or not _ID.match(identifier):
        raise InvalidStatsQueryError("scope", f"must be {SCOPE_FORMS}")
    return scope


def parse_period(period: str | None) -> str:
    """Validate a ``period`` query value (``YYYY``, ``YYYY-Qn``, ``YYYY-MM``)."""
    if not period:
        raise InvalidStatsQueryError("period", "required: YYYY, YYYY-Qn or YYYY-MM")
    if not _PERIOD.match(period):
        raise InvalidStatsQueryError("period", "must be YYYY, YYYY-Qn (n = 1..4) or YYYY-MM")
    return period


def scopes_of(unit_id: str, org_id: str) -> tuple[str, str, str]:
    """The unit, organisation and ``all`` scopes an item of a unit counts in."""
    return f"unit:{unit_id}", f"org:{org_id}", "all"


# --------------------------------------------------------------- contributions


def _count(value: Any) -> int:
    """A whole number ≥ 0 from an image value (``Decimal`` from DynamoDB, ``int``)."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a count: {value!r}")
    number = Decimal(value) if isinstance(value, int | str) else value
    if not isinstance(number, Decimal) or number != number.to_integral_value() or number < 0:
        raise ValueError(f"not a count: {value!r}")
    return int(number)


def _optional_count(item: Mapping[str, Any], name: str) -> int:
    value = item.get(name)
    return 0 if value is None else _count(value)


def _score(value: Any) -> Decimal:
    try:
        score = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation as error:
        raise ValueError(f"not a score: {value!r}") from error
    if isinstance(value, bool) or not Decimal(1) <= score <= Decimal(5):
        raise ValueError(f"not a score between 1 and 5: {value!r}")
    return score.quantize(AGGREGATED_SCORE_QUANTUM, rounding=ROUND_HALF_UP)


def _activity_figures(item: Mapping[str, Any]) -> Figures:
    figures: Figures = {
        "n": 1,
        "m": _optional_count(item, "duration_minutes"),
        "y": 1 if item.get("youth_led") is True else 0,
        "w": _optional_count(item, "new_participants"),
        "v": _optional_count(item, "volunteers"),
        "l": _optional_count(item, "youth_leaders"),
    }
    kind = item.get("kind")
    if not isinstance(kind, str) or not _NAME.match(kind):
        raise ValueError(f"bad kind {kind!r}")
    figures[f"k.{kind}"] = 1
    # Own categories count under the core category the API resolved when it stored
    # the activity (``core_categories``); items from before own vocabularies have none.
    categories = item.get("core_categories", item.get("categories")) or []
    if not isinstance(categories, list | tuple | set):
        raise ValueError("categories is not a list")
    for category in set(categories):
        if not isinstance(category, str) or not _NAME.match(category):
            raise ValueError(f"bad category {category!r}")
        figures[f"c.{category}"] = 1
    participants = item.get("participants") or {}
    for gender, short in GENDERS.items():
        figures[short] = _optional_count(participants, gender)
    for band, value in (item.get("age_bands") or {}).items():
        if band not in AGE_BANDS:
            raise ValueError(f"bad age band {band!r}")
        figures[f"a.{band}"] = _count(value)
    return figures


def _response_figures(item: Mapping[str, Any]) -> Figures:
    figures: Figures = {"r": 1}
    scores = item.get("scores") or {}
    if not isinstance(scores, Mapping):
        raise ValueError("scores is not a map")
    for indicator, value in scores.items():
        if not isinstance(indicator, str) or not _NAME.match(indicator):
            raise ValueError(f"bad indicator name {indicator!r}")
        score = _score(value)
        bucket = int(score.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        figures[f"{indicator}.{bucket}"] = 1
        figures[f"{indicator}.s"] = score
        figures[f"{indicator}.q"] = score * score
        figures[f"{indicator}.a"] = 1 if score >= 4 else 0
    return figures


# Survey figures by group (``/public/stats?by=``): kept for unit months only, the
# level at which answers are released (every coarser figure is a roll-up of released
# unit months), one part per grouping, and for the framework's indicators only (an
# organisation may add 20 of its own): so one batch's ``ADD`` of a whole grouping
# (6 bands × 8 indicators × 8 figures + responses) stays under DynamoDB's 4 KB limit
# of an update expression. Names: ``{axis}.{group}|{figure}``.
GROUPINGS: dict[str, tuple[Part, str, tuple[str, ...]]] = {
    # by=…: (part, axis prefix, groups with stored figures)
    "gender": ("Sg", "g", tuple(GENDERS)),
    "age_band": ("Sa", "a", AGE_BANDS),
}
GROUP_SEPARATOR = "|"


def group_prefix(by: str, group: str) -> str:
    """The prefix of one group's survey figures (``g.girls|``, ``a.13_15|``)."""
    return f"{GROUPINGS[by][1]}.{group}{GROUP_SEPARATOR}"


def _response_group_figures(item: Mapping[str, Any], totals: Figures) -> dict[Part, Figures]:
    """A response's figures once more under its gender and its age band (if answered)."""
    parts: dict[Part, Figures] = {}
    for by, (part, _axis, groups) in GROUPINGS.items():
        group = item.get(by)
        if group is None:
            continue  # "not_answered": the total minus the answered groups
        if group not in groups:
            raise ValueError(f"bad {by} {group!r}")
        prefix = group_prefix(by, str(group))
        parts[part] = {
            prefix + name: value
            for name, value in totals.items()
            if name == "r" or name.rsplit(".", 1)[0] in DEFAULT_INDICATORS
        }
    return parts


def _first_visit_periods(item: Mapping[str, Any], level: str) -> list[str]:
    periods = (item.get("first_visit") or {}).get(level) or []
    for period in periods:
        if not isinstance(period, str) or not _PERIOD.match(period):
            raise ValueError(f"bad first_visit period {period!r}")
    return sorted(set(periods))


def _put(result: dict[StatsKey, Figures], key: StatsKey, figures: Figures) -> None:
    add_into(result.setdefault(key, {}), figures)


def contribution(
    item: Mapping[str, Any] | None,
    on_invalid: Callable[[Mapping[str, Any], str], None] | None = None,
) -> dict[StatsKey, Figures]:
    """What one data item adds to every aggregate it counts in (``{}`` if nothing)."""
    if not item:
        return {}
    item_type = item.get("type")
    if item_type not in ("activity", "response", "checkin"):
        return {}
    if item_type == "activity" and item.get("status", "done") != "done":
        return {}  # a planned session counts in no statistic until it is saved as done
    try:
        unit_id, org_id = item["unit_id"], item["org_id"]
        if not (isinstance(unit_id, str) and _ID.match(unit_id)):
            raise ValueError(f"bad unit_id {unit_id!r}")
        if not (isinstance(org_id, str) and _ID.match(org_id)):
            raise ValueError(f"bad org_id {org_id!r}")
        periods = periods_of(str(item.get("date")))
        scopes = scopes_of(unit_id, org_id)
        result: dict[StatsKey, Figures] = {}
        if item_type == "activity":
            figures, part = _activity_figures(item), "A"
        elif item_type == "response":
            figures, part = _response_figures(item), "S"
            unit_scope, month = scopes[0], periods[2]
            for group_part, group_figures in _response_group_figures(item, figures).items():
                _put(result, StatsKey(unit_scope, month, group_part), group_figures)
        else:
            figures, part = {"ci": 1}, "A"
            unit_scope, org_scope, all_scope = scopes
            for period in _first_visit_periods(item, "unit"):
                _put(result, StatsKey(unit_scope, period, "A"), {"uv": 1})
            for period in _first_visit_periods(item, "org"):
                _put(result, StatsKey(org_scope, period, "A"), {"uv": 1})
                _put(result, StatsKey(all_scope, period, "A"), {"uv": 1})
        for scope in scopes:
            for period in periods:
                _put(result, StatsKey(scope, period, part), figures)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError, InvalidOperation) as error:
        if on_invalid is not None:
            on_invalid(item, str(error))
        return {}
    return {key: figures for key, figures in result.items() if figures}


# ------------------------------------------------------------------ arithmetic


def add_into(target: Figures, figures: Mapping[str, Number], sign: int = 1) -> Figures:
    """Add (``sign=1``) or subtract (``sign=-1``) figures into ``target``, dropping zeros."""
    for name, value in figures.items():
        total = target.get(name, 0) + sign * value
        if total == 0:
            target.pop(name, None)
        else:
            target[name] = total
    return target


def record_delta(
    old_image: Mapping[str, Any] | None,
    new_image: Mapping[str, Any] | None,
    on_invalid: Callable[[Mapping[str, Any], str], None] | None = None,
) -> dict[StatsKey, Figures]:
    """What a stream record changes: the new image's contribution minus the old one's."""
    delta: dict[StatsKey, Figures] = {}
    for key, figures in contribution(new_image, on_invalid).items():
        add_into(delta.setdefault(key, {}), figures)
    for key, figures in contribution(old_image, on_invalid).items():
        add_into(delta.setdefault(key, {}), figures, sign=-1)
    return {key: figures for key, figures in delta.items() if figures}


def fold_items(
    items: Iterable[Mapping[str, Any]],
    on_invalid: Callable[[Mapping[str, Any], str], None] | None = None,
) -> dict[StatsKey, Figures]:
    """Recompute every aggregate from scratch from the items of the data table."""
    totals: dict[StatsKey, Figures] = {}
    for item in items:
        for key, figures in contribution(item, on_invalid).items():
            add_into(totals.setdefault(key, {}), figures)
    return {key: figures for key, figures in totals.items() if figures}


def without_zeros(figures: Mapping[str, Number]) -> Figures:
    """The same figures without entries equal to zero (stored items keep zeros)."""
    return {name: value for name, value in figures.items() if value != 0}


# ------------------------------------------------------------------ publishing
# What may be published is decided in ``chalicelib.domain.publication`` only.


def whole_figure(figures: Mapping[str, Number], name: str) -> int:
    """A stored count as a whole number (absent: 0)."""
    return int(figures.get(name, 0))


def indicator_sums(figures: Mapping[str, Number]) -> dict[str, IndicatorSums]:
    """The per-indicator sums found in survey figures."""
    names = {
        name.rsplit(".", 1)[0] for name in figures if "." in name and GROUP_SEPARATOR not in name
    }
    sums: dict[str, IndicatorSums] = {}
    for indicator in sorted(names):
        distribution = tuple(
            whole_figure(figures, f"{indicator}.{bucket}") for bucket in range(1, 6)
        )
        sums[indicator] = IndicatorSums(
            distribution=distribution,  # type: ignore[arg-type]
            total=Decimal(figures.get(f"{indicator}.s", 0)),
            total_of_squares=Decimal(figures.get(f"{indicator}.q", 0)),
            agreeing=whole_figure(figures, f"{indicator}.a"),
        )
    return sums


CSV_COLUMNS = ("scope", "period", "section", "figure", "key", "value")
Row = tuple[str, str, str, str, str, Any]


def _indicator_rows(
    scope: str, period: str, section: str, indicators: Mapping[str, Mapping[str, Any]]
) -> list[Row]:
    rows: list[Row] = []
    for indicator, published in indicators.items():
        for measure, value in published.items():
            if measure == "ci95":
                rows.append((scope, period, section, indicator, "ci95_low", value[0]))
                rows.append((scope, period, section, indicator, "ci95_high", value[1]))
            elif measure == "distribution":
                rows.extend(
                    (scope, period, section, indicator, f"dist_{bucket}", count)
                    for bucket, count in value.items()
                )
            else:
                rows.append((scope, period, section, indicator, measure, value))
    return rows


def statistics_rows(
    statistics: Mapping[str, Any], by: str | None = None
) -> list[tuple[str, str, str, str, str, Any]]:
    """One row per figure: ``scope, period, section, figure, key, value``.

    With ``by`` (the grouping of ``statistics["groups"]``), each group adds a
    ``responses`` row and its indicators' rows in section ``{by}={group}``
    (``gender=girls``, ``age_band=13_15``).

    ``key`` is empty for plain figures; it names the kind, category or age band of a
    breakdown, and the measure of an indicator (``n``, ``mean``, ``ci95_low``,
    ``ci95_high``, ``agree_share``, ``dist_1`` … ``dist_5``, or ``suppressed`` and
    ``reason``).
    """
    scope, period = statistics["scope"], statistics["period"]
    rows: list[tuple[str, str, str, str, str, Any]] = []
    for section in ("activities", "participation"):
        for figure, value in statistics[section].items():
            if isinstance(value, list):
                # participation.suppressed: one row per suppressed count (its value is blank)
                rows.extend((scope, period, section, figure, name, True) for name in value)
            elif isinstance(value, dict):
                rows.extend((scope, period, section, figure, k, v) for k, v in value.items())
            else:
                rows.append((scope, period, section, figure, "", value))
    rows.append((scope, period, "responses", "responses", "", statistics["responses"]))
    rows += _indicator_rows(scope, period, "indicators", statistics["indicators"])
    for by_group, group in (statistics.get("groups") or {}).items():
        # by=: section "{group}" of the grouping asked for (gender=girls, age_band=13_15)
        section = f"{by}={by_group}"
        rows.append((scope, period, section, "responses", "", group["responses"]))
        rows += _indicator_rows(scope, period, section, group["indicators"])
    for figure in ("cost_per_visit", "visits_per_1000", "visits_per_open_week"):
        if figure in statistics:  # an organisation's year, with its key figures
            value = statistics[figure]
            rows.append((scope, period, "key_figures", figure, "", "" if value is None else value))
    rows.append((scope, period, "meta", "updated_at", "", statistics["updated_at"] or ""))
    rows.append(
        (scope, period, "meta", "indicators_as_of", "", statistics.get("indicators_as_of") or "")
    )
    # Booleans as JSON spells them, so CSV and JSON read the same; a suppressed
    # count (null) is an empty value, never 0.
    return [
        (
            *row[:5],
            ("true" if row[5] else "false")
            if isinstance(row[5], bool)
            else ("" if row[5] is None else row[5]),
        )
        for row in rows
    ]
