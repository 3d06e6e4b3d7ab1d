"""Indicator math: mean, 95 % confidence interval and shares from additive sums.

Pure Python (no boto3, no chalice). The aggregates keep, per indicator, only sums
that can be added and subtracted exactly: the number of respondents per 1–5 bucket,
the sum of scores, the sum of squared scores and the number agreeing (score ≥ 4).
Everything published is derived from those sums here.

Confidence interval: Student's t interval, ``mean ± t(0.975, n-1) · s / √n`` with the
sample standard deviation ``s``. The t quantile comes from the Cornish–Fisher expansion
around the normal quantile (Abramowitz & Stegun 26.7.5); its error is below 0.0003 for
n - 1 ≥ 5 (smaller degrees of freedom use exact table values), far under the two
decimals we publish, and published figures need n ≥ 15
anyway. The interval is clipped to the 1–5 scale the scores live on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

Number = int | Decimal

# The 97.5 % quantile of the standard normal distribution.
_Z975 = 1.959963984540054
_SMALL_DF = {1: 12.706204736, 2: 4.302652730, 3: 3.182446305, 4: 2.776445105}


def t_critical_975(degrees_of_freedom: int) -> float:
    """The 97.5 % quantile of Student's t with the given degrees of freedom (≥ 1)."""
    if degrees_of_freedom < 1:
        raise ValueError("degrees of freedom must be at least 1")
    # Exact table values where the expansion is poor.
    if degrees_of_freedom in _SMALL_DF:
        return _SMALL_DF[degrees_of_freedom]
    z = _Z975
    v = float(degrees_of_freedom)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / v + g2 / v**2 + g3 / v**3 + g4 / v**4


@dataclass(frozen=True)
class IndicatorSums:
    """The additive state of one indicator in one scope and period."""

    distribution: tuple[int, int, int, int, int]  # respondents per rounded score 1..5
    total: Decimal  # sum of scores
    total_of_squares: Decimal  # sum of squared scores
    agreeing: int  # respondents with score >= 4

    @property
    def n(self) -> int:
        """Respondents: every score lands in exactly one bucket."""
        return sum(self.distribution)


@dataclass(frozen=True)
class IndicatorSummary:
    """What is published for an indicator with enough respondents."""

    n: int
    mean: float
    ci95: tuple[float, float]
    agree_share: float
    distribution: dict[str, int]


def sample_variance(n: int, total: Decimal, total_of_squares: Decimal) -> Decimal:
    """Unbiased sample variance from n, Σx and Σx² (0 for n < 2)."""
    if n < 2:
        return Decimal(0)
    variance = (total_of_squares - total * total / n) / (n - 1)
    # Exact inputs give an exact, non-negative result; guard the last digit anyway.
    return max(variance, Decimal(0))


def summarise(sums: IndicatorSums) -> IndicatorSummary:
    """Mean, 95 % t interval (clipped to 1..5), agreeing share and distribution."""
    n = sums.n
    if n < 1:
        raise ValueError("an indicator without respondents has no summary")
    mean = sums.total / n
    if n >= 2:
        half_width = t_critical_975(n - 1) * math.sqrt(
            float(sample_variance(n, sums.total, sums.total_of_squares)) / n
        )
    else:
        half_width = 0.0
    low = max(1.0, float(mean) - half_width)
    high = min(5.0, float(mean) + half_width)
    return IndicatorSummary(
        n=n,
        mean=round(float(mean), 2),
        ci95=(round(low, 2), round(high, 2)),
        agree_share=round(sums.agreeing / n, 3),
        distribution={str(bucket): sums.distribution[bucket - 1] for bucket in range(1, 6)},
    )
