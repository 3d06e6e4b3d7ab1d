"""The tidy CSV of one view of the statistics: one figure a row (docs/stats.md).

One layout for ``GET /public/stats.csv`` and the ``/stats/`` page's **Download CSV**:
the same columns, rows in the same order, the same values written the same way, for
the same scope, period and ``by`` (a comparison is the page's own addition, rows of
section ``compare…`` after the summary). This module mirrors the page's row builders
(``static_site/stats/sections.js``, ``figures.js``, ``downloads.js``) and its writer
(``static_site/shared/csv.js``); ``tests/golden/`` holds one answer and the file both
must write from it (``tests/unit/test_stats_table.py``, ``tests/js/stats-csv.test.mjs``).

Pure: the statistics document and the public directory (what ``/public/orgs`` and
``/public/networks`` answer) come in, text goes out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chalicelib.domain.csv_cells import csv_safe_cell
from chalicelib.domain.stats import GROUPINGS as STATS_GROUPINGS
from chalicelib.domain.vocabulary import AGE_BANDS, CATEGORIES, GENDERS, INDICATORS, KINDS

#: The columns, in order (also the page's: ``CSV_COLUMNS`` of static_site/shared/vocabulary.js).
TIDY_COLUMNS = (
    "section",
    "scope",
    "scope_name",
    "municipality_code",
    "period",
    "measure",
    "value",
    "n",
    "ci95_low",
    "ci95_high",
    "agree_share",
    "suppressed",
    "reason",
)
#: The summary's measures in the page's order (``SUMMARY_MEASURES`` of shared/vocabulary.js).
SUMMARY_MEASURES = (
    "activities",
    "hours",
    "youth_led_share",
    "visits",
    "visits_per_1000",
    "new",
    "volunteers",
    "youth_leaders",
    "responses",
    "checkins",
    "unique_visitors",
    "cost_per_visit",
    "visits_per_open_week",
)
#: The groups of each ``by`` in the page's order: the stored ones (``stats.GROUPINGS``),
#: then those who skipped the question.
GROUPINGS = {
    by: (*groups, "not_answered") for by, (_part, _axis, groups) in STATS_GROUPINGS.items()
}
SMALL_COUNT = "small_count"
#: The scope ``all`` in ``scope_name`` (as in the open data package).
ALL_NAME = "All"


@dataclass(frozen=True)
class ScopeFacts:
    """What the directory says about a scope: its name in no language, its
    municipality's official code, and its young residents (for ``visits_per_1000``)."""

    name: str
    municipality_code: str | None = None
    population: int | None = None


def _population(orgs: Sequence[Mapping[str, Any]]) -> int | None:
    """The sum of the organisations' young residents, when every one of them gives it."""
    if orgs and all(_positive(org.get("youth_population")) for org in orgs):
        return sum(int(org["youth_population"]) for org in orgs)
    return None


def _positive(value: Any) -> bool:
    return _is_number(value) and value > 0


def scope_facts(
    scope: str, orgs: Sequence[Mapping[str, Any]], networks: Sequence[Mapping[str, Any]]
) -> ScopeFacts:
    """The page's directory entry of ``scope`` (figures.js ``directory``): ``orgs`` as
    ``/public/orgs`` lists them (with ``units``), ``networks`` as ``/public/networks``."""
    kind, _, key = scope.partition(":")
    if kind == "org":
        for org in orgs:
            if org["id"] == key:
                own = org.get("youth_population")
                return ScopeFacts(
                    str(org["name"]), org.get("municipality_code"), own if _positive(own) else None
                )
    if kind == "unit":
        for org in orgs:
            for unit in org.get("units", []):
                if unit["id"] == key:
                    return ScopeFacts(str(unit["name"]), org.get("municipality_code"))
    if kind == "network":
        for network in networks:
            if network["id"] == key:
                by_id = {org["id"]: org for org in orgs}
                members = [by_id[i] for i in network.get("org_ids", []) if i in by_id]
                return ScopeFacts(str(network["name"]), None, _population(members))
    if kind == "country":
        return ScopeFacts(key, None, _population([o for o in orgs if o.get("country") == key]))
    if kind == "all":
        return ScopeFacts(ALL_NAME, None, _population(orgs))
    return ScopeFacts(scope)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _number_or_none(value: Any) -> Any:
    """A finite number, else None (figures.js ``readMeasure``)."""
    if _is_number(value) and math.isfinite(value):
        return value
    return None


def _read_measure(statistics: Mapping[str, Any], measure: str, population: int | None) -> Any:
    activities = statistics.get("activities") or {}
    participation = statistics.get("participation") or {}
    if measure == "visits_per_1000":
        if population:
            visits = participation.get("visits")
            return None if visits is None else _number_or_none(visits * 1000 / population)
        return _number_or_none(statistics.get("visits_per_1000"))
    if measure in ("activities", "hours", "youth_led_share"):
        return _number_or_none(activities.get("count" if measure == "activities" else measure))
    if measure in ("responses", "cost_per_visit", "visits_per_open_week"):
        return _number_or_none(statistics.get(measure))
    return _number_or_none(participation.get(measure))


def _ordered_keys(known: Iterable[str], present: Mapping[str, Any] | None) -> list[str]:
    """Known keys in their canonical order, then any others the data has, sorted."""
    known = list(known)
    return known + sorted(key for key in (present or {}) if key not in known)


def _count_of(entry: Any) -> Any:
    if _is_number(entry):
        return entry
    if isinstance(entry, Mapping) and _is_number(entry.get("count")):
        return entry["count"]
    return 0


def tidy_rows(
    statistics: Mapping[str, Any], facts: ScopeFacts, by: str | None = None
) -> list[dict[str, Any]]:
    """The rows of one scope and period, as the page's sections return them: the
    summary, activities by kind and category, visits by gender and age band, the
    indicators worth a row, and with ``by`` each group's indicators."""
    scope, period = statistics["scope"], statistics["period"]

    def row(section: str, measure: str, value: Any, **extra: Any) -> dict[str, Any]:
        return {
            "section": section,
            "scope": scope,
            "scope_name": facts.name,
            "municipality_code": facts.municipality_code,
            "period": period,
            "measure": measure,
            "value": value,
            "n": extra.get("n"),
            "ci95_low": extra.get("ci95_low"),
            "ci95_high": extra.get("ci95_high"),
            "agree_share": extra.get("agree_share"),
            "suppressed": extra.get("suppressed", False),
            "reason": extra.get("reason"),
        }

    def indicator_row(section: str, name: str, cell: Mapping[str, Any]) -> dict[str, Any]:
        if cell.get("suppressed"):
            return row(
                section, f"indicator:{name}", None, suppressed=True, reason=cell.get("reason")
            )
        low, high = cell.get("ci95") or (None, None)
        return row(
            section,
            f"indicator:{name}",
            cell.get("mean"),
            n=cell.get("n"),
            ci95_low=low,
            ci95_high=high,
            agree_share=cell.get("agree_share"),
        )

    participation = statistics.get("participation") or {}
    hidden = participation.get("suppressed") or []
    rows: list[dict[str, Any]] = []
    for measure in SUMMARY_MEASURES:
        value = _read_measure(statistics, measure, facts.population)
        counted = "visits" if measure == "visits_per_1000" else measure
        suppressed = value is None and counted in hidden
        if value is None and not suppressed:
            continue  # e.g. per capita without a population
        small = {"suppressed": True, "reason": SMALL_COUNT} if suppressed else {}
        rows.append(row("summary", measure, value, **small))

    activities = statistics.get("activities") or {}
    for prefix, known, entries in (
        ("kind", KINDS, activities.get("by_kind")),
        ("category", CATEGORIES, activities.get("by_category")),
    ):
        for key in _ordered_keys(known, entries):
            rows.append(row("activities", f"{prefix}:{key}", _count_of((entries or {}).get(key))))

    bands = participation.get("age_bands") or {}
    for prefix, keys, values in (
        ("gender", list(GENDERS), participation),
        ("age_band", _ordered_keys(AGE_BANDS, bands), bands),
    ):
        for key in keys:
            # A suppressed count is null (said plainly); an absent one is 0.
            value = values[key] if key in values and values[key] is None else values.get(key) or 0
            small = {"suppressed": True, "reason": SMALL_COUNT} if value is None else {}
            rows.append(row("participation", f"{prefix}:{key}", value, **small))

    indicators = statistics.get("indicators") or {}
    for name in _ordered_keys(INDICATORS, indicators):
        cell = indicators.get(name)
        if cell is None or cell.get("reason") == "no_respondents" or cell.get("n") == 0:
            continue  # one nobody answered says nothing
        rows.append(indicator_row("indicators", name, cell))

    groups = statistics.get("groups")
    if by in GROUPINGS and groups is not None:
        members = [group for group in GROUPINGS[by] if group in groups]
        nobody = {"suppressed": True, "reason": "no_respondents"}

        def cell_of(group: str, name: str) -> Mapping[str, Any] | None:
            return (groups[group].get("indicators") or {}).get(name)

        for name in _ordered_keys(INDICATORS, indicators):
            if not any(
                (cell := cell_of(group, name)) and cell.get("reason") != "no_respondents"
                for group in members
            ):
                continue
            for group in members:
                rows.append(indicator_row(f"{by}={group}", name, cell_of(group, name) or nobody))
    return rows


def js_number(value: float | int | Decimal) -> str:
    """A number as JavaScript's ``String(number)`` writes it (the page's CSV): the
    shortest digits that read back the same, ``6`` not ``6.0``, ``1e-7`` not ``1e-07``."""
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    exact = Decimal(repr(abs(number))).normalize()
    digits = "".join(map(str, exact.as_tuple().digits))
    exponent = int(exact.as_tuple().exponent)
    k = len(digits)
    n = k + exponent  # the decimal point sits after n digits (ECMA-262 Number::toString)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        power = n - 1
        mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        text = f"{mantissa}e{'+' if power > 0 else '-'}{abs(power)}"
    return sign + text


def tidy_cell(value: Any) -> str:
    """One cell as the page's ``csvCell`` writes it: empty for None, ``true``/``false``,
    numbers as JavaScript writes them, text guarded against formulas and quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = js_number(value) if _is_number(value) else str(csv_safe_cell(str(value)))
    if any(mark in text for mark in '",\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def tidy_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """The CSV file: a header of ``TIDY_COLUMNS``, every line ending in CRLF."""
    lines = [",".join(tidy_cell(column) for column in TIDY_COLUMNS)]
    lines += [",".join(tidy_cell(item.get(column)) for column in TIDY_COLUMNS) for item in rows]
    return "\r\n".join(lines) + "\r\n"
