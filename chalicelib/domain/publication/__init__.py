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

The package's modules, by seam (each imports only those above it):

| module | what |
|---|---|
| ``family`` | reason codes, thresholds, the family (scopes × periods of a year), ``roll_up`` |
| ``groups`` | survey groups (``by=``): a grouping's figures per group, the pending part |
| ``release`` | release in steps of ``k``: what a unit month's figures move to now |
| ``boxes`` | the signed patterns (per axis) a certificate's box is made of |
| ``suppression`` | the suppression problem, certificates, the greedy solver, protected rests |
| ``problems`` | a family's participation counts and survey respondents as problems |
| ``solve`` | one organisation at a time, then ``all``; demands and rechecks |
| ``documents`` | the public documents, and what they show at read time (``finalise``) |
| ``summary`` | what an organisation's publication leaves for ``all`` (``OrgSummary``) |
| ``plans`` | one publish step (``plan_org``, ``plan_top``), the whole family at once |

Periods (``periods_of_year``, ``period_end``) are ``chalicelib.domain.periods``. Every
public name stays importable from ``chalicelib.domain.publication``.
"""

from __future__ import annotations

from chalicelib.domain.periods import period_end, periods_of_year
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
from chalicelib.domain.publication.documents import (
    CellInput,
    document,
    empty_document,
    empty_groups,
    finalise,
    publish_groups,
    publish_indicators,
)
from chalicelib.domain.publication.family import (
    BAND_PREFIX,
    GENDER_FIGURES,
    NO_RESPONDENTS,
    PERIOD_NOT_ENDED,
    PROTECTS_ANOTHER_CELL,
    REASONS,
    SMALL_COUNT,
    TOO_FEW_RESPONDENTS,
    VISITS,
    CellKey,
    Family,
    Thresholds,
    family_member,
    period_relations,
    roll_up,
)
from chalicelib.domain.publication.groups import (
    NOT_ANSWERED,
    PENDING,
    group_key,
    groups_of,
    split_groups,
    total_figures,
)
from chalicelib.domain.publication.plans import (
    Publication,
    Stamped,
    plan_org,
    plan_top,
    publish_family,
)
from chalicelib.domain.publication.problems import (
    participation_problem,
    participation_value,
    survey_measures,
    survey_problem,
    survey_values,
)
from chalicelib.domain.publication.release import (
    release,
    release_figures,
)
from chalicelib.domain.publication.solve import (
    Demands,
    OrgSolution,
    TopSolution,
    org_family,
    responsible_org,
    solve_org,
    solve_top,
)
from chalicelib.domain.publication.summary import (
    SUMMARY_PLAIN_LIMIT,
    OrgSummary,
)
from chalicelib.domain.publication.suppression import (
    SuppressionProblem,
    best_box,
    certificate_holds,
    complete_suppression,
    is_hidden,
    protect_rests,
)

__all__ = [
    "BAND_PREFIX",
    "GENDER_FIGURES",
    "INF",
    "NOT_ANSWERED",
    "NO_RESPONDENTS",
    "PENDING",
    "PERIOD_NOT_ENDED",
    "PROTECTS_ANOTHER_CELL",
    "REASONS",
    "SMALL_COUNT",
    "SUMMARY_PLAIN_LIMIT",
    "TOO_FEW_RESPONDENTS",
    "VISITS",
    "CellInput",
    "CellKey",
    "Demands",
    "Family",
    "MeasurePattern",
    "OrgSolution",
    "OrgSummary",
    "Pattern",
    "Publication",
    "Sign",
    "Stamped",
    "SuppressionProblem",
    "Thresholds",
    "TopSolution",
    "best_box",
    "certificate_holds",
    "complete_suppression",
    "document",
    "empty_document",
    "empty_groups",
    "family_member",
    "finalise",
    "group_key",
    "group_measures",
    "groups_of",
    "is_hidden",
    "org_family",
    "participation_patterns",
    "participation_problem",
    "participation_value",
    "period_end",
    "period_patterns",
    "period_relations",
    "periods_of_year",
    "plan_org",
    "plan_top",
    "protect_rests",
    "publish_family",
    "publish_groups",
    "publish_indicators",
    "release",
    "release_figures",
    "responsible_org",
    "roll_up",
    "scope_patterns",
    "solve_org",
    "solve_top",
    "split_groups",
    "survey_measures",
    "survey_patterns",
    "survey_problem",
    "survey_values",
    "total_figures",
]
