"""Averages of members and the annual report's figures. Pure: no I/O.

A group's value of a measure is the **unweighted mean over the members that report
it**, with their count — how Kolada computes group values. What "reports" means:

* an activity measure (``activities``, ``hours``, ``visits``, ``youth_led_share``, the
  participation shares …) is reported by a member with at least one activity in the
  period whose figure is published (a count the publication layer withheld is ``null``
  and reports nothing);
* ``responses`` / ``checkins`` / ``unique_visitors`` by a member with at least one;
* ``indicator:<name>`` by a member whose indicator is *published* (never a suppressed
  one: a suppressed cell carries no mean, and nothing here reads anything else);
* a key figure (``cost_per_visit``, ``visits_per_1000``, ``visits_per_open_week``) by a
  member whose public statistics carry it and that has at least one activity (visits
  per 1,000 young residents of a year without activity is no figure of youth work).

Every input is a public statistics document (what ``/public/stats`` answers), so a
mean is a function of published figures only and reveals nothing they do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.domain.key_figures import DERIVED
from chalicelib.domain.stats import InvalidStatsQueryError
from chalicelib.domain.targets import INDICATOR_PREFIX
from chalicelib.domain.vocabulary import AGE_BANDS

GENDERS = ("girls", "boys", "nonbinary", "undisclosed")
ACTIVITY_COUNTS = ("activities", "hours", "youth_led", "youth_led_share")
PARTICIPATION_COUNTS = ("visits", "new", "volunteers", "youth_leaders")
OTHER_COUNTS = ("responses", "checkins", "unique_visitors")
SHARE_SUFFIX = "_share"
AGE_SHARE_PREFIX = "age_share:"
# Lower is better for these; for every other measure a target is met from above.
LOWER_IS_BETTER = frozenset({"cost_per_visit"})
LEVELS = ("org", "unit")
_GROUP = re.compile(r"^(all|country:[A-Z]{2}|(network|org):[A-Za-z0-9_-]{1,64})$")


def parse_group(value: str | None) -> str:
    """Validate ``group`` (``all``, ``country:CC``, ``network:ID``, ``org:ID``)."""
    if not value:
        raise InvalidStatsQueryError("group", "required: all, country:CC, network:ID or org:ID")
    if not _GROUP.match(value):
        raise InvalidStatsQueryError(
            "group",
            "must be all, country:CC (ISO 3166-1 alpha-2, upper case), network:ID or org:ID",
        )
    return value


def default_level(group: str) -> str:
    """An organisation's members are its units; every other group's are organisations."""
    return "unit" if group.startswith("org:") else "org"


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def measure_values(stats: Mapping[str, Any]) -> dict[str, float]:
    """Every measure a public statistics document shows, as numbers (absent when null).

    Zeros are kept: this is the report's "actual" figure (a target of 10 activities
    with none is missed, not unknown). :func:`reported_values` applies the averages'
    rule of who reports what.
    """
    activities = stats.get("activities") or {}
    participation = stats.get("participation") or {}
    values: dict[str, float | None] = {
        "activities": _number(activities.get("count")),
        "hours": _number(activities.get("hours")),
        "youth_led": _number(activities.get("youth_led")),
        "youth_led_share": _number(activities.get("youth_led_share")),
        "responses": _number(stats.get("responses")),
    }
    for name in (*PARTICIPATION_COUNTS, "checkins", "unique_visitors"):
        values[name] = _number(participation.get(name))
    visits = values["visits"]
    for gender in GENDERS:
        count = _number(participation.get(gender))
        values[gender + SHARE_SUFFIX] = count / visits if count is not None and visits else None
    bands = participation.get("age_bands") or {}
    for band in AGE_BANDS:
        count = _number(bands.get(band))
        values[AGE_SHARE_PREFIX + band] = count / visits if count is not None and visits else None
    for name in DERIVED:
        values[name] = _number(stats.get(name))
    for name, cell in (stats.get("indicators") or {}).items():
        if isinstance(cell, Mapping) and not cell.get("suppressed"):
            values[INDICATOR_PREFIX + name] = _number(cell.get("mean"))
    return {name: value for name, value in values.items() if value is not None}


def reported_values(stats: Mapping[str, Any]) -> dict[str, float]:
    """The measures a member reports in the sense of the averages (module docstring)."""
    values = measure_values(stats)
    has_activity = values.get("activities", 0) >= 1
    reported: dict[str, float] = {}
    for name, value in values.items():
        if name in OTHER_COUNTS:
            reports = value >= 1  # a centre that ran no survey reports no responses
        elif name.startswith(INDICATOR_PREFIX):
            reports = True  # present only when published
        else:
            reports = has_activity
        if reports:
            reported[name] = value
    return reported


def _rounded(measure: str, mean: float) -> float:
    share = measure.endswith(SHARE_SUFFIX) or measure.startswith(AGE_SHARE_PREFIX)
    return round(mean, 4 if share else 2)


def average(members: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """``{"members": N, "measures": {measure: {"mean", "members"}}}`` over members'
    public statistics documents; a measure no member reports is left out."""
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    total = 0
    for stats in members:
        total += 1
        for name, value in reported_values(stats).items():
            sums[name] = sums.get(name, 0.0) + value
            counts[name] = counts.get(name, 0) + 1
    return {
        "members": total,
        "measures": {
            name: {"mean": _rounded(name, sums[name] / counts[name]), "members": counts[name]}
            for name in sorted(sums)
        },
    }


def target_results(
    targets: Mapping[str, float], figures: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """Each target beside the year's actual figure: ``{"target", "actual", "met"}``.

    ``met`` is ``actual >= target`` (``<=`` for a lower-is-better measure such as
    ``cost_per_visit``), ``None`` when the figure is not published (suppressed or not
    given): a withheld figure is neither met nor missed.
    """
    actual = measure_values(figures)
    results: dict[str, dict[str, Any]] = {}
    for measure in sorted(targets):
        target = float(targets[measure])
        value = actual.get(measure)
        met = None
        if value is not None:
            met = value <= target if measure in LOWER_IS_BETTER else value >= target
        results[measure] = {"target": target, "actual": value, "met": met}
    return results


def has_figures(stats: Mapping[str, Any]) -> bool:
    """Whether a statistics document has anything recorded (activities or answers)."""
    values = measure_values(stats)
    return (
        values.get("activities", 0) > 0
        or values.get("responses", 0) > 0
        or values.get("checkins", 0) > 0
    )
