"""The Chalice app as a CDK construct, with the template changes a real stage needs.

``chalice.cdk.Chalice`` packages ``app.py`` + ``chalicelib/`` into a SAM template and a
deployment zip. Two things are changed in that template before CDK reads it:

* every function gets a fixed name (``logbook-prod-api``, ...), so alarms, logs and
  runbooks can name it;
* the REST API's integration and authorizer URIs point at those names instead of
  ``${Function.Arn}``. Otherwise the functions' ``LOGBOOK_SITE_URL`` (the CloudFront
  domain) would close a cycle: CloudFront → API (the ``/public/*`` origin) → function →
  CloudFront. API Gateway does not check that a function exists when the API is created,
  and the invoke permissions still reference the functions, so nothing is lost.

And before CDK takes the deployment zip as an asset, the bytecode a cold start needs is
added to it (``infra.package``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from chalice.cdk import Chalice
from constructs import Construct

from infra.gateway_responses import add_to_sam_template
from infra.package import add_cold_start_bytecode

SAM_FUNCTION = "AWS::Serverless::Function"
# Chalice names the Lambda behind every route "APIHandler" with handler "app.app".
API_HANDLER = "APIHandler"
_ARN_REFERENCE = re.compile(r"\$\{(?P<logical_id>[A-Za-z0-9]+)\.Arn\}")


def function_name(prefix: str, logical_id: str, handler: str) -> str:
    """The fixed name of a function: ``<prefix>-api`` for routes, else its handler name."""
    if logical_id == API_HANDLER:
        return f"{prefix}-api"
    attribute = handler.rsplit(".", 1)[-1]
    return f"{prefix}-{attribute.replace('_', '-').lower()}"


def name_functions(template: dict[str, Any], prefix: str) -> dict[str, str]:
    """Give every function a fixed name and point the REST API at the names.

    Returns logical id → function name. Changes ``template`` in place.
    """
    names: dict[str, str] = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != SAM_FUNCTION:
            continue
        properties = resource["Properties"]
        name = function_name(prefix, logical_id, properties["Handler"])
        properties["FunctionName"] = name
        names[logical_id] = name

    def by_name(match: re.Match[str]) -> str:
        logical_id = match.group("logical_id")
        if logical_id not in names:
            return match.group(0)
        return (
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"
            + names[logical_id]
        )

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
                return {"Fn::Sub": _ARN_REFERENCE.sub(by_name, node["Fn::Sub"])}
            return {key: rewrite(value) for key, value in node.items()}
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Api":
            resource["Properties"] = rewrite(resource["Properties"])
    return names


class LogbookChalice(Chalice):
    """``chalice.cdk.Chalice`` with fixed function names and a cycle-free REST API.

    The construct's scope must be the stack whose id is the Chalice stage ("dev",
    "prod"): Chalice takes the stage name from it.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        source_dir: str,
        name_prefix: str,
        stage_config: dict[str, Any],
    ) -> None:
        self.name_prefix = name_prefix
        self.function_names: dict[str, str] = {}
        super().__init__(scope, construct_id, source_dir=source_dir, stage_config=stage_config)
        #: The deployment zip that Chalice built (the Lambda code of every function).
        self.deployment_zip = Path(self._sam_package_dir) / "deployment.zip"

    # Chalice zips the code in this step; the asset is made from the zip right after.
    def _package_app(self) -> None:
        super()._package_app()
        template = json.loads((Path(self._sam_package_dir) / "sam.json").read_text())
        functions = [
            resource["Properties"]
            for resource in template["Resources"].values()
            if resource["Type"] == SAM_FUNCTION
        ]
        (runtime,) = {function["Runtime"] for function in functions}
        add_cold_start_bytecode(
            Path(self._sam_package_dir) / "deployment.zip",
            sorted({function["Handler"] for function in functions}),
            runtime,
        )

    # Chalice writes the SAM template in this step and CfnInclude reads it right after:
    # the one place to change the template as data rather than through overrides.
    def _generate_sam_template_with_assets(self, chalice_out_dir: str, package_id: str) -> str:
        path: str = super()._generate_sam_template_with_assets(chalice_out_dir, package_id)
        template = json.loads(Path(path).read_text())
        self.function_names = name_functions(template, self.name_prefix)
        # Gateway answers in our shape with CORS, and 405 for undeclared methods.
        add_to_sam_template(template)
        Path(path).write_text(json.dumps(template, indent=2))
        return path
