"""``make bench-cold``: cold import time of each Lambda entry point vs ``import boto3``.

Every function's handler (from the synthesized template) is imported in a fresh Python
process from the extracted deployment package, exactly the module Lambda imports
(``app`` for the API and the stream consumer's blueprint, ``chalicelib.api.auth`` for the
authorizer). The figure is the median of several runs, as a multiple of importing boto3
alone in the same way; the target is ≤ 2×. Two columns:

* "as shipped": the package has no ``.pyc`` files and ``/var/task`` is read-only, so a
  real cold start compiles every module it imports;
* "bytecode cached": the same imports once ``.pyc`` files exist (boto3 in the Lambda
  runtime is in this state).

Figures are printed, never asserted: they depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
TARGET_RATIO: Final = 2.0
_PROBE = """
import importlib, sys, time
module, attribute = sys.argv[1], sys.argv[2]
started = time.perf_counter()
loaded = importlib.import_module(module)
if attribute:
    getattr(loaded, attribute)
print(time.perf_counter() - started)
"""
# What a deployed function sees (no network is used at import time).
_LAMBDA_ENVIRONMENT: Final = {
    "LOGBOOK_STAGE": "prod",
    "LOGBOOK_REGION": "eu-north-1",
    "LOGBOOK_DATA_TABLE": "logbook-prod-data",
    "LOGBOOK_STATS_TABLE": "logbook-prod-stats",
    "LOGBOOK_SITE_URL": "https://example.cloudfront.net",
    "LOGBOOK_JWT_ISSUER": "https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_example",
    "LOGBOOK_JWT_AUDIENCE": "example-client",
    "LOGBOOK_JWKS_URL": (
        "https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_example/.well-known/jwks.json"
    ),
    "POWERTOOLS_SERVICE_NAME": "logbook",
    "POWERTOOLS_METRICS_NAMESPACE": "Logbook",
    "AWS_DEFAULT_REGION": "eu-north-1",
    "AWS_REGION": "eu-north-1",
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def handlers(template: Path) -> dict[str, str]:
    """Function name → handler ("module.attribute") from a synthesized template."""
    resources = json.loads(template.read_text())["Resources"]
    return {
        resource["Properties"]["FunctionName"]: resource["Properties"]["Handler"]
        for resource in resources.values()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def _time_import(
    module: str, attribute: str, path: Path, runs: int, *, bytecode: bool, package: Path
) -> float:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(path),
        **_LAMBDA_ENVIRONMENT,
    }
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    samples = []
    for _ in range(runs):
        if not bytecode:
            for cache in package.rglob("__pycache__"):
                shutil.rmtree(cache, ignore_errors=True)
        completed = subprocess.run(
            [sys.executable, "-c", _PROBE, module, attribute],
            capture_output=True,
            text=True,
            env=env,
            cwd=path,
            check=True,
            timeout=120,
        )
        samples.append(float(completed.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)


def main(argv: Sequence[str] | None = None) -> int:
    """Print each entry point's cold import time and its ratio to ``import boto3``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--package", type=Path, default=REPO_ROOT / "build/logbook-prod-lambda.zip")
    parser.add_argument(
        "--template",
        type=Path,
        default=REPO_ROOT / "build/cloudformation/logbook-prod.template.json",
    )
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    if not args.package.exists() or not args.template.exists():
        print("run `make synth` first (no package or template in build/)", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="logbook-cold-") as tmp:
        package = Path(tmp) / "task"
        with zipfile.ZipFile(args.package) as archive:
            archive.extractall(package)
        # boto3 comes from the runtime (here: this virtualenv), never from the package.
        boto3_cached = _time_import("boto3", "", package, args.runs, bytecode=True, package=package)
        print(f"baseline  import boto3: {boto3_cached * 1000:7.1f} ms (median of {args.runs})")
        print(f"{'function':32} {'handler':36} {'as shipped':>16} {'bytecode cached':>18}")
        worst = 0.0
        for name, handler in sorted(handlers(args.template).items()):
            module, _, attribute = handler.rpartition(".")
            shipped = _time_import(
                module, attribute, package, args.runs, bytecode=False, package=package
            )
            _time_import(module, attribute, package, 1, bytecode=True, package=package)
            cached = _time_import(
                module, attribute, package, args.runs, bytecode=True, package=package
            )
            worst = max(worst, cached / boto3_cached)
            print(
                f"{name:32} {handler:36} "
                f"{shipped * 1000:7.1f} ms {shipped / boto3_cached:4.1f}x "
                f"{cached * 1000:9.1f} ms {cached / boto3_cached:4.1f}x"
            )
    verdict = "within" if worst <= TARGET_RATIO else "over"
    print(f"worst bytecode-cached ratio {worst:.2f}x: {verdict} the {TARGET_RATIO:.0f}x target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
