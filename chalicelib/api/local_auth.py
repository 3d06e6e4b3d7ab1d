"""The local stage's sign-in route; ``app.py`` registers it only in the local stage.

It signs in as any seeded or created member without a password, so it answers only
the local site's own origin: a web page on another origin that a developer visits
while ``make dev`` runs gets 403 (browsers send ``Origin`` with every cross-origin
POST, and pages cannot forge it). A request without ``Origin`` comes from a script
(curl, the tests), not from a web page, and is answered.
"""

from __future__ import annotations

from chalice import Blueprint
from pydantic import Field

from chalicelib.api.routing import endpoint
from chalicelib.auth.tokens import issue_local_token
from chalicelib.domain.errors import FieldProblem, Forbidden, Unauthenticated
from chalicelib.domain.models import Email, Output, StrictInput
from chalicelib.services import get_services
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
    errors=(400, 401, 403),
)
def local_login(body: LocalLoginIn) -> TokenOut:
    """Issue a local token for a known member; this route exists only in the local stage."""
    origin: str | None = local_auth_bp.current_request.headers.get("origin")
    if origin is not None and origin.strip().lower() not in get_settings().site_origins:
        problem = "the local sign-in answers only the local site's own pages"
        raise Forbidden(f"Origin: {problem}", errors=[FieldProblem("Origin", problem)])
    if not get_services().identity.principal(body.email).known:
        problem = "no member has this e-mail address"
        raise Unauthenticated(f"email: {problem}", errors=[FieldProblem("email", problem)])
    return TokenOut(token=issue_local_token(get_settings(), body.email))
