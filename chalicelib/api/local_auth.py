"""The local stage's sign-in route; ``app.py`` registers it only in the local stage."""

from __future__ import annotations

from chalice import Blueprint
from pydantic import Field

from chalicelib.api.routing import endpoint
from chalicelib.auth.tokens import issue_local_token
from chalicelib.domain.errors import FieldProblem, Unauthenticated
from chalicelib.domain.models import Email, Output, StrictInput
from chalicelib.service import get_logbook
from chalicelib.settings import get_settings

local_auth_bp = Blueprint(__name__)


class LocalLoginIn(StrictInput):
    email: Email = Field(description="A seeded or created member's e-mail address")


class TokenOut(Output):
    token: str


@endpoint(
    local_auth_bp,
    "POST",
    "/auth/local-login",
    summary="Sign in as a local member (local stage only)",
    tag="identity",
    body=LocalLoginIn,
    response=TokenOut,
    public=True,
    errors=(400, 401),
)
def local_login(body: LocalLoginIn) -> TokenOut:
    """Issue a local token for a known member; this route exists only in the local stage."""
    if not get_logbook().principal(body.email).known:
        problem = "no member has this e-mail address"
        raise Unauthenticated(f"email: {problem}", errors=[FieldProblem("email", problem)])
    return TokenOut(token=issue_local_token(get_settings(), body.email))
