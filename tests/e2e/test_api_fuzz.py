"""Property-based fuzzing of every route in /openapi.json over HTTP: no 5xx, ever.

Schemathesis generates valid and invalid requests from the OpenAPI document the
API serves; the live stack answers them as a signed-in platform admin (who may
reach every route), so requests get past the authorizer into validation.
"""

from __future__ import annotations

import json
import os
import urllib.request

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from chalicelib.api.openapi import build_openapi

pytestmark = pytest.mark.e2e

# Import the app so every blueprint has registered its routes before the document is built.
os.environ.setdefault("LOGBOOK_STAGE", "local")
import app  # noqa: E402,F401

# Methods a route does not declare are still sent (405 expected), but not TRACE or
# the draft QUERY method, which Chalice's local HTTP server (not the app, and not
# API Gateway) refuses with 501.
CONFIG = schemathesis.Config.from_dict(
    {"phases": {"coverage": {"unexpected-methods": ["get", "put", "post", "delete", "patch"]}}}
)
schema = schemathesis.openapi.from_dict(build_openapi(), config=CONFIG)
FUZZ_EXAMPLES = int(os.environ.get("LOGBOOK_FUZZ_EXAMPLES", "40"))
RUN: dict[str, int] = {"cases": 0}


@pytest.fixture(scope="module")
def admin_token(live_stack) -> str:
    request = urllib.request.Request(
        f"{live_stack.api_url}/auth/local-login",
        data=json.dumps({"email": "admin@logbook.local"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)["token"]


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_route_answers_5xx(case, live_stack, admin_token):
    RUN["cases"] += 1
    response = case.call(
        base_url=live_stack.api_url, headers={"Authorization": f"Bearer {admin_token}"}
    )
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert "message" in body or "Message" in body


def test_fuzzer_ran_cases(live_stack):
    """Printed for the closing note; -s shows it."""
    print(f"fuzz cases sent: {RUN['cases']}")
