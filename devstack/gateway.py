"""Make Chalice's local gateway and server answer the way API Gateway (as deployed) does.

* A failed authorizer is a 401, not a 500.
* The gateway's own refusals (401, 403, an unknown route) carry CORS headers and our
  error shape, from the same table the deployed gateway responses are made from
  (``chalicelib/api/gateway_answers.py``); an unknown route is a 404.
* Any method reaches the app, which answers 405 in our shape for one a route lacks
  (Python's HTTP server would answer ``TRACE``, ``QUERY`` or ``PROPFIND`` with a 501
  HTML page).
* The server keeps a long listen backlog: Python's default of 5 pending connections
  drops (resets) connections as soon as a class of 30 submits at once.
"""

from __future__ import annotations

import json
from typing import Any

from chalice import local

from chalicelib.api.errors import JSON_HEADERS, error_body
from chalicelib.api.gateway_answers import CORS_HEADERS, GATEWAY_ANSWERS, gateway_headers

_PATCHED = "_logbook_patched"
# Pending connections the kernel queues for the API before it drops new ones (Linux
# caps it at net.core.somaxconn, 4096 by default).
LISTEN_BACKLOG = 1024
# API Gateway's limit on a request's payload.
MAX_REQUEST_BYTES = 10 * 1024 * 1024


def patch_local_authorizer() -> None:
    """Turn ``Exception("Unauthorized")`` from an authorizer into a 401, as API Gateway does.

    Chalice's local gateway lets the exception escape (a 500); API Gateway answers
    401. Also puts every answer of the local gateway itself into the deployed
    gateway's shape (``_answer_as_deployed``). Idempotent.
    """
    _answer_as_deployed()
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


def _response_type(error: local.LocalGatewayException) -> str:
    """The API Gateway gateway response type the deployed gateway would use."""
    if isinstance(error, local.NotAuthorizedError):
        return "UNAUTHORIZED"
    if isinstance(error, local.ForbiddenError):
        if b"not authorized to access" in (error.body or b""):
            return "ACCESS_DENIED"
        # The local gateway's answer to a route it does not know.
        return "MISSING_AUTHENTICATION_TOKEN"
    return "DEFAULT_5XX"


def gateway_error_response(error: local.LocalGatewayException) -> dict[str, Any]:
    """A local gateway refusal as the deployed gateway answers it (a Lambda-style dict)."""
    answer = GATEWAY_ANSWERS[_response_type(error)]
    status = answer.status or error.CODE
    body = json.dumps(answer.body(), separators=(",", ":"))
    return {
        "statusCode": status,
        "headers": {**dict(error.headers or {}), **gateway_headers(answer)},
        "multiValueHeaders": {},
        "body": body,
    }


def _answer_as_deployed() -> None:
    gateway_cls: Any = local.LocalGateway
    if getattr(gateway_cls, _PATCHED, False):
        return
    original = gateway_cls.handle_request

    def handle_request(self: Any, method: str, path: str, headers: Any, body: Any) -> Any:
        try:
            return original(self, method, path, headers, body)
        except local.LocalGatewayException as error:
            return gateway_error_response(error)

    gateway_cls.handle_request = handle_request
    setattr(gateway_cls, _PATCHED, True)


class AnyMethodRequestHandler(local.ChaliceRequestHandler):
    """Chalice's request handler, passing every method (not only the usual seven) on.

    What Python's HTTP server refuses by itself (a request line over 64 KiB → 414, a
    malformed request → 400, too many headers → 431) is answered in our error shape
    too, never as its HTML error page.
    """

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        phrase = message or self.responses.get(code, ("error",))[0]
        body = json.dumps(
            error_body("invalid_request" if code < 500 else "unavailable", str(phrase), []),
            separators=(",", ":"),
        ).encode()
        self.close_connection = True
        self.send_response(code, message)
        for name, value in {**JSON_HEADERS, **CORS_HEADERS}.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    def _generic_handle(self) -> None:
        # Chalice reads Content-Length with int() and any size: a bad one dropped the
        # connection, a huge one would be read into memory.
        length = self.headers.get("content-length", "0").strip()
        if not length.isdigit():
            self.send_error(400, "Content-Length is not a whole number")
            return
        if int(length) > MAX_REQUEST_BYTES:
            self.send_error(413, f"the body is larger than {MAX_REQUEST_BYTES} bytes")
            return
        super()._generic_handle()

    # The base class binds its own _generic_handle to these names: rebind them to ours.
    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle  # noqa: N815

    def __getattr__(self, name: str) -> Any:
        # BaseHTTPRequestHandler looks up ``do_<METHOD>`` and answers 501 HTML without one.
        if name.startswith("do_"):
            return self._generic_handle
        raise AttributeError(name)


class BackloggedHTTPServer(local.ThreadedHTTPServer):
    """Chalice's threaded server (a thread per connection) with a long listen backlog."""

    request_queue_size = LISTEN_BACKLOG


def create_api_server(app: Any, config: Any, host: str, port: int) -> local.LocalDevServer:
    """``chalice.local.create_local_server`` with the handler and server above."""
    patch_local_authorizer()
    local.CustomLocalChalice.__bases__ = (local.LocalChalice, app.__class__)
    app.__class__ = local.CustomLocalChalice
    return local.LocalDevServer(
        app,
        config,
        host,
        port,
        handler_cls=AnyMethodRequestHandler,
        server_cls=BackloggedHTTPServer,
    )
