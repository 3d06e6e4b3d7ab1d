"""Network and country documents (chalicelib.domain.networks): sums of published
documents, suppressed where a member is, and nothing derivable (the audit agrees)."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.networks import group_document, group_members, group_scopes
from chalicelib.domain.publication import PROTECTS_ANOTHER_CELL, Family, periods_of_year, roll_up
from chalicelib.domain.stats import Figures
from tests.network_sums import group_problems
from tests.unit.test_publication import THRESHOLDS, YEAR, answers, publish_world
from tools.privacy_audit import audit_family


def with_groups(
    family: Family,
    docs: dict[tuple[str, str], dict[str, Any]],
    survey: dict[tuple[str, str], Figures],
    groups: dict[str, list[str]],
) -> dict[tuple[str, str], dict[str, Any]]:
    """The family's documents and, for each group, its documents from the members'."""
    released = roll_up(family, survey)
    out = dict(docs)
    for scope, members in groups.items():
        for period in periods_of_year(YEAR):
            out[(scope, period)] = group_document(
                scope,
                period,
                [(docs.get((m, period)), released.get((m, period), {})) for m in members],
            )
    return out


def test_a_network_of_a_published_and_a_small_organisation_hides_the_indicator() -> None:
    rng = random.Random(3)
    family = Family(YEAR, {"a": "o1", "b": "o2", "c": "o3"})
    survey = {
        ("a", f"{YEAR}-03"): answers(20, rng),
        ("b", f"{YEAR}-03"): answers(4, rng),
        ("c", f"{YEAR}-03"): answers(18, rng),
    }
    docs = publish_world(family, survey)
    groups = {"network:n": ["org:o1", "org:o2"], "country:SI": ["org:o1", "org:o3"]}
    everything = with_groups(family, docs, survey, groups)
    network = everything[("network:n", YEAR)]["indicators"]["safety"]
    assert network == {"suppressed": True, "reason": PROTECTS_ANOTHER_CELL}
    country = everything[("country:SI", YEAR)]["indicators"]["safety"]
    assert country["n"] == 38
    for scope, members in groups.items():
        for period in periods_of_year(YEAR):
            member_docs = [everything[(m, period)] for m in members]
            assert group_problems(everything[(scope, period)], member_docs) == []
    assert audit_family(family, everything, THRESHOLDS, groups).findings == []


def test_the_audit_catches_a_network_that_publishes_a_hidden_member() -> None:
    # Given a network of one small organisation, published naively (its exact figure)
    rng = random.Random(4)
    family = Family(YEAR, {"a": "o1", "b": "o2"})
    survey = {("a", f"{YEAR}-03"): answers(20, rng), ("b", f"{YEAR}-03"): answers(3, rng)}
    docs = publish_world(family, survey)
    groups = {"network:n": ["org:o2"]}
    everything = with_groups(family, docs, survey, groups)
    leaked = dict(everything[("network:n", YEAR)])
    leaked["indicators"] = {**leaked["indicators"], "safety": {"n": 3, "mean": 3.0}}
    everything[("network:n", YEAR)] = leaked
    # Then the audit names the small organisation's cell
    findings = audit_family(family, everything, THRESHOLDS, groups).findings
    assert any(f.scope.startswith("org:o2") or f.scope == "unit:b" for f in findings)


def test_participation_sums_propagate_suppression() -> None:
    family = Family(YEAR, {"a": "o1", "b": "o2"})
    activity = {
        ("a", f"{YEAR}-05"): {"n": 1, "g": 5, "b": 6, "x": 1},
        ("b", f"{YEAR}-05"): {"n": 2, "g": 9, "b": 8},
    }
    docs = publish_world(family, {}, activity)
    groups = {"network:n": ["org:o1", "org:o2"]}
    everything = with_groups(family, docs, {}, groups)
    month = everything[("network:n", f"{YEAR}-05")]
    assert month["participation"]["nonbinary"] is None
    assert month["activities"]["count"] == 3
    assert audit_family(family, everything, THRESHOLDS, groups).findings == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(1, 12), st.integers(0, 22)),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.tuples(st.integers(0, 3), st.integers(1, 6)), max_size=6),
    st.randoms(use_true_random=False),
)
def test_generated_worlds_with_networks_leak_nothing(
    answered: list[tuple[int, int, int]],
    visitors: list[tuple[int, int]],
    rng: random.Random,
) -> None:
    units = {"a": "o1", "b": "o1", "c": "o2", "d": "o3"}
    names = sorted(units)
    family = Family(YEAR, units)
    survey: dict[tuple[str, str], Figures] = {}
    for unit, month, count in answered:
        if count:
            survey[(names[unit], f"{YEAR}-{month:02d}")] = answers(count, rng)
    activity: dict[tuple[str, str], Figures] = {}
    for unit, girls in visitors:
        activity[(names[unit], f"{YEAR}-04")] = {"n": 1, "g": girls, "b": 5}
    docs = publish_world(family, survey, activity)
    networks = {"n1": ["o1", "o2"], "n2": ["o2", "o3"]}
    countries = {"o1": "SI", "o2": "SI", "o3": "FI"}
    scopes = group_scopes(["o1", "o2", "o3"], networks, countries)
    groups = {s: [f"org:{o}" for o in group_members(s, networks, countries)] for s in scopes}
    everything = with_groups(family, docs, survey, groups)
    assert audit_family(family, everything, THRESHOLDS, groups).findings == []
