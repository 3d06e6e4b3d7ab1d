"""API Gateway's own answers in our error shape, and every method routed to the API.

Two changes to the REST API's OpenAPI definition (the SAM template Chalice writes):

* ``x-amazon-apigateway-gateway-responses``: what the gateway answers without calling
  the function (a refused token, an authorizer's deny, throttling, the WAF, a timeout,
  every other 4xx/5xx) carries CORS headers, ``Cache-Control: no-store`` and the body
  ``{"error", "message", "errors": [], "request_id"}``; 429 carries ``Retry-After``.
  The table is ``chalicelib/api/gateway_answers.py``, which the local gateway answers
  from too.
* ``x-amazon-apigateway-any-method`` on every path, integrated with the API function:
  a method a path does not declare (``PATCH`` on a GET route) reaches the app, which
  answers 405 in our shape with ``Allow``. Without it the REST API answers such a
  request like an unknown path (``MISSING_AUTHENTICATION_TOKEN``), which is now 404.
  Declared methods keep their own integration and authorizer; the function's invoke
  permission already covers every method (``<api>/*``).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from chalicelib.api.gateway_answers import GATEWAY_ANSWERS, GatewayAnswer, gateway_headers

ANY_METHOD = "x-amazon-apigateway-any-method"
GATEWAY_RESPONSES = "x-amazon-apigateway-gateway-responses"
INTEGRATION = "x-amazon-apigateway-integration"
_HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def _template(answer: GatewayAnswer) -> str:
    """The response body as a mapping template; the DEFAULT_* ones pass the gateway's message."""
    body = answer.body()
    if answer.status is None and answer.code == "refused":
        # $context.error.messageString is the gateway's message, already a quoted JSON string.
        body["message"] = "__MESSAGE__"
    body["request_id"] = "$context.requestId"
    text = json.dumps(body, separators=(",", ":"))
    return text.replace('"__MESSAGE__"', "$context.error.messageString")


def gateway_responses() -> dict[str, Any]:
    """The ``x-amazon-apigateway-gateway-responses`` object for every answer in the table."""
    responses: dict[str, Any] = {}
    for response_type, answer in GATEWAY_ANSWERS.items():
        response: dict[str, Any] = {
            "responseParameters": {
                f"gatewayresponse.header.{name}": f"'{value}'"
                for name, value in gateway_headers(answer).items()
            },
            "responseTemplates": {"application/json": _template(answer)},
        }
        if answer.status is not None:
            response["statusCode"] = str(answer.status)
        responses[response_type] = response
    return responses


def _proxy_integration(path_item: dict[str, Any]) -> dict[str, Any] | None:
    for method in _HTTP_METHODS:
        integration = path_item.get(method, {}).get(INTEGRATION, {})
        if integration.get("type") == "aws_proxy":
            return integration
    return None


def add_gateway_answers(definition: dict[str, Any]) -> None:
    """Add gateway responses and an any-method route per path to an OpenAPI 2 definition."""
    definition[GATEWAY_RESPONSES] = gateway_responses()
    for path_item in definition.get("paths", {}).values():
        integration = _proxy_integration(path_item)
        if integration is None or ANY_METHOD in path_item:
            continue
        parameters = next(
            (
                path_item[m]["parameters"]
                for m in _HTTP_METHODS
                if "parameters" in path_item.get(m, {})
            ),
            None,
        )
        any_method: dict[str, Any] = {
            "consumes": ["*/*"],
            "produces": ["application/json"],
            "responses": {"405": {"description": "the path does not take this method"}},
            INTEGRATION: copy.deepcopy(integration),
        }
        if parameters is not None:
            any_method["parameters"] = copy.deepcopy(parameters)
        path_item[ANY_METHOD] = any_method


def add_to_sam_template(template: dict[str, Any]) -> None:
    """``add_gateway_answers`` on the REST API of a SAM template Chalice wrote (in place)."""
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Api":
            add_gateway_answers(resource["Properties"]["DefinitionBody"])
