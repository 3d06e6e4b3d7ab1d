"""Request middleware of the API function: log context and metrics for every request.

Registered by ``app.py`` for HTTP events. Logs written while a request is handled carry
its Lambda request id, API Gateway's request id (``correlation_id``) and the cold-start
flag; the metrics views count are published when the request ends, answered or not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from chalice import ConvertToMiddleware, Response
from chalice.app import Request

from chalicelib.observability import logger, publish_metrics
from chalicelib.settings import get_settings

log_request_context = ConvertToMiddleware(
    logger.inject_lambda_context(
        correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True
    )
)


def publish_request_metrics(event: Request, get_response: Callable[[Request], Any]) -> Response:
    """Publish what the request counted once it is answered (or has failed)."""
    try:
        response: Response = get_response(event)
    finally:
        publish_metrics(get_settings().stage)
    return response
