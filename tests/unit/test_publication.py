"""The publication layer: the issue's findings as attacks, and the audit on generated worlds."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from chalicelib.domain.publication import (
    PROTECTS_ANOTHER_CELL,
    TOO_FEW_RESPONDENTS,
    CellInput,
    Family,
    OrgSummary,
    Thresholds,
    finalise,
    org_family,
    periods_of_year,
    plan_org,
    plan_top,
    publish_family,
    release,
    release_figures,
    roll_up,
    split_groups,
)
from chalicelib.domain.stats import Figures, add_into, contribution
from tools.privacy_audit import audit_family

YEAR = "2026"
THRESHOLDS = Thresholds(15, 3)


def answers(
    count: int,
    rng: random.Random,
    indicator: str = "safety",
    gender: str | None = None,
    age_band: str | None = None,
) -> Figures:
    """A unit month's live survey figures (totals and groups) of ``count`` answers."""
    figures: Figures = {}
    for _ in range(count):
        item: dict[str, Any] = {
            "type": "response",
            "unit_id": "u",
            "org_id": "o",
            "date": f"{YEAR}-01-01",
            "scores": {indicator: rng.randint(1, 5)},
        }
        if gender is not None:
            item["gender"] = gender
        if age_band is not None:
            item["age_band"] = age_band
        for key, part in contribution(item).items():
            if key.scope == "unit:u" and key.period == f"{YEAR}-01":
                add_into(figures, part)
    return figures


def publish_world(
    family: Family,
    unit_month_survey: dict[tuple[str, str], Figures],
    unit_month_activity: dict[tuple[str, str], Figures] | None = None,
) -> dict[tuple[str, str], dict[str, Any]]:
    survey = roll_up(family, unit_month_survey)
    activity = roll_up(family, unit_month_activity or {})
    cells = {
        key: CellInput(
            activity=activity.get(key, {}),
            survey=survey.get(key, {}),
            responses=int(survey.get(key, {}).get("r", 0)),
        )
        for key in family.cells()
    }
    return publish_family(family, cells, THRESHOLDS)


def test_subtraction_of_published_centres_no_longer_gives_one_answer_away() -> None:
    # Given an organisation with centres of 20, 1 and 16 answers in one month
    rng = random.Random(1)
    family = Family(YEAR, {"a": "o", "b": "o", "c": "o"})
    docs = publish_world(
        family,
        {
            ("a", f"{YEAR}-03"): answers(20, rng),
            ("b", f"{YEAR}-03"): answers(1, rng),
            ("c", f"{YEAR}-03"): answers(16, rng),
        },
    )
    # Then the small centre and the smallest other one are suppressed, the org is not
    safety = {scope: docs[(scope, YEAR)]["indicators"]["safety"] for scope, _ in docs}
    assert safety["unit:b"] == {"suppressed": True, "reason": TOO_FEW_RESPONDENTS}
    assert safety["unit:c"] == {"suppressed": True, "reason": PROTECTS_ANOTHER_CELL}
    assert safety["unit:a"]["n"] == 20
    assert safety["org:o"]["n"] == 37
    # And the attacker's linear programs pin nothing down
    assert audit_family(family, docs, THRESHOLDS).findings == []


def test_the_audit_finds_the_old_subtraction_leak() -> None:
    # Given the same world published with primary suppression only (the old way)
    rng = random.Random(1)
    family = Family(YEAR, {"a": "o", "b": "o", "c": "o"})
    docs = publish_world(
        family,
        {
            ("a", f"{YEAR}-03"): answers(20, rng),
            ("b", f"{YEAR}-03"): answers(1, rng),
            ("c", f"{YEAR}-03"): answers(16, rng),
        },
    )
    for key, doc in docs.items():
        figure = doc["indicators"]["safety"]
        if figure.get("reason") == PROTECTS_ANOTHER_CELL:
            docs[key] = {**doc, "indicators": {**doc["indicators"], "safety": _published(key)}}
    # Then the audit names the one-answer centre
    findings = audit_family(family, docs, THRESHOLDS).findings
    assert any(f.scope == "unit:b" and f.measure == "i:safety" for f in findings)


def _published(key: tuple[str, str]) -> dict[str, Any]:
    # Unit c's true figures for that world (16 answers), as the old code showed them.
    rng = random.Random(1)
    answers(20, rng), answers(1, rng)
    figures = answers(16, rng)
    n = 16
    return {"n": n, "mean": round(float(Decimal(figures["safety.s"]) / n), 2)}


def test_one_nonbinary_visitor_is_not_published_nor_derivable_from_visits() -> None:
    # Given a unit month with 5 girls, 6 boys and 1 nonbinary visitor
    family = Family(YEAR, {"a": "o", "b": "o"})
    activity = {
        ("a", f"{YEAR}-05"): {"n": 1, "g": 5, "b": 6, "x": 1},
        ("b", f"{YEAR}-05"): {"n": 1, "g": 9, "b": 8},
    }
    docs = publish_world(family, {}, activity)
    cell = docs[("unit:a", f"{YEAR}-05")]["participation"]
    # Then nonbinary is null and named, and visits minus the others does not give it
    assert cell["nonbinary"] is None
    assert "nonbinary" in cell["suppressed"]
    assert len(cell["suppressed"]) >= 2
    assert audit_family(family, docs, THRESHOLDS).findings == []


def test_ordinary_centres_publish_everything() -> None:
    rng = random.Random(2)
    family = Family(YEAR, {"a": "o", "b": "o"})
    docs = publish_world(
        family,
        {("a", f"{YEAR}-10"): answers(20, rng), ("b", f"{YEAR}-10"): answers(31, rng)},
        {("a", f"{YEAR}-10"): {"n": 2, "g": 7, "b": 9}, ("b", f"{YEAR}-10"): {"g": 3, "b": 4}},
    )
    for doc in docs.values():
        assert doc["participation"]["suppressed"] == []
        assert (
            "reason" not in doc["indicators"]["safety"]
            or doc["indicators"]["safety"]["reason"] == "no_respondents"
        )
    assert docs[("org:o", YEAR)]["indicators"]["safety"]["n"] == 51


def test_survey_figures_move_only_in_steps_of_k() -> None:
    assert not release({"r": 14}, None, 15)
    assert release({"r": 15}, None, 15)
    assert not release({"r": 29}, {"r": 15}, 15)
    assert release({"r": 30}, {"r": 15}, 15)


def test_unique_visitors_only_after_the_period() -> None:
    family = Family(YEAR, {"a": "o"})
    docs = publish_world(family, {}, {("a", f"{YEAR}-05"): {"uv": 7}})
    stored = docs[("unit:a", f"{YEAR}-05")]
    assert finalise(stored, date(2026, 5, 31))["participation"]["unique_visitors"] is None
    assert finalise(stored, date(2026, 6, 1))["participation"]["unique_visitors"] == 7


GENDER_CHOICES = ("girls", "girls", "boys", "boys", "nonbinary", "undisclosed", None)
BAND_CHOICES = ("13_15", "13_15", "16_18", "16_18", "19_24", "under_13", None)


def mixed_answers(count: int, rng: random.Random) -> Figures:
    """Answers of young people of every gender and age band, some skipping either, and
    some skipping the fairness statement (so an indicator's n is not the responses')."""
    figures: Figures = {}
    for _ in range(count):
        item: dict[str, Any] = {
            "type": "response",
            "unit_id": "u",
            "org_id": "o",
            "date": f"{YEAR}-01-01",
            "scores": {"safety": rng.randint(1, 5)},
        }
        if rng.random() < 0.8:
            item["scores"]["fairness"] = rng.randint(1, 5)
        gender, band = rng.choice(GENDER_CHOICES), rng.choice(BAND_CHOICES)
        item.update({k: v for k, v in (("gender", gender), ("age_band", band)) if v})
        for key, part in contribution(item).items():
            if key.scope == "unit:u" and key.period == f"{YEAR}-01":
                add_into(figures, part)
    return figures


@st.composite
def worlds(draw: st.DrawFn) -> tuple[Family, dict[tuple[str, str], Figures], dict[Any, Figures]]:
    orgs = draw(st.integers(1, 3))
    units: dict[str, str] = {}
    for org in range(orgs):
        for unit in range(draw(st.integers(1, 3))):
            units[f"u{org}{unit}"] = f"o{org}"
    months = draw(st.lists(st.integers(1, 12), min_size=1, max_size=4, unique=True))
    seed = draw(st.integers(0, 2**16))
    rng = random.Random(seed)
    survey: dict[tuple[str, str], Figures] = {}
    activity: dict[tuple[str, str], Figures] = {}
    for unit in units:
        for month in months:
            period = f"{YEAR}-{month:02d}"
            # Answers arrive in two batches; each unit month is released after each
            # (steps of k, groups in their own steps, the rest pending).
            first, second = draw(st.integers(0, 40)), draw(st.integers(0, 25))
            live = mixed_answers(first, rng)
            released = release_figures(live, None, THRESHOLDS.respondents)
            add_into(live, mixed_answers(second, rng))
            released = release_figures(live, released, THRESHOLDS.respondents) or released
            if released:
                survey[(unit, period)] = released
            genders = {short: draw(st.integers(0, 6)) for short in ("g", "b", "x", "u")}
            banded = draw(st.integers(0, sum(genders.values())))
            activity[(unit, period)] = {**genders, "a.13_15": banded}
    return Family(YEAR, units), survey, activity


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    # Each world solves hundreds of linear programs: no slow shrinking in make test.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(worlds())
def test_no_small_group_is_derivable_in_generated_worlds(world: Any) -> None:
    family, survey, activity = world
    docs = publish_world(family, survey, activity)
    assert audit_family(family, docs, THRESHOLDS).findings == []


def publish_one_organisation_at_a_time(
    family: Family,
    unit_month_survey: dict[tuple[str, str], Figures],
    unit_month_activity: dict[tuple[str, str], Figures],
) -> dict[tuple[str, str], dict[str, Any]]:
    """As the publish step does when each organisation's figures arrive in turn: an
    organisation is solved while later ones have no summary yet, then ``all``."""
    activity = {key: (figures, 1) for key, figures in roll_up(family, unit_month_activity).items()}
    live = {(f"unit:{u}", m): (figures, 1) for (u, m), figures in unit_month_survey.items()}
    released: dict[tuple[str, str], tuple[Figures, int | None]] = {}
    summaries: dict[str, OrgSummary] = {}
    documents: dict[tuple[str, str], dict[str, Any]] = {}

    def solve(org: str) -> None:
        part = org_family(family, org)
        plan = plan_org(part, activity, live, released, summaries, THRESHOLDS, 2)
        for (unit, month), figures in plan.releases.items():
            released[(f"unit:{unit}", month)] = (figures, 2)
        documents.update(plan.documents)
        assert plan.summary is not None
        summaries[org] = plan.summary

    for org in family.orgs:
        solve(org)
    top_activity = {
        period: stamped for (scope, period), stamped in activity.items() if scope == "all"
    }
    for _ in range(3):
        top, recheck = plan_top(family.year, top_activity, summaries, THRESHOLDS)
        for org in sorted(recheck):
            solve(org)
        if not recheck:
            break
    documents.update(top)
    return documents


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(worlds())
def test_publishing_one_organisation_at_a_time_derives_nothing(world: Any) -> None:
    family, survey, activity = world
    docs = publish_one_organisation_at_a_time(family, survey, activity)
    assert set(docs) == set(family.cells())
    assert audit_family(family, docs, THRESHOLDS).findings == []


def test_a_small_all_cell_is_certified_by_an_organisation_solved_before_it_was_small() -> None:
    # Given two organisations whose answers for one indicator are each below k, and
    # together below k: the first is solved before the second has any summary
    rng = random.Random(5)
    family = Family(YEAR, {"a": "o1", "b": "o2"})
    survey = {
        ("a", f"{YEAR}-03"): add_into(answers(16, rng), answers(3, rng, "fairness")),
        ("b", f"{YEAR}-03"): add_into(answers(16, rng), answers(4, rng, "fairness")),
    }
    docs = publish_one_organisation_at_a_time(family, survey, {})
    # Then all's small figure is suppressed, and nothing can be derived
    fairness = docs[("all", f"{YEAR}-03")]["indicators"]["fairness"]
    assert fairness == {"suppressed": True, "reason": TOO_FEW_RESPONDENTS}
    assert audit_family(family, docs, THRESHOLDS).findings == []


# ------------------------------------------------------------ results by group (by=)


def group_world(rng: random.Random) -> tuple[Family, dict[tuple[str, str], Figures]]:
    """A centre whose October has 20 girls, 16 boys and 1 non-binary young person (and
    a sibling centre of 30 girls): girls and boys are released, the one is pending."""
    family = Family(YEAR, {"a": "o", "b": "o"})
    live_a = add_into(answers(20, rng, gender="girls"), answers(16, rng, gender="boys"))
    add_into(live_a, answers(1, rng, gender="nonbinary"))
    live_b = answers(30, rng, gender="girls")
    survey = {}
    for unit, live in (("a", live_a), ("b", live_b)):
        released = release_figures(live, None, THRESHOLDS.respondents)
        assert released is not None
        survey[(unit, f"{YEAR}-10")] = released
    return family, survey


def test_total_minus_the_other_groups_does_not_give_one_answer_away() -> None:
    family, survey = group_world(random.Random(7))
    docs = publish_world(family, survey)
    cell = docs[("unit:a", f"{YEAR}-10")]
    groups = cell["groups"]["gender"]
    # The one non-binary answer is not in any published group …
    assert groups["nonbinary"]["indicators"]["safety"]["suppressed"] is True
    # … and total − girls − boys cannot give it: one of the three is suppressed too
    figures = [
        cell["indicators"]["safety"],
        groups["girls"]["indicators"]["safety"],
        groups["boys"]["indicators"]["safety"],
    ]
    assert any(f.get("suppressed") for f in figures)
    assert audit_family(family, docs, THRESHOLDS).findings == []


def test_the_audit_finds_a_group_given_away_by_subtraction() -> None:
    # Given the same world published with the groups' complements shown (primary only)
    family, survey = group_world(random.Random(7))
    docs = publish_world(family, survey)
    rolled = roll_up(family, survey)
    for key, doc in docs.items():
        for by, groups in doc.get("groups", {}).items():
            split = split_groups(rolled.get(key, {}), by)
            for group, published in groups.items():
                figure = published["indicators"]["safety"]
                if figure.get("reason") == PROTECTS_ANOTHER_CELL:
                    n = int(split[group]["r"])
                    mean = float(Decimal(split[group]["safety.s"]) / n)
                    published["indicators"]["safety"] = {"n": n, "mean": round(mean, 2)}
        figure = doc["indicators"]["safety"]
        if figure.get("reason") == PROTECTS_ANOTHER_CELL:
            n = int(rolled[key]["r"])
            mean = float(Decimal(rolled[key]["safety.s"]) / n)
            doc["indicators"]["safety"] = {"n": n, "mean": round(mean, 2)}
    # Then the audit names the pending answer of the centre's October
    findings = audit_family(family, docs, THRESHOLDS).findings
    assert any(f.scope == "unit:a" and f.measure == "i:safety|g.*" for f in findings), findings


def test_a_group_moves_only_with_k_new_answers_of_that_group() -> None:
    rng = random.Random(8)
    live = answers(16, rng, gender="girls")
    first = release_figures(live, None, 15)
    assert first is not None and first["g.girls|r"] == 16
    # One more girl and 15 boys: the total and the boys move, the girls do not
    add_into(live, answers(1, rng, gender="girls"))
    add_into(live, answers(15, rng, gender="boys"))
    second = release_figures(live, first, 15)
    assert second is not None
    assert second["r"] == 32 and second["g.boys|r"] == 15
    girls = {n: v for n, v in second.items() if n.startswith("g.girls|")}
    assert girls == {n: v for n, v in first.items() if n.startswith("g.girls|")}
    # The girl's answer is pending: groups and pending add up to the total
    split = split_groups(second, "gender")
    assert split["~"]["r"] == 1
    total: Figures = {}
    for part in split.values():
        add_into(total, part)
    assert total == {n: v for n, v in second.items() if "|" not in n}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=4), st.integers(0, 2**16))
def test_groups_add_up_to_the_total_after_every_step(batches: list[int], seed: int) -> None:
    rng = random.Random(seed)
    live: Figures = {}
    released: Figures | None = None
    for count in batches:
        add_into(live, mixed_answers(count, rng))
        released = release_figures(live, released, 15) or released
        if released is None:
            continue
        totals = {n: v for n, v in released.items() if "|" not in n}
        for by in ("gender", "age_band"):
            summed: Figures = {}
            for part in split_groups(released, by).values():
                assert all(value >= 0 for value in part.values())
                add_into(summed, part)
            assert summed == totals


def test_only_the_grouping_asked_for_is_published() -> None:
    family, survey = group_world(random.Random(7))
    stored = publish_world(family, survey)[("unit:a", f"{YEAR}-10")]
    assert "groups" not in finalise(stored, date(2027, 1, 1))
    by_age = finalise(stored, date(2027, 1, 1), "age_band")["groups"]
    assert set(by_age) == {
        "under_13",
        "13_15",
        "16_18",
        "19_24",
        "25_29",
        "over_29",
        "not_answered",
    }
    empty = publish_world(Family(YEAR, {"a": "o"}), {})[("unit:a", YEAR)]
    girls = finalise(empty, date(2027, 1, 1), "gender")["groups"]["girls"]
    assert girls == {
        "responses": None,
        "indicators": {
            name: {"suppressed": True, "reason": "no_respondents"}
            for name in finalise(empty, date(2027, 1, 1))["indicators"]
        },
    }


def test_a_busy_organisations_summary_stays_far_below_the_item_limit() -> None:
    # Given an organisation whose every period has answers of every group
    rng = random.Random(9)
    figures = release_figures(mixed_answers(400, rng), None, 15)
    assert figures is not None
    for name in ("belonging", "fairness", "future", "identity", "influence"):
        add_into(
            figures, {k.replace("safety", name): v for k, v in figures.items() if "safety" in k}
        )
    summary = OrgSummary(
        survey={p: dict(figures) for p in periods_of_year(YEAR)}, responses={YEAR: 400}
    )
    # Then its stored form is small and reads back exactly
    text = summary.to_json()
    assert text.startswith('{"z":') and len(text) < 100_000
    assert OrgSummary.from_json(text) == summary


def test_groups_still_collecting_their_first_k_answers_say_too_few() -> None:
    # Given 8 girls and 8 boys: the total is released, no gender group is (each below k)
    rng = random.Random(10)
    live = add_into(answers(8, rng, gender="girls"), answers(8, rng, gender="boys"))
    released = release_figures(live, None, 15)
    assert released is not None and not any(name.startswith("g.") for name in released)
    docs = publish_world(Family(YEAR, {"a": "o"}), {("a", f"{YEAR}-04"): released})
    groups = docs[("unit:a", f"{YEAR}-04")]["groups"]["gender"]
    # Then every group says too few for the indicator they answered, not "nobody"
    assert groups["girls"]["indicators"]["safety"]["reason"] == TOO_FEW_RESPONDENTS
    assert groups["nonbinary"]["indicators"]["safety"]["reason"] == TOO_FEW_RESPONDENTS
    assert groups["girls"]["indicators"]["fairness"]["reason"] == "no_respondents"
    assert groups["girls"]["responses"] is None


def test_a_group_catches_up_on_a_total_released_before_it() -> None:
    rng = random.Random(11)
    # Given a total released before groups existed (no group figures in it)
    live = add_into(answers(16, rng, gender="girls"), answers(5, rng, gender="boys"))
    before = {name: value for name, value in live.items() if "|" not in name}
    # When nothing new is answered, the girls still move to their 16 answers …
    caught_up = release_figures(live, before, 15)
    assert caught_up is not None and caught_up["g.girls|r"] == 16
    assert caught_up["r"] == 21 and "g.boys|r" not in caught_up  # 5 boys stay pending
    # … and once caught up, nothing moves again
    assert release_figures(live, caught_up, 15) is None
    # A group never runs ahead of its total: 16 new girls, total not yet released
    assert release_figures(live, None, 15) is not None  # first step: 21 answers
    young = answers(14, rng, gender="girls")
    assert release_figures(young, None, 15) is None


def test_the_organisations_girls_minus_the_other_centres_girls_gives_nothing_away() -> None:
    # Given two centres' girls: 16 who all answered fairness, and 15 of whom 3 did
    rng = random.Random(12)
    family = Family(YEAR, {"a": "o", "b": "o"})
    live_a = add_into(answers(16, rng, gender="girls"), answers(16, rng, "fairness", "girls"))
    live_a["r"], live_a["g.girls|r"] = 16, 16  # the same 16 girls answered both
    live_b = add_into(answers(15, rng, gender="girls"), answers(3, rng, "fairness", "girls"))
    live_b["r"], live_b["g.girls|r"] = 15, 15
    survey = {}
    for unit, live in (("a", live_a), ("b", live_b)):
        released = release_figures(live, None, 15)
        assert released is not None and released["g.girls|r"] >= 15
        survey[(unit, f"{YEAR}-10")] = released
    docs = publish_world(family, survey)
    # Then the 3 girls' fairness is suppressed at b, and the organisation's girls or
    # a's girls are suppressed too (org − a would give the 3 away)
    girls = {
        scope: docs[(scope, f"{YEAR}-10")]["groups"]["gender"]["girls"]["indicators"]["fairness"]
        for scope in ("unit:a", "unit:b", "org:o")
    }
    assert girls["unit:b"] == {"suppressed": True, "reason": TOO_FEW_RESPONDENTS}
    assert girls["unit:a"].get("suppressed") or girls["org:o"].get("suppressed")
    assert audit_family(family, docs, THRESHOLDS).findings == []
