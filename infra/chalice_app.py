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

Chalice installs what the project's ``requirements.txt`` names. So that Lambda runs the
versions the tests run, Chalice packages a project directory (``lambda_project``) whose
``requirements.txt`` is ``requirements.lock``: every package pinned, indirect ones
included, with hashes that pip checks as it downloads. After packaging, the wheels in
the zip are compared with the lock once more (``shipped_distributions``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

from chalice.cdk import Chalice
from constructs import Construct

from infra.gateway_responses import add_to_sam_template
from infra.lock import canonical, read_lock
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


#: What Chalice reads of the repository; everything else stays out of the package.
PROJECT_FILES = ("app.py", "chalicelib", ".chalice/config.json")
RUNTIME_LOCK = "requirements.lock"
#: How the Lambda runtime evaluates a lock entry's environment marker (python3.11, x86_64).
LAMBDA_MARKER_ENVIRONMENT: dict[str, str] = {
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "python_version": "3.11",
    "python_full_version": "3.11.0",
}


def lambda_project(repo_root: Path, target: Path) -> Path:
    """A Chalice project directory for packaging: the repository's app and library
    (links, not copies) and the runtime lock as its ``requirements.txt``.

    Chalice's cache of downloaded dependencies stays the repository's own
    (``.chalice/deployments``); it is keyed on the requirements file's content, so a new
    lock means a fresh download.
    """
    shutil.rmtree(target, ignore_errors=True)
    (target / ".chalice").mkdir(parents=True)
    for name in PROJECT_FILES:
        os.symlink(repo_root / name, target / name)
    cache = repo_root / ".chalice" / "deployments"
    cache.mkdir(exist_ok=True)
    os.symlink(cache, target / ".chalice" / "deployments")
    shutil.copyfile(repo_root / RUNTIME_LOCK, target / "requirements.txt")
    return target


def locked_for_lambda(lock: Path) -> dict[str, str]:
    """name → version of every lock entry that Lambda's environment installs."""
    from packaging.markers import Marker  # a dev dependency: only the synth needs it

    return {
        entry.name: entry.version
        for entry in read_lock(lock)
        if entry.marker is None or Marker(entry.marker).evaluate(LAMBDA_MARKER_ENVIRONMENT)
    }


def shipped_distributions(zip_path: Path) -> dict[str, str]:
    """name → version of every distribution installed in a deployment zip."""
    found: dict[str, str] = {}
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            top = name.split("/", 1)[0]
            if top.endswith(".dist-info") and name == f"{top}/METADATA":
                distribution, _, version = top[: -len(".dist-info")].rpartition("-")
                found[canonical(distribution)] = version
    return found


def check_shipped_against_lock(zip_path: Path, lock: Path) -> None:
    """Refuse a package whose distributions are not exactly the lock's."""
    shipped = shipped_distributions(zip_path)
    locked = locked_for_lambda(lock)
    if shipped != locked:
        extra = {n: v for n, v in shipped.items() if locked.get(n) != v}
        missing = {n: v for n, v in locked.items() if shipped.get(n) != v}
        raise RuntimeError(
            f"the Lambda package differs from {lock.name}: ships {extra}, lock has {missing}"
        )


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
        self.api_definition: dict[str, Any] = {}
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
        deployment_zip = Path(self._sam_package_dir) / "deployment.zip"
        lock = Path(self.source_dir) / "requirements.txt"
        check_shipped_against_lock(deployment_zip, lock)
        add_cold_start_bytecode(
            deployment_zip, sorted({function["Handler"] for function in functions}), runtime
        )

    # Chalice writes the SAM template in this step and CfnInclude reads it right after:
    # the one place to change the template as data rather than through overrides.
    def _generate_sam_template_with_assets(self, chalice_out_dir: str, package_id: str) -> str:
        path: str = super()._generate_sam_template_with_assets(chalice_out_dir, package_id)
        template = json.loads(Path(path).read_text())
        self.function_names = name_functions(template, self.name_prefix)
        # Gateway answers in our shape with CORS, and 405 for undeclared methods.
        add_to_sam_template(template)
        #: The REST API's OpenAPI body: every route and method the app defines.
        self.api_definition = next(
            resource["Properties"]["DefinitionBody"]
            for resource in template["Resources"].values()
            if resource["Type"] == "AWS::Serverless::Api"
        )
        Path(path).write_text(json.dumps(template, indent=2))
        return path
