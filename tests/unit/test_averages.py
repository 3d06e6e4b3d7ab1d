"""The averages' rule of who reports what, and targets met or missed (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.averages import (
    average,
    has_figures,
    measure_values,
    parse_group,
    target_results,
)
from chalicelib.domain.stats import InvalidStatsQueryError

SUPPRESSED = {"suppressed": True, "reason": "too_few_respondents"}


def document(
    activities: int = 0,
    visits: int | None = 0,
    girls: int | None = 0,
    indicators: dict[str, Any] | None = None,
    responses: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    """A public statistics document with the figures a test needs."""
    return {
        "scope": "unit:x",
        "period": "2026",
        "activities": {
            "count": activities,
            "hours": 2.0 * activities,
            "youth_led": activities // 2,
            "youth_led_share": 0.5 if activities else 0.0,
            "by_kind": {},
            "by_category": {},
        },
        "participation": {
            "visits": visits,
            "girls": girls,
            "boys": None if visits is None or girls is None else visits - girls,
            "nonbinary": 0,
            "undisclosed": 0,
            "age_bands": {"13_15": visits},
            "new": 0,
            "volunteers": 0,
            "youth_leaders": 0,
            "checkins": 0,
            "unique_visitors": None,
            "suppressed": [],
        },
        "responses": responses,
        "indicators": indicators or {},
        **extra,
    }


def test_a_member_without_activities_does_not_count_in_activity_measures() -> None:
    members = [document(4, 40, 10), document(2, 20, 10), document(0, 0, 0)]
    answer = average(members)
    assert answer["members"] == 3
    assert answer["measures"]["activities"] == {"mean": 3.0, "members": 2}
    assert answer["measures"]["visits"] == {"mean": 30.0, "members": 2}
    assert answer["measures"]["youth_led_share"] == {"mean": 0.5, "members": 2}
    # Unweighted: the mean of 10/40 and 10/20, not 20/60.
    assert answer["measures"]["girls_share"] == {"mean": 0.375, "members": 2}


def test_a_suppressed_indicator_does_not_count() -> None:
    published = {"n": 20, "mean": 4.0, "ci95": [3.7, 4.3], "agree_share": 0.7}
    members = [
        document(1, 5, 2, {"safety": published}),
        document(1, 5, 2, {"safety": {**published, "mean": 3.0}}),
        document(1, 5, 2, {"safety": SUPPRESSED}),
    ]
    answer = average(members)
    assert answer["measures"]["indicator:safety"] == {"mean": 3.5, "members": 2}


def test_a_withheld_count_does_not_count() -> None:
    answer = average([document(1, 10, 4), document(1, 10, None)])
    assert answer["measures"]["girls_share"] == {"mean": 0.4, "members": 1}
    assert answer["measures"]["visits"] == {"mean": 10.0, "members": 2}


def test_responses_are_reported_by_members_that_ran_a_survey() -> None:
    answer = average([document(1, 5, 2, responses=30), document(1, 5, 2)])
    assert answer["measures"]["responses"] == {"mean": 30.0, "members": 1}


def test_key_figures_count_where_given_with_activity() -> None:
    answer = average(
        [
            document(1, 5, 2, cost_per_visit=12.5, visits_per_1000=2.0),
            document(1, 5, 2),
            document(0, 0, 0, visits_per_1000=0.0),  # a population, but no activity
        ]
    )
    assert answer["measures"]["cost_per_visit"] == {"mean": 12.5, "members": 1}
    assert answer["measures"]["visits_per_1000"] == {"mean": 2.0, "members": 1}


def test_no_members_no_measures() -> None:
    assert average([]) == {"members": 0, "measures": {}}


def test_targets_met_missed_and_unknown() -> None:
    figures = document(
        4, 40, 10, {"safety": {"n": 20, "mean": 4.3}, "fairness": SUPPRESSED}, cost_per_visit=9.0
    )
    results = target_results(
        {
            "activities": 5,
            "indicator:safety": 4.2,
            "indicator:fairness": 4.0,
            "cost_per_visit": 10,
            "youth_led_share": 0.5,
        },
        figures,
    )
    assert results["activities"] == {"target": 5.0, "actual": 4.0, "met": False}
    assert results["indicator:safety"]["met"] is True
    assert results["indicator:fairness"] == {"target": 4.0, "actual": None, "met": None}
    assert results["cost_per_visit"]["met"] is True  # lower is better
    assert results["youth_led_share"]["met"] is True


def test_measure_values_keep_zeros_for_the_report() -> None:
    values = measure_values(document())
    assert values["activities"] == 0
    assert "girls_share" not in values  # no visits: no share
    assert not has_figures(document())
    assert has_figures(document(responses=1))


@pytest.mark.parametrize("group", ["", "everyone", "country:si", "country:SVN", "org:", "unit:x"])
def test_bad_groups_are_refused(group: str) -> None:
    with pytest.raises(InvalidStatsQueryError) as refused:
        parse_group(group)
    assert refused.value.field == "group"


@pytest.mark.parametrize("group", ["all", "country:SI", "network:n1", "org:abc_1"])
def test_good_groups(group: str) -> None:
    assert parse_group(group) == group
