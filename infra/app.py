"""The CDK app: one stack per stage. ``build_app`` is what synth, deploy and tests use.

Stacks are environment-agnostic (account and region are CloudFormation pseudo
parameters), so synthesizing needs no AWS look-ups and no credentials.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import aws_cdk as cdk

from infra.settings import STAGES, StageSettings
from infra.stack import LogbookStack


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    # chalice.cdk writes its packages to ./chalice.out: keep them out of the repo root.
    previous = Path.cwd()
    path.mkdir(parents=True, exist_ok=True)
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def build_app(
    outdir: Path,
    stages: Sequence[str] = STAGES,
    context: dict[str, Any] | None = None,
    work_dir: Path | None = None,
) -> tuple[cdk.App, dict[str, LogbookStack]]:
    """Build (not yet synthesize) the app with one stack per stage into ``outdir``."""
    context = dict(context or {})
    # Chalice's packager wants a region although the templates use AWS::Region.
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-north-1")
    app = cdk.App(outdir=str(outdir), context=context)
    stacks: dict[str, LogbookStack] = {}
    with _working_directory(work_dir or outdir.parent / "chalice-work"):
        for stage in stages:
            stacks[stage] = LogbookStack(app, StageSettings.from_context(stage, context))
    return app, stacks
