"""Property-based fuzzing of every route in /openapi.json over HTTP: no 5xx, ever.

Schemathesis generates valid and invalid requests from the OpenAPI document the
API serves; the live stack answers them as a signed-in platform admin (who may
reach every route), so requests get past the authorizer into validation.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from chalicelib.api.openapi import build_openapi

pytestmark = pytest.mark.e2e

# Import the app so every blueprint has registered its routes before the document is built.
os.environ.setdefault("LOGBOOK_STAGE", "local")
import app  # noqa: E402,F401

# Every phase (examples, coverage, fuzzing, stateful), and in the coverage phase every
# method a route does not declare, TRACE and the draft QUERY included: each is a 405 in
# our error shape, from the app (API Gateway sends it there through its any-method route).
UNEXPECTED_METHODS = ["get", "put", "post", "delete", "options", "patch", "trace", "query"]
CONFIG = schemathesis.Config.from_dict(
    {
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True, "unexpected-methods": UNEXPECTED_METHODS},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": True},
        }
    }
)
# Uploads (imports) are files: random bytes, and now and then a well-formed empty zip.
EMPTY_ZIP = b"PK\x05\x06" + b"\x00" * 18
for media_type in (
    "application/zip",
    "application/x-zip-compressed",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv",
    "application/csv",
    "text/plain",
    "application/vnd.ms-excel",
):
    schemathesis.openapi.media_type(
        media_type, st.one_of(st.binary(max_size=2048), st.just(EMPTY_ZIP))
    )
schema = schemathesis.openapi.from_dict(build_openapi(), config=CONFIG)
FUZZ_EXAMPLES = int(os.environ.get("LOGBOOK_FUZZ_EXAMPLES", "40"))
RUN: dict[str, int] = {"cases": 0, "stateful_steps": 0}
METHODS: Counter[str] = Counter()


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
    METHODS[case.method.upper()] += 1
    response = case.call(
        base_url=live_stack.api_url, headers={"Authorization": f"Bearer {admin_token}"}
    )
    assert_no_5xx_and_our_error_shape(case, response)


def assert_no_5xx_and_our_error_shape(case, response) -> None:
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    if response.status_code >= 400 and case.method.upper() != "HEAD":
        body = response.json()
        assert {"error", "message", "errors"} <= set(body), (case.method, case.path, body)


def test_stateful_sequences_answer_no_5xx(live_stack, admin_token):
    """Schemathesis's stateful phase: sequences of calls linked by the ids they return."""
    headers = {"Authorization": f"Bearer {admin_token}"}

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case):
            return {"base_url": live_stack.api_url, "headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            RUN["stateful_steps"] += 1
            assert_no_5xx_and_our_error_shape(case, response)

    Workflow.run(
        settings=settings(
            max_examples=max(FUZZ_EXAMPLES // 4, 5),
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            stateful_step_count=6,
        )
    )


def test_fuzzer_ran_cases(live_stack):
    """Printed for the closing note; -s shows it."""
    print(f"fuzz cases sent: {RUN['cases']}, stateful steps: {RUN['stateful_steps']}")
    print(f"methods: {dict(sorted(METHODS.items()))}")
