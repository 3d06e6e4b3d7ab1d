"""A live local stack for browser and HTTP tests, on free ports, stopped by the tests.

``live_stack`` runs DynamoDB Local (AWS's engine, a child process stopped by PID),
the Chalice app on Chalice's local server and the static site, each on a free
127.0.0.1 port, with the site's ``/config.js`` pointing at that API. A platform
admin ``admin@logbook.local`` exists. ``browser`` is Debian's Chromium driven by
Playwright (never a downloaded browser).
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.support import free_port, start_dynamodb_local, stop_process, wait_for, wait_for_dynamodb

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


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    import boto3
    from chalice.config import Config
    from chalice.local import create_local_server

    local_dir = tmp_path_factory.mktemp("local")
    ddb_port, api_port, site_port = free_port(), free_port(), free_port()
    ddb = start_dynamodb_local(local_dir, ddb_port)
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
        wait_for_dynamodb(client)
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
        stop_process(ddb)
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
