"""A live local stack for browser and HTTP tests, on free ports, stopped by the tests.

``live_stack`` runs the local stack exactly as ``make dev`` does (DynamoDB Local,
the Chalice app on Chalice's local server, the static site with ``/config.js``
pointing at that API, and the stream pump), each on a free 127.0.0.1 port, without
demo data. A platform admin ``admin@logbook.local`` exists. ``browser`` is Debian's Chromium driven by
Playwright (never a downloaded browser).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support import free_port, wait_for

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


def _recorded_children(local_dir: Path) -> list[int]:
    pids = []
    for path in (local_dir / "pids").glob("*.json"):
        with contextlib.suppress(ValueError, KeyError, OSError):
            pids.append(int(json.loads(path.read_text())["pid"]))
    return pids


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    """``python -m devstack`` (what ``make dev`` runs) on free ports, without demo data.

    It runs DynamoDB Local, the API on Chalice's local server, the site and the stream
    pump feeding the aggregate handler, so statistics follow writes as in ``make dev``.
    The test process also points its own settings at that DynamoDB Local, so tests
    may inspect stored items. Everything is stopped by PID at the end.
    """
    local_dir = tmp_path_factory.mktemp("local")
    ddb_port, api_port, site_port = free_port(), free_port(), free_port()
    api_url = f"http://127.0.0.1:{api_port}"
    site_url = f"http://127.0.0.1:{site_port}"
    endpoint = f"http://127.0.0.1:{ddb_port}"
    environment = {
        **os.environ,
        "LOGBOOK_LOCAL_DIR": str(local_dir),
        "LOGBOOK_API_PORT": str(api_port),
        "LOGBOOK_SITE_PORT": str(site_port),
        "LOGBOOK_DDB_PORT": str(ddb_port),
        "LOGBOOK_SEED": "none",
        "LOGBOOK_STAGE": "local",
    }
    log = (local_dir / "devstack.log").open("wb")
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "devstack"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    children: list[int] = []
    try:
        try:
            wait_for(f"{api_url}/health", timeout=180)
            wait_for(f"{site_url}/config.js", timeout=30)
        except Exception:
            log.flush()
            pytest.fail(
                "the local stack did not start:\n"
                + (local_dir / "devstack.log").read_text()[-3000:]
            )
        children = _recorded_children(local_dir)
        os.environ.update(
            {
                "LOGBOOK_STAGE": "local",
                "LOGBOOK_DYNAMODB_ENDPOINT": endpoint,
                "LOGBOOK_LOCAL_KEY_DIR": str(local_dir / "keys"),
                "LOGBOOK_SITE_URL": site_url,
            }
        )
        from tests.functional.conftest import reset_caches

        reset_caches()
        yield LiveStack(api_url=api_url, site_url=site_url, ddb_endpoint=endpoint)
    finally:
        children = children or _recorded_children(local_dir)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(supervisor.pid, signal.SIGINT)
        try:
            supervisor.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(supervisor.pid, signal.SIGKILL)
            supervisor.wait()
        for pid in children:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        log.close()
        for name in ("LOGBOOK_DYNAMODB_ENDPOINT", "LOGBOOK_LOCAL_KEY_DIR", "LOGBOOK_SITE_URL"):
            os.environ.pop(name, None)
        os.environ["LOGBOOK_STAGE"] = "local"
        from tests.functional.conftest import reset_caches

        reset_caches()


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
