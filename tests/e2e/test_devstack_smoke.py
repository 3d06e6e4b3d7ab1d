"""``python -m devstack`` as a developer runs it: start, use, refuse a twin, stop, crash.

Each test runs the real supervisor as a subprocess on free ports with its own local
dir, so it never touches a developer's stack (8000/8001/8080). Every process a test
starts — the supervisor and the children it recorded — is stopped by PID at the end,
whatever happened.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "admin@logbook.local"
READY_TIMEOUT = 180.0  # a loaded CI machine starts Java slowly


def free_port(taken: set[int]) -> int:
    """A free port, never a developer stack's fixed one nor one already handed out."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port not in {8000, 8001, 8080} | taken:
            taken.add(port)
            return port


def http(
    method: str, url: str, body: Any = None, token: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One request; returns status, headers (lower-case names) and the raw body."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            headers = {name.lower(): value for name, value in answer.headers.items()}
            return answer.status, headers, answer.read()
    except urllib.error.HTTPError as error:
        headers = {name.lower(): value for name, value in error.headers.items()}
        return error.code, headers, error.read()


def pid_alive(pid: int) -> bool:
    """Running and not a zombie."""
    try:
        return bool(Path(f"/proc/{pid}/cmdline").read_bytes())
    except OSError:
        return False


def wait_until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


class Devstack:
    """One ``python -m devstack`` subprocess and everything it recorded."""

    def __init__(self, local_dir: Path, env: dict[str, str], log: Path) -> None:
        self.local_dir = local_dir
        self.env = env
        self.log_path = log
        self.process: subprocess.Popen[bytes] | None = None
        self.known_pids: set[int] = set()
        self.api = f"http://127.0.0.1:{env['LOGBOOK_API_PORT']}"
        self.site = f"http://127.0.0.1:{env['LOGBOOK_SITE_PORT']}"

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "devstack"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.known_pids.add(self.process.pid)

    def wait_ready(self) -> None:
        def healthy() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"devstack exited early:\n{self.output()}")
            self.known_pids.update(self.child_pids().values())
            try:
                status, _, body = http("GET", f"{self.api}/health")
            except OSError:
                return False
            return status == 200 and json.loads(body) == {"status": "ok"}

        wait_until(healthy, READY_TIMEOUT, "GET /health")
        # The banner comes right after the health check passes.
        wait_until(lambda: "Logbook is running" in self.output(), 10, "the banner")
        self.known_pids.update(self.child_pids().values())

    def child_pids(self) -> dict[str, int]:
        """The children the supervisor recorded, by name."""
        pids = {}
        for path in (self.local_dir / "pids").glob("*.json"):
            with contextlib.suppress(OSError, ValueError, KeyError):
                pids[path.stem] = int(json.loads(path.read_text())["pid"])
        return pids

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def token(self, email: str = ADMIN) -> str:
        status, _, body = http("POST", f"{self.api}/auth/local-login", {"email": email})
        assert status == 200, body
        return str(json.loads(body)["token"])

    def kill_everything(self) -> None:
        """Last resort in teardown: SIGKILL the supervisor and what it started, by PID.

        Only PIDs that are still provably this stack's (their command line names its local
        dir): a PID that exited earlier in the test may belong to a stranger by now.
        """
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # Popen never signals a PID it has already reaped
        self.known_pids.update(self.child_pids().values())
        for pid in self.known_pids:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if str(self.local_dir).encode() in cmdline:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    """A small site of our own, so the server's behaviour is checked exactly."""
    root = tmp_path / "site"
    for page in ("app", "s", "stats"):
        (root / page).mkdir(parents=True)
        (root / page / "index.html").write_text(
            f"<!doctype html><title>{page}</title><script type=module src=main.js></script>"
        )
    (root / "app" / "main.js").write_text("export const answer = 42;\n" * 60)
    (root / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "app.webmanifest").write_text("{}")
    return root


@pytest.fixture
def stacks(tmp_path: Path, site_dir: Path) -> Iterator[Any]:
    """Make Devstack runners sharing one local dir; kill all they started at the end."""
    local_dir = tmp_path / "local"
    ports: set[int] = set()
    env = {
        **os.environ,
        "LOGBOOK_LOCAL_DIR": str(local_dir),
        "LOGBOOK_API_PORT": str(free_port(ports)),
        "LOGBOOK_SITE_PORT": str(free_port(ports)),
        "LOGBOOK_DDB_PORT": str(free_port(ports)),
        "LOGBOOK_SITE_DIR": str(site_dir),
        "LOGBOOK_SEED": "none",
    }
    made: list[Devstack] = []

    def make(**overrides: str) -> Devstack:
        stack = Devstack(local_dir, {**env, **overrides}, tmp_path / f"devstack-{len(made)}.log")
        made.append(stack)
        return stack

    try:
        yield make
    finally:
        for stack in made:
            stack.kill_everything()


def test_runs_the_api_and_site_refuses_a_twin_and_stops_on_ctrl_c(stacks: Any) -> None:
    # Given a running local stack with the small demo data
    stack = stacks(LOGBOOK_SEED="small")
    started = time.monotonic()
    stack.start()
    stack.wait_ready()
    ready_after = time.monotonic() - started
    children = stack.child_pids()
    assert set(children) == {"dynamodb", "api", "pump"}
    assert all(pid_alive(pid) for pid in children.values())

    # Then the API answers, signs in the seeded admin and refuses bad tokens with 401
    token = stack.token()
    assert http("GET", f"{stack.api}/orgs")[0] == 401
    assert http("GET", f"{stack.api}/orgs", token="not-a-jwt")[0] == 401

    # And the demo data is there
    status, _, body = http("GET", f"{stack.api}/public/orgs")
    assert status == 200
    names = {org["name"] for org in json.loads(body)["items"]}
    assert {"Mestna občina Novo mesto", "Tampereen kaupunki"} <= names
    assert "Mladinski center Novo mesto" in body.decode()

    # And an organisation, a unit and an activity can be created over HTTP
    status, _, body = http("POST", f"{stack.api}/orgs", {"name": "Smoke", "country": "SI"}, token)
    assert status == 201, body
    org_id = json.loads(body)["id"]
    status, _, body = http("POST", f"{stack.api}/orgs/{org_id}/units", {"name": "MC"}, token)
    assert status == 201, body
    unit_id = json.loads(body)["id"]
    activity = {
        "date": "2026-03-14", "start_time": "17:00", "duration_minutes": 120, "kind": "open",
        "categories": ["socialising"], "title": "Friday open house",
        "participants": {"girls": 5, "boys": 7, "nonbinary": 1, "undisclosed": 0},
        "new_participants": 2, "youth_led": True, "youth_leaders": 2, "volunteers": 1,
        "staff": 2,
    }  # fmt: skip
    status, _, body = http("POST", f"{stack.api}/units/{unit_id}/activities", activity, token)
    assert status == 201, body
    status, _, body = http("GET", f"{stack.api}/units/{unit_id}/activities", token=token)
    assert status == 200
    assert [item["title"] for item in json.loads(body)["items"]] == ["Friday open house"]

    # And the site serves its pages, modules and the generated config.js
    for path in ("/app/", "/s/?c=ABC123", "/stats/?scope=all&period=2026"):
        status, headers, body = http("GET", f"{stack.site}{path}")
        assert status == 200, path
        assert headers["content-type"].startswith("text/html")
        assert b"<title>" in body
    status, headers, _ = http("GET", f"{stack.site}/app/main.js")
    assert (status, headers["content-type"]) == (200, "text/javascript; charset=utf-8")
    assert http("GET", f"{stack.site}/logo.svg")[1]["content-type"] == "image/svg+xml"
    assert http("GET", f"{stack.site}/app.webmanifest")[1]["content-type"].startswith(
        "application/manifest+json"
    )
    assert http("GET", f"{stack.site}/../../etc/passwd")[0] == 404
    status, headers, body = http("GET", f"{stack.site}/config.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert body.decode().strip() == (
        f'window.LOGBOOK_CONFIG = {{"apiUrl": "{stack.api}", "stage": "local"}};'
    )

    # When a second instance starts on the same local dir
    twin = subprocess.run(
        [sys.executable, "-m", "devstack"], cwd=ROOT, env=stack.env, capture_output=True,
        timeout=60, text=True,
    )  # fmt: skip

    # Then it refuses plainly, naming the running one
    assert twin.returncode == 1
    assert twin.stderr.startswith(f"Logbook is already running (pid {stack.process.pid})")
    assert all(pid_alive(pid) for pid in children.values())

    # And a reset is refused while the stack runs, touching nothing
    reset = subprocess.run(
        [sys.executable, "-m", "devstack", "--reset"], cwd=ROOT, env=stack.env,
        capture_output=True, timeout=60, text=True,
    )  # fmt: skip
    assert reset.returncode == 1
    assert reset.stderr.startswith("Logbook is already running")
    assert (stack.local_dir / "ddb").is_dir()
    assert http("GET", f"{stack.api}/units/{unit_id}/activities", token=token)[0] == 200

    # When Ctrl-C reaches the supervisor
    stack.process.send_signal(signal.SIGINT)

    # Then it exits cleanly and every child is gone
    assert stack.process.wait(timeout=60) == 0, stack.output()
    assert not [name for name, pid in children.items() if pid_alive(pid)]
    assert stack.child_pids() == {}
    print(f"ready after {ready_after:.1f} s")


def test_restarts_after_kill_9_with_the_data_kept(stacks: Any) -> None:
    # Given a stack holding an organisation
    first = stacks()
    first.start()
    first.wait_ready()
    token = first.token()
    status, _, body = http(
        "POST", f"{first.api}/orgs", {"name": "Survivor", "country": "FI"}, token
    )
    assert status == 201, body
    org_id = json.loads(body)["id"]
    children = first.child_pids()

    # When the supervisor is killed with SIGKILL (no chance to clean up)
    assert first.process is not None
    os.kill(first.process.pid, signal.SIGKILL)
    first.process.wait(timeout=10)

    # Then its children die with it (PR_SET_PDEATHSIG)
    wait_until(lambda: not any(pid_alive(pid) for pid in children.values()), 20, "children to die")

    # And a new start on the same local dir works and still has the data
    second = stacks()
    second.start()
    second.wait_ready()
    status, _, body = http("GET", f"{second.api}/orgs/{org_id}", token=second.token())
    assert status == 200, body
    assert json.loads(body)["name"] == "Survivor"
    assert "already running" not in second.output()

    # And SIGTERM stops it as cleanly as Ctrl-C
    assert second.process is not None
    new_children = second.child_pids()
    second.process.send_signal(signal.SIGTERM)
    assert second.process.wait(timeout=60) == 0, second.output()
    assert not any(pid_alive(pid) for pid in new_children.values())


def test_stale_children_of_a_crashed_run_are_cleaned_up(stacks: Any, tmp_path: Path) -> None:
    # Given a recorded child from a crashed run that is still alive and provably ours
    local_dir = tmp_path / "local"
    (local_dir / "pids").mkdir(parents=True)
    marker = f"devstack.pump --local-dir {local_dir}"
    stale = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(300)", "devstack.pump",
         "--local-dir", str(local_dir)],
        start_new_session=True,
    )  # fmt: skip
    # ... and a record whose PID now belongs to a stranger (must survive)
    stranger = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True
    )
    try:
        (local_dir / "pids" / "pump.json").write_text(
            json.dumps({"pid": stale.pid, "marker": marker})
        )
        (local_dir / "pids" / "api.json").write_text(
            json.dumps({"pid": stranger.pid, "marker": f"devstack.api --local-dir {local_dir}"})
        )

        # When the stack starts
        stack = stacks()
        stack.start()
        stack.wait_ready()

        # Then the stale child was stopped and the stranger left alone
        assert stale.wait(timeout=10) is not None
        assert stranger.poll() is None
        assert f"stale pump (pid {stale.pid})" in stack.output()
        assert stack.process is not None
        stack.process.send_signal(signal.SIGINT)
        assert stack.process.wait(timeout=60) == 0
    finally:
        for process in (stale, stranger):
            process.kill()
            process.wait()


def demo_snapshot(stack: Devstack, token: str) -> dict[str, Any]:
    """Organisations, units and every activity id of the first unit, as the API lists them."""
    status, _, body = http("GET", f"{stack.api}/public/orgs")
    assert status == 200, body
    orgs = json.loads(body)["items"]
    unit_id = orgs[0]["units"][0]["id"]
    activity_ids: list[str] = []
    cursor = ""
    while True:
        url = f"{stack.api}/units/{unit_id}/activities" + (f"?cursor={cursor}" if cursor else "")
        status, _, body = http("GET", url, token=token)
        assert status == 200, body
        page = json.loads(body)
        activity_ids += [item["id"] for item in page["items"]]
        if not page["next"]:
            break
        cursor = page["next"]
    return {
        "orgs": sorted((org["name"], sorted(u["id"] for u in org["units"])) for org in orgs),
        "activities": sorted(activity_ids),
    }


def test_an_interrupted_seed_is_redone_without_duplicates(stacks: Any) -> None:
    # Given a stack seeded with the small demo
    first = stacks(LOGBOOK_SEED="small")
    first.start()
    first.wait_ready()
    before = demo_snapshot(first, first.token())
    assert len(before["orgs"]) == 2
    assert len(before["activities"]) > 20
    assert first.process is not None
    first.process.send_signal(signal.SIGINT)
    assert first.process.wait(timeout=60) == 0

    # When the completion marker is missing (the seed was cut off before writing it)
    (first.local_dir / "seeded.json").unlink()
    second = stacks(LOGBOOK_SEED="small")
    second.start()
    second.wait_ready()

    # Then the seed ran again and left exactly the same data: nothing duplicated
    assert second.output().count("First start: loading the small demo data") == 1
    assert demo_snapshot(second, second.token()) == before
    assert (second.local_dir / "seeded.json").exists()
    assert second.process is not None
    second.process.send_signal(signal.SIGINT)
    assert second.process.wait(timeout=60) == 0


def test_public_statistics_reflect_a_write_within_five_seconds(stacks: Any) -> None:
    # Runs once the aggregate handler exists (another part of the system).
    pytest.importorskip("chalicelib.events.aggregate")

    # Given a running stack with a unit
    stack = stacks()
    stack.start()
    stack.wait_ready()
    token = stack.token()
    status, _, body = http("POST", f"{stack.api}/orgs", {"name": "Stats", "country": "SE"}, token)
    org_id = json.loads(body)["id"]
    status, _, body = http("POST", f"{stack.api}/orgs/{org_id}/units", {"name": "Gård"}, token)
    unit_id = json.loads(body)["id"]

    # When an activity is recorded
    activity = {
        "date": "2026-03-14", "duration_minutes": 90, "kind": "group", "title": "Läxhjälp",
        "participants": {"girls": 3, "boys": 4, "nonbinary": 0, "undisclosed": 0},
    }  # fmt: skip
    status, _, body = http("POST", f"{stack.api}/units/{unit_id}/activities", activity, token)
    assert status == 201, body
    written = time.monotonic()

    # Then the unit's public statistics count it within five seconds (pump → aggregate)
    def counted() -> bool:
        status, _, body = http("GET", f"{stack.api}/public/stats?scope=unit:{unit_id}&period=2026")
        return status == 200 and json.loads(body)["activities"]["count"] == 1

    wait_until(counted, 5.0, "the statistics to count the activity")
    assert time.monotonic() - written <= 5.0
    status, _, body = http("GET", f"{stack.api}/public/stats?scope=unit:{unit_id}&period=2026")
    # (no count below 3 in the unit's cell, so nothing is suppressed: docs/privacy.md)
    assert json.loads(body)["participation"]["visits"] == 7
    assert stack.process is not None
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(timeout=60) == 0


def test_statistics_are_exact_after_sigkill_in_a_burst_of_writes(stacks: Any) -> None:
    """The whole stack dies mid-burst; after a restart the statistics equal a recount."""
    import threading

    import boto3

    from chalicelib.store.stats import StatsStore
    from tests.builders import activity
    from tools.stats_admin import verify

    # Given a running stack with a unit
    first = stacks()
    first.start()
    first.wait_ready()
    token = first.token()
    _, _, body = http("POST", f"{first.api}/orgs", {"name": "Burst", "country": "SI"}, token)
    org_id = json.loads(body)["id"]
    _, _, body = http("POST", f"{first.api}/orgs/{org_id}/units", {"name": "MC Burst"}, token)
    unit_id = json.loads(body)["id"]

    # When a burst of inserts, edits and deletes is under way...
    written: list[str] = []

    def burst() -> None:
        for number in range(400):
            try:
                status, _, answer = http(
                    "POST",
                    f"{first.api}/units/{unit_id}/activities",
                    activity(
                        date=f"2026-0{1 + number % 6}-1{number % 9}", duration_minutes=30 + number
                    ),
                    token,
                )
                if status != 201:
                    return
                stored = json.loads(answer)
                written.append(stored["id"])
                path = f"{first.api}/units/{unit_id}/activities/{stored['id']}"
                if number % 5 == 1:
                    http("PUT", path, {**stored, "duration_minutes": 45}, token)
                if number % 7 == 3:
                    http("DELETE", path, None, token)
            except OSError:
                return

    writer = threading.Thread(target=burst)
    writer.start()
    wait_until(lambda: len(written) >= 40, 120, "the burst to get going")

    # ...the whole stack is killed with SIGKILL (the supervisor, and with it every child)
    assert first.process is not None
    os.killpg(first.process.pid, signal.SIGKILL)
    first.process.wait(timeout=10)
    writer.join(timeout=60)
    assert 40 <= len(written) < 400, "the kill must land in the middle of the burst"

    # Then after a restart the statistics catch up and equal a recomputation
    second = stacks()
    second.start()
    second.wait_ready()
    endpoint = f"http://127.0.0.1:{second.env['LOGBOOK_DDB_PORT']}"
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-north-1")
    store = StatsStore(client, "logbook-stats")

    def exact() -> bool:
        return verify(client, "logbook-data", store, progress=False) == []

    wait_until(exact, 120, "statistics to equal a recomputation")
    status, _, body = http("GET", f"{second.api}/public/stats?scope=unit:{unit_id}&period=2026")
    assert status == 200
    assert json.loads(body)["activities"]["count"] > 0
