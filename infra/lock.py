"""The lock files: every Python dependency, indirect ones included, pinned with hashes.

| input (edited by hand) | lock (``make lock``) | installed into |
|---|---|---|
| ``requirements.txt`` | ``requirements.lock`` | the Lambda package (``infra/chalice_app.py``) |
| ``requirements-dev.txt`` (``-r requirements.txt``) | ``requirements-dev.lock`` | ``.venv`` |
| ``requirements-checkov.txt`` | ``requirements-checkov.lock`` | ``.venv-checkov`` |

The dev lock is resolved under the runtime lock as constraints, so tests run the very
versions that ship. ``python -m infra.lock`` (run by ``make install`` before installing)
and ``tests/infra/test_lock.py`` fail when an input and its lock drift apart: a pin
added, removed or changed without ``make lock``. Standard library only: it runs before
the venv exists.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

REPO_ROOT: Final = Path(__file__).resolve().parent.parent

#: input → its lock, in the order ``make lock`` writes them.
LOCKS: Final = {
    "requirements.txt": "requirements.lock",
    "requirements-dev.txt": "requirements-dev.lock",
    "requirements-checkov.txt": "requirements-checkov.lock",
}

_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(?P<version>[^\s;\\]+)")
_HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def canonical(name: str) -> str:
    """PEP 503 normalized name: ``PyJWT`` → ``pyjwt``, ``typing_extensions`` →
    ``typing-extensions``."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class LockedPackage:
    """One entry of a lock: a pinned version, its hashes, its marker, what needs it."""

    name: str
    version: str
    marker: str | None = None
    hashes: list[str] = field(default_factory=list)
    via: list[str] = field(default_factory=list)


def read_inputs(path: Path) -> dict[str, str]:
    """Top-level pins of a requirements file (following ``-r``): name → version."""
    pins: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            pins.update(read_inputs(path.parent / line[3:].strip()))
            continue
        match = _PIN.match(line)
        if match is None:
            raise ValueError(f"{path.name}: pin every requirement with ==, not {line!r}")
        pins[canonical(match["name"])] = match["version"]
    return pins


def read_lock(path: Path) -> list[LockedPackage]:
    """The entries of a lock written by ``uv pip compile --generate-hashes``."""
    entries: list[LockedPackage] = []
    in_via = False
    for raw in path.read_text().splitlines():
        line = raw.strip()
        match = _PIN.match(raw)
        if match:
            marker = raw.split(";", 1)[1].rstrip(" \\").strip() if ";" in raw else None
            entries.append(LockedPackage(canonical(match["name"]), match["version"], marker))
            in_via = False
            continue
        if not entries:
            continue
        entry = entries[-1]
        if line.startswith("--hash="):
            entry.hashes += _HASH.findall(line)
        elif line.startswith("# via"):
            rest = line[len("# via") :].strip()
            in_via = not rest
            if rest:
                entry.via.append(rest)
        elif in_via and line.startswith("#   "):
            entry.via.append(line[len("#   ") :].strip())
    return entries


def drift(input_path: Path, lock_path: Path) -> list[str]:
    """What is wrong between an input and its lock (nothing when they agree)."""
    if not lock_path.exists():
        return [f"{lock_path.name} is missing"]
    pins = read_inputs(input_path)
    entries = read_lock(lock_path)
    problems: list[str] = []
    locked: dict[str, set[str]] = {}
    for entry in entries:
        locked.setdefault(entry.name, set()).add(entry.version)
        if not entry.hashes:
            problems.append(f"{lock_path.name}: {entry.name} has no hash")
    for name, version in sorted(pins.items()):
        if name not in locked:
            problems.append(
                f"{input_path.name} asks for {name}=={version}, not in {lock_path.name}"
            )
        elif locked[name] != {version}:
            found = ", ".join(sorted(locked[name]))
            problems.append(
                f"{input_path.name} pins {name}=={version}, {lock_path.name} has {found}"
            )
    # Whatever the lock holds only because an input asked for it (no other package needs
    # it; "-c requirements.lock" is a constraint, not a reason) must still be asked for.
    for entry in entries:
        needed_by = [via for via in entry.via if not via.startswith("-")]
        if entry.via and not needed_by and entry.name not in pins:
            problems.append(f"{lock_path.name} keeps {entry.name}, no longer in any input")
    return problems


def runtime_differences(runtime_lock: Path, dev_lock: Path) -> list[str]:
    """Runtime packages the dev lock pins at another version (tests would run others)."""
    dev = {(e.name, e.marker): e.version for e in read_lock(dev_lock)}
    problems = []
    for entry in read_lock(runtime_lock):
        if dev.get((entry.name, entry.marker)) != entry.version:
            problems.append(
                f"{runtime_lock.name} pins {entry.name}=={entry.version}, "
                f"{dev_lock.name} has {dev.get((entry.name, entry.marker))}"
            )
    return problems


def check(root: Path = REPO_ROOT) -> list[str]:
    """Every drift in the repository's inputs and locks."""
    problems: list[str] = []
    for input_name, lock_name in LOCKS.items():
        problems += drift(root / input_name, root / lock_name)
    problems += runtime_differences(root / "requirements.lock", root / "requirements-dev.lock")
    return problems


def main() -> int:
    problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("The lock files are out of date: run `make lock` and commit them.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
