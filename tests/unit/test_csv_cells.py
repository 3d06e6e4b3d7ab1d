"""Every CSV Logbook writes — server exports and the stats page's download — guards formulas.

The pages' one CSV writer (``toCsv`` in static_site/shared/csv.js) runs under Node, the one JavaScript
runtime the machine has besides Chromium, so the same cases check both rules.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from chalicelib.domain.csv_cells import csv_safe_cell

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = [
    '=HYPERLINK("https://evil.example","Open")',
    "+1+2",
    "-2+3",
    "@SUM(A1)",
    "\tTab",
    "\rReturn",
]
HARMLESS = ["MC Šiška", 'Ljubljana, "MC"', "org:abc", "2025-Q1", "a=b", ""]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_a_quote(text):
    assert csv_safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [*HARMLESS, -3, 1.5, None, 0])
def test_other_cells_are_left_alone(value):
    assert csv_safe_cell(value) == value


def _page_csv(names: list[str]) -> list[list[str]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node is missing (the stats page's CSV is checked with it)")
    script = f"""
const f = await import({json.dumps((ROOT / "static_site/stats/figures.js").as_uri())});
const csv = await import({json.dumps((ROOT / "static_site/shared/csv.js").as_uri())});
const names = {json.dumps(names)};
const rows = names.map((name) => f.row("compare", "org:x", name, "2025", "visits", -1.5));
process.stdout.write(csv.toCsv(f.CSV_COLUMNS, rows));
"""
    done = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    # Bytes, not text mode: text mode would turn a quoted CR into LF.
    return list(csv.reader(io.StringIO(done.stdout.decode(), newline="")))


def test_the_stats_page_download_uses_the_same_rule():
    names = HOSTILE + HARMLESS
    rows = _page_csv(names)
    header, body = rows[0], rows[1:]
    column = header.index("scope_name")
    assert [row[column] for row in body] == [str(csv_safe_cell(name)) for name in names]
    # Numbers stay numbers: a negative value is not text.
    assert {row[header.index("value")] for row in body} == {"-1.5"}
