"""Make Chalice's local gateway answer a failed authorizer the way API Gateway does."""

from __future__ import annotations

from typing import Any

from chalice import local

_PATCHED = "_logbook_patched"


def patch_local_authorizer() -> None:
    """Turn ``Exception("Unauthorized")`` from an authorizer into a 401, as API Gateway does.

    Chalice's local gateway lets the exception escape (a 500); API Gateway answers
    401 ``{"message":"Unauthorized"}``. Idempotent.
    """
    authorizer_cls: Any = local.LocalGatewayAuthorizer
    if getattr(authorizer_cls, _PATCHED, False):
        return
    original = authorizer_cls.authorize

    def authorize(self: Any, raw_path: str, lambda_event: Any, lambda_context: Any) -> Any:
        try:
            return original(self, raw_path, lambda_event, lambda_context)
        except local.LocalGatewayException:
            raise
        except Exception as error:
            if str(error) == "Unauthorized":
                raise local.NotAuthorizedError(
                    {
                        "x-amzn-RequestId": lambda_context.aws_request_id,
                        "x-amzn-ErrorType": "UnauthorizedException",
                    },
                    b'{"message":"Unauthorized"}',
                ) from error
            raise

    authorizer_cls.authorize = authorize
    setattr(authorizer_cls, _PATCHED, True)
