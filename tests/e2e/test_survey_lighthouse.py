"""Lighthouse (mobile) on the survey page against the live local stack.

Lighthouse comes from the project's npm devDependencies (``make install``); point
``LIGHTHOUSE`` at another binary to measure with another version (see docs/surveys.md).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_survey_page import new_collection, unit  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = os.environ.get("LIGHTHOUSE") or str(ROOT / "node_modules/.bin/lighthouse")


@pytest.mark.parametrize("kind", ["survey", "checkin"])
def test_lighthouse_mobile_scores(
    live_stack: Any,
    unit: dict[str, str],  # noqa: F811
    tmp_path: Path,
    kind: str,
) -> None:
    if not Path(LIGHTHOUSE).exists():
        pytest.fail("Lighthouse is missing: `make install` installs the npm devDependencies")
    body = {"template_id": "annual"} if kind == "survey" else {"kind": "checkin"}
    code = new_collection(live_stack, unit, body)
    report = tmp_path / "report.json"
    subprocess.run(
        [
            str(LIGHTHOUSE),
            f"{live_stack.site_url}/s/?c={code}",
            "--only-categories=performance,accessibility,best-practices",
            "--form-factor=mobile",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking"
            " --disable-component-update --disable-sync --no-first-run",
        ],
        check=True,
        timeout=300,
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
    )
    result = json.loads(report.read_text())
    scores = {name: round(cat["score"] * 100) for name, cat in result["categories"].items()}
    audits = result["audits"]
    weight = audits["total-byte-weight"]["numericValue"]
    requests = len(audits["network-requests"]["details"]["items"])
    metrics = {
        name: round(audits[name]["numericValue"], 3)
        for name in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "cumulative-layout-shift",
            "speed-index",
        )
    }
    print(f"lighthouse {kind}: {scores}, {weight / 1024:.1f} KiB in {requests} requests, {metrics}")
    failed = [
        audit["id"]
        for audit in audits.values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") == "binary"
        and audit["id"] in {ref["id"] for ref in result["categories"]["accessibility"]["auditRefs"]}
    ]
    assert scores["accessibility"] == 100, failed
    assert scores["performance"] >= 95, scores
    assert weight <= 50 * 1024 and requests <= 6
