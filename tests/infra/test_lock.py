"""The lock files: inputs and locks agree, tests run the lock, Lambda ships the lock."""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker, default_environment

from infra.chalice_app import check_shipped_against_lock, locked_for_lambda, shipped_distributions
from infra.lock import LOCKS, check, drift, read_lock
from infra.synth import SynthResult


@pytest.fixture
def repo_copy(repo_root: Path, tmp_path: Path) -> Path:
    for name in [*LOCKS, *LOCKS.values()]:
        shutil.copyfile(repo_root / name, tmp_path / name)
    return tmp_path


def test_every_input_agrees_with_its_lock(repo_root: Path) -> None:
    assert check(repo_root) == []


def test_every_locked_package_has_hashes(repo_root: Path) -> None:
    for lock in LOCKS.values():
        entries = read_lock(repo_root / lock)
        assert entries, lock
        for entry in entries:
            assert entry.hashes, (lock, entry.name)


def test_a_pin_added_without_make_lock_is_drift(repo_copy: Path) -> None:
    with (repo_copy / "requirements-dev.txt").open("a") as inputs:
        inputs.write("logbook-never-locked==1.0\n")
    assert check(repo_copy) == [
        "requirements-dev.txt asks for logbook-never-locked==1.0, not in requirements-dev.lock"
    ]


def test_a_changed_version_is_drift(repo_copy: Path) -> None:
    path = repo_copy / "requirements.txt"
    path.write_text(path.read_text().replace("segno==", "segno==0.0.1  # was "))
    problems = drift(path, repo_copy / "requirements.lock")
    assert len(problems) == 1
    assert problems[0].startswith("requirements.txt pins segno==0.0.1, requirements.lock has ")


def test_a_removed_pin_is_drift(repo_copy: Path) -> None:
    path = repo_copy / "requirements.txt"
    path.write_text(
        "\n".join(line for line in path.read_text().splitlines() if "segno" not in line)
    )
    assert "requirements.lock keeps segno, no longer in any input" in drift(
        path, repo_copy / "requirements.lock"
    )


def test_a_lock_entry_without_hashes_is_refused(repo_copy: Path) -> None:
    path = repo_copy / "requirements.lock"
    text = path.read_text()
    start = text.index("segno==")
    end = text.index("# via", start)
    version_line = text[start:end].split("\\", 1)[0].strip()
    path.write_text(text[:start] + version_line + "\n    " + text[end:])
    assert "requirements.lock: segno has no hash" in drift(repo_copy / "requirements.txt", path)


def test_tests_run_what_the_dev_lock_pins(repo_root: Path) -> None:
    environment = dict(default_environment())
    wrong = {}
    for entry in read_lock(repo_root / "requirements-dev.lock"):
        if entry.marker and not Marker(entry.marker).evaluate(environment):
            continue
        installed = metadata.version(entry.name)
        if installed != entry.version:
            wrong[entry.name] = (installed, entry.version)
    assert not wrong, f"installed ≠ locked (run `make install`): {wrong}"


def test_the_runtime_lock_pins_the_same_versions_as_the_dev_lock(repo_root: Path) -> None:
    dev = {entry.name: entry.version for entry in read_lock(repo_root / "requirements-dev.lock")}
    for entry in read_lock(repo_root / "requirements.lock"):
        assert dev[entry.name] == entry.version, entry.name


def test_the_lambda_package_ships_exactly_the_runtime_lock(
    synth: SynthResult, repo_root: Path
) -> None:
    locked = locked_for_lambda(repo_root / "requirements.lock")
    assert {"pydantic", "pydantic-core", "cryptography", "aws-lambda-powertools"} <= set(locked)
    for package in synth.packages.values():
        assert shipped_distributions(package) == locked


def test_a_package_that_differs_from_the_lock_is_refused(
    synth: SynthResult, repo_root: Path, tmp_path: Path
) -> None:
    lock = tmp_path / "requirements.lock"
    text = (repo_root / "requirements.lock").read_text()
    version = locked_for_lambda(repo_root / "requirements.lock")["pydantic"]
    lock.write_text(text.replace(f"pydantic=={version}", "pydantic==1.0.0"))
    with pytest.raises(RuntimeError, match=r"differs from requirements\.lock"):
        check_shipped_against_lock(synth.packages["prod"], lock)
