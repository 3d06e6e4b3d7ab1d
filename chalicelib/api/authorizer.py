"""The custom authorizer: one JWT check for every stage.

API Gateway calls ``authorize`` with the ``Authorization`` header. It verifies the
JWT (signature, issuer, audience, expiry) with the same code in every stage. A
missing or bad token raises ``Exception("Unauthorized")``, which API Gateway
answers with 401; whether the person may do the thing is decided by the route
(403). Roles are read per request, so a changed role applies at once.

The principal is the token's subject (``sub``); the e-mail claims travel with it,
as they were signed, in the authorizer context (strings: API Gateway passes only
strings, numbers and booleans, and REST APIs turn them all into strings).

This module is the authorizer Lambda's entry point: it imports neither boto3 nor
the routes, and the JWT library only when a token is checked, so the API
function (which imports this module to attach the authorizer) does not pay for it.
"""

from __future__ import annotations

from typing import Any

from chalice import AuthResponse, Blueprint

authorizer_bp = Blueprint(__name__)


class MalformedHeader(ValueError):
    """The Authorization header is not ``Bearer <token>``."""


def bearer_token(header: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header."""
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise MalformedHeader("expected 'Authorization: Bearer <token>'")
    return token.strip()


@authorizer_bp.authorizer(ttl_seconds=300)
def authorize(auth_request: Any) -> AuthResponse:
    """Verify the caller's token; the principal id is its subject."""
    from chalicelib.auth.tokens import InvalidToken, verifier_for
    from chalicelib.settings import get_settings

    try:
        identity = verifier_for(get_settings()).verify(bearer_token(auth_request.token))
    except (InvalidToken, MalformedHeader) as error:
        # The message must be exactly "Unauthorized" for API Gateway to answer 401.
        raise Exception("Unauthorized") from error
    return AuthResponse(
        routes=["*"],
        principal_id=identity.subject,
        context={
            "email": identity.email,
            "email_verified": "true" if identity.email_verified else "false",
        },
    )
