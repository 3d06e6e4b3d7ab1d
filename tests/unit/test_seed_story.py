"""The demo's evaluation year tells the story it promises (pure: no database)."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest

from chalicelib.domain.campaigns import scale_question_ids, tally_answers
from chalicelib.domain.surveys import ANNUAL, FEEDBACK, check_answers, indicator_scores
from devstack.seed import story
from devstack.seed.catalogue import NORDIC, ORGANISATIONS, SLOVENIA
from devstack.seed.generate import seed_window

SEED = 2026
STATEMENTS = [(q.id, q.indicator or "") for q in ANNUAL.questions if q.type == "scale"]
WINDOW = story.campaign_window(*seed_window(dt.date(2026, 11, 26), "full"))


def answers_of(orgs: tuple) -> list[story.PlannedAnswer]:
    assert WINDOW is not None
    counts = story.answer_counts(SEED, ORGANISATIONS)
    return [
        answer
        for org in orgs
        for index in range(len(org.centres))
        for answer in story.centre_answers(
            SEED, org, index, counts[(org.slug, index)], *WINDOW, STATEMENTS
        )
    ]


@pytest.mark.parametrize(
    "today", [dt.date(2026, 11, 26), dt.date(2027, 10, 20), dt.date(2027, 1, 3)]
)
def test_the_window_is_weeks_41_to_43_inside_the_seed_and_one_month(today: dt.date) -> None:
    start, end = seed_window(today, "full")
    window = story.campaign_window(start, end)
    assert window is not None
    opens, closes = window
    assert opens.isocalendar().week == 41 and closes.isocalendar().week == 43
    assert start <= opens.date() and closes.date() < end
    assert opens.month == closes.month == 10


def test_the_network_has_929_answers_and_most_centres_reach_the_minimum() -> None:
    counts = story.answer_counts(SEED, ORGANISATIONS)
    slovenian = {key: n for key, n in counts.items() if key[0] in {o.slug for o in SLOVENIA}}
    assert len(slovenian) == 27
    assert sum(slovenian.values()) == 929
    scale_ids = scale_question_ids(ANNUAL)
    by_centre: dict[tuple[str, int], list[dict]] = {}
    assert WINDOW is not None
    for org in SLOVENIA:
        for index in range(len(org.centres)):
            planned = story.centre_answers(
                SEED, org, index, counts[(org.slug, index)], *WINDOW, STATEMENTS
            )
            by_centre[(org.slug, index)] = [
                {"items": a.answers, "gender": a.answers.get("gender")} for a in planned
            ]
    reached = [tally_answers(a, scale_ids).complete >= 15 for a in by_centre.values()]
    assert sum(reached) >= 24


def test_every_answer_is_valid_and_in_the_window_month() -> None:
    assert WINDOW is not None
    for answer in answers_of(ORGANISATIONS):
        check_answers(ANNUAL, answer.answers)  # raises on anything the API would refuse
        assert WINDOW[0] <= answer.at < WINDOW[1]


def test_the_network_is_above_the_others_in_safety_fairness_and_participation() -> None:
    def means(orgs: tuple) -> dict[str, float]:
        scores: dict[str, list[float]] = {}
        for answer in answers_of(orgs):
            checked = check_answers(ANNUAL, answer.answers)
            for name, score in indicator_scores(ANNUAL, checked.scale).items():
                scores.setdefault(name, []).append(float(score))
        return {name: statistics.mean(values) for name, values in scores.items()}

    network, others = means(SLOVENIA), means(NORDIC)
    for indicator in ("safety", "fairness", "influence"):
        assert network[indicator] - others[indicator] >= 0.25, indicator


def test_the_story_is_deterministic() -> None:
    assert answers_of(SLOVENIA[:1]) == answers_of(SLOVENIA[:1])
    ids = [answer.submission_id for answer in answers_of(ORGANISATIONS)]
    assert len(set(ids)) == len(ids)


def test_feedback_follows_activities_within_the_month() -> None:
    assert WINDOW is not None
    activity = {
        "id": "a1", "unit_id": "u1", "date": "2026-10-23", "start_time": "19:00",
        "duration_minutes": 240, "kind": "event",
        "participants": {"girls": 6, "boys": 5, "nonbinary": 0, "undisclosed": 0},
    }  # fmt: skip
    assert story.feedback_activities([activity], *WINDOW) == [activity]
    statements = [q.id for q in FEEDBACK.questions if q.type == "scale"]
    planned = story.feedback_answers(SEED, SLOVENIA[0], activity, statements)
    assert 4 <= len(planned) <= 11
    for answer in planned:
        check_answers(FEEDBACK, answer.answers)
        assert answer.at.month == 10


def test_check_ins_have_regulars_who_come_back() -> None:
    planned = story.centre_checkins(
        SEED, SLOVENIA[0], 0, dt.date(2026, 10, 20), dt.date(2026, 11, 25)
    )
    visits: dict[str, int] = {}
    for checkin in planned:
        visits[checkin.nickname] = visits.get(checkin.nickname, 0) + 1
    assert max(visits.values()) >= 8
    assert len(planned) > len(visits)
