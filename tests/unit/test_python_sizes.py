"""No Python module over 450 lines, no class over 250 (issue #14: a codebase a newcomer
can live in). A module or class that grows past these is split along its seams, as
``chalicelib/services/`` and ``domain/publication/`` were; docs/architecture.md says
where each part lives."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 450
MAX_CLASS_LINES = 250
CHECKED = ("chalicelib", "devstack", "tools")


def python_files() -> list[Path]:
    found = [ROOT / "app.py"]
    for folder in CHECKED:
        found += sorted((ROOT / folder).rglob("*.py"))
    return [path for path in found if "node_modules" not in path.parts]


def oversized(source: str, name: str) -> list[str]:
    """What in one module's ``source`` is over the limits, as readable findings."""
    problems = []
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        problems.append(f"{name}: {lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - first + 1
            if length > MAX_CLASS_LINES:
                problems.append(
                    f"{name}:{node.lineno}: class {node.name} has {length} lines"
                    f" (at most {MAX_CLASS_LINES})"
                )
    return problems


def test_the_guard_finds_a_big_class_and_a_big_module() -> None:
    big_class = "class Big:\n" + "    x = 1\n" * MAX_CLASS_LINES
    assert oversized(big_class, "m.py") == [
        f"m.py:1: class Big has {MAX_CLASS_LINES + 1} lines (at most {MAX_CLASS_LINES})"
    ]
    assert oversized("class Fits:\n" + "    x = 1\n" * (MAX_CLASS_LINES - 1), "m.py") == []
    big_module = "x = 1\n" * (MAX_MODULE_LINES + 1)
    assert oversized(big_module, "m.py") == [
        f"m.py: {MAX_MODULE_LINES + 1} lines (at most {MAX_MODULE_LINES})"
    ]


def test_the_guard_reads_every_python_file_of_the_shipped_and_dev_code() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in python_files()}
    assert {"app.py", "chalicelib/services/root.py", "devstack/pump.py"} <= names
    assert any(name.startswith("tools/") for name in names)


@pytest.mark.parametrize("path", python_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_module_or_class_is_too_big(path: Path) -> None:
    assert oversized(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix()) == []
