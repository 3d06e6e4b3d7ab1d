"""The per-sender counters and the day's key, on moto and on DynamoDB Local alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chalicelib.domain.errors import TooManyRequests
from chalicelib.domain.sender_limits import SenderLimits
from chalicelib.services.clock import SettableClock
from chalicelib.services.sender_limits import SenderLimiter
from chalicelib.store.sender_limits import SenderLimitStore, forget_day_keys

pytestmark = pytest.mark.integration
DAY = dt.date(2026, 5, 4)
NOON = dt.datetime(2026, 5, 4, 12, 3, tzinfo=dt.UTC)


@pytest.fixture
def table(engine_data_table: Any) -> Any:
    forget_day_keys()
    return engine_data_table


def test_counters_stop_at_the_limit_and_expire(table: Any) -> None:
    store = SenderLimitStore(table)
    end = dt.datetime(2026, 5, 4, 12, 10, tzinfo=dt.UTC)
    assert [store.count("SENDER#abc", "c#W#1", 2, end) for _ in range(4)] == [
        True,
        True,
        False,
        False,
    ]
    assert store.count("SENDER#abc", "c#W#2", 2, end) is True
    item = table.get_item(Key={"PK": "SENDER#abc", "SK": "c#W#1"})["Item"]
    assert int(item["n"]) == 2 and item["type"] == "sender_window"
    assert int(item["expires_at"]) == int(end.timestamp()) + 300


def test_one_key_per_day_for_every_instance(table: Any) -> None:
    first = SenderLimitStore(table).day_key(DAY)
    forget_day_keys()  # another Lambda instance
    assert SenderLimitStore(table).day_key(DAY) == first and len(first) == 32
    assert SenderLimitStore(table).day_key(DAY + dt.timedelta(days=1)) != first
    item = table.get_item(Key={"PK": "SENDER_KEY", "SK": "2026-05-04"})["Item"]
    assert int(item["expires_at"]) == int(dt.datetime(2026, 5, 6, tzinfo=dt.UTC).timestamp())


def test_the_limiter_refuses_with_the_seconds_to_wait(table: Any) -> None:
    limiter = SenderLimiter.from_table(
        table, SettableClock(NOON), SenderLimits(per_window=2, per_day=3)
    )
    limiter.admit("203.0.113.7", "code1")
    limiter.admit("203.0.113.7", "code1")
    with pytest.raises(TooManyRequests) as refused:
        limiter.admit("203.0.113.7", "code1")
    assert refused.value.extra["retry_after"] == 420
    limiter.admit("203.0.113.7", "code2")  # another collection: its own allowance
    limiter.admit("198.51.100.1", "code1")  # another sender too
    stored = str(table.scan()["Items"])
    assert "203.0.113" not in stored and "198.51.100" not in stored


def test_a_burst_from_one_sender_is_cut_exactly_at_the_limit(table: Any) -> None:
    """40 requests at once from one school's address: exactly 30 pass, never more."""
    from concurrent.futures import ThreadPoolExecutor

    import boto3

    endpoint = table.meta.client.meta.endpoint_url
    if not endpoint.startswith("http://127.0.0.1"):
        # moto's in-process table does not make concurrent conditional writes atomic
        # (a burst was once let through 32 times); DynamoDB's atomicity is DynamoDB Local's.
        pytest.skip("concurrent conditional writes need DynamoDB Local")
    limits = SenderLimits(per_window=30, per_day=300)
    SenderLimitStore(table).day_key(DAY)  # made once, as the first request of the day does

    def attempt(_: int) -> bool:
        # One session per request, as separate Lambda instances would have.
        session = boto3.session.Session(region_name=table.meta.client.meta.region_name)
        own = session.resource("dynamodb", endpoint_url=endpoint).Table(table.name)
        limiter = SenderLimiter.from_table(own, SettableClock(NOON), limits)
        try:
            limiter.admit("203.0.113.7", "code1")
        except TooManyRequests:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(40)))
    assert results.count(True) == 30
