"""Domain exceptions. The API maps each to one HTTP status in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input field; ``field`` is a dotted path.

    ``code``, where given, names the problem for pages that translate it (stable, like
    pydantic's error types; docs/errors.md); ``problem`` says it in English.
    """

    field: str
    problem: str
    code: str | None = None


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, errors: list[FieldProblem] | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.extra = extra


class InvalidInput(DomainError):
    """The request is malformed or breaks a rule (→ 400)."""

    code = "invalid_input"

    @classmethod
    def field(cls, field: str, problem: str, code: str | None = None) -> InvalidInput:
        """An error about one field (``code``: the problem's stable name, if it has one)."""
        return cls(f"{field}: {problem}", errors=[FieldProblem(field, problem, code)])


class PayloadTooLarge(DomainError):
    """The body exceeds the size limit (→ 413)."""

    code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    """An upload of a media type the route does not read (→ 415)."""

    code = "unsupported_media_type"


class Unauthenticated(DomainError):
    """No valid identity (→ 401)."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """A known identity without the right (→ 403)."""

    code = "forbidden"


class NotFound(DomainError):
    """The thing does not exist, or is not visible to the caller (→ 404)."""

    code = "not_found"


class Conflict(DomainError):
    """The write conflicts with the stored state (→ 409)."""

    code = "conflict"


class Gone(DomainError):
    """The thing existed but is closed for input (→ 410)."""

    code = "gone"


class TooManyRequests(DomainError):
    """A rate limit was reached (→ 429)."""

    code = "too_many_requests"
