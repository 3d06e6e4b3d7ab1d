"""Health and the API description."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalice import Blueprint, Response
from pydantic import Field

from chalicelib.api.errors import json_response
from chalicelib.api.openapi import build_openapi
from chalicelib.api.routing import endpoint
from chalicelib.domain.models import Output

bp = Blueprint(__name__)


class Health(Output):
    status: str = Field(description='"ok" when the API answers')


@endpoint(bp, "GET", "/health", summary="Liveness", tag="meta", response=Health, public=True)
def health() -> Health:
    return Health(status="ok")


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    # Only what this stage serves: the local sign-in route is absent elsewhere.
    served = {
        (path, method) for path, methods in bp.current_app.routes.items() for method in methods
    }
    return build_openapi(served)


@endpoint(bp, "GET", "/openapi.json", summary="This API, as OpenAPI 3", tag="meta", public=True)
def openapi() -> Response:
    return json_response(_document(), 200, {"Cache-Control": "public, max-age=300"})
