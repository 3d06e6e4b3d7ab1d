"""``make site`` from Python: build ``build/site/``, the site as it is shipped.

The local stack, the browser tests and the deploy serve what is built:
``static_site/`` minified per file by ``tools/build_site.mjs`` (esbuild). The build is
incremental and takes well under a second when little changed. Several stacks may
start at once (the test workers): an exclusive ``flock`` on ``build/site.lock`` lets
one build at a time.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = Path("tools") / "build_site.mjs"
SITE_SOURCE = REPO_ROOT / "static_site"
BUILT_SITE = REPO_ROOT / "build" / "site"


class SiteBuildError(RuntimeError):
    """The site could not be built (no Node, no esbuild, or a source that does not parse)."""


def build_site(
    repo_root: Path = REPO_ROOT, source: Path = SITE_SOURCE, out: Path = BUILT_SITE
) -> str:
    """Build ``out`` from ``source``; answers the build's one-line summary."""
    node = shutil.which("node")
    if node is None:
        raise SiteBuildError("Node.js is missing: the site is built with esbuild (npm)")
    if not (repo_root / "node_modules" / "esbuild").is_dir():
        raise SiteBuildError("esbuild is missing: run `make install` (npm ci)")
    out.parent.mkdir(parents=True, exist_ok=True)
    with (out.parent / f"{out.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        completed = subprocess.run(
            [node, str(repo_root / BUILD_SCRIPT), "--source", str(source), "--out", str(out)],
            cwd=repo_root,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    if completed.returncode != 0:
        raise SiteBuildError(f"the site did not build:\n{completed.stderr or completed.stdout}")
    return completed.stdout.strip()
