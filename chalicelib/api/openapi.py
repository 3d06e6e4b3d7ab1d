"""The OpenAPI 3 document, built from the route registry and the pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.api.routing import ROUTES, RouteDoc

REF = "#/components/schemas/{model}"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "A machine-readable code"},
        "message": {"type": "string", "description": "What went wrong, in a sentence"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "problem"],
                "properties": {
                    "field": {"type": "string"},
                    "problem": {"type": "string", "description": "The problem, in English"},
                    "code": {
                        "type": "string",
                        "description": "A stable code of the problem, where there is one",
                    },
                    "limit": {"type": "number", "description": "The bound the code refers to"},
                },
            },
        },
    },
}
ERROR_TEXT = {
    400: "Bad input: the body names each field and its problem",
    401: "No valid token",
    403: "Valid token, without the right",
    404: "Not found",
    409: "Conflict with the stored state (or a request with this Idempotency-Key still runs)",
    410: "Closed",
    413: "Body too large",
    415: "The body is not sent as application/json",
    422: "The Idempotency-Key was already used for another request",
    429: "Too many requests",
}

IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "A key the client makes once per save (e.g. a UUID), kept at least 24 h per "
    "person: the same key with the same body answers the first answer again (same status "
    "and id, header Idempotent-Replayed: true) and stores nothing twice; with another body "
    "→ 422; while the first request still runs → 409 with Retry-After.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(by_alias=True)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": {k: v for k, v in prop.items() if k != "title"},
            **({"description": prop["description"]} if "description" in prop else {}),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _operation(route: RouteDoc, refs: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": route.summary,
        "tags": [route.tag],
        "operationId": f"{route.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', route.path.lower()).strip('_')}",
    }
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", route.path)
    ]
    if route.query is not None:
        parameters += _query_parameters(route.query)
    if route.idempotent:
        parameters.append(IDEMPOTENCY_PARAMETER)
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(route.body, "validation")]}},
        }
    elif route.uploads:
        # A file as the raw body (imports): any of these media types.
        operation["requestBody"] = {
            "required": True,
            "content": {
                media_type: {"schema": {"type": "string", "format": "binary"}}
                for media_type in route.uploads
            },
        }
    responses: dict[str, Any] = {}
    if route.status == 204:
        responses["204"] = {"description": "Done"}
    elif route.response is not None:
        responses[str(route.status)] = {
            "description": "OK",
            "content": {route.content_type: {"schema": refs[(route.response, "serialization")]}},
        }
    else:
        responses[str(route.status)] = {
            "description": "OK",
            "content": {route.content_type: {"schema": {"type": "string"}}},
        }
        if route.json_alternative is not None:
            responses[str(route.status)]["content"]["application/json"] = {
                "schema": refs[(route.json_alternative, "serialization")]
            }
    codes = set(route.errors)
    if route.body is not None or route.query is not None:
        codes.add(400)
    if route.body is not None or route.uploads:
        codes.add(415)
    if route.idempotent:
        codes |= {400, 409, 422}
    for code in sorted(codes):
        responses[str(code)] = {
            "description": ERROR_TEXT.get(code, "Error"),
            "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}},
        }
        if code == 429:
            responses[str(code)]["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait (also in the body as retry_after)",
                    "schema": {"type": "integer", "minimum": 1},
                }
            }
    operation["responses"] = responses
    if not route.public:
        operation["security"] = [{"bearerAuth": []}]
    return operation


def build_openapi(
    served: set[tuple[str, str]] | None = None,
    title: str = "Logbook API",
    version: str = "1.0.0",
) -> dict[str, Any]:
    """An OpenAPI 3.1 document of the registered routes (those in ``served``, if given)."""
    routes = [r for r in ROUTES if served is None or (r.path, r.method) in served]
    models: list[tuple[type[BaseModel], Any]] = []
    for route in routes:
        if route.body is not None:
            models.append((route.body, "validation"))
        if route.response is not None:
            models.append((route.response, "serialization"))
        if route.json_alternative is not None:
            models.append((route.json_alternative, "serialization"))
    unique = list(dict.fromkeys(models))
    refs, definitions = models_json_schema(unique, ref_template=REF, by_alias=True)
    schemas = dict(definitions.get("$defs", {}))
    schemas["Error"] = ERROR_SCHEMA
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Logbook: documenting and evaluating youth work. "
            "Every 4xx answer is JSON naming the field and the problem.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
