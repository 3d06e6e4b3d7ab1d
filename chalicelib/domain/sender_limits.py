"""Limits per anonymous sender: who counts as one sender, and how much one may send. Pure.

Anonymous routes (survey answers, check-ins, ideas, votes) know nothing of the person
sending, and must not learn anything: the only handle is the request's source address.
It is never stored. What is stored, for minutes, is a *bucket*: the first bits of a
keyed hash (HMAC-SHA256 with a random key of the day, held only by the server) of the
address, so coarse that even someone holding the table, its stream and the key learns
only "one of about 256 IPv4 addresses" (or one of 2^40 IPv6 networks).

A whole school class answers from one Wi-Fi, i.e. one address, at the same time; a
script also has one address. The limits are set so that the first always fits and the
second can neither fill a survey nor take the survey's shared allowance from others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# IPv6 users get a whole /64 from their provider: counting per address would let one
# phone or script change its address at will.
IPV6_PREFIX = 64
SITE_PREFIX = 48
UNKNOWN_SENDER = "unknown"


@dataclass(frozen=True)
class SenderLimits:
    """Accepted submissions from one sender (address bucket) into one collection.

    - ``per_window`` in ``window_seconds``: a class of 30 answering at once from one
      Wi-Fi needs 30 (its retries of stored answers do not count); a script is stopped
      after as many, long before it matters to the collection's shared limits.
    - ``per_day`` (UTC day) in a coarser bucket of the sender's site (``site_of``):
      several classes of one school may answer the same survey in a day; a script
      cannot add more than this.
    """

    per_window: int = 60
    window_seconds: int = 600
    per_day: int = 300
    # Bits of the keyed hash kept: 24 for the short window, 12 for the day's bucket.
    window_bits: int = 24
    day_bits: int = 12


def source_address(context: Mapping[str, Any] | None) -> str:
    """The sender's network from an API Gateway request context: the IPv4 address, or
    the IPv6 /64 (an IPv4-mapped IPv6 address counts as its IPv4 address).

    API Gateway sets ``identity.sourceIp`` itself; no header the client sends is read
    (``X-Forwarded-For`` is the client's to forge). Anything unparsable is one shared
    ``unknown`` sender rather than an error.
    """
    identity = (context or {}).get("identity") or {}
    raw = str(identity.get("sourceIp") or "").strip()
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return UNKNOWN_SENDER
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False))
    return str(address)


def site_of(sender: str) -> str:
    """The coarser unit the day's limit counts: an IPv4 address itself, an IPv6 /48 (a
    site's usual allocation), so that walking through the 65,536 /64s of one /48 does not
    multiply a script's daily allowance."""
    if sender.endswith(f"/{IPV6_PREFIX}"):
        network = ipaddress.IPv6Network(sender)
        return str(network.supernet(new_prefix=SITE_PREFIX))
    return sender


def sender_bucket(key: bytes, address: str, bits: int) -> str:
    """The first ``bits`` bits of HMAC-SHA256(key, address), as hex."""
    digest = hmac.new(key, address.encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big") >> (64 - bits)
    return f"{value:0{(bits + 3) // 4}x}"


def window_of(now: dt.datetime, seconds: int) -> tuple[dt.datetime, dt.datetime]:
    """The fixed window (start, end) of ``seconds`` that ``now`` falls in (UTC)."""
    moment = now.astimezone(dt.UTC)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    offset = int((moment - day).total_seconds()) // seconds * seconds
    start = day + dt.timedelta(seconds=offset)
    return start, min(start + dt.timedelta(seconds=seconds), day + dt.timedelta(days=1))


def seconds_until(now: dt.datetime, end: dt.datetime) -> int:
    """Whole seconds from ``now`` to ``end``, at least 1 (a Retry-After value)."""
    return max(1, math.ceil((end - now).total_seconds()))
