"""Functional tests: the Chalice app through ``chalice.test.Client`` over moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import moto  # noqa: F401  (imported before boto3 creates any client)
import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib.auth.tokens import ensure_local_keys
from chalicelib.services.clock import SettableClock
from chalicelib.settings import get_settings
from chalicelib.store import clients
from chalicelib.store.schema import create_tables
from devstack.gateway import patch_local_authorizer

ADMIN = "admin@logbook.local"


def reset_caches() -> None:
    """Settings, clients and services are cached per process; tests change them."""
    from chalicelib import services
    from chalicelib.api import idempotency, open_data
    from chalicelib.auth import tokens
    from chalicelib.events import aggregate
    from chalicelib.store import sender_limits as sender_limits_store
    from chalicelib.store import surveys as surveys_store

    get_settings.cache_clear()
    clients.dynamodb_resource.cache_clear()
    clients.dynamodb_client.cache_clear()
    clients.cognito_client.cache_clear()
    services.reset()
    tokens.verifier_for.cache_clear()
    open_data.forget_kept()
    aggregate.get_aggregator.cache_clear()
    idempotency.idempotency_store.cache_clear()
    surveys_store.forget_checkin_keys()
    sender_limits_store.forget_day_keys()


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("keys")
    ensure_local_keys(directory)
    return directory


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, key_dir: Path) -> Iterator[None]:
    """moto for every AWS call, with both tables created, and fresh caches."""
    monkeypatch.setenv("LOGBOOK_LOCAL_KEY_DIR", str(key_dir))
    monkeypatch.setenv("LOGBOOK_STAGE", "local")
    # moto only intercepts AWS's own endpoints: never inherit a DynamoDB Local endpoint.
    monkeypatch.delenv("LOGBOOK_DYNAMODB_ENDPOINT", raising=False)
    with mock_aws():
        reset_caches()
        settings = get_settings()
        create_tables(
            boto3.client("dynamodb", region_name=settings.region),
            settings.data_table,
            settings.stats_table,
        )
        yield
    reset_caches()


@pytest.fixture
def clock(aws: None) -> SettableClock:
    """The services' one clock: the real time until the test sets it."""
    from chalicelib import services

    clock = SettableClock()
    services.reset(clock=clock)
    return clock


@pytest.fixture
def app_client(aws: None) -> Iterator[Client]:
    from app import app

    patch_local_authorizer()
    with Client(app, stage_name="local") as client:
        yield client


class Api:
    """A small helper over the test client: JSON in, status and JSON out."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def token(self, email: str) -> str:
        answer = self.call("POST", "/auth/local-login", {"email": email})
        assert answer.status == 200, answer.body
        return answer.json["token"]

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | str | None = None,
    ) -> Any:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            sent.setdefault("Content-Type", "application/json")
        response = self.client.http.request(method, path, headers=sent, body=data)
        response.json = json.loads(response.body) if response.body else None
        response.status = response.status_code
        return response


@pytest.fixture
def api(app_client: Client) -> Api:
    from chalicelib.services import get_services

    get_services().identity.add_platform_admin(ADMIN)
    return Api(app_client)
