"""Contributions, deltas, folding and the published statistics document."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.periods import periods_of
from chalicelib.domain.publication import TOO_FEW_RESPONDENTS, CellInput, Thresholds, document
from chalicelib.domain.stats import (
    CSV_COLUMNS,
    InvalidStatsQueryError,
    StatsKey,
    add_into,
    contribution,
    fold_items,
    parse_period,
    parse_scope,
    record_delta,
    statistics_rows,
)
from tools.stream_events import activity_item, checkin_item, response_item


def test_periods_of_a_date_are_year_quarter_and_month() -> None:
    assert periods_of("2026-03-14") == ("2026", "2026-Q1", "2026-03")
    assert periods_of("2025-10-01") == ("2025", "2025-Q4", "2025-10")


@pytest.mark.parametrize("period", ["2026", "2026-Q4", "2026-12", "1999-01"])
def test_good_periods_parse(period: str) -> None:
    assert parse_period(period) == period


@pytest.mark.parametrize("period", [None, "", "26", "2026-Q5", "2026-13", "2026-1", "2026-03-01"])
def test_bad_periods_name_the_field(period: str | None) -> None:
    with pytest.raises(InvalidStatsQueryError) as raised:
        parse_period(period)
    assert raised.value.field == "period"


@pytest.mark.parametrize("scope", ["all", "org:o1", "unit:01HX-abc_9"])
def test_good_scopes_parse(scope: str) -> None:
    assert parse_scope(scope) == scope


@pytest.mark.parametrize("scope", [None, "", "org:", "team:x", "unit:a b", "ALL", "org:x#y"])
def test_bad_scopes_name_the_field(scope: str | None) -> None:
    with pytest.raises(InvalidStatsQueryError) as raised:
        parse_scope(scope)
    assert raised.value.field == "scope"


def test_an_activity_counts_in_three_scopes_and_three_periods() -> None:
    item = activity_item("a1", "u1", "o1", "2026-03-14", duration_minutes=120, youth_led=True)
    keys = set(contribution(item))
    assert keys == {
        StatsKey(scope, period, "A")
        for scope in ("unit:u1", "org:o1", "all")
        for period in ("2026", "2026-Q1", "2026-03")
    }
    figures = contribution(item)[StatsKey("all", "2026", "A")]
    assert figures["n"] == 1 and figures["m"] == 120 and figures["y"] == 1
    assert figures["k.open"] == 1 and figures["c.socialising"] == 1
    assert (figures["g"], figures["b"], figures["u"]) == (3, 4, 1)
    assert "x" not in figures  # zero figures are dropped


def test_private_fields_never_reach_the_figures() -> None:
    item = activity_item("a1", "u1", "o1", "2026-03-14")
    names = {name for figures in contribution(item).values() for name in figures}
    assert not any("notes" in name or "reflection" in name or "title" in name for name in names)


def test_other_item_types_contribute_nothing() -> None:
    assert contribution({"type": "unit", "PK": "UNIT#u1", "SK": "UNIT", "org_id": "o1"}) == {}
    assert contribution(None) == {}


def test_a_malformed_activity_contributes_nothing_and_is_reported() -> None:
    problems: list[str] = []
    item = activity_item("a1", "u1", "o1", "2026-02-30x")
    assert contribution(item, lambda _item, problem: problems.append(problem)) == {}
    assert problems and "date" in problems[0]


def test_a_response_adds_buckets_sums_and_agreement_per_indicator() -> None:
    item = response_item("r1", "u1", "o1", "2026-05-02", {"safety": Decimal("4.5"), "fairness": 2})
    figures = contribution(item)[StatsKey("unit:u1", "2026-05", "S")]
    assert figures == {
        "r": 1,
        "safety.5": 1,
        "safety.s": Decimal("4.5"),
        "safety.q": Decimal("20.25"),
        "safety.a": 1,
        "fairness.2": 1,
        "fairness.s": 2,
        "fairness.q": 4,
    }


def test_a_checkin_counts_unique_visitors_for_its_first_periods_only() -> None:
    item = checkin_item(
        "c1", "u1", "o1", "2026-05-02", first_unit=["2026-05"], first_org=["2026", "2026-05"]
    )
    result = contribution(item)
    assert result[StatsKey("unit:u1", "2026-05", "A")] == {"ci": 1, "uv": 1}
    assert result[StatsKey("unit:u1", "2026", "A")] == {"ci": 1}
    assert result[StatsKey("org:o1", "2026", "A")] == {"ci": 1, "uv": 1}
    assert result[StatsKey("all", "2026-Q2", "A")] == {"ci": 1}
    assert result[StatsKey("all", "2026-05", "A")] == {"ci": 1, "uv": 1}


def test_an_edit_subtracts_the_old_image_and_adds_the_new() -> None:
    old = activity_item("a1", "u1", "o1", "2026-03-14", duration_minutes=60, kind="open")
    new = activity_item("a1", "u1", "o1", "2026-04-01", duration_minutes=90, kind="event")
    delta = record_delta(old, new)
    assert delta[StatsKey("all", "2026", "A")] == {"m": 30, "k.open": -1, "k.event": 1}
    assert delta[StatsKey("all", "2026-03", "A")]["n"] == -1
    assert delta[StatsKey("all", "2026-04", "A")]["n"] == 1


def test_an_edit_of_private_fields_changes_nothing() -> None:
    old = activity_item("a1", "u1", "o1", "2026-03-14")
    new = {**old, "notes": "changed", "version": 2}
    assert record_delta(old, new) == {}


activities = st.builds(
    lambda n, unit, day, minutes, kind: activity_item(
        f"a{n}", unit, "o1", f"2026-0{day}-1{day}", duration_minutes=minutes, kind=kind
    ),
    st.integers(0, 5),
    st.sampled_from(["u1", "u2"]),
    st.integers(1, 6),
    st.integers(0, 500),
    st.sampled_from(["open", "event"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(activities, activities), max_size=12))
def test_folding_deltas_of_any_edit_chain_equals_folding_the_final_items(
    changes: list[tuple[dict, dict]],
) -> None:
    # Given a chain of puts (each replacing the item with the same key)
    table: dict[str, dict] = {}
    folded: dict[StatsKey, dict] = {}
    for first, second in changes:
        for item in (first, second):
            old = table.get(item["SK"])
            table[item["SK"]] = item
            for key, figures in record_delta(old, item).items():
                add_into(folded.setdefault(key, {}), figures)
    # Then the sum of deltas is the recomputation (zeros dropped)
    folded = {key: figures for key, figures in folded.items() if figures}
    assert folded == fold_items(table.values())


def test_published_document_has_the_contract_shape_and_suppresses_small_n() -> None:
    items = [
        activity_item(f"a{i}", "u1", "o1", "2026-03-14", duration_minutes=90, youth_led=i % 2 == 0)
        for i in range(4)
    ] + [
        response_item(f"r{i}", "u1", "o1", "2026-03-14", {"safety": 4 + i % 2, "fairness": 3})
        for i in range(16)
    ]
    figures = fold_items(items)
    survey = {
        k: v for k, v in figures[StatsKey("unit:u1", "2026", "S")].items() if "fair" not in k
    } | {"fairness.3": 9, "fairness.s": 27, "fairness.q": 81}
    doc = document(
        "unit:u1",
        "2026",
        CellInput(
            activity=figures[StatsKey("unit:u1", "2026", "A")],
            survey=survey,
            responses=16,
            updated_at="2026-03-14T10:00:00Z",
        ),
        {},
        {("unit:u1", "2026", "i:fairness"): TOO_FEW_RESPONDENTS},
        Thresholds(),
    )
    assert doc["activities"] == {
        "count": 4,
        "hours": 6.0,
        "youth_led": 2,
        "youth_led_share": 0.5,
        "by_kind": {"open": 4},
        "by_category": {"socialising": 4},
    }
    assert doc["participation"]["visits"] == 32
    assert doc["responses"] == 16
    safety = doc["indicators"]["safety"]
    assert safety["n"] == 16 and safety["mean"] == 4.5 and safety["agree_share"] == 1.0
    assert safety["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 8, "5": 8}
    assert doc["indicators"]["fairness"] == {"suppressed": True, "reason": "too_few_respondents"}
    assert doc["indicators"]["belonging"]["suppressed"] is True  # defaults always listed


def test_csv_rows_cover_every_figure_once() -> None:
    doc = document(
        "all", "2026", CellInput(activity={"n": 2, "k.open": 2, "m": 30}), {}, {}, Thresholds()
    )
    rows = statistics_rows(doc)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    parsed = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    by_figure = {(r["section"], r["figure"], r["key"]): r["value"] for r in parsed}
    assert by_figure[("activities", "count", "")] == "2"
    assert by_figure[("activities", "by_kind", "open")] == "2"
    assert by_figure[("activities", "hours", "")] == "0.5"
    assert by_figure[("indicators", "safety", "suppressed")] == "true"
    assert len(by_figure) == len(parsed)


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("1.00000000"), "1"), (Decimal("0E-8"), "0"), (Decimal("12.2500"), "12.25"), (7, "7")],
)
def test_numbers_are_sent_to_dynamodb_without_exponents(value: Decimal | int, text: str) -> None:
    from chalicelib.store.stats import _number

    assert _number(value) == text


def test_a_response_counts_again_under_its_gender_and_age_band_in_its_unit_month() -> None:
    from chalicelib.domain.stats import StatsKey, contribution

    item = {**response_item("r1", "u1", "o1", "2026-10-05", {"safety": 4}), "gender": "girls"}
    result = contribution({**item, "age_band": "13_15"})
    assert result[StatsKey("unit:u1", "2026-10", "Sg")] == {
        "g.girls|r": 1,
        "g.girls|safety.4": 1,
        "g.girls|safety.s": Decimal("4.000"),
        "g.girls|safety.q": Decimal("16.000000"),
        "g.girls|safety.a": 1,
    }
    assert result[StatsKey("unit:u1", "2026-10", "Sa")]["a.13_15|r"] == 1
    # Only the unit month: every coarser figure is a roll-up of released unit months
    assert {k.part for k in result if k != StatsKey("unit:u1", "2026-10", k.part)} == {"S"}
    # A skipped question adds nothing (not answered = total − answered groups)
    skipped = contribution(response_item("r2", "u1", "o1", "2026-10-05", {"safety": 4}))
    assert {k.part for k in skipped} == {"S"}
    # A gender the questions do not have makes the item invalid, said through on_invalid
    problems: list[str] = []
    bad = contribution({**item, "gender": "martian"}, lambda _, why: problems.append(why))
    assert bad == {} and "gender" in problems[0]


def test_a_whole_grouping_in_one_batch_stays_under_the_update_expression_limit() -> None:
    from chalicelib.domain.stats import StatsKey, contribution
    from chalicelib.domain.vocabulary import AGE_BANDS, INDICATORS
    from chalicelib.store.stats import _placeholder

    # Every age band answering every score of every indicator, and 20 own indicators
    own = {f"own_{i}": 3 for i in range(20)}
    delta: dict[str, Any] = {}
    for band in AGE_BANDS:
        for score in range(1, 6):
            scores = {**dict.fromkeys(INDICATORS, score), **own}
            item = {**response_item(f"{band}{score}", "u1", "o1", "2026-10-05", scores)}
            part = contribution({**item, "age_band": band})[StatsKey("unit:u1", "2026-10", "Sa")]
            for name, value in part.items():
                delta[name] = delta.get(name, 0) + value
    # Own indicators count in the totals only; the grouping's ADD fits in 4 KB
    assert not any(name.split("|")[1].startswith("own_") for name in delta)
    adds = ", ".join(f"#{_placeholder(i)} :{_placeholder(i)}" for i in range(len(delta)))
    expression = "SET #t = :now, #w.#s = :wm ADD " + adds + " REMOVE #w.#p0, #w.#p1"
    assert len(expression) < 4096, len(expression)  # about 3.6 KB
