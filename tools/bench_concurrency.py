"""``make bench-concurrency``: does the local stack hold a crowd of clients at once?

A class answers a survey together; a room of people opens the statistics together.
This starts the local stack exactly as ``make dev`` does (on free ports, a data
directory of its own, no demo data) unless ``--api`` names one that runs, sets up a
unit with a survey, then lets N clients (default 100) start at the same instant, each
on fresh connections as phones do: read the survey, send an answer, read the
statistics. It prints clients, requests, connection resets, other connection errors,
5xx, 429 and latency percentiles, and exits non-zero on any reset or 5xx.

It measures; it is not a timed test. Figures depend on the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "admin@logbook.local"
# A dropped connection: reset by the kernel, or closed before any answer.
RESET_ERRORS = (
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
    http.client.RemoteDisconnected,
)


@dataclass
class Tally:
    """What the clients saw; appended to from many threads under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    resets: int = 0
    other_errors: Counter[str] = field(default_factory=Counter)

    def record(self, status: int | None, seconds: float, error: BaseException | None) -> None:
        with self.lock:
            if error is None and status is not None:
                self.statuses[status] += 1
                self.latencies.append(seconds)
            elif isinstance(error, RESET_ERRORS):
                self.resets += 1
            else:
                self.other_errors[type(error).__name__] += 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(
    base: str,
    method: str,
    path: str,
    body: object = None,
    token: str | None = None,
    timeout: float = 60.0,
) -> tuple[int, object]:
    """One request on a fresh connection: status and decoded JSON body."""
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=timeout)
    headers = {"Connection": "close"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, body=data, headers=headers)
        answer = connection.getresponse()
        raw = answer.read()
    finally:
        connection.close()
    try:
        decoded = json.loads(raw) if raw else None
    except ValueError:
        decoded = None
    return answer.status, decoded


def _wait_for(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            status, _ = call(url, "GET", "/health", timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url}/health did not answer within {timeout:.0f} s")
        time.sleep(0.3)


@contextlib.contextmanager
def local_stack() -> Iterator[str]:
    """``python -m devstack`` on free ports in a temporary data directory; its API URL."""
    with tempfile.TemporaryDirectory(prefix="bench-concurrency-", dir=ROOT / ".local") as tmp:
        api_port = _free_port()
        environment = {
            **os.environ,
            "LOGBOOK_LOCAL_DIR": tmp,
            "LOGBOOK_API_PORT": str(api_port),
            "LOGBOOK_SITE_PORT": str(_free_port()),
            "LOGBOOK_DDB_PORT": str(_free_port()),
            "LOGBOOK_SEED": "none",
            "LOGBOOK_STAGE": "local",
        }
        log_path = Path(tmp) / "devstack.log"
        with log_path.open("wb") as log:
            stack = subprocess.Popen(
                [sys.executable, "-m", "devstack"],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            api_url = f"http://127.0.0.1:{api_port}"
            try:
                _wait_for(api_url, timeout=180)
                yield api_url
            except TimeoutError:
                print(log_path.read_text()[-3000:], file=sys.stderr)
                raise
            finally:
                # The supervisor stops its children on SIGINT, as Ctrl-C in `make dev`.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(stack.pid, signal.SIGINT)
                try:
                    stack.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(stack.pid, signal.SIGKILL)
                    stack.wait()


def set_up_survey(api: str) -> tuple[str, str, dict[str, int]]:
    """An organisation, a unit and a feedback survey: (org id, code, answers to send)."""
    status, login = call(api, "POST", "/auth/local-login", {"email": ADMIN})
    if status != 200 or not isinstance(login, dict):
        raise SystemExit(f"local sign-in failed ({status}): is this the local stage?")
    token = str(login["token"])

    def post(path: str, body: dict) -> dict:
        status, answer = call(api, "POST", path, body, token)
        if status != 201 or not isinstance(answer, dict):
            raise SystemExit(f"POST {path} answered {status}: {answer}")
        return answer

    org = post("/orgs", {"name": f"Bench {uuid.uuid4().hex[:6]}", "country": "SI"})["id"]
    unit = post(f"/orgs/{org}/units", {"name": "Bench centre"})["id"]
    code = post(f"/units/{unit}/collections", {"template_id": "feedback"})["code"]
    status, survey = call(api, "GET", f"/public/collections/{code}?lang=en")
    if status != 200 or not isinstance(survey, dict):
        raise SystemExit(f"the survey did not load ({status})")
    answers = {q["id"]: 4 for q in survey["questions"] if q["type"] == "scale"}
    return org, code, answers


def crowd(api: str, clients: int, org: str, code: str, answers: dict[str, int]) -> Tally:
    """Every client starts at once: read the survey, answer it, read the statistics."""
    tally = Tally()
    start = threading.Barrier(clients)
    year = time.gmtime().tm_year

    def timed(method: str, path: str, body: object = None) -> None:
        began = time.perf_counter()
        try:
            status, _ = call(api, method, path, body)
        except (OSError, http.client.HTTPException) as error:
            tally.record(None, 0.0, error)
            return
        tally.record(status, time.perf_counter() - began, None)

    def client() -> None:
        start.wait()
        timed("GET", f"/public/collections/{code}?lang=en")
        submission = {
            "submission_id": str(uuid.uuid4()),
            "collection_code": code,
            "lang": "en",
            "answers": answers,
        }
        timed("POST", "/public/responses", submission)
        timed("GET", f"/public/stats?scope=org:{org}&period={year}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(clients: int, tally: Tally, seconds: float) -> int:
    """Print the figures; 1 if any connection was reset or any answer was a 5xx."""
    answered = sum(tally.statuses.values())
    failed = tally.resets + sum(tally.other_errors.values())
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    ms = [s * 1000 for s in tally.latencies]
    print(f"clients            {clients}")
    print(f"requests           {answered + failed}")
    print(f"answered           {answered}  ({dict(sorted(tally.statuses.items()))})")
    print(f"connection resets  {tally.resets}")
    print(f"other conn. errors {sum(tally.other_errors.values())}  {dict(tally.other_errors)}")
    print(f"5xx                {server_errors}")
    print(f"429                {tally.statuses.get(429, 0)}")
    if ms:
        print(
            "latency ms         "
            f"p50 {percentile(ms, 0.5):.0f}  p90 {percentile(ms, 0.9):.0f}  "
            f"p99 {percentile(ms, 0.99):.0f}  max {max(ms):.0f}  mean {statistics.mean(ms):.0f}"
        )
    print(f"wall time          {seconds:.1f} s")
    ok = tally.resets == 0 and server_errors == 0 and not tally.other_errors
    print("result             " + ("held: no reset, no 5xx" if ok else "FAILED"))
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_concurrency", description=__doc__)
    parser.add_argument("--clients", type=int, default=100, help="clients at once (100)")
    parser.add_argument(
        "--api", help="a running local stack's API (e.g. http://127.0.0.1:8000); else start one"
    )
    args = parser.parse_args(argv)
    if args.clients < 1:
        parser.error("--clients must be at least 1")

    def run(api: str) -> int:
        org, code, answers = set_up_survey(api)
        began = time.perf_counter()
        tally = crowd(api, args.clients, org, code, answers)
        return report(args.clients, tally, time.perf_counter() - began)

    if args.api:
        return run(args.api.rstrip("/"))
    (ROOT / ".local").mkdir(exist_ok=True)
    print("starting a local stack (as `make dev`, on free ports, without demo data)...")
    with local_stack() as api:
        return run(api)


if __name__ == "__main__":
    sys.exit(main())
