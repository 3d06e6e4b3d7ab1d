"""Per-sender limits for every anonymous submission route (answers, check-ins, ideas, votes).

Use it before storing anything a stranger sent, after the replay check (a retry of a
stored submission is answered without counting) and after validation:

    SenderLimiter.from_table(table, clock).admit(source_address(request.context), code)

``admit`` counts the submission or raises ``TooManyRequests`` (429, with ``retry_after``
in seconds, which the error mapper also sends as ``Retry-After``). The numbers are in
``chalicelib.domain.sender_limits.SenderLimits``; docs/surveys.md explains them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalicelib.domain.errors import TooManyRequests
from chalicelib.domain.sender_limits import (
    SenderLimits,
    seconds_until,
    sender_bucket,
    site_of,
    window_of,
)
from chalicelib.services.clock import Clock
from chalicelib.store.sender_limits import SenderLimitStore


class SenderLimiter:
    """Counts anonymous submissions per sender and scope (a collection code)."""

    def __init__(
        self,
        store: SenderLimitStore,
        clock: Clock,
        limits: SenderLimits | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.limits = limits or SenderLimits()

    @classmethod
    def from_table(
        cls, table: Any, clock: Clock, limits: SenderLimits | None = None
    ) -> SenderLimiter:
        """A limiter over the data table (a boto3 Table resource)."""
        return cls(SenderLimitStore(table), clock, limits)

    def admit(self, address: str, scope: str) -> None:
        """Count one submission of ``address`` into ``scope``, or refuse it (429)."""
        now = self.clock.now().astimezone(dt.UTC)
        limits = self.limits
        key = self.store.day_key(now.date())
        start, end = window_of(now, limits.window_seconds)
        bucket = sender_bucket(key, address, limits.window_bits)
        if not self.store.count(
            f"SENDER#{bucket}", f"{scope}#W#{start:%Y-%m-%dT%H:%M}", limits.per_window, end
        ):
            raise TooManyRequests(
                "too many answers from your network to this survey right now; "
                "they are kept on the phone and sent again shortly",
                retry_after=seconds_until(now, end),
            )
        day_start, day_end = window_of(now, 86400)
        day_bucket = sender_bucket(key, site_of(address), limits.day_bits)
        if not self.store.count(
            f"SENDERS#{day_bucket}", f"{scope}#D#{day_start:%Y-%m-%d}", limits.per_day, day_end
        ):
            raise TooManyRequests(
                "your network has sent this survey all the answers it can take today",
                retry_after=seconds_until(now, day_end),
            )
