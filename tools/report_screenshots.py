"""Screenshots of the annual report and of a figure against its peers, and the report's
printed page count — against a running site with the full demo (``LOGBOOK_SEED=full
make dev``), with Playwright and Debian's Chromium.

    .venv/bin/python -m tools.report_screenshots --site http://127.0.0.1:8080 \\
        --org "Mestna občina Ljubljana" --year 2026

Writes ``docs/screenshots/report-first-page.png`` (the first page of the A4 PDF, as
the browser's Save as PDF lays it out; rendered with poppler's ``pdftoppm``), ``docs/screenshots/stats-against-average.png`` (an organisation's figures against
its country's average), ``docs/screenshots/stats-compare-average.png`` (its centres
side by side with the average row) and
prints the page count of the A4 PDF.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
OUT = ROOT / "docs" / "screenshots"


def _org_id(api: str, name: str) -> str:
    if not api.startswith(("http://", "https://")):
        raise SystemExit(f"--api must be an http(s) address, not {api!r}")
    with urllib.request.urlopen(f"{api}/public/orgs", timeout=30) as answer:  # noqa: S310 (checked above)
        for org in json.load(answer)["items"]:
            if org["name"] == name:
                return str(org["id"])
    raise SystemExit(f"no organisation named {name!r}")


def _first_page(pdf: bytes, page: object) -> None:
    """The PDF's first page as PNG (poppler's pdftoppm, Debian poppler-utils), or the
    print-styled first screenful where pdftoppm is missing."""
    target = OUT / "report-first-page.png"
    if shutil.which("pdftoppm") is None:
        page.screenshot(path=str(target))  # type: ignore[attr-defined]
        return
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(source),
                str(Path(folder) / "first"),
            ],
            check=True,
        )
        shutil.copyfile(Path(folder) / "first.png", target)
    (OUT / "report.pdf").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default="http://127.0.0.1:8080")
    parser.add_argument("--api", default=None, help="defaults to the site's port - 80")
    parser.add_argument("--org", default="Mestna občina Ljubljana")
    parser.add_argument("--year", required=True)
    parser.add_argument("--lang", default="en")
    args = parser.parse_args(argv)
    api = args.api or re.sub(r":(\d+)$", lambda m: f":{int(m.group(1)) - 80}", args.site)
    org = _org_id(api, args.org)
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        # A4 at 96 dpi, less the page margins: what the first printed page shows.
        page = browser.new_page(viewport={"width": 794, "height": 1123})
        page.goto(
            f"{args.site}/stats/report.html?scope=org:{org}&year={args.year}&lang={args.lang}"
        )
        page.wait_for_selector("#glance-table")
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        _first_page(pdf, page)
        page.set_viewport_size({"width": 1100, "height": 760})
        page.emulate_media(media="screen")
        page.goto(
            f"{args.site}/stats/?scope=org:{org}&period={args.year}&compare=units"
            f"&metric=indicator:safety&lang={args.lang}"
        )
        page.wait_for_selector("section#compare tr.average-row")
        page.locator("#summary").screenshot(path=str(OUT / "stats-against-average.png"))
        page.locator("section#compare").screenshot(path=str(OUT / "stats-compare-average.png"))
        browser.close()
    print(f"report: {pages} A4 pages ({len(pdf) / 1024:.0f} KiB PDF)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
