"""Pure parts of infra/: no synthesis needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra import cost
from infra.chalice_app import function_name, name_functions
from infra.settings import StageSettings
from infra.site import content_security_policy
from infra.stack import public_method_settings


def _sam_template() -> dict[str, Any]:
    function_uri = "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31"
    return {
        "Resources": {
            "APIHandler": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"Handler": "app.app"},
            },
            "JwtAuth": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"Handler": "app.jwt_auth"},
            },
            "RestAPI": {
                "Type": "AWS::Serverless::Api",
                "Properties": {
                    "DefinitionBody": {
                        "paths": {
                            "/health": {
                                "get": {
                                    "x-amazon-apigateway-integration": {
                                        "uri": {
                                            "Fn::Sub": function_uri
                                            + "/functions/${APIHandler.Arn}/invocations"
                                        }
                                    }
                                }
                            }
                        },
                        "securityDefinitions": {
                            "jwt_auth": {
                                "x-amazon-apigateway-authorizer": {
                                    "authorizerUri": {
                                        "Fn::Sub": function_uri
                                        + "/functions/${JwtAuth.Arn}/invocations"
                                    }
                                }
                            }
                        },
                    }
                },
            },
            "Permission": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {"FunctionName": {"Fn::GetAtt": ["JwtAuth", "Arn"]}},
            },
        }
    }


def test_functions_are_named_after_the_stage_and_handler() -> None:
    assert function_name("logbook-prod", "APIHandler", "app.app") == "logbook-prod-api"
    assert function_name("logbook-prod", "JwtAuth", "app.jwt_auth") == "logbook-prod-jwt-auth"
    assert function_name("logbook-dev", "Aggregate", "app.aggregate") == "logbook-dev-aggregate"


def test_the_rest_api_points_at_function_names_not_resources() -> None:
    template = _sam_template()
    names = name_functions(template, "logbook-prod")
    assert names == {"APIHandler": "logbook-prod-api", "JwtAuth": "logbook-prod-jwt-auth"}
    body = str(template["Resources"]["RestAPI"]["Properties"])
    assert ".Arn}" not in body
    assert "function:logbook-prod-api/invocations" in body
    assert "function:logbook-prod-jwt-auth/invocations" in body
    assert template["Resources"]["APIHandler"]["Properties"]["FunctionName"] == ("logbook-prod-api")
    # Other resources keep their references (the invoke permission must follow the function).
    permission = template["Resources"]["Permission"]["Properties"]["FunctionName"]
    assert permission == {"Fn::GetAtt": ["JwtAuth", "Arn"]}


def test_settings_default_to_no_waf_and_read_cli_strings() -> None:
    assert StageSettings.from_context("prod", {}).waf is False
    settings = StageSettings.from_context(
        "dev", {"waf": "true", "waf_rate_limit": "500", "alarm_email": "ops@example.org"}
    )
    assert settings.waf is True
    assert settings.waf_rate_limit == 500
    assert settings.alarm_email == "ops@example.org"
    assert settings.prefix == "logbook-dev"
    assert StageSettings.from_context("dev", {"waf": "false"}).waf is False


def test_settings_refuse_an_unknown_stage() -> None:
    with pytest.raises(ValueError, match="unknown stage"):
        StageSettings.from_context("local", {})


def test_csp_allows_only_own_scripts_and_the_given_api() -> None:
    csp = content_security_policy("https://api.example", ["https://login.example"])
    assert "script-src 'self';" in csp
    assert "connect-src 'self' https://api.example https://login.example;" in csp
    assert "unsafe" not in csp


def test_the_readme_cost_tables_are_what_the_cost_model_computes(repo_root: Path) -> None:
    readme = (repo_root / "infra" / "README.md").read_text()
    assert cost.markdown(cost.SLOVENIA) in readme
    assert cost.markdown(cost.EU) in readme
    with_waf = cost.markdown(cost.EU, waf=True).splitlines()[-1]
    assert with_waf.replace("total", "total with WAF") in readme


def test_the_cost_model_charges_every_metric_the_functions_publish() -> None:
    from chalicelib.observability import Counter

    (cloudwatch,) = [line for line in cost.estimate(cost.SLOVENIA) if "CloudWatch" in line.service]
    assert f"{len(Counter)} metrics" in cloudwatch.usage
    assert cloudwatch.list_usd >= len(Counter) * cost.CLOUDWATCH_METRIC_MONTH


def test_cost_grows_with_the_network_and_the_waf() -> None:
    def total(network: cost.Network, waf: bool = False) -> float:
        return sum(line.list_usd for line in cost.estimate(network, waf=waf))

    assert total(cost.SLOVENIA) < total(cost.EU)
    assert total(cost.EU, waf=True) - total(cost.EU) >= cost.WAF_WEB_ACL_MONTH


def test_public_posts_the_app_adds_later_are_throttled_too() -> None:
    # /public/ideas and /public/votes (issue #16) arrive as routes; no list to update.
    definition = {
        "paths": {
            "/public/ideas": {"post": {}, "options": {}},
            "/public/votes": {"post": {}},
            "/public/stats": {"get": {}},
            "/units/{unit_id}/activities": {"post": {}, "get": {}},
        }
    }
    settings = StageSettings(stage="prod", public_responses_rate=7.0, public_reads_rate=9.0)
    found = {
        (s["ResourcePath"], s["HttpMethod"]): s["ThrottlingRateLimit"]
        for s in public_method_settings(definition, settings)
    }
    assert found == {
        ("~1public~1ideas", "POST"): 7.0,
        ("~1public~1votes", "POST"): 7.0,
        ("~1public~1stats", "GET"): 9.0,
    }


def test_a_domain_needs_its_certificate() -> None:
    with pytest.raises(ValueError, match="certificate_arn"):
        StageSettings.from_context("prod", {"domain_name": "logbook.example.org"})
    with pytest.raises(ValueError, match="api_concurrency"):
        StageSettings.from_context("prod", {"api_concurrency": "-1"})


def test_the_readme_states_what_a_day_of_abuse_costs(repo_root: Path) -> None:
    readme = (repo_root / "infra" / "README.md").read_text()
    assert cost.abuse_markdown() in readme
    defaults = StageSettings(stage="prod")
    assert cost.abuse_per_day() == cost.abuse_per_day(
        defaults.public_responses_rate, defaults.public_reads_rate, defaults.api_concurrency
    )
    # The reserved concurrency is a ceiling on compute, whatever the request rate.
    flood = cost.abuse_per_day(post_rate=10_000, get_rate=10_000)
    ceiling = flood["lambda_ceiling"] + flood["requests"] / 1e6 * cost.LAMBDA_REQUESTS_PER_MILLION
    assert flood["lambda"] == pytest.approx(ceiling)
