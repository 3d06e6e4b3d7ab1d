"""The layers of docs/architecture.md hold: the domain is pure Python.

``chalicelib/domain`` imports neither AWS nor Chalice nor any other layer of the app,
so its rules are tested without a network and reused by every service, the stream
consumer and the tools alike.
"""

from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "chalicelib" / "domain"
FORBIDDEN = (
    "boto3",
    "botocore",
    "chalice",
    "chalicelib.api",
    "chalicelib.store",
    "chalicelib.events",
    "chalicelib.services",
    "chalicelib.settings",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_domain_imports_no_aws_no_chalice_and_no_other_layer() -> None:
    offending = {
        str(path.relative_to(DOMAIN)): sorted(
            name
            for name in imported_modules(path)
            if any(name == bad or name.startswith(f"{bad}.") for bad in FORBIDDEN)
        )
        for path in sorted(DOMAIN.rglob("*.py"))
    }
    assert {path: names for path, names in offending.items() if names} == {}
    assert len(offending) > 30  # every module was read


SERVICES = DOMAIN.parent / "services"


def test_the_services_import_neither_chalice_nor_the_routes() -> None:
    """Routes call services, never the other way: a service runs the same from a tool."""
    offending = {
        path.name: sorted(
            name
            for name in imported_modules(path)
            if any(
                name == bad or name.startswith(f"{bad}.") for bad in ("chalice", "chalicelib.api")
            )
        )
        for path in sorted(SERVICES.glob("*.py"))
    }
    assert {path: names for path, names in offending.items() if names} == {}
    assert len(offending) >= 18  # every module was read


def test_use_cases_live_in_the_services_package() -> None:
    """No use case beside the layers: ``chalicelib/`` holds the packages, the settings and
    the observability setup only (docs/architecture.md, "The layers")."""
    loose = sorted(path.name for path in DOMAIN.parent.glob("*.py"))
    assert loose == ["__init__.py", "observability.py", "settings.py"]
