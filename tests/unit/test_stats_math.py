"""Indicator math: t quantiles, variance from sums, the published summary."""

from __future__ import annotations

import statistics
from decimal import Decimal

import pytest

from chalicelib.domain.stats_math import (
    IndicatorSums,
    sample_variance,
    summarise,
    t_critical_975,
)


@pytest.mark.parametrize(
    ("df", "expected"),
    [
        (1, 12.7062),
        (4, 2.7764),
        (5, 2.5706),
        (10, 2.2281),
        (14, 2.1448),
        (30, 2.0423),
        (200, 1.9719),
    ],
)
def test_t_quantile_matches_the_table(df: int, expected: float) -> None:
    assert t_critical_975(df) == pytest.approx(expected, abs=5e-4)


def test_t_quantile_needs_a_degree_of_freedom() -> None:
    with pytest.raises(ValueError):
        t_critical_975(0)


def sums_of(scores: list[Decimal]) -> IndicatorSums:
    buckets = [0] * 5
    for score in scores:
        buckets[int(score.to_integral_value(rounding="ROUND_HALF_UP")) - 1] += 1
    return IndicatorSums(
        distribution=tuple(buckets),  # type: ignore[arg-type]
        total=sum(scores, Decimal(0)),
        total_of_squares=sum((s * s for s in scores), Decimal(0)),
        agreeing=sum(1 for s in scores if s >= 4),
    )


def test_sample_variance_from_sums_equals_the_direct_formula() -> None:
    scores = [Decimal(x) for x in ("1", "2.5", "3.3333", "4", "4.5", "5", "5")]
    sums = sums_of(scores)
    assert float(sample_variance(sums.n, sums.total, sums.total_of_squares)) == pytest.approx(
        statistics.variance([float(s) for s in scores])
    )


def test_summary_gives_mean_t_interval_agree_share_and_distribution() -> None:
    # Given 20 respondents: ten 4s, five 5s, five 3s
    scores = [Decimal(4)] * 10 + [Decimal(5)] * 5 + [Decimal(3)] * 5
    summary = summarise(sums_of(scores))

    sd = statistics.stdev([float(s) for s in scores])
    half = 2.093024 * sd / 20**0.5  # t(0.975, 19)
    assert summary.n == 20
    assert summary.mean == 4.0
    assert summary.ci95 == (round(4.0 - half, 2), round(4.0 + half, 2))
    assert summary.agree_share == 0.75
    assert summary.distribution == {"1": 0, "2": 0, "3": 5, "4": 10, "5": 5}


def test_interval_is_clipped_to_the_scale() -> None:
    summary = summarise(sums_of([Decimal(5)] * 14 + [Decimal(1)]))
    assert summary.ci95[1] == 5.0
    assert summary.ci95[0] >= 1.0


def test_a_single_respondent_has_a_degenerate_interval() -> None:
    summary = summarise(sums_of([Decimal("3.5")]))
    assert summary.ci95 == (3.5, 3.5)
    assert summary.distribution["4"] == 1  # 3.5 rounds half-up
    assert summary.agree_share == 0.0  # 3.5 is not ≥ 4
