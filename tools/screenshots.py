"""README screenshots of the open statistics page: docs/screenshots/stats-*.png.

Runs the end-to-end test that opens each view on a live local stack with demo-like
data (and checks it fits its screen) with ``LOGBOOK_SCREENSHOT_DIR`` pointing at
docs/screenshots, so the pictures always show what the tested page shows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "screenshots"


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "LOGBOOK_SCREENSHOT_DIR": str(TARGET)}
    result = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "pytest"),
            "-q",
            str(ROOT / "tests" / "e2e" / "test_stats_site.py"),
            "-k",
            "captured",
        ],
        cwd=ROOT,
        env=env,
        check=False,
    )
    if result.returncode == 0:
        for path in sorted(TARGET.glob("stats-*.png")):
            print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
