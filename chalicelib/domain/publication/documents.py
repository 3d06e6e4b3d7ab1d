"""The public documents: one scope and period under the suppression given. Pure.

The shape is docs/stats.md's; :func:`finalise` decides at read time what a stored
document shows today (``unique_visitors`` after its period, ``groups`` when asked).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from chalicelib.domain.periods import period_end
from chalicelib.domain.publication.family import (
    BAND_PREFIX,
    GENDER_FIGURES,
    NO_RESPONDENTS,
    TOO_FEW_RESPONDENTS,
    VISITS,
    CellKey,
    Thresholds,
)
from chalicelib.domain.publication.groups import PENDING, group_key, groups_of, split_groups
from chalicelib.domain.publication.problems import participation_value
from chalicelib.domain.stats import (
    GROUP_SEPARATOR,
    GROUPINGS,
    Number,
    indicator_sums,
    whole_figure,
)
from chalicelib.domain.stats_math import summarise
from chalicelib.domain.vocabulary import AGE_BANDS, INDICATORS


@dataclass(frozen=True)
class CellInput:
    """What a family's publication needs of one scope and period."""

    activity: Mapping[str, Number] = field(default_factory=dict)
    responses: int = 0  # live count of responses (every template)
    survey: Mapping[str, Number] = field(default_factory=dict)  # released figures
    updated_at: str | None = None
    indicators_as_of: str | None = None


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
        return participation_value(activity, measure)

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
                    suffix=GROUP_SEPARATOR + group_key(by, group),
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
