"""Publish plans: what one publish step releases and writes, and the whole family at once.

Pure. :func:`plan_org` releases one organisation's unit months and makes its
documents; :func:`plan_top` makes ``all``'s from the organisations' summaries;
:func:`publish_family` solves a whole family at once, the same way (the tests use it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.periods import periods_of_year
from chalicelib.domain.publication.documents import CellInput, document
from chalicelib.domain.publication.family import CellKey, Family, Thresholds, roll_up
from chalicelib.domain.publication.problems import survey_problem
from chalicelib.domain.publication.release import release_figures
from chalicelib.domain.publication.solve import (
    Demands,
    org_family,
    responsible_org,
    solve_org,
    solve_top,
)
from chalicelib.domain.publication.summary import OrgSummary
from chalicelib.domain.stats import (
    Figures,
    Number,
    add_into,
)


def _iso(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
