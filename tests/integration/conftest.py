"""Fixtures for integration tests against DynamoDB Local (AWS's own engine).

One DynamoDB Local per test session (per xdist worker), on a free port with its data
in a temporary directory, started with the same launcher as ``make dev``
(``devstack.ddb_local``) and stopped by PID when the session ends. Never the fixed
ports of a developer's stack (8000/8001/8080).

Fixtures:

``ddb_local_endpoint`` (session)
    The URL of that DynamoDB Local, e.g. ``http://127.0.0.1:41234``.
``ddb_local_client`` / ``ddb_local_streams_client`` / ``ddb_local_resource``
    boto3 ``dynamodb`` client, ``dynamodbstreams`` client and ``dynamodb`` resource for
    it, with fake credentials (nothing can reach AWS).
``ddb_local_tables`` (per test)
    A ``LocalTables``: a fresh data table (stream on) and stats table with names
    unique to the test, created by ``chalicelib.store.schema.create_tables`` — the
    definitions ``infra/`` deploys — and deleted afterwards. Attributes: ``data``,
    ``stats`` (table names), ``client``, ``resource``, ``endpoint``; methods
    ``data_table()``/``stats_table()`` return boto3 ``Table`` resources.
``ddb_local_environment`` (per test)
    ``ddb_local_tables`` plus ``LOGBOOK_*`` environment variables (endpoint, table names,
    stage ``test``) set with ``monkeypatch`` and ``get_settings`` cache cleared, for code
    that reads its settings and builds its own clients.

Repository contract tests take ``ddb_local_tables`` here and an equivalent moto fixture
in their own conftest, and run the same test class against both.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib.store.schema import create_tables
from devstack import ddb_local
from devstack.processes import PidRegistry

REGION = "eu-north-1"
_FIXED_PORTS = {8000, 8001, 8080}


def free_port() -> int:
    """A port nothing listens on right now (never one of the developer stack's ports)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port not in _FIXED_PORTS:
            return port


@pytest.fixture(scope="session")
def ddb_local_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start DynamoDB Local for this session; stop it by PID at the end."""
    os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    base = tmp_path_factory.mktemp("ddb-local")
    registry = PidRegistry(base / "pids")
    last_error: Exception | None = None
    # A free port can be taken between probing and binding: try a few.
    for _attempt in range(3):
        port = free_port()
        log_path = base / f"dynamodb-{port}.log"
        with open(log_path, "wb") as log:
            child = ddb_local.start(base / "db", port, registry, log=log, name=f"ddb-{port}")
        endpoint = f"http://127.0.0.1:{port}"
        try:
            ddb_local.wait_until_ready(endpoint, child, timeout=60)
        except ddb_local.DynamoDBLocalError as error:
            last_error = error
            child.stop()
            registry.forget(child.name)
            continue
        try:
            yield endpoint
        finally:
            child.stop()
            registry.forget(child.name)
        return
    pytest.fail(f"DynamoDB Local did not start: {last_error}; see {base}")


def _boto_kwargs(endpoint: str) -> dict[str, Any]:
    return {
        "endpoint_url": endpoint,
        "region_name": REGION,
        "aws_access_key_id": "local",
        "aws_secret_access_key": "local",
    }


@pytest.fixture(scope="session")
def ddb_local_client(ddb_local_endpoint: str) -> Any:
    """A boto3 DynamoDB client for the session's DynamoDB Local."""
    return boto3.client("dynamodb", **_boto_kwargs(ddb_local_endpoint))


@pytest.fixture(scope="session")
def ddb_local_streams_client(ddb_local_endpoint: str) -> Any:
    """A boto3 DynamoDB Streams client for the session's DynamoDB Local."""
    return boto3.client("dynamodbstreams", **_boto_kwargs(ddb_local_endpoint))


@pytest.fixture(scope="session")
def ddb_local_resource(ddb_local_endpoint: str) -> Any:
    """A boto3 DynamoDB resource for the session's DynamoDB Local."""
    return boto3.resource("dynamodb", **_boto_kwargs(ddb_local_endpoint))


@dataclass(frozen=True)
class LocalTables:
    """Fresh tables of one test in DynamoDB Local."""

    data: str
    stats: str
    endpoint: str
    client: Any
    resource: Any

    def data_table(self) -> Any:
        """The data table as a boto3 ``Table`` resource."""
        return self.resource.Table(self.data)

    def stats_table(self) -> Any:
        """The stats table as a boto3 ``Table`` resource."""
        return self.resource.Table(self.stats)


@pytest.fixture
def ddb_local_tables(
    ddb_local_endpoint: str, ddb_local_client: Any, ddb_local_resource: Any
) -> Iterator[LocalTables]:
    """Data and stats tables with names unique to this test; deleted afterwards."""
    suffix = uuid.uuid4().hex[:10]
    tables = LocalTables(
        data=f"test-data-{suffix}",
        stats=f"test-stats-{suffix}",
        endpoint=ddb_local_endpoint,
        client=ddb_local_client,
        resource=ddb_local_resource,
    )
    create_tables(ddb_local_client, tables.data, tables.stats)
    yield tables
    for name in (tables.data, tables.stats):
        # The test may have deleted it itself.
        with contextlib.suppress(ddb_local_client.exceptions.ResourceNotFoundException):
            ddb_local_client.delete_table(TableName=name)


@pytest.fixture
def ddb_local_environment(
    ddb_local_tables: LocalTables, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[LocalTables]:
    """``ddb_local_tables`` with the ``LOGBOOK_*`` settings pointing at them."""
    from chalicelib.settings import get_settings

    for name, value in {
        "LOGBOOK_STAGE": "local",
        "LOGBOOK_DYNAMODB_ENDPOINT": ddb_local_tables.endpoint,
        "LOGBOOK_DATA_TABLE": ddb_local_tables.data,
        "LOGBOOK_STATS_TABLE": ddb_local_tables.stats,
        "LOGBOOK_REGION": REGION,
        "LOGBOOK_LOCAL_KEY_DIR": str(tmp_path / "keys"),
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield ddb_local_tables
    get_settings.cache_clear()


@pytest.fixture(params=["moto", "dynamodb_local"])
def engine_data_table(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh data table (boto3 ``Table``) on moto, then on DynamoDB Local.

    Repository contract tests take this fixture, so every promise of a repository
    is checked on the fast double and on AWS's own engine alike.
    """
    if request.param == "moto":
        from moto import mock_aws

        with mock_aws():
            suffix = uuid.uuid4().hex[:10]
            create_tables(
                boto3.client("dynamodb", region_name=REGION), f"data-{suffix}", f"stats-{suffix}"
            )
            yield boto3.resource("dynamodb", region_name=REGION).Table(f"data-{suffix}")
    else:
        tables: LocalTables = request.getfixturevalue("ddb_local_tables")
        yield tables.data_table()
