"""``python -m devstack`` (``make dev``): the whole of Logbook on one machine.

Start order: lock → clean up after a crash → the site built (build/site/) → DynamoDB
Local → tables and issuer key → stream pump → demo data (first start only) → API →
static site → banner. Ctrl-C or
SIGTERM stops everything in reverse order; the data stays in the local dir.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time
import urllib.error
import urllib.request
from types import FrameType
from typing import IO

from devstack import ddb_local
from devstack.config import HOST, ConfigError, DevstackConfig
from devstack.processes import AlreadyRunningError, Child, InstanceLock, PidRegistry, spawn_child
from devstack.site import SiteServer, make_site_server, serve_in_thread
from tools.site_build import SiteBuildError, build_site

ADMIN_EMAIL = "admin@logbook.local"


class StopRequested(Exception):
    """SIGINT or SIGTERM arrived: stop the stack."""


class StackError(RuntimeError):
    """The stack cannot start or a part of it died."""


def say(message: str) -> None:
    """Progress for the developer's terminal."""
    print(f"[logbook] {message}", flush=True)


class LocalStack:
    """The processes and servers of one local stack, started and stopped in order."""

    def __init__(self, config: DevstackConfig) -> None:
        self.config = config
        self.registry = PidRegistry(config.pids_dir)
        self.children: list[Child] = []
        self.site: SiteServer | None = None
        self._logs: list[IO[bytes]] = []

    # -------------------------------------------------------------- start
    def start(self) -> dict[str, float]:
        """Bring everything up; returns timings (seconds) for the banner."""
        config = self.config
        timings: dict[str, float] = {}
        started = time.monotonic()
        for directory in (config.local_dir, config.log_dir, config.pump_dir):
            directory.mkdir(parents=True, exist_ok=True)
        self.registry.kill_stale(say)
        self._check_ports()
        if config.build_site:
            # First, so a source that does not parse stops the start at once.
            say(build_site(config.repo_root, config.site_source, config.site_dir))
        os.environ.update(config.app_environment())

        ddb_log = open(config.log_dir / "dynamodb.log", "ab")  # noqa: SIM115 (lives with the stack)
        self._logs.append(ddb_log)
        database = ddb_local.start(config.db_path, config.ddb_port, self.registry, log=ddb_log)
        self.children.append(database)
        ddb_local.wait_until_ready(config.ddb_endpoint, database)
        timings["dynamodb"] = time.monotonic() - started

        from chalicelib.auth.tokens import ensure_local_keys
        from chalicelib.settings import get_settings
        from chalicelib.store.schema import create_tables

        settings = get_settings()
        create_tables(
            ddb_local.client(config.ddb_endpoint, config.region),
            settings.data_table,
            settings.stats_table,
            settings.idempotency_table_name,
        )
        ensure_local_keys(config.key_dir)

        # The pump runs before seeding so the demo data is aggregated as it lands.
        self.children.append(self._spawn_python("pump", "devstack.pump"))
        seeded = self._seed()
        if seeded is not None:
            timings["seed"] = seeded

        self.children.append(self._spawn_python("api", "devstack.api"))
        if not config.site_dir.is_dir():
            say(f"No static site at {config.site_dir} yet: the site server answers 404")
        self.site = make_site_server(config.site_dir, HOST, config.site_port, config.api_url)
        serve_in_thread(self.site)
        self._wait_for_health()
        timings["ready"] = time.monotonic() - started
        return timings

    def _check_ports(self) -> None:
        config = self.config
        for name, port, variable in (
            ("API", config.api_port, "LOGBOOK_API_PORT"),
            ("site", config.site_port, "LOGBOOK_SITE_PORT"),
            ("DynamoDB Local", config.ddb_port, "LOGBOOK_DDB_PORT"),
        ):
            if not ddb_local.port_is_free(port):
                raise StackError(
                    f"port {port} (the {name}) is taken by another program; stop it or "
                    f"choose another port with {variable}=..."
                )

    def _spawn_python(self, name: str, module: str) -> Child:
        argv = [sys.executable, "-m", module, "--local-dir", str(self.config.local_dir)]
        return spawn_child(
            name,
            argv,
            marker=f"{module} --local-dir {self.config.local_dir}",
            registry=self.registry,
            env=self.config.app_environment(),
            cwd=self.config.repo_root,
        )

    def _seed(self) -> float | None:
        """Load the demo data unless the marker says it is complete; seconds taken."""
        from devstack.seed import ensure_platform_admin, seed_demo_data

        config = self.config
        ensure_platform_admin(ADMIN_EMAIL)
        if config.seed == "none":
            return None
        if config.seed_marker.exists():
            return None
        say(f"First start: loading the {config.seed} demo data (only this once)")
        started = time.monotonic()
        report = seed_demo_data(config.seed, plan_path=config.local_dir / "seed-plan.json")
        took = time.monotonic() - started
        # Written last, atomically: its presence means the seed completed.
        tmp = config.seed_marker.with_suffix(".tmp")
        tmp.write_text(json.dumps({**report, "mode": config.seed, "seconds": round(took, 1)}))
        os.replace(tmp, config.seed_marker)
        say(
            f"Demo data loaded in {took:.1f} s: {report['organisations']} organisations, "
            f"{report['units']} youth centres, {report['activities']} activities"
        )
        return took

    def _wait_for_health(self, timeout: float = 60.0) -> None:
        url = f"{self.config.api_url}/health"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_children()
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (127.0.0.1)
                    if answer.status == 200 and json.load(answer) == {"status": "ok"}:
                        return
            except (OSError, ValueError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise StackError(f"the API did not answer {url} within {timeout:.0f} s")

    # -------------------------------------------------------------- run
    def check_children(self) -> None:
        """Raise ``StackError`` if a child died on its own."""
        for child in self.children:
            code = child.process.poll()
            if code is not None:
                hint = (
                    f"; see {self.config.log_dir / 'dynamodb.log'}"
                    if child.name == "dynamodb"
                    else ""
                )
                raise StackError(f"{child.name} (pid {child.pid}) exited with code {code}{hint}")

    def supervise(self) -> None:
        """Wait, watching the children, until a signal (or a child dies)."""
        while True:
            self.check_children()
            time.sleep(0.5)

    # -------------------------------------------------------------- stop
    def stop(self) -> None:
        """Stop the site, then the children in reverse start order; forget their PIDs."""
        if self.site is not None:
            self.site.shutdown()
            self.site.server_close()
            self.site = None
        for child in reversed(self.children):
            child.stop(timeout=10.0)
            self.registry.forget(child.name)
        self.children = []
        for log in self._logs:
            log.close()
        self._logs = []

    def banner(self, timings: dict[str, float]) -> str:
        """The URLs and demo accounts, printed when the stack is ready."""
        from devstack.seed import demo_accounts

        config = self.config
        lines = [
            "",
            f"Logbook is running (local stage). Ctrl-C stops it; data stays in {config.local_dir}",
            "",
            f"  API             {config.api_url}   (health: {config.api_url}/health, "
            f"OpenAPI: {config.api_url}/openapi.json)",
            f"  Youth worker    {config.site_url}/app/",
            f"  Survey          {config.site_url}/s/?c=CODE",
            f"  Open statistics {config.site_url}/stats/",
            f"  DynamoDB Local  {config.ddb_endpoint}",
            "",
            '  Sign in (no password locally): POST /auth/local-login {"email": ...}',
        ]
        for email, what in demo_accounts(config.seed):
            lines.append(f"    {email:<38} {what}")
        ready = f"  Ready in {timings['ready']:.1f} s"
        if "seed" in timings:
            ready += f" (demo data {timings['seed']:.1f} s; statistics catch up in the background)"
        lines += ["", ready, ""]
        return "\n".join(lines)


def _install_signal_handlers() -> None:
    def request_stop(signum: int, frame: FrameType | None) -> None:
        # Ignore repeats: the clean-up below must not be interrupted halfway.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise StopRequested(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)


def reset(config: DevstackConfig) -> None:
    """Forget every piece of local data: database, checkpoints, keys, seed markers."""
    PidRegistry(config.pids_dir).kill_stale(say)  # a crashed run's database may linger
    for name in ("ddb", "pump", "keys", "logs", "pids"):
        shutil.rmtree(config.local_dir / name, ignore_errors=True)
    for name in ("seeded.json", "seed-plan.json"):
        (config.local_dir / name).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    """Run the local stack in the foreground; the exit code says how it ended."""
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    parser.add_argument(
        "--reset",
        action="store_true",
        help="delete all local data (refused while the stack runs), then exit",
    )
    args = parser.parse_args(argv)
    try:
        config = DevstackConfig.from_env()
    except ConfigError as error:
        print(f"Logbook: {error}", file=sys.stderr)
        return 2
    lock = InstanceLock(config.local_dir)
    try:
        lock.acquire()
    except AlreadyRunningError as running:
        pid = running.pid if running.pid is not None else "unknown"
        print(
            f"Logbook is already running (pid {pid}) with its data in {config.local_dir}.\n"
            f"Use that one, or stop it first (Ctrl-C in its terminal, or kill {pid}).",
            file=sys.stderr,
        )
        return 1
    if args.reset:
        # Holding the lock: no stack can be using the data while it goes.
        reset(config)
        lock.release()
        say(f"Local data in {config.local_dir} deleted; `make dev` starts afresh.")
        return 0
    stack = LocalStack(config)
    exit_code = 0
    _install_signal_handlers()
    try:
        timings = stack.start()
        print(stack.banner(timings), flush=True)
        stack.supervise()
    except StopRequested:
        say("Stopping…")
    except (StackError, SiteBuildError, ddb_local.DynamoDBLocalError) as error:
        print(f"Logbook: {error}", file=sys.stderr)
        exit_code = 1
    except Exception as error:  # anything else: still stop every child
        print(f"Logbook failed: {error!r}", file=sys.stderr)
        exit_code = 1
        _print_traceback()
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        lock.release()
    if exit_code == 0:
        say("Stopped. Start again with `make dev`; your data is kept.")
    return exit_code


def _print_traceback() -> None:
    import traceback

    traceback.print_exc()
