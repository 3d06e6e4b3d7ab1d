"""The pure survey rules: templates, answers, scores, periods (no network)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.periods import period_end, periods_of
from chalicelib.domain.surveys import (
    ANNUAL,
    BUILTIN_TEMPLATES,
    CODE_ALPHABET,
    CORE_LANGUAGES,
    FEEDBACK,
    INDICATORS,
    SCALE_LABELS,
    SurveyTemplateIn,
    build_org_template,
    check_answers,
    collection_status,
    indicator_scores,
    is_collection_code,
    localised_questions,
    new_collection_code,
    pick_language,
    template_languages,
)


@pytest.mark.parametrize("template", list(BUILTIN_TEMPLATES.values()), ids=lambda t: t.id)
def test_builtin_texts_exist_in_every_core_language(template) -> None:
    assert template_languages(template) == list(CORE_LANGUAGES) == template.languages
    for question in template.questions:
        for lang in CORE_LANGUAGES:
            assert question.text[lang].strip(), (question.id, lang)
    # No text was left untranslated (copied from English) except numbers.
    for question in template.questions:
        english = question.text["en"]
        assert all(question.text[lang] != english for lang in ("sl", "fi", "sv")), question.id


def test_annual_covers_every_indicator_twice_and_feedback_is_short() -> None:
    for indicator in INDICATORS:
        assert sum(q.indicator == indicator for q in ANNUAL.questions) >= 2, indicator
    scale = [q for q in FEEDBACK.questions if q.type == "scale"]
    assert 3 <= len(scale) <= 4
    assert [q.id for q in FEEDBACK.questions if q.indicator is None] == ["enjoyed"]


def test_scale_labels_are_five_per_language() -> None:
    assert all(len(labels) == 5 for labels in SCALE_LABELS.values())


def test_localised_questions_match_the_contract() -> None:
    shown = localised_questions(ANNUAL.questions, "fi")
    first = shown[0]
    assert first == {
        "id": "safety_1",
        "type": "scale",
        "indicator": "safety",
        "text": "Tunnen oloni täällä turvalliseksi.",
        "options": [{"value": v, "text": SCALE_LABELS["fi"][v - 1]} for v in range(1, 6)],
    }
    gender = next(q for q in shown if q["id"] == "gender")
    assert [o["value"] for o in gender["options"]] == ["girls", "boys", "nonbinary", "undisclosed"]
    comment = next(q for q in shown if q["id"] == "comment")
    assert "options" not in comment and comment["max_length"] == 1000


@pytest.mark.parametrize(
    ("requested", "expected"),
    [("fi", "fi"), ("sv-FI", "sv"), ("SL", "sl"), ("de", "en"), (None, "en")],
)
def test_pick_language(requested, expected) -> None:
    assert pick_language(requested, list(CORE_LANGUAGES)) == expected


def test_pick_language_without_english() -> None:
    assert pick_language("de", ["sl", "hr"]) == "sl"


def test_scores_are_means_per_indicator() -> None:
    scores = indicator_scores(
        ANNUAL, {"safety_1": 5, "safety_2": 2, "future_1": 4, "identity_2": 1}
    )
    assert scores == {"safety": Decimal("3.5"), "future": Decimal("4"), "identity": Decimal("1")}


def test_items_without_indicator_do_not_score() -> None:
    assert indicator_scores(FEEDBACK, {"enjoyed": 5}) == {}


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=2))
def test_score_is_within_the_answers(values) -> None:
    answers = {f"fairness_{i + 1}": v for i, v in enumerate(values)}
    score = indicator_scores(ANNUAL, answers)["fairness"]
    assert min(values) <= score <= max(values)
    assert score == Decimal(sum(values)) / len(values)


def test_check_answers_sorts_by_kind_and_skips_blanks() -> None:
    checked = check_answers(
        ANNUAL,
        {"safety_1": 3, "gender": "boys", "comment": "  hi ", "future_1": None, "age_band": None},
    )
    assert checked.scale == {"safety_1": 3}
    assert checked.choices == {"gender": "boys"}
    assert checked.texts == {"comment": "hi"}


def test_check_answers_names_every_problem_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_answers(ANNUAL, {"safety_1": 9, "nope": 1, "gender": "x", "future_1": False})
    assert sorted(p.field for p in caught.value.errors) == [
        "answers.future_1",
        "answers.gender",
        "answers.nope",
        "answers.safety_1",
    ]


def _template_in(**kwargs) -> SurveyTemplateIn:
    return SurveyTemplateIn.model_validate({"title": {"en": "T", "hr": "T"}, **kwargs})


def test_org_template_languages_need_scale_labels_beyond_the_core() -> None:
    question = {"id": "q", "type": "scale", "text": {"en": "Q", "hr": "P"}}
    plain = build_org_template(
        _template_in(questions=[question]),
        template_id="t1",
        org_id="o",
        created_by="a@b.c",
        created_at="now",
    )
    assert plain.languages == ["en"]
    labelled = build_org_template(
        _template_in(questions=[question], scale_labels={"hr": ["1", "2", "3", "4", "5"]}),
        template_id="t1",
        org_id="o",
        created_by="a@b.c",
        created_at="now",
    )
    assert labelled.languages == ["en", "hr"]


def test_org_template_standard_questions_keep_their_options() -> None:
    template = build_org_template(
        _template_in(questions=[{"id": "age_band", "type": "choice"}]),
        template_id="t1",
        org_id="o",
        created_by="a@b.c",
        created_at="now",
    )
    assert template.questions[0] == ANNUAL.question("age_band")


def test_collection_codes_are_unambiguous_and_distinct() -> None:
    codes = {new_collection_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(is_collection_code(code) for code in codes)
    assert not set("01ilo") & set(CODE_ALPHABET)
    assert not is_collection_code("abc") and not is_collection_code("0" * 10)


def test_collection_status() -> None:
    now = dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)
    hour = dt.timedelta(hours=1)
    assert collection_status(now, None, None, None) == "open"
    assert collection_status(now, now + hour, None, None) == "scheduled"
    assert collection_status(now, now - hour, now + hour, None) == "open"
    assert collection_status(now, None, now, None) == "closed"
    assert collection_status(now, None, None, now - hour) == "closed"


@pytest.mark.parametrize(
    ("day", "periods"),
    [
        (dt.date(2026, 1, 1), ("2026", "2026-Q1", "2026-01")),
        (dt.date(2026, 6, 30), ("2026", "2026-Q2", "2026-06")),
        (dt.date(2026, 12, 31), ("2026", "2026-Q4", "2026-12")),
    ],
)
def test_periods_of(day, periods) -> None:
    assert periods_of(day) == periods
    # A stored item's date text falls in the same periods as the date (statistics).
    assert periods_of(day.isoformat()) == periods


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_period_end_is_the_day_after_each_period(day) -> None:
    for period in periods_of(day):
        end = period_end(period)
        assert end > day
        assert period not in periods_of(end)
        assert period in periods_of(end - dt.timedelta(days=1))
