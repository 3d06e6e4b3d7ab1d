"""The statistics pages preload exactly the modules they import, so that splitting a
module into several never adds a round trip: the browser fetches them all at once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATS = Path(__file__).resolve().parents[2] / "static_site" / "stats"
IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}/[^"']+)["']""")
PRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)">')
ENTRY = re.compile(r'<script type="module" src="([^"]+)">')


def imports_of(entry: Path) -> set[Path]:
    """The modules `entry` imports, directly or through others; a missing one fails."""
    seen: set[Path] = set()
    todo = [entry.resolve()]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        assert module.is_file(), f"an import names a missing module: {module}"
        seen.add(module)
        todo += [
            (module.parent / target).resolve() for target in IMPORT.findall(module.read_text())
        ]
    return seen - {entry.resolve()}


@pytest.mark.parametrize("page", ["index.html", "report.html"])
def test_a_statistics_page_preloads_every_module_it_imports_and_no_other(page: str) -> None:
    html = (STATS / page).read_text()
    entry = ENTRY.search(html)
    assert entry, f"{page} loads one module"
    preloaded = {(STATS / href).resolve() for href in PRELOAD.findall(html)}
    wanted = imports_of(STATS / entry.group(1))
    assert sorted(map(str, wanted - preloaded)) == [], f"add <link rel=modulepreload> to {page}"
    assert sorted(map(str, preloaded - wanted)) == [], f"{page} preloads modules it does not use"
