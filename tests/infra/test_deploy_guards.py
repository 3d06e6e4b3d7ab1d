"""The deploy can never run from a test, and never with the local stack's fake keys."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from infra import deploy


def test_deploy_refuses_inside_pytest_before_touching_aws(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_aws(*_: object) -> None:
        raise AssertionError("the deploy reached AWS from a test")

    monkeypatch.setattr(deploy, "_caller", no_aws)
    monkeypatch.setattr(deploy, "_cdk", no_aws)
    assert deploy.main(["--stage", "prod", "--yes"]) == 2
    assert "test runner" in capsys.readouterr().err


def test_the_test_guard_holds_even_without_pytest_imported() -> None:
    with pytest.raises(deploy.DeployRefusedError):
        deploy.refuse_under_tests({}, {"PYTEST_CURRENT_TEST": "x"})
    deploy.refuse_under_tests({}, {})  # a real command line passes this guard


def test_deploy_needs_an_explicit_stage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        deploy.main(["--yes"])
    assert "--stage" in capsys.readouterr().err


def test_make_deploy_without_stage_stops_before_installing(repo_root: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "STAGE"}
    completed = subprocess.run(
        ["make", "-s", "deploy", "STAGE="],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert completed.returncode == 2
    assert "STAGE=dev or STAGE=prod" in completed.stderr


def test_fake_local_keys_are_dropped_so_real_credentials_are_used() -> None:
    environ = {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "AWS_PROFILE": "logbook-admin",
    }
    cleaned = deploy.deploy_environment(environ)
    assert cleaned == {"AWS_PROFILE": "logbook-admin"}


def test_real_looking_keys_are_kept() -> None:
    environ = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}
    assert deploy.deploy_environment(environ) == environ


def test_site_files_skip_the_local_config_and_carry_types(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "index.html").write_text("<!doctype html>")
    (tmp_path / "s" / "survey.js").write_text("export {}")
    (tmp_path / "config.js").write_text("window.LOGBOOK_CONFIG = {};")
    files = {f.key: f for f in deploy.site_files(tmp_path)}
    assert set(files) == {"s/index.html", "s/survey.js"}
    assert files["s/index.html"].content_type == "text/html; charset=utf-8"
    assert files["s/index.html"].cache_control == "no-cache"
    assert files["s/survey.js"].content_type.startswith("text/javascript")


def test_config_script_points_the_site_at_the_deployed_stage() -> None:
    outputs = {
        "ApiUrl": "https://abc.execute-api.eu-north-1.amazonaws.com/api",
        "SiteUrl": "https://d111.cloudfront.net",
        "HostedUiDomain": "logbook-prod-1.auth.eu-north-1.amazoncognito.com",
        "UserPoolClientId": "client",
        "UserPoolId": "eu-north-1_X",
        "Region": "eu-north-1",
    }
    script = deploy.config_script(outputs, "prod")
    prefix, suffix = "window.LOGBOOK_CONFIG = ", ";\n"
    assert script.startswith(prefix) and script.endswith(suffix)
    config = json.loads(script[len(prefix) : -len(suffix)])
    assert config["apiUrl"] == outputs["ApiUrl"]
    assert config["stage"] == "prod"
    assert config["cognito"]["clientId"] == "client"
    assert config["cognito"]["redirectUri"] == "https://d111.cloudfront.net/app/"


def test_the_deploy_uploads_the_built_site_the_tests_serve() -> None:
    # build/site/ (static_site/ minified, tools/build_site.mjs): never the sources.
    from tools.site_build import BUILT_SITE

    assert deploy.SITE_DIR == BUILT_SITE
