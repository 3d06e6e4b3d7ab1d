"""The deployed gateway's own answers: our error shape, CORS, Retry-After; 405 for any method."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.api.gateway_answers import GATEWAY_ANSWERS
from infra.gateway_responses import ANY_METHOD, GATEWAY_RESPONSES, INTEGRATION
from tests.infra.cfn import only

Template = dict[str, Any]
HEADER = "gatewayresponse.header."


def definition(template: Template) -> dict[str, Any]:
    _, api = only(template, "AWS::Serverless::Api")
    return api["Properties"]["DefinitionBody"]


def rendered(mapping_template: str) -> dict[str, Any]:
    """The body API Gateway would send, with its context variables filled in."""
    text = mapping_template.replace("$context.requestId", "req-1").replace(
        "$context.error.messageString", '"Missing Authentication Token"'
    )
    assert "$" not in text, text
    return json.loads(text)


REQUIRED = {
    "UNAUTHORIZED": 401,
    "ACCESS_DENIED": 403,
    "THROTTLED": 429,
    "WAF_FILTERED": 403,
    "MISSING_AUTHENTICATION_TOKEN": 404,
    "DEFAULT_4XX": None,
    "DEFAULT_5XX": None,
}


@pytest.mark.parametrize(("response_type", "status"), sorted(REQUIRED.items()))
def test_gateway_answers_carry_cors_and_our_error_shape(template, response_type, status):
    response = definition(template)[GATEWAY_RESPONSES][response_type]
    assert response.get("statusCode") == (str(status) if status else None)
    headers = response["responseParameters"]
    assert headers[f"{HEADER}Access-Control-Allow-Origin"] == "'*'"
    assert headers[f"{HEADER}Content-Type"] == "'application/json'"
    assert headers[f"{HEADER}Cache-Control"] == "'no-store'"
    body = rendered(response["responseTemplates"]["application/json"])
    assert set(body) == {"error", "message", "errors", "request_id"}
    assert body["errors"] == [] and body["message"] and body["request_id"] == "req-1"


@pytest.mark.parametrize("response_type", ["THROTTLED", "QUOTA_EXCEEDED"])
def test_429_says_when_to_retry_and_lets_the_page_read_it(template, response_type):
    headers = definition(template)[GATEWAY_RESPONSES][response_type]["responseParameters"]
    assert int(headers[f"{HEADER}Retry-After"].strip("'")) >= 1
    assert "Retry-After" in headers[f"{HEADER}Access-Control-Expose-Headers"]


def test_every_table_entry_is_a_gateway_response(template):
    assert set(definition(template)[GATEWAY_RESPONSES]) == set(GATEWAY_ANSWERS)


def test_every_path_sends_any_undeclared_method_to_the_api_function(template):
    paths = definition(template)["paths"]
    proxied = 0
    for path, item in paths.items():
        declared = [item[m] for m in ("get", "put", "post", "delete") if m in item]
        if not declared:
            continue
        proxied += 1
        any_method = item[ANY_METHOD]
        assert any_method[INTEGRATION] == declared[0][INTEGRATION], path
        assert any_method[INTEGRATION]["type"] == "aws_proxy"
        assert "security" not in any_method, path
        names = [p["name"] for p in any_method.get("parameters", [])]
        assert names == [p["name"] for p in declared[0].get("parameters", [])], path
    assert proxied >= 20


def test_declared_private_methods_keep_their_authorizer(template):
    members = definition(template)["paths"]["/orgs/{org_id}/members/{email}"]
    assert members["delete"]["security"] == [{"authorize": []}]


def test_the_api_function_may_be_invoked_for_every_method(template):
    permissions = [
        resource["Properties"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Permission"
        and resource["Properties"]["FunctionName"] == {"Ref": "APIHandler"}
    ]
    assert permissions, "no invoke permission for the API function"
    source = json.dumps(permissions[0]["SourceArn"])
    assert "${RestAPIId}/*" in source
