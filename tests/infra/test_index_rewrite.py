"""The CloudFront Function that gives S3 directory indexes, run in Node.js (the CDK needs
it anyway)."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from infra.site import INDEX_REWRITE_JS


def run_viewer_request(uri: str, querystring: dict[str, Any] | None = None) -> dict[str, Any]:
    event = {"request": {"uri": uri, "querystring": querystring or {}, "headers": {}}}
    script = (
        INDEX_REWRITE_JS
        + f"\nprocess.stdout.write(JSON.stringify(handler({json.dumps(event)})));\n"
    )
    completed = subprocess.run(
        ["node", "-e", script], capture_output=True, text=True, timeout=30, check=True
    )
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def test_a_directory_is_served_by_its_index_page() -> None:
    assert run_viewer_request("/app/")["uri"] == "/app/index.html"
    assert run_viewer_request("/")["uri"] == "/index.html"


def test_files_pass_through_unchanged() -> None:
    assert run_viewer_request("/s/survey.js")["uri"] == "/s/survey.js"
    assert run_viewer_request("/config.js")["uri"] == "/config.js"


def test_a_directory_without_slash_is_redirected_with_its_query() -> None:
    answer = run_viewer_request(
        "/stats",
        {"scope": {"value": "org:abc"}, "period": {"value": "2025"}},
    )
    assert answer["statusCode"] == 301
    assert answer["headers"]["location"]["value"] == "/stats/?scope=org:abc&period=2025"


def test_a_repeated_query_parameter_keeps_every_value() -> None:
    answer = run_viewer_request(
        "/s", {"c": {"value": "A", "multiValue": [{"value": "A"}, {"value": "B"}]}}
    )
    assert answer["headers"]["location"]["value"] == "/s/?c=A&c=B"


@pytest.mark.parametrize(
    "uri",
    ["//evil.example/login", "///evil.example/login", "/\\evil.example/x", "//evil.example"],
)
def test_leading_slashes_never_lead_to_another_host(uri: str) -> None:
    # "//host/path" (or "/\\host", which browsers read alike) in a Location header is a
    # protocol-relative URL: another site.
    answer = run_viewer_request(uri, {"next": {"value": "1"}})
    if "statusCode" in answer:
        assert answer["statusCode"] == 301
        target = answer["headers"]["location"]["value"]
        assert target.endswith("/?next=1")
    else:  # a file name: passed on to S3 (its own 404), under one leading slash
        target = answer["uri"]
    assert target.startswith("/")
    assert not target.startswith("//")
    assert "\\" not in target


def test_collapsed_leading_slashes_keep_the_path() -> None:
    answer = run_viewer_request("//evil.example/login")
    assert answer["headers"]["location"]["value"] == "/evil.example/login/"


def test_a_directory_behind_doubled_slashes_is_still_its_index_page() -> None:
    assert run_viewer_request("//app/")["uri"] == "/app/index.html"
