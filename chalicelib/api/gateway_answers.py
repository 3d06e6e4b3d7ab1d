"""What the gateway answers on its own, before (or instead of) the API function.

API Gateway refuses some requests without calling Lambda: a refused token (401), an
authorizer's deny (403), a route that does not exist, throttling (429), the WAF, a
function that failed or timed out (5xx). By default those answers carry neither CORS
headers (so a browser sees only a network error and the app cannot tell "signed out"
from "offline") nor our error shape. Both the deployed gateway (``infra/``, as gateway
responses) and the local one (``devstack/gateway.py``) answer from this one table.

Chalice's own refusals inside the function (an undeclared method → 405, a failure →
500) are put in the same shape by ``in_error_shape``, the API's outermost middleware.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalice import Response

from chalicelib.api.errors import JSON_HEADERS, error_body

# Every gateway answer can be read by the pages (any origin may call the API).
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Retry-After",
}
# API Gateway's throttle is a token bucket refilled every second.
THROTTLE_RETRY_AFTER_SECONDS = 1
# A usage plan's quota renews at the latest the next day; one minute keeps clients polite.
QUOTA_RETRY_AFTER_SECONDS = 60


@dataclass(frozen=True)
class GatewayAnswer:
    """One kind of gateway answer: status (None: the gateway's own), code, message, headers."""

    status: int | None
    code: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)

    def body(self, message: str | None = None) -> dict[str, Any]:
        return error_body(self.code, message or self.message, [])


# Keys are API Gateway's gateway response types.
GATEWAY_ANSWERS: dict[str, GatewayAnswer] = {
    "UNAUTHORIZED": GatewayAnswer(
        401, "unauthenticated", "sign in again: the request has no valid token"
    ),
    "ACCESS_DENIED": GatewayAnswer(403, "forbidden", "this token gives no access to the route"),
    "EXPIRED_TOKEN": GatewayAnswer(401, "unauthenticated", "sign in again: the token expired"),
    # A REST API answers a path (or method) it does not know with this type.
    "MISSING_AUTHENTICATION_TOKEN": GatewayAnswer(404, "not_found", "no such route"),
    "THROTTLED": GatewayAnswer(
        429,
        "too_many_requests",
        "too many requests right now; try again in a moment",
        {"Retry-After": str(THROTTLE_RETRY_AFTER_SECONDS)},
    ),
    "QUOTA_EXCEEDED": GatewayAnswer(
        429,
        "too_many_requests",
        "the request quota is used up; try again later",
        {"Retry-After": str(QUOTA_RETRY_AFTER_SECONDS)},
    ),
    "WAF_FILTERED": GatewayAnswer(
        403,
        "blocked",
        "the firewall refused this request (too many from this address?); try again later",
    ),
    "REQUEST_TOO_LARGE": GatewayAnswer(413, "payload_too_large", "the request is too large"),
    "INTEGRATION_TIMEOUT": GatewayAnswer(
        504, "unavailable", "the service took too long to answer; try again"
    ),
    "DEFAULT_4XX": GatewayAnswer(None, "refused", "the gateway refused the request"),
    "DEFAULT_5XX": GatewayAnswer(
        None, "unavailable", "the service is unavailable right now; try again shortly"
    ),
}


def gateway_headers(answer: GatewayAnswer) -> dict[str, str]:
    """Every header of a gateway answer: JSON, no caching, CORS, and its own."""
    return {**JSON_HEADERS, **CORS_HEADERS, **answer.headers}


def method_not_allowed(method: str, allowed: str) -> Response:
    """405 in our shape, naming the method and (``Allow``) the ones the route has."""
    problem = f"{method[:20]} is not allowed here; allowed: {allowed or 'none'}"
    return Response(
        body=json.dumps(
            error_body(
                "method_not_allowed",
                f"method: {problem}",
                [{"field": "method", "problem": problem}],
            ),
            separators=(",", ":"),
        ),
        status_code=405,
        headers={**JSON_HEADERS, **CORS_HEADERS, "Allow": allowed},
    )


_CHALICE_ERROR_STATUSES = {405, 415, 500, 502}


def in_error_shape(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """Middleware: Chalice's own error answers (``{"Code", "Message"}``) in our shape.

    Chalice answers an undeclared method with 405 and an unhandled exception with 500
    before or around our views, in its own shape and without CORS headers.
    """
    response = get_response(event)
    if response.status_code not in _CHALICE_ERROR_STATUSES:
        return response
    body = response.body
    if isinstance(body, str | bytes):
        try:
            body = json.loads(body)
        except ValueError:
            return response
    if not isinstance(body, dict) or set(body) != {"Code", "Message"}:
        return response
    headers = {
        key: value for key, value in response.headers.items() if key.lower() != "content-type"
    }
    if body["Code"] == "MethodNotAllowedError":
        method = getattr(event, "method", "") or ""
        allowed = str(headers.get("Allow", ""))
        answer = method_not_allowed(method, allowed)
        answer.headers = {**headers, **answer.headers}
        return answer
    default = GATEWAY_ANSWERS["DEFAULT_5XX"]
    code = "internal_error" if response.status_code >= 500 else "invalid_input"
    message = default.message if response.status_code >= 500 else str(body["Message"])[:200]
    return Response(
        body=json.dumps(error_body(code, message, []), separators=(",", ":")),
        status_code=response.status_code,
        headers={**headers, **JSON_HEADERS, **CORS_HEADERS},
    )
