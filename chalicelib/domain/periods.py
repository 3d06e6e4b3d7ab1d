"""Statistics periods: a year ``YYYY``, a quarter ``YYYY-Qn``, a month ``YYYY-MM``. Pure.

Every figure is kept per period, and a day counts in exactly three: its year, its
quarter and its month (docs/stats.md). Statistics (activities and responses as they
are aggregated) and check-ins (a visitor counted once per period) share these rules.
"""

from __future__ import annotations

import datetime as dt
import re

# What the API takes as a period (``parse_period`` in domain/stats.py answers 400 otherwise).
PERIOD_PATTERN = re.compile(r"^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def periods_of(day: dt.date | str) -> tuple[str, str, str]:
    """The year, quarter and month periods a day falls in.

    ``day`` is a date, or a stored item's ``YYYY-MM-DD`` text (``ValueError`` when it is
    not one: month 1–12, day 1–31).
    """
    if isinstance(day, str):
        match = _DATE.match(day)
        if not match:
            raise ValueError(f"not a YYYY-MM-DD date: {day!r}")
        year, month = match.group(1), int(match.group(2))
        if not 1 <= month <= 12 or not 1 <= int(match.group(3)) <= 31:
            raise ValueError(f"not a YYYY-MM-DD date: {day!r}")
    else:
        year, month = f"{day.year:04d}", day.month
    return year, f"{year}-Q{(month - 1) // 3 + 1}", f"{year}-{month:02d}"


def periods_of_year(year: str) -> list[str]:
    """The year, its quarters and its months (17 periods), in that order."""
    quarters = [f"{year}-Q{q}" for q in range(1, 5)]
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    return [year, *quarters, *months]


def period_end(period: str) -> dt.date:
    """The first day after ``period`` (a year, quarter or month)."""
    year = int(period[:4])
    if len(period) == 4:
        return dt.date(year + 1, 1, 1)
    last_month = int(period[6]) * 3 if period[5] == "Q" else int(period[5:7])
    return dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)
