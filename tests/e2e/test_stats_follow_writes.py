"""In the running local stack, public statistics follow inserts, edits and deletes.

Writes go over HTTP to the API; the stream pump hands the changes to the aggregate
handler; the public route must then equal a recomputation. The time it took is
printed (the budget is 5 s; timings are measured by benchmarks, not asserted here).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.builders import activity

pytestmark = pytest.mark.e2e


def call(
    stack, method: str, path: str, body: Any = None, token: str | None = None
) -> tuple[int, Any]:
    request = urllib.request.Request(
        stack.api_url + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read()
            return answer.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def wait_for_figures(
    stack, scope: str, period: str, expected: dict[str, Any], limit: float = 60.0
) -> float:
    started = time.monotonic()
    while True:
        status, stats = call(stack, "GET", f"/public/stats?scope={scope}&period={period}")
        assert status == 200, stats
        seen = {name: stats["activities"][name] for name in expected}
        if seen == expected:
            return time.monotonic() - started
        if time.monotonic() - started > limit:
            raise AssertionError(f"statistics still {seen}, expected {expected}")
        time.sleep(0.2)


def test_statistics_follow_insert_edit_and_delete(live_stack):
    _, login = call(live_stack, "POST", "/auth/local-login", {"email": "admin@logbook.local"})
    token = login["token"]
    _, org = call(live_stack, "POST", "/orgs", {"name": "Krško", "country": "SI"}, token)
    _, unit = call(live_stack, "POST", f"/orgs/{org['id']}/units", {"name": "MC Krško"}, token)
    scope = f"unit:{unit['id']}"

    status, first = call(live_stack, "POST", f"/units/{unit['id']}/activities", activity(), token)
    assert status == 201
    status, _ = call(
        live_stack,
        "POST",
        f"/units/{unit['id']}/activities",
        activity(youth_led=False, youth_leaders=0),
        token,
    )
    assert status == 201
    took = wait_for_figures(
        live_stack, scope, "2026-03", {"count": 2, "hours": 4.0, "youth_led": 1}
    )
    print(f"inserts visible in public statistics after {took:.2f} s")

    edited = dict(first, duration_minutes=60)
    status, _ = call(
        live_stack, "PUT", f"/units/{unit['id']}/activities/{first['id']}", edited, token
    )
    assert status == 200
    took = wait_for_figures(live_stack, scope, "2026", {"count": 2, "hours": 3.0})
    print(f"edit visible after {took:.2f} s")

    status, _ = call(
        live_stack, "DELETE", f"/units/{unit['id']}/activities/{first['id']}", None, token
    )
    assert status == 204
    took = wait_for_figures(
        live_stack, f"org:{org['id']}", "2026-Q1", {"count": 1, "hours": 2.0, "youth_led": 0}
    )
    print(f"delete visible after {took:.2f} s")
