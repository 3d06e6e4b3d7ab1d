"""What ``make synth`` leaves in build/: lint-clean templates, small Lambda packages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from infra.synth import MAX_PACKAGE_BYTES, SynthResult


def test_templates_pass_cfn_lint(synth: SynthResult, repo_root: Path) -> None:
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    completed = subprocess.run(
        [str(cfn_lint), "--regions", "eu-north-1", "eu-central-1", "--"]
        + [str(path) for path in synth.templates.values()],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_templates_land_in_one_file_per_stage(synth: SynthResult) -> None:
    assert {path.name for path in synth.templates.values()} == {
        "logbook-dev.template.json",
        "logbook-prod.template.json",
    }
    assert all(path.parent.name == "cloudformation" for path in synth.templates.values())


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_lambda_package_is_under_10_mb_zipped(synth: SynthResult, stage: str) -> None:
    size = synth.packages[stage].stat().st_size
    print(f"{synth.packages[stage].name}: {size / 1e6:.2f} MB zipped")
    assert size <= MAX_PACKAGE_BYTES


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_lambda_package_holds_the_app_and_no_dev_or_sdk_bloat(
    synth: SynthResult, stage: str
) -> None:
    with zipfile.ZipFile(synth.packages[stage]) as package:
        tops = {name.split("/", 1)[0] for name in package.namelist()}
    assert {"app.py", "chalicelib", "pydantic", "jwt", "aws_lambda_powertools"} <= tops
    # boto3/botocore come with the Lambda runtime; X-Ray SDK is not wanted; dev code stays home.
    assert not tops & {"boto3", "botocore", "aws_xray_sdk", "devstack", "tests", "infra"}


def test_cdk_cli_v2_reads_the_cloud_assembly(synth: SynthResult, repo_root: Path) -> None:
    cdk = repo_root / "node_modules" / ".bin" / "cdk"
    assert cdk.exists(), "npm ci installs the CDK CLI (package.json pins aws-cdk@2)"
    env = {**os.environ, "CDK_DISABLE_VERSION_CHECK": "1", "CI": "true"}
    completed = subprocess.run(
        [str(cdk), "ls", "--app", str(synth.assembly), "--no-notices"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        cwd=synth.assembly.parent,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["dev", "(logbook-dev)", "prod", "(logbook-prod)"]
    assert shutil.which("node")
