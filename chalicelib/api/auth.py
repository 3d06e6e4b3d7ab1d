"""The custom authorizer (every stage) and the local stage's sign-in route.

API Gateway calls ``authorize`` with the ``Authorization`` header. It verifies the
JWT (signature, issuer, audience, expiry) with the same code in every stage. A
missing or bad token raises ``Exception("Unauthorized")``, which API Gateway
answers with 401; whether the person may do the thing is decided by the route
(403). Roles are read per request, so a changed role applies at once.
"""

from __future__ import annotations

from typing import Any

from chalice import AuthResponse, Blueprint
from pydantic import Field

from chalicelib.api.routing import endpoint
from chalicelib.auth.tokens import InvalidToken, issue_local_token, verifier_for
from chalicelib.domain.errors import Unauthenticated
from chalicelib.domain.models import Email, Output, StrictInput
from chalicelib.service import get_logbook
from chalicelib.settings import get_settings

authorizer_bp = Blueprint(__name__)
local_auth_bp = Blueprint(__name__)


def bearer_token(header: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header."""
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("expected 'Authorization: Bearer <token>'")
    return token.strip()


@authorizer_bp.authorizer(ttl_seconds=300)
def authorize(auth_request: Any) -> AuthResponse:
    """Verify the caller's token; the principal id is their e-mail address."""
    try:
        identity = verifier_for(get_settings()).verify(bearer_token(auth_request.token))
    except InvalidToken as error:
        # The message must be exactly "Unauthorized" for API Gateway to answer 401.
        raise Exception("Unauthorized") from error
    return AuthResponse(
        routes=["*"], principal_id=identity.email, context={"email": identity.email}
    )


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
    settings = get_settings()
    if not get_logbook().principal(body.email).known:
        raise Unauthenticated(f"no member with the e-mail {body.email}")
    return TokenOut(token=issue_local_token(settings, body.email))
