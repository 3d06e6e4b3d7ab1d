"""``make privacy-audit``: play the attacker over every public figure.

For one family (a year of every scope, see ``chalicelib.domain.publication``) the
attacker knows every published document, the organisations and units (``/public/orgs``)
and what the reason codes say, and combines them with the relations any reader knows:
units add up to their organisation, organisations to ``all``, months to quarters to
the year, genders to visits, age bands to at most visits. For every suppressed cell
that hides a small group it solves linear programs (HiGHS through
``scipy.optimize.linprog``) for the exact feasible range of its respondent count (or
participation count) and of its answers' sum. A small group is *derived* when its
count is pinned to one whole value between 1 and the threshold − 1, or its answers'
sum is pinned to within one point.

Networks and countries (``network:{id}``, ``country:{CC}``: docs/networks.md) are
scopes of their own, each the sum of its organisations: their documents join the
attacker's knowledge with the relation ``group = Σ its organisations`` for every
period and measure. A group's suppressed indicator says nothing about its size (it is
suppressed because a member's is), so it is an unknown ≥ 0.

Out of scope, as in statistical offices' cell suppression: homogeneity (a published
group whose members all gave the same answer) and reading across time (steps in time
handle that; see docs/privacy.md).

The linear programs are ``tools/privacy_model.py`` (``LinearModel``). Run against the
local stack: ``python -m tools.privacy_audit [--endpoint URL]``
(default the DynamoDB Local of ``make dev``, ``http://127.0.0.1:8001``); exits 1 naming
every derivable cell. Dev-only: not part of the Lambda package.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.publication import (
    BAND_PREFIX,
    GENDER_FIGURES,
    NO_RESPONDENTS,
    PENDING,
    PROTECTS_ANOTHER_CELL,
    TOO_FEW_RESPONDENTS,
    VISITS,
    Family,
    Thresholds,
    groups_of,
    period_relations,
    periods_of_year,
)
from chalicelib.domain.stats import GROUPINGS, group_prefix
from chalicelib.domain.vocabulary import AGE_BANDS
from tools.privacy_model import Key, LinearModel, pinned

Documents = Mapping[tuple[str, str], Mapping[str, Any]]
# ``network:``/``country:`` scope → its member organisations' scopes (``org:{id}``)
Groups = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Finding:
    """A suppressed cell whose small group can be derived."""

    year: str
    scope: str
    period: str
    measure: str
    what: str  # "count" or "sum"
    low: float
    high: float

    def __str__(self) -> str:
        return (
            f"{self.scope} {self.period} {self.measure}: {self.what} pinned to "
            f"[{self.low:g}, {self.high:g}]"
        )


@dataclass
class AuditResult:
    findings: list[Finding]
    cells_checked: int
    programs_solved: int


def _tree(family: Family, model: LinearModel, measures: Iterable[str], groups: Groups) -> None:
    periods = periods_of_year(family.year)
    relations = [*family.scope_relations(), *((g, tuple(m)) for g, m in groups.items())]
    for measure in measures:
        for parent, children in relations:
            for period in periods:
                model.relation((parent, period, measure), [(c, period, measure) for c in children])
        for parent, children in period_relations(family.year):
            for scope in [*family.scopes(), *groups]:
                model.relation((scope, parent, measure), [(scope, c, measure) for c in children])


def _cells(family: Family, groups: Groups) -> list[tuple[str, str]]:
    """Every cell of the family and of its networks and countries."""
    periods = periods_of_year(family.year)
    return [*family.cells(), *((g, p) for g in sorted(groups) for p in periods)]


def audit_participation(
    family: Family, documents: Documents, thresholds: Thresholds, groups: Groups | None = None
) -> tuple[list[Finding], int, int]:
    """Counts by gender and age band: is any small count in a unit's cell pinned?"""
    groups = groups or {}
    model = LinearModel()
    measures = [*GENDER_FIGURES, VISITS, *(BAND_PREFIX + b for b in AGE_BANDS)]
    targets: list[Key] = []
    for scope, period in _cells(family, groups):
        participation = (documents.get((scope, period)) or {}).get("participation", {})
        for measure in measures:
            if measure.startswith(BAND_PREFIX):
                bands = participation.get("age_bands", {})
                band = measure[len(BAND_PREFIX) :]
                value = bands.get(band, 0) if band in bands else 0
            else:
                value = participation.get(measure, 0)
            key = (scope, period, measure)
            if value is None:
                # Only groups that are not empty are ever suppressed.
                model.var(key, 1.0, None)
                if scope.startswith("unit:") and measure != VISITS:
                    targets.append(key)
            else:
                model.var(key, float(value), float(value))
    _tree(family, model, measures, groups)
    for scope, period in _cells(family, groups):
        model.relation((scope, period, VISITS), [(scope, period, g) for g in GENDER_FIGURES])
        model.relation(
            (scope, period, VISITS),
            [(scope, period, BAND_PREFIX + b) for b in AGE_BANDS],
            at_most=True,
        )
    findings = []
    for key in targets:
        low, high = model.solve_range(key)
        if pinned(low, high) and 1 <= round(low) < thresholds.participation:
            findings.append(Finding(family.year, *key, "count", low, high))
    return findings, len(targets), model.programs


def _indicator_cells(
    document: Mapping[str, Any] | None, name: str
) -> list[tuple[str, Mapping[str, Any] | None]]:
    """``(measure, published figure)`` of one indicator in a document: the total, each
    group of each grouping, and each grouping's hidden pending part (figure None)."""
    cells: list[tuple[str, Mapping[str, Any] | None]] = []
    document = document or {}
    cells.append(("i:" + name, document.get("indicators", {}).get(name)))
    groups = document.get("groups") or {}
    for by in GROUPINGS:
        for group in groups_of(by):
            published = (groups.get(by) or {}).get(group) or {}
            measure = f"i:{name}|{group_prefix(by, group)[:-1]}"
            cells.append((measure, published.get("indicators", {}).get(name)))
    return cells


def audit_indicators(
    family: Family, documents: Documents, thresholds: Thresholds, groups: Groups | None = None
) -> tuple[list[Finding], int, int]:
    """Survey indicators and their groups (by gender, by age band): is any suppressed
    small group's count or sum pinned, or the rest of a grouping (total minus its
    published groups) small? ``groups`` are networks and countries (their members)."""
    groups = groups or {}
    names: set[str] = set()
    for document in documents.values():
        names |= set(document.get("indicators", {}))
        for by_groups in (document.get("groups") or {}).values():
            for group in by_groups.values():
                names |= set(group.get("indicators", {}))
    findings: list[Finding] = []
    checked = solved = 0
    k = thresholds.respondents
    for name in sorted(names):
        counts, sums = LinearModel(), LinearModel()
        targets: list[Key] = []
        hidden: list[Key] = []
        measures: list[str] = []
        for scope, period in _cells(family, groups):
            cells = _indicator_cells(documents.get((scope, period)), name)
            measures = [measure for measure, _ in cells]
            for measure, figure in cells:
                key = (scope, period, measure)
                if scope in groups and "|" in measure:
                    # A network's or country's groups are not published: unknown.
                    counts.var(key, 0.0, None)
                    sums.var(key, 0.0, None)
                elif figure is None or figure.get("reason") == NO_RESPONDENTS:
                    counts.var(key, 0.0, 0.0)
                    sums.var(key, 0.0, 0.0)
                elif figure.get("suppressed"):
                    if scope in groups and figure["reason"] == PROTECTS_ANOTHER_CELL:
                        # A member's figure is hidden: that says nothing of the group's size.
                        counts.var(key, 0.0, None)
                    elif figure["reason"] == TOO_FEW_RESPONDENTS:
                        # Also said of answers not yet released: 0 … k − 1 as far as anyone knows.
                        counts.var(key, 0.0, float(k - 1))
                        targets.append(key)
                    elif figure["reason"] == PROTECTS_ANOTHER_CELL:
                        counts.var(key, float(k), None)
                    else:
                        counts.var(key, 0.0, None)
                    sums.var(key, 0.0, None)
                else:
                    n = float(figure["n"])
                    counts.var(key, n, n)
                    # The mean is published to two decimals: the sum lies within ±0.005·n.
                    mean = float(figure["mean"])
                    sums.var(key, max(0.0, (mean - 0.005) * n), (mean + 0.005) * n)
            for by in GROUPINGS:
                key = (scope, period, f"i:{name}|{group_prefix(by, PENDING)[:-1]}")
                parts = [(scope, period, m) for m in measures if f"|{GROUPINGS[by][1]}." in m]
                total = (scope, period, "i:" + name)
                if total in counts.constants and scope not in groups:
                    # The total minus the published groups: the answers of the groups
                    # not published (and of the pending part) together. A small rest
                    # gives their answers away even if no one of them is pinned.
                    rest = counts.constants[total] - sum(
                        counts.constants[c] for c in parts if c in counts.constants
                    )
                    if 0 < rest < k:
                        every = (scope, period, f"i:{name}|{GROUPINGS[by][1]}.*")
                        findings.append(Finding(family.year, *every, "count", rest, rest))
                    if all(c in counts.constants for c in parts):
                        counts.var(key, rest, rest)
                        if rest == 0:
                            sums.var(key, 0.0, 0.0)
                if key not in counts.constants:
                    counts.var(key, 0.0, None)
                if key not in sums.constants:
                    sums.var(key, 0.0, None)
                hidden.append(key)
        measures += [key[2] for key in hidden[: len(GROUPINGS)]]
        for model in (counts, sums):
            _tree(family, model, measures, groups)
            for scope, period in _cells(family, groups):
                for by in GROUPINGS:
                    model.relation(
                        (scope, period, "i:" + name),
                        [
                            (scope, period, f"i:{name}|{group_prefix(by, group)[:-1]}")
                            for group in (*groups_of(by), PENDING)
                        ],
                    )
        for key in targets:
            checked += 1
            low, high = counts.solve_range(key, floor=0.5)
            s_low, s_high = sums.solve_range(key, floor=0.0)
            if pinned(low, high) and low > 0.5:
                findings.append(Finding(family.year, *key, "count", low, high))
            if s_high - s_low < 1.0 and s_low > 0.5:  # every answer scores at least 1
                findings.append(Finding(family.year, *key, "sum", s_low, s_high))
        solved += counts.programs + sums.programs
    return findings, checked, solved


def audit_family(
    family: Family, documents: Documents, thresholds: Thresholds, groups: Groups | None = None
) -> AuditResult:
    """Every derivable small group of one family (empty list: none); ``groups`` adds
    networks and countries (their documents must be in ``documents``)."""
    found_p, checked_p, solved_p = audit_participation(family, documents, thresholds, groups)
    found_i, checked_i, solved_i = audit_indicators(family, documents, thresholds, groups)
    return AuditResult(found_p + found_i, checked_p + checked_i, solved_p + solved_i)


# ------------------------------------------------------------------ local stack


def suppression_report(family: Family, store: Any, thresholds: Thresholds) -> str:
    """How many cells of a year the publication layer suppresses, and why."""
    from chalicelib.domain.publication import (
        complete_suppression,
        participation_problem,
        protect_rests,
        roll_up,
        survey_problem,
    )

    inputs = store.read_inputs(family)
    activity = {key: figures for key, (figures, _) in inputs.activity.items()}
    released = {
        (scope.split(":", 1)[1], period): figures
        for (scope, period), (figures, _) in inputs.released.items()
    }
    lines = [f"{family.year}: {len(family.units)} units, {len(family.orgs)} organisations"]
    for name, problem in (
        ("participation counts", participation_problem(family, activity, thresholds.participation)),
        (
            "indicator cells",
            survey_problem(family, roll_up(family, released), thresholds.respondents),
        ),
    ):
        reasons = complete_suppression(problem)
        protect_rests(problem, reasons)  # a survey grouping's small unpublished rest
        nonzero = sum(1 for value in problem.values.values() if value)
        primary = sum(1 for cell in reasons if cell in problem.primary)
        lines.append(
            f"  {name}: {len(problem.values)} cells ({nonzero} not zero), "
            f"{primary} primary, {len(reasons) - primary} complementary suppressed"
        )
    return "\n".join(lines)


def _memberships(
    settings: Any, data_table: str | None
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Every network's organisations and every organisation's country (the data table's
    public listing: what anyone reads at ``/public/networks`` and ``/public/orgs``)."""
    import boto3

    from chalicelib.store.networks import NetworkRepository

    resource = boto3.resource(
        "dynamodb", region_name=settings.region, endpoint_url=settings.dynamodb_endpoint
    )
    return NetworkRepository(resource.Table(data_table or settings.data_table)).memberships()


def _groups_of(
    family: Family, networks: Mapping[str, Sequence[str]], countries: Mapping[str, str]
) -> dict[str, list[str]]:
    """The year's networks and countries, each with its organisations' scopes."""
    from chalicelib.domain.networks import group_members

    scopes = [f"network:{n}" for n in networks]
    scopes += [f"country:{c}" for c in sorted(set(countries.values()))]
    return {
        scope: [f"org:{org}" for org in group_members(scope, networks, countries)]
        for scope in scopes
    }


def main(argv: list[str] | None = None) -> int:
    from chalicelib.settings import Settings
    from chalicelib.store.publication import PublicationStore
    from chalicelib.store.stats import stats_client

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", default="http://127.0.0.1:8001")
    parser.add_argument("--stats-table", default=None)
    parser.add_argument("--data-table", default=None, help="for networks and countries")
    parser.add_argument(
        "--report",
        action="store_true",
        help="also count suppressed cells by kind (primary, complementary) per year",
    )
    arguments = parser.parse_args(argv)
    settings = Settings.from_environment()
    settings = settings.model_copy(update={"dynamodb_endpoint": arguments.endpoint})
    store = PublicationStore(stats_client(settings), arguments.stats_table or settings.stats_table)
    thresholds = Thresholds(settings.suppression_threshold, settings.participation_threshold)
    started = time.perf_counter()
    findings: list[Finding] = []
    checked = solved = families = 0
    memberships = _memberships(settings, arguments.data_table)
    for year in store.years():
        family = store.read_family(year)
        groups = _groups_of(family, *memberships)
        documents = dict(store.read_documents(family))
        documents.update(store.read_documents(_cells(family, groups)[len(family.cells()) :]))
        if arguments.report:
            print(suppression_report(family, store, thresholds))
        result = audit_family(family, documents, thresholds, groups)
        findings += result.findings
        checked += result.cells_checked
        solved += result.programs_solved
        families += 1
    elapsed = time.perf_counter() - started
    print(
        f"privacy audit: {families} year(s), {checked} suppressed small cells checked, "
        f"{solved} linear programs, {elapsed:.1f} s"
    )
    for finding in findings:
        print(f"DERIVABLE {finding.year}: {finding}", file=sys.stderr)
    if findings:
        print(f"privacy audit FAILED: {len(findings)} derivable small group(s)", file=sys.stderr)
        return 1
    print("privacy audit passed: 0 derivable small groups")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
