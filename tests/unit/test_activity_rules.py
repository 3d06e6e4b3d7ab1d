"""Activity rules that span fields, and the organisation's goals and questions."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from chalicelib.domain.activity import ActivityIn, activity_rule_problems
from tests.builders import activity


def problems_of(body, goals=(), questions=()):
    parsed = ActivityIn.model_validate_json(json.dumps(body))
    return {p.field: p.problem for p in activity_rule_problems(parsed, set(goals), set(questions))}


def test_a_valid_activity_has_no_problems():
    assert problems_of(activity()) == {}


def test_age_bands_must_sum_to_the_participants():
    found = problems_of(activity(age_bands={"13_15": 12}))
    assert "sums to 12" in found["age_bands"] and "13" in found["age_bands"]


def test_no_age_bands_is_fine():
    assert problems_of(activity(age_bands=None)) == {}


@pytest.mark.parametrize("field", ["new_participants", "youth_leaders"])
def test_subsets_do_not_exceed_the_total(field):
    assert field in problems_of(activity(**{field: 14}))


def test_every_problem_is_reported_at_once():
    found = problems_of(activity(new_participants=20, youth_leaders=20, goal_ids=["g"]))
    assert set(found) == {"new_participants", "youth_leaders", "goal_ids.g"}


def test_known_goals_and_questions_pass():
    body = activity(goal_ids=["g1"], goal_ratings={"g1": 5}, reflection={"q1": "Good"})
    assert problems_of(body, goals={"g1"}, questions={"q1"}) == {}


def test_ratings_only_for_chosen_goals():
    found = problems_of(activity(goal_ids=[], goal_ratings={"g1": 3}), goals={"g1"})
    assert "goal_ratings.g1" in found


def test_strict_json_refuses_strings_for_numbers():
    with pytest.raises(ValidationError):
        ActivityIn.model_validate_json(
            '{"date":"2026-01-01","duration_minutes":"60","kind":"open","title":"x"}'
        )


def test_real_dates_only():
    with pytest.raises(ValidationError) as caught:
        ActivityIn.model_validate_json(
            '{"date":"2026-02-29","duration_minutes":60,"kind":"open","title":"x"}'
        )
    assert caught.value.errors()[0]["loc"] == ("date",)
