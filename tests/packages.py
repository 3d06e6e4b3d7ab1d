"""Checks every data package the project writes with the reference validator.

``frictionless validate`` (the Frictionless project's own library, a test dependency)
reads ``datapackage.json`` and every CSV it names: types, constraints, primary and
foreign keys. A package it refuses fails the test with the validator's own words.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any


def assert_valid_package(directory: Path) -> None:
    """``frictionless validate`` of ``directory/datapackage.json`` passes."""
    from frictionless import validate

    report = validate(str(directory / "datapackage.json"))
    if not report.valid:
        problems = [
            f"{task.name}: {error.type}: {error.message}"
            for task in report.tasks
            for error in task.errors
        ] + [f"{error.type}: {error.message}" for error in report.errors]
        raise AssertionError("frictionless refuses the package:\n" + "\n".join(problems[:30]))


def unpack(content: bytes, directory: Path) -> dict[str, Any]:
    """Extract a package zip (flat) into ``directory``; its descriptor."""
    directory.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            assert "/" not in name and ".." not in name, name
            (directory / name).write_bytes(archive.read(name))
    return json.loads((directory / "datapackage.json").read_text())
