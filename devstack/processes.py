"""Process hygiene for the local stack: one instance, children that never outlive it.

Three mechanisms, each covering a different way to die:

* ``InstanceLock`` — ``fcntl.flock`` on ``<local_dir>/devstack.lock``. The kernel drops
  the lock when the holder dies, even on ``kill -9``, so a stale lock file never blocks
  a restart, while a live instance always does.
* ``PR_SET_PDEATHSIG`` — every child asks the kernel to SIGKILL it when the supervisor
  dies, so a ``kill -9`` of the supervisor takes DynamoDB Local and the servers with it.
* ``PidRegistry`` — child PIDs recorded under ``<local_dir>/pids/``; on start, a stale
  child still alive (say its death signal raced the fork) is killed, but only after
  ``/proc/PID/cmdline`` proves it is ours: PIDs are reused, and other stacks (tests in
  other temp dirs) run on the same machine.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

PR_SET_PDEATHSIG = 1
LOCK_FILE = "devstack.lock"

# Loaded once in the parent: after fork only async-signal-safe work is allowed, and
# dlopen is not.
_LIBC = ctypes.CDLL(None, use_errno=True)


class AlreadyRunningError(Exception):
    """Another instance holds the lock of this local dir."""

    def __init__(self, pid: int | None, lock_path: Path) -> None:
        super().__init__(f"already running (pid {pid})")
        self.pid = pid
        self.lock_path = lock_path


class InstanceLock:
    """An exclusive, kernel-released lock on ``<local_dir>/devstack.lock`` holding our PID."""

    def __init__(self, local_dir: Path) -> None:
        self.path = local_dir / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise ``AlreadyRunningError`` with the holder's PID."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # O_RDWR without O_TRUNC: a loser must not wipe the winner's PID before reading it.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                os.close(fd)
                raise
            holder = _read_pid(fd)
            os.close(fd)
            raise AlreadyRunningError(holder, self.path) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        """Drop the lock (the kernel does the same if we die)."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        os.close(self._fd)
        self._fd = None


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 64, 0).decode(errors="replace").strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None


def process_cmdline(pid: int) -> list[str] | None:
    """The argv of a live process from /proc, or None if it is gone (or a zombie)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    if not raw:
        return None  # zombies and kernel threads have an empty cmdline
    return [part.decode(errors="replace") for part in raw.rstrip(b"\0").split(b"\0")]


def is_alive(pid: int) -> bool:
    """True if ``pid`` is a running (not zombie) process."""
    return process_cmdline(pid) is not None


def terminate(pid: int, timeout: float = 10.0, wait: Callable[[float], bool] | None = None) -> None:
    """SIGTERM ``pid``, give it ``timeout`` seconds, then SIGKILL it.

    ``wait`` (our own children pass ``Popen.wait``-based waiting) reaps the process so
    it does not linger as a zombie; for strangers we poll /proc.
    """
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if wait is not None:
            if wait(0.1):
                return
        elif not is_alive(pid):
            return
        else:
            time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    if wait is not None:
        wait(5.0)


@dataclass(frozen=True)
class RecordedChild:
    """A child process as written to ``<local_dir>/pids/<name>.json``."""

    name: str
    pid: int
    marker: str  # a string its /proc cmdline must contain to be ours


class PidRegistry:
    """Child PIDs on disk, so the next start can clean up after a crash."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def record(self, child: RecordedChild) -> None:
        """Remember a started child (atomically: a torn file would hide a live child)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{child.name}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"pid": child.pid, "marker": child.marker}))
        os.replace(tmp, path)

    def forget(self, name: str) -> None:
        """Drop the record of a child that has been stopped."""
        with contextlib.suppress(FileNotFoundError):
            (self.directory / f"{name}.json").unlink()

    def recorded(self) -> list[RecordedChild]:
        """Every child on record, whether it still runs or not."""
        children: list[RecordedChild] = []
        if not self.directory.is_dir():
            return children
        for path in sorted(self.directory.glob("*.json")):
            try:
                data = json.loads(path.read_text())
                children.append(RecordedChild(path.stem, int(data["pid"]), str(data["marker"])))
            except (OSError, ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)  # unreadable: nothing we could safely kill
        return children

    def kill_stale(self, log: Callable[[str], None] = print) -> list[int]:
        """Kill recorded children that are still alive *and* provably ours; forget all."""
        killed: list[int] = []
        for child in self.recorded():
            cmdline = process_cmdline(child.pid)
            if cmdline is not None and child.marker in " ".join(cmdline):
                log(f"Stopping a stale {child.name} (pid {child.pid}) left by an earlier run")
                terminate(child.pid, timeout=5.0)
                killed.append(child.pid)
            self.forget(child.name)
        return killed


def _death_signal_preexec(parent_pid: int) -> Callable[[], None]:
    def preexec() -> None:
        # Runs in the child between fork and exec: ask to be SIGKILLed when the
        # supervisor dies. The kernel ties this to the *thread* that forked, so
        # children are only ever spawned from the supervisor's main thread.
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent_pid:
            os._exit(1)  # the parent died before prctl took effect

    return preexec


@dataclass
class Child:
    """A running child process of the supervisor."""

    name: str
    process: subprocess.Popen[bytes]
    marker: str

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self.process.pid

    def running(self) -> bool:
        """True while the child has not exited."""
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout``; always reaps the child."""
        if not self.running():
            return

        def wait(seconds: float) -> bool:
            try:
                self.process.wait(seconds)
                return True
            except subprocess.TimeoutExpired:
                return False

        terminate(self.pid, timeout=timeout, wait=wait)


def spawn_child(
    name: str,
    argv: Sequence[str],
    *,
    marker: str,
    registry: PidRegistry,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    stdout: IO[bytes] | int | None = None,
    stderr: IO[bytes] | int | None = None,
) -> Child:
    """Start a child that dies with us, in its own session, and record its PID.

    Its own session keeps a terminal's Ctrl-C away from it: the supervisor stops the
    children itself, in order (pump, API, then the database).
    """
    if marker not in " ".join(argv):
        raise ValueError(f"marker {marker!r} must appear in the command line of {name}")
    process = subprocess.Popen(
        list(argv),
        env=dict(env) if env is not None else None,
        cwd=cwd,
        stdout=stdout,
        stderr=stderr,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_death_signal_preexec(os.getpid()),
    )
    registry.record(RecordedChild(name, process.pid, marker))
    return Child(name, process, marker)
