"""Who counts as one anonymous sender, and the windows they are counted in."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.domain.sender_limits import (
    UNKNOWN_SENDER,
    seconds_until,
    sender_bucket,
    site_of,
    source_address,
    window_of,
)


def context(ip: str | None, **headers: str) -> dict[str, object]:
    return {"identity": {"sourceIp": ip}, "headers": headers}


@pytest.mark.parametrize(
    ("ip", "sender"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("", UNKNOWN_SENDER),
        (None, UNKNOWN_SENDER),
        ("not an address", UNKNOWN_SENDER),
    ],
)
def test_one_sender_is_an_ipv4_address_or_an_ipv6_64(ip: str | None, sender: str) -> None:
    assert source_address(context(ip)) == sender


def test_a_site_is_an_ipv4_address_or_an_ipv6_48() -> None:
    assert site_of("203.0.113.7") == "203.0.113.7"
    assert site_of("2001:db8:1:2::/64") == site_of("2001:db8:1:ffff::/64") == "2001:db8:1::/48"
    assert site_of(UNKNOWN_SENDER) == UNKNOWN_SENDER


def test_a_forged_forwarded_for_header_changes_nothing() -> None:
    forged = context("203.0.113.7", **{"X-Forwarded-For": "198.51.100.1"})
    assert source_address(forged) == "203.0.113.7"
    assert source_address(None) == UNKNOWN_SENDER


def test_buckets_are_short_keyed_hashes() -> None:
    key, other_key = b"k" * 32, b"o" * 32
    bucket = sender_bucket(key, "203.0.113.7", 24)
    assert len(bucket) == 6 and int(bucket, 16) < 2**24
    assert sender_bucket(key, "203.0.113.7", 24) == bucket
    assert sender_bucket(other_key, "203.0.113.7", 24) != bucket
    assert len(sender_bucket(key, "203.0.113.7", 12)) == 3
    # 24 bits leave about 256 IPv4 addresses in each bucket: no bucket names one.
    buckets = {sender_bucket(key, f"10.0.{i // 256}.{i % 256}", 8) for i in range(4096)}
    assert len(buckets) == 256


def test_windows_are_fixed_and_end_at_midnight_at_the_latest() -> None:
    now = dt.datetime(2026, 5, 4, 13, 27, 30, tzinfo=dt.UTC)
    start, end = window_of(now, 600)
    assert (start, end) == (
        dt.datetime(2026, 5, 4, 13, 20, tzinfo=dt.UTC),
        dt.datetime(2026, 5, 4, 13, 30, tzinfo=dt.UTC),
    )
    assert seconds_until(now, end) == 150
    assert window_of(now, 86400) == (
        dt.datetime(2026, 5, 4, tzinfo=dt.UTC),
        dt.datetime(2026, 5, 5, tzinfo=dt.UTC),
    )
    late = dt.datetime(2026, 5, 4, 23, 59, 59, 500000, tzinfo=dt.UTC)
    assert window_of(late, 7 * 3600)[1] == dt.datetime(2026, 5, 5, tzinfo=dt.UTC)
    assert seconds_until(late, dt.datetime(2026, 5, 5, tzinfo=dt.UTC)) == 1
    # A sliver past a whole second still waits for the whole second after it (the
    # functional test's frozen clock once landed 0.9995 s into its second: 539 ≠ 540).
    sliver = dt.datetime(2026, 5, 4, 13, 21, 0, 999_500, tzinfo=dt.UTC)
    assert seconds_until(sliver, end) == 540
