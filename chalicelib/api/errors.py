"""The one place where errors become HTTP answers."""

from __future__ import annotations

import json
from typing import Any

from chalice import Response
from pydantic import ValidationError

from chalicelib.domain import errors as domain

STATUS_BY_ERROR: dict[type[domain.DomainError], int] = {
    domain.InvalidInput: 400,
    domain.Unauthenticated: 401,
    domain.Forbidden: 403,
    domain.NotFound: 404,
    domain.Conflict: 409,
    domain.Gone: 410,
    domain.PayloadTooLarge: 413,
    domain.UnsupportedMediaType: 415,
    domain.TooManyRequests: 429,
}

JSON_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store"}


def json_response(body: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer (no caching unless headers say otherwise)."""
    return Response(
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        headers={**JSON_HEADERS, **(headers or {})},
    )


def error_body(code: str, message: str, errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The error shape of every 4xx: a code, a sentence, and each field with its problem."""
    return {"error": code, "message": message, "errors": errors}


def problem_entry(problem: domain.FieldProblem) -> dict[str, Any]:
    """One field's problem as the answer lists it: its ``code`` beside the English, if any."""
    entry: dict[str, Any] = {"field": problem.field, "problem": problem.problem}
    if problem.code:
        entry["code"] = problem.code
    return entry


# The bound a pydantic error names (``ge``, ``max_length``, …), given as ``limit``.
_LIMITS = ("ge", "le", "gt", "lt", "max_length", "min_length")


def domain_error_response(error: domain.DomainError) -> Response:
    """Map a domain exception to its HTTP status and JSON body."""
    status = next((code for kind, code in STATUS_BY_ERROR.items() if isinstance(error, kind)), 400)
    body = error_body(
        error.code,
        error.message,
        [problem_entry(p) for p in error.errors],
    )
    body.update(error.extra)
    # A 429 says when to come back, in the body for our pages and as HTTP says.
    retry_after = error.extra.get("retry_after")
    headers = {"Retry-After": str(int(retry_after))} if isinstance(retry_after, int) else None
    return json_response(body, status, headers)


def _field_path(location: tuple[Any, ...], prefix: str) -> str:
    parts = [str(part) for part in location]
    path = ".".join(parts)
    if prefix and path:
        return f"{prefix}.{path}"
    return path or prefix or "body"


def validation_error_response(error: ValidationError, prefix: str = "") -> Response:
    """A pydantic error as a 400 that names every field and its problem."""
    problems: list[dict[str, Any]] = []
    for detail in error.errors(include_url=False, include_input=False):
        field = _field_path(tuple(detail["loc"]), prefix)
        problem = detail["msg"]
        context = detail.get("ctx", {})
        if detail["type"] == "json_invalid":
            field, problem = (
                "body",
                f"is not valid JSON ({context.get('error', problem)})",
            )
        # pydantic's error type is a stable code the pages translate (docs/errors.md).
        entry: dict[str, Any] = {"field": field, "problem": problem, "code": detail["type"]}
        limit = next((context[name] for name in _LIMITS if name in context), None)
        if isinstance(limit, int | float) and not isinstance(limit, bool):
            entry["limit"] = limit
        problems.append(entry)
    message = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
    return json_response(error_body("invalid_input", message, problems), 400)
