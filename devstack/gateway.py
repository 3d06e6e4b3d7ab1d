"""Make Chalice's local gateway answer like API Gateway when an authorizer refuses.

A Lambda authorizer refuses a token by raising ``Exception("Unauthorized")``; API
Gateway then answers 401 ``{"message":"Unauthorized"}``. Chalice's local gateway
lets the exception escape instead, which ends as a 500. ``patch_local_authorizer``
maps exactly that refusal to Chalice's own ``NotAuthorizedError`` (401, same body),
so the local stack and the functional tests see what clients in AWS see. Any other
exception is a bug in the authorizer and still surfaces as an error.
"""

from __future__ import annotations

import functools
from typing import Any

from chalice import local

UNAUTHORIZED = "Unauthorized"
_PATCHED_FLAG = "_logbook_maps_unauthorized_to_401"


def patch_local_authorizer() -> None:
    """Wrap ``LocalGatewayAuthorizer.authorize`` so ``Exception("Unauthorized")`` is a 401.

    Idempotent: calling it again (each functional test may) wraps only once.
    """
    original = local.LocalGatewayAuthorizer.authorize
    if getattr(original, _PATCHED_FLAG, False):
        return

    @functools.wraps(original)
    def authorize(
        self: local.LocalGatewayAuthorizer,
        raw_path: str,
        lambda_event: dict[str, Any],
        lambda_context: local.LambdaContext,
    ) -> Any:
        try:
            return original(self, raw_path, lambda_event, lambda_context)
        except local.LocalGatewayException:
            raise  # already an answer (401, 403, ...) the gateway knows how to send
        except Exception as error:
            if str(error) != UNAUTHORIZED:
                raise
            raise local.NotAuthorizedError(
                {
                    "x-amzn-RequestId": lambda_context.aws_request_id,
                    "x-amzn-ErrorType": "UnauthorizedException",
                },
                b'{"message":"Unauthorized"}',
            ) from error

    setattr(authorize, _PATCHED_FLAG, True)
    local.LocalGatewayAuthorizer.authorize = authorize  # type: ignore[method-assign]
