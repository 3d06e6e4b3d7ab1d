"""The worker app's service worker keeps every file the app needs to open offline."""

from __future__ import annotations

import json
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "static_site" / "app"


def shell() -> set[str]:
    source = (APP / "sw.js").read_text()
    listed = re.search(r"const SHELL = \[(.*?)\];", source, re.S)
    assert listed, "sw.js lists its SHELL"
    return set(re.findall(r'"([^"]+)"', listed.group(1)))


def test_every_module_of_the_app_is_kept_for_offline_use() -> None:
    modules = {f"js/{path.name}" for path in (APP / "js").glob("*.js")}
    assert modules - shell() == set(), "add new modules to SHELL in static_site/app/sw.js"


MODULE_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}/[^"']+)["']""")


def imported_modules(entry: Path) -> set[Path]:
    """Every module `entry` imports, directly or through others (static and dynamic imports)."""
    seen: set[Path] = set()
    todo = [entry.resolve()]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        assert module.is_file(), f"an import names a missing module: {module}"
        todo += [
            (module.parent / target).resolve()
            for target in MODULE_IMPORT.findall(module.read_text())
        ]
    return seen


def test_every_module_the_app_imports_is_kept_for_offline_use() -> None:
    # The shared modules (static_site/shared/) live outside the app's folder.
    kept = {(APP / path).resolve() for path in shell() - {"./", "/config.js"}}
    missing = imported_modules(APP / "js" / "main.js") - kept
    assert not missing, f"add to SHELL in static_site/app/sw.js: {sorted(map(str, missing))}"


def test_the_shell_lists_only_files_that_exist() -> None:
    for path in shell() - {"./", "/config.js"}:
        assert (APP / path).is_file(), path


def test_the_manifest_names_the_app_and_its_icons() -> None:
    manifest = json.loads((APP / "manifest.webmanifest").read_text())
    assert manifest["start_url"] == "./" and manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"] and manifest["theme_color"]
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert (APP / icon["src"]).is_file(), icon["src"]
        if icon["type"] == "image/png":
            header = (APP / icon["src"]).read_bytes()[:24]
            width, height = (
                int.from_bytes(header[16:20], "big"),
                int.from_bytes(header[20:24], "big"),
            )
            assert f"{width}x{height}" == icon["sizes"], icon["src"]


SHARED = APP.parent / "shared"
IMPORT = re.compile(r'(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\s+"([^"]+)"')


def _imports(module: Path) -> set[Path]:
    found = set()
    for match in IMPORT.finditer(module.read_text()):
        target = (module.parent / (match.group(1) or match.group(2))).resolve()
        found.add(target)
    return found


def test_every_shared_module_the_app_imports_is_kept_for_offline_use() -> None:
    # Given every module the app's modules import, followed into static_site/shared/
    seen: set[Path] = set()
    queue = list((APP / "js").glob("*.js"))
    while queue:
        module = queue.pop()
        for target in _imports(module):
            if target not in seen and target.is_relative_to(SHARED.resolve()):
                seen.add(target)
                queue.append(target)
    # Then the service worker keeps each of them (paths relative to /app/)
    listed = {(APP / path).resolve() for path in shell() if path.startswith("../")}
    assert seen, "the app imports static_site/shared/"
    assert seen - listed == set(), "add the shared modules to SHELL in static_site/app/sw.js"


def test_every_language_file_of_the_app_is_kept_for_offline_use() -> None:
    # The app loads common.* and app.* in the chosen language; any may be chosen offline.
    files = {
        f"../shared/i18n/{path.name}"
        for bundle in ("common", "app")
        for path in (SHARED / "i18n").glob(f"{bundle}.*.json")
    }
    assert len(files) >= 8
    assert files - shell() == set(), "add the language files to SHELL in static_site/app/sw.js"
