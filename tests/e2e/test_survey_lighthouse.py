"""Lighthouse (mobile) on the survey page against the live local stack.

Lighthouse comes from the project's npm devDependencies (``make install``); point
``LIGHTHOUSE`` at another binary to measure with another version (see docs/surveys.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_survey_page import call, new_collection, unit  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = os.environ.get("LIGHTHOUSE") or str(ROOT / "node_modules/.bin/lighthouse")


def approve_ideas(stack: Any, where: dict[str, str], code: str, count: int) -> None:
    """``count`` approved proposals on an ideas point: the page as young people vote on it."""
    base = f"/units/{where['id']}/collections/{code}/ideas"
    for index in range(count):
        text = f"Proposal number {index + 1}: I can be part of deciding what we do here."
        body = {"submission_id": str(uuid.uuid4()), "collection_code": code, "text": text}
        call(stack, "POST", "/public/ideas", body)
    for idea in call(stack, "GET", base, token=where["token"])["items"]:
        call(stack, "PUT", f"{base}/{idea['id']}", {"status": "approved"}, where["token"])


def run_lighthouse(url: str, report: Path) -> dict[str, Any]:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
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
    return dict(json.loads(report.read_text()))


def performance(result: dict[str, Any]) -> int:
    return round(result["categories"]["performance"]["score"] * 100)


@pytest.mark.parametrize("kind", ["survey", "checkin", "ideas"])
def test_lighthouse_mobile_scores(
    live_stack: Any,
    unit: dict[str, str],  # noqa: F811
    tmp_path: Path,
    kind: str,
) -> None:
    if not Path(LIGHTHOUSE).exists():
        pytest.fail("Lighthouse is missing: `make install` installs the npm devDependencies")
    bodies: dict[str, dict[str, Any]] = {
        "survey": {"template_id": "annual"},
        "checkin": {"kind": "checkin"},
        "ideas": {"kind": "ideas", "prompt": "What should we ask next year?"},
    }
    code = new_collection(live_stack, unit, bodies[kind])
    if kind == "ideas":
        approve_ideas(live_stack, unit, code, 5)
    # The best of up to three runs: a busy machine only lowers the performance score
    # (see tools/lighthouse_stats.best_of); weight, requests and accessibility are the
    # same every run.
    runs: list[dict[str, Any]] = []
    for attempt in range(3):
        runs.append(
            run_lighthouse(f"{live_stack.site_url}/s/?c={code}", tmp_path / f"{attempt}.json")
        )
        if performance(runs[-1]) >= 95:
            break
    result = max(runs, key=performance)
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
