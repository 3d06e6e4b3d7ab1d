"""``make bench-cold``: cold import time of each Lambda entry point vs ``import boto3``.

Every function's handler (from the synthesized template) is imported in a fresh Python
process from the extracted deployment package, exactly the module Lambda imports
(``app`` for the API and the stream consumer's blueprint, ``chalicelib.api.authorizer`` for the
authorizer). The figure is the median of several runs, as a multiple of importing boto3
alone in the same way; the target is ≤ 2×. Two columns:

* "as shipped": the package exactly as zipped, bytecode writing off (``/var/task`` is
  read-only): what a real cold start does. ``make synth`` puts ``.pyc`` files in the zip
  for the modules a cold start imports (``infra.package``); anything else compiles;
* "bytecode cached": the same imports once every ``.pyc`` file exists (boto3 in the
  Lambda runtime is in this state): the floor the shipped figure can approach.

The target is taken against the "as shipped" column.

Figures are printed, never asserted: they depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from infra.package import LAMBDA_ENVIRONMENT

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


def handlers(template: Path) -> dict[str, str]:
    """Function name → handler ("module.attribute") from a synthesized template."""
    resources = json.loads(template.read_text())["Resources"]
    return {
        resource["Properties"]["FunctionName"]: resource["Properties"]["Handler"]
        for resource in resources.values()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def _environment(path: Path, function: str, *, bytecode: bool) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(path),
        **LAMBDA_ENVIRONMENT,
        # Lambda names the function to its own process; the app reads it.
        "AWS_LAMBDA_FUNCTION_NAME": function,
    }
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _import_seconds(
    module: str, attribute: str, package: Path, function: str, *, bytecode: bool
) -> float:
    """One fresh interpreter importing ``module`` (and reading ``attribute``).

    With ``bytecode`` off nothing is written, so ``package`` stays as unpacked.
    """
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, module, attribute],
        capture_output=True,
        text=True,
        env=_environment(package, function, bytecode=bytecode),
        cwd=package,
        check=True,
        timeout=120,
    )
    return float(completed.stdout.strip().splitlines()[-1])


@dataclass
class Figures:
    """Samples of one entry point; each ratio is taken against boto3 in the same round."""

    shipped: list[float] = field(default_factory=list)
    cached: list[float] = field(default_factory=list)
    shipped_ratio: list[float] = field(default_factory=list)
    cached_ratio: list[float] = field(default_factory=list)


def measure(
    shipped: Path, cached: Path, entry_points: dict[str, str], runs: int
) -> tuple[float, dict[str, Figures]]:
    """Median boto3 import time and per-entry figures, in interleaved rounds.

    ``shipped`` and ``cached`` are two unpacked copies of the package; only ``cached``
    gets bytecode written into it. Rounds interleave the baseline with every entry point
    so that a busy machine slows both sides of a ratio alike.
    """
    figures = {name: Figures() for name in entry_points}
    baseline: list[float] = []
    # Warm the page cache and write the .pyc files the "cached" column relies on.
    for name, handler in entry_points.items():
        module, _, attribute = handler.rpartition(".")
        _import_seconds(module, attribute, cached, name, bytecode=True)
        _import_seconds(module, attribute, shipped, name, bytecode=False)
    for _ in range(runs):
        boto3_seconds = _import_seconds("boto3", "", cached, "baseline", bytecode=True)
        baseline.append(boto3_seconds)
        for name, handler in entry_points.items():
            module, _, attribute = handler.rpartition(".")
            seconds = _import_seconds(module, attribute, cached, name, bytecode=True)
            figures[name].cached.append(seconds)
            figures[name].cached_ratio.append(seconds / boto3_seconds)
            seconds = _import_seconds(module, attribute, shipped, name, bytecode=False)
            figures[name].shipped.append(seconds)
            figures[name].shipped_ratio.append(seconds / boto3_seconds)
    return statistics.median(baseline), figures


def main(argv: Sequence[str] | None = None) -> int:
    """Print each entry point's cold import time and its ratio to ``import boto3``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--package", type=Path, default=REPO_ROOT / "build/logbook-prod-lambda.zip")
    parser.add_argument(
        "--template",
        type=Path,
        default=REPO_ROOT / "build/cloudformation/logbook-prod.template.json",
    )
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    if not args.package.exists() or not args.template.exists():
        print("run `make synth` first (no package or template in build/)", file=sys.stderr)
        return 2

    entry_points = dict(sorted(handlers(args.template).items()))
    with tempfile.TemporaryDirectory(prefix="logbook-cold-") as tmp:
        shipped, cached = Path(tmp) / "shipped", Path(tmp) / "cached"
        with zipfile.ZipFile(args.package) as archive:
            archive.extractall(shipped)
            archive.extractall(cached)
        boto3_seconds, figures = measure(shipped, cached, entry_points, args.runs)

    median = statistics.median
    print(f"baseline: import boto3 {boto3_seconds * 1000:.0f} ms (median of {args.runs} rounds)")
    print(f"{'function':26} {'handler':38} {'as shipped':>19} {'bytecode cached':>19}")
    worst = 0.0
    for name, handler in entry_points.items():
        f = figures[name]
        worst = max(worst, median(f.shipped_ratio))
        print(
            f"{name:26} {handler:38} "
            f"{median(f.shipped) * 1000:9.0f} ms {median(f.shipped_ratio):5.2f}x "
            f"{median(f.cached) * 1000:9.0f} ms {median(f.cached_ratio):5.2f}x"
        )
    verdict = "within" if worst <= TARGET_RATIO else "over"
    print(f"worst as-shipped ratio {worst:.2f}x: {verdict} the {TARGET_RATIO:.0f}x target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
