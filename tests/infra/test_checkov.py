"""checkov over the synthesized templates: no failed check, every skip with its reason.

checkov lives in its own venv (``.venv-checkov``, from ``requirements-checkov.lock``):
it pins boto3 and packaging versions that the project's own venv cannot share.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from infra.checks import REASONS
from infra.synth import SynthResult

CHECKOV = Path(__file__).resolve().parents[2] / ".venv-checkov" / "bin" / "checkov"


def run_checkov(directory: Path) -> dict[str, Any]:
    """checkov's JSON report over every template in ``directory`` (offline)."""
    if not CHECKOV.exists():
        pytest.fail(f"{CHECKOV} is missing: run `make install`")
    completed = subprocess.run(
        [
            str(CHECKOV),
            "--directory",
            str(directory),
            "--framework",
            "cloudformation",
            "--output",
            "json",
            "--compact",
            # Offline: no guideline download, no API key, no telemetry.
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # checkov exits 1 when a check fails; anything else non-zero is checkov itself failing.
    assert completed.returncode in (0, 1), completed.stderr[-3000:]
    report: dict[str, Any] = json.loads(completed.stdout)
    return report


@pytest.fixture(scope="module")
def report(
    synth: SynthResult, synth_with_waf: SynthResult, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    # Both stages with defaults, and prod with every option on (WAF, custom domain).
    directory = tmp_path_factory.mktemp("checkov")
    for stage, template in synth.templates.items():
        shutil.copyfile(template, directory / f"{stage}.template.json")
    shutil.copyfile(synth_with_waf.templates["prod"], directory / "prod-options.template.json")
    result = run_checkov(directory)
    summary = result["summary"]
    print(
        f"\ncheckov: {summary['passed']} passed, {summary['failed']} failed, "
        f"{summary['skipped']} skipped over {summary['resource_count']} resources"
    )
    return result


def test_no_check_fails(report: dict[str, Any]) -> None:
    failed = [
        f"{check['check_id']} {check['resource']} ({check['file_path']}): {check['check_name']}"
        for check in report["results"]["failed_checks"]
    ]
    assert not failed, "\n".join(failed)
    assert report["summary"]["passed"] > 100


def test_every_skip_carries_the_reason_written_in_infra_checks(report: dict[str, Any]) -> None:
    skipped = report["results"]["skipped_checks"]
    assert skipped
    for check in skipped:
        reason = check["check_result"]["suppress_comment"]
        assert reason == REASONS[check["check_id"]], check["check_id"]


def test_what_matters_is_fixed_not_skipped(report: dict[str, Any]) -> None:
    # Encryption of queues and topics, API access logs, function concurrency limits, and
    # TLS 1.2 once the site has a domain of its own.
    must_pass = {"CKV_AWS_26", "CKV_AWS_27", "CKV_AWS_76", "CKV_AWS_115"}
    skipped = {check["check_id"] for check in report["results"]["skipped_checks"]}
    passed = {check["check_id"] for check in report["results"]["passed_checks"]}
    assert must_pass <= passed
    assert not must_pass & skipped
    tls = [
        check for check in report["results"]["passed_checks"] if check["check_id"] == "CKV_AWS_174"
    ]
    assert [check["file_path"] for check in tls] == ["/prod-options.template.json"]
