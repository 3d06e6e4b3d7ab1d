"""The one clock of the services: what time it is, and how much time has passed.

The composition root (``services/root.py``) builds every service with one ``Clock``.
``SystemClock`` is the real one. ``SettableClock`` reads the real time until it is set
(then it stays where it was set): the demo seed sets it to the moments its story tells,
and tests set it to cross a closing time or a rate-limit window.
"""

from __future__ import annotations

import datetime as dt
import time


def iso_instant(moment: dt.datetime) -> str:
    """An instant in UTC, ISO 8601 with seconds and a ``Z`` (how every record stores time)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Clock:
    """Wall time in UTC (``now``) and monotonic seconds (``monotonic``: only for ageing
    what a warm instance keeps)."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def today(self) -> dt.date:
        """Today's date in UTC."""
        return self.now().date()

    def iso(self) -> str:
        """Now as stored in records: ``YYYY-MM-DDTHH:MM:SSZ``."""
        return iso_instant(self.now())


class SystemClock(Clock):
    """The real clock."""


class SettableClock(Clock):
    """The real time until ``set``; then the set moment (and ``advance`` moves it on).

    ``monotonic`` is the real monotonic time plus how far the clock was moved forward
    (never back), so what a service keeps ages as the set time passes.
    """

    def __init__(self, moment: dt.datetime | None = None) -> None:
        self._moment = moment
        self._moved = 0.0

    def set(self, moment: dt.datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a set moment needs a time zone")
        self._moved += max(0.0, (moment - self.now()).total_seconds())
        self._moment = moment

    def advance(self, delta: dt.timedelta) -> None:
        self.set(self.now() + delta)

    def now(self) -> dt.datetime:
        return self._moment if self._moment is not None else super().now()

    def monotonic(self) -> float:
        return super().monotonic() + self._moved
