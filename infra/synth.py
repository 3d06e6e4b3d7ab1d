"""``make synth``: CloudFormation templates and Lambda packages into ``build/``, offline.

Writes ``build/cloudformation/logbook-<stage>.template.json``, the Lambda package
``build/logbook-<stage>-lambda.zip`` (every function of a stage shares it) and the
cloud assembly ``build/cdk.out`` that ``cdk deploy --app build/cdk.out`` deploys.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from infra.settings import STAGES

MAX_PACKAGE_BYTES: Final = 10 * 1024 * 1024  # the bound: 10 MB zipped


@dataclass(frozen=True)
class SynthResult:
    """What one synth produced, per stage."""

    templates: dict[str, Path]
    packages: dict[str, Path]
    assembly: Path
    seconds: float


def synthesize(
    build_dir: Path,
    stages: Sequence[str] = STAGES,
    context: dict[str, Any] | None = None,
) -> SynthResult:
    """Synthesize ``stages`` into ``build_dir``; raise if a package is over 10 MB."""
    from infra.app import build_app  # imports the CDK (slow): only when synthesizing

    started = time.monotonic()
    build_dir = build_dir.resolve()
    assembly_dir = build_dir / "cdk.out"
    templates_dir = build_dir / "cloudformation"
    work_dir = build_dir / "chalice-work"
    for stale in (assembly_dir, templates_dir, work_dir):
        shutil.rmtree(stale, ignore_errors=True)
    templates_dir.mkdir(parents=True)

    app, stacks = build_app(assembly_dir, stages, context, work_dir=work_dir)
    assembly = app.synth()

    templates: dict[str, Path] = {}
    packages: dict[str, Path] = {}
    for stage, stack in stacks.items():
        artifact = assembly.get_stack_artifact(stack.artifact_id)
        template = templates_dir / f"{stack.stack_name}.template.json"
        shutil.copyfile(artifact.template_full_path, template)
        templates[stage] = template
        package = build_dir / f"{stack.stack_name}-lambda.zip"
        shutil.copyfile(stack.chalice.deployment_zip, package)
        packages[stage] = package
        size = package.stat().st_size
        if size > MAX_PACKAGE_BYTES:
            raise RuntimeError(f"{package} is {size / 1e6:.1f} MB zipped, over the 10 MB bound")
    return SynthResult(templates, packages, assembly_dir, time.monotonic() - started)


def _context_pairs(pairs: list[str]) -> dict[str, str]:
    context: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"--context takes key=value, not {pair!r}")
        context[key] = value
    return context


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m infra.synth [--stage prod] [-c waf=true]``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", type=Path, default=Path("build"))
    parser.add_argument("--stage", action="append", choices=STAGES, help="default: all")
    parser.add_argument("-c", "--context", action="append", default=[], help="key=value")
    args = parser.parse_args(argv)
    result = synthesize(args.build_dir, args.stage or STAGES, _context_pairs(args.context))
    for stage, template in result.templates.items():
        package = result.packages[stage]
        print(f"{stage:5} template {template}")
        print(f"{stage:5} lambda   {package} ({package.stat().st_size / 1e6:.2f} MB zipped)")
    print(f"cloud assembly {result.assembly} (synth took {result.seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
