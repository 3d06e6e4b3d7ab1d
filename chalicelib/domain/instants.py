"""Points in time that clients send: with a time zone, and within a sane calendar range.

``9999-12-31T23:00:00-05:00`` is a valid ISO 8601 string, but it lies after the last
instant Python can hold in UTC: comparing it with ``now`` or storing it in UTC raises
``OverflowError``. Every instant a client sends is checked here first, so the answer is
a 400 naming the field, and later arithmetic (a default closing time, a week's
window) stays far from the calendar's edges.
"""

from __future__ import annotations

import datetime as dt

EARLIEST_YEAR = 1970
LATEST_YEAR = 2999


def checked_instant(value: dt.datetime) -> dt.datetime:
    """``value`` unchanged if it has a time zone and lies in 1970–2999 in UTC, else ValueError."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("needs a time zone, e.g. 2026-03-14T17:00:00Z")
    try:
        in_utc = value.astimezone(dt.UTC)
    except OverflowError:
        in_utc = None
    if in_utc is None or not EARLIEST_YEAR <= in_utc.year <= LATEST_YEAR:
        raise ValueError(f"must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR} in UTC")
    return value
