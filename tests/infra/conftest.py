"""Synthesize once per test session: CDK + Chalice packaging take seconds, not ms.

Two assemblies: both stages with default settings, and prod with every option on (the
WAF, a custom domain with its certificate).
Nothing here talks to AWS: the stacks are environment-agnostic and the credentials are
fake (the Makefile exports them; set again here for a bare ``pytest`` run).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra.synth import SynthResult, synthesize

Template = dict[str, Any]

SITE_DOMAIN = "logbook.example.org"
EVERY_OPTION = {
    "waf": "true",
    "domain_name": SITE_DOMAIN,
    "certificate_arn": (
        "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000"
    ),
}


@pytest.fixture(scope="session", autouse=True)
def _offline_aws() -> Iterator[None]:
    fake = {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "eu-north-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "CDK_DISABLE_VERSION_CHECK": "1",
    }
    saved = {key: os.environ.get(key) for key in fake}
    os.environ.update(fake)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory, _offline_aws: None) -> SynthResult:
    return synthesize(tmp_path_factory.mktemp("synth"))


@pytest.fixture(scope="session")
def synth_with_waf(tmp_path_factory: pytest.TempPathFactory, _offline_aws: None) -> SynthResult:
    return synthesize(tmp_path_factory.mktemp("synth-waf"), ["prod"], EVERY_OPTION)


@pytest.fixture(scope="session")
def templates(synth: SynthResult) -> dict[str, Template]:
    return {stage: json.loads(path.read_text()) for stage, path in synth.templates.items()}


@pytest.fixture(scope="session", params=["dev", "prod"])
def template(request: pytest.FixtureRequest, templates: dict[str, Template]) -> Template:
    """Each stage's template in turn: every property must hold in both."""
    return templates[request.param]


@pytest.fixture(scope="session")
def prod(templates: dict[str, Template]) -> Template:
    return templates["prod"]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]
