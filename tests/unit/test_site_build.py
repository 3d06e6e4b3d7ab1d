"""``make site``: build/site/ is static_site/ minified per file, with the same module graph.

What is shipped is what the browser tests serve, so the build itself is checked here:
every file is there under its own name, every module imports and exports the same names
as its source, nothing is larger, the build is incremental, and a source that does not
parse stops the build instead of shipping a broken file. Runs Node (as make test does).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tools.site_build import BUILD_SCRIPT, REPO_ROOT, SITE_SOURCE, SiteBuildError, build_site

# esbuild's own reading of each module (bundle off): its imports and exports.
GRAPH_SCRIPT = """
import * as esbuild from "esbuild";
const [root, ...files] = process.argv.slice(1);
const result = await esbuild.build({
  absWorkingDir: root, entryPoints: files, bundle: false, write: false, metafile: true,
  format: "esm", outdir: "out", logLevel: "silent",
});
const graph = {};
for (const [name, output] of Object.entries(result.metafile.outputs)) {
  if (!output.entryPoint) continue;
  graph[output.entryPoint] = {
    imports: output.imports.map((i) => i.path).sort(),
    exports: [...output.exports].sort(),
  };
}
console.log(JSON.stringify(graph));
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "site"
    build_site(REPO_ROOT, SITE_SOURCE, out)
    return out


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def module_graph(root: Path, modules: list[str]) -> dict[str, Any]:
    completed = subprocess.run(
        ["node", "--input-type=module", "-e", GRAPH_SCRIPT, str(root), *modules],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    graph: dict[str, Any] = json.loads(completed.stdout)
    return graph


def test_every_source_file_is_built_under_its_own_name_and_nothing_else(built: Path) -> None:
    assert files_under(built) == files_under(SITE_SOURCE)


def test_javascript_and_css_are_minified_and_every_other_file_is_copied(built: Path) -> None:
    minified = 0
    for name in sorted(files_under(SITE_SOURCE)):
        source, shipped = (SITE_SOURCE / name).read_bytes(), (built / name).read_bytes()
        if name.endswith((".js", ".css")):
            assert len(shipped) < len(source), f"{name} is not smaller when built"
            minified += 1
        else:
            assert shipped == source, f"{name} changed on the way"
    assert minified > 40
    # Comments are gone: the statistics page's entry module starts with code.
    assert not (built / "stats" / "stats.js").read_text().lstrip().startswith("//")


def test_each_module_imports_and_exports_what_its_source_does(built: Path) -> None:
    # Given every ES module (the service workers are classic scripts)
    modules = sorted(
        n for n in files_under(SITE_SOURCE) if n.endswith(".js") and not n.endswith("sw.js")
    )
    # Then the shipped files form the same module graph with the same public names
    assert module_graph(built, modules) == module_graph(SITE_SOURCE, modules)


def test_service_workers_keep_their_file_lists(built: Path) -> None:
    for worker in ("app/sw.js", "s/sw.js"):
        source = (SITE_SOURCE / worker).read_text()
        shipped = (built / worker).read_text()
        listed = [
            f for f in re.findall(r'"([^"\s]+)"', source) if f.endswith((".js", ".json", "/"))
        ]
        assert "/config.js" in listed, worker
        missing = [f for f in listed if f'"{f}"' not in shipped]
        assert missing == [], f"{worker} lost {missing}"


def test_the_pages_words_stay_utf8_characters(built: Path) -> None:
    # The language menu's own names, as written (not \\u escapes)
    assert '"Slovenščina"' in (built / "shared" / "i18n.js").read_text(encoding="utf-8")


def test_the_build_is_incremental_and_removes_what_the_source_lost(tmp_path: Path) -> None:
    # Given a small site built once
    source = tmp_path / "src"
    (source / "js").mkdir(parents=True)
    (source / "js" / "a.js").write_text("// why\nexport const answer = 40 + 2;\n")
    (source / "js" / "b.js").write_text('import { answer } from "./a.js";\nexport { answer };\n')
    (source / "index.html").write_text("<!doctype html><title>x</title>\n")
    out = tmp_path / "out" / "site"
    assert "3 of 3 files written" in build_site(REPO_ROOT, source, out)
    assert re.fullmatch(
        r"const (\w)=42;export\{\1 as answer\};\n", (out / "js" / "a.js").read_text()
    )
    # When nothing changed, nothing is written
    assert "0 of 3 files written" in build_site(REPO_ROOT, source, out)
    # When one source changes and another goes, exactly that follows
    later = (source / "js" / "a.js").stat().st_mtime + 5
    (source / "js" / "a.js").write_text("export const answer = 1;\n")
    os.utime(source / "js" / "a.js", (later, later))
    (source / "js" / "b.js").unlink()
    summary = build_site(REPO_ROOT, source, out)
    assert "1 of 2 files written" in summary and "1 removed" in summary
    assert files_under(out) == {"index.html", "js/a.js"}
    assert "1" in (out / "js" / "a.js").read_text()


def test_a_source_that_does_not_parse_stops_the_build_naming_it(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "ok.js").write_text("export const a = 1;\n")
    (source / "broken.js").write_text("export const = ;\n")
    with pytest.raises(SiteBuildError, match=r"broken\.js"):
        build_site(REPO_ROOT, source, tmp_path / "out" / "site")


def test_the_command_line_builds_where_it_is_told(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.css").write_text("body {\n  color: #ff0000;\n}\n")
    node = shutil.which("node")
    assert node is not None
    completed = subprocess.run(
        [node, str(BUILD_SCRIPT), "--source", str(source), "--out", str(tmp_path / "o")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "1 of 1 files written" in completed.stdout
    assert (tmp_path / "o" / "a.css").read_text() == "body{color:red}\n"
