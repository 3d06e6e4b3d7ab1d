"""The tidy CSV of a view (chalicelib/domain/stats_table.py) is the /stats/ page's: the
checked-in golden file is what both write from one answer (the page's side:
tests/js/stats-csv.test.mjs), numbers are written as JavaScript writes them."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from chalicelib.domain.stats_table import js_number, scope_facts, tidy_cell, tidy_csv, tidy_rows

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = json.loads((ROOT / "tests/golden/stats-view.json").read_text("utf-8"))


def test_the_api_writes_the_golden_file() -> None:
    view = GOLDEN["view"]
    facts = scope_facts(view["scope"], GOLDEN["orgs"], GOLDEN["networks"])
    written = tidy_csv(tidy_rows(GOLDEN["statistics"], facts, view["by"]))
    expected = (ROOT / "tests/golden/stats-view.csv").read_bytes().decode("utf-8")
    assert written == expected


def test_without_by_there_are_no_group_rows() -> None:
    facts = scope_facts("org:o1", GOLDEN["orgs"], GOLDEN["networks"])
    rows = tidy_rows(GOLDEN["statistics"], facts)
    assert rows and not [r for r in rows if r["section"].startswith("gender=")]


def test_every_scope_is_named_as_the_page_names_it() -> None:
    named = {
        scope: (facts.name, facts.municipality_code)
        for scope in ("all", "unit:u1", "country:SI", "network:n1", "org:o2")
        for facts in [scope_facts(scope, GOLDEN["orgs"], GOLDEN["networks"])]
    }
    assert named == {
        "all": ("All", None),
        "unit:u1": ('Kotel, "MC"', "061"),
        "country:SI": ("SI", None),
        "network:n1": ("@Network", None),
        "org:o2": ("Tampere", "837"),
    }


def test_per_capita_needs_every_members_young_residents() -> None:
    orgs, networks = GOLDEN["orgs"], GOLDEN["networks"]
    assert scope_facts("org:o1", orgs, networks).population == 3
    assert scope_facts("country:SI", orgs, networks).population == 3
    # Tampere gives none: neither the network nor all has a population
    assert scope_facts("network:n1", orgs, networks).population is None
    assert scope_facts("all", orgs, networks).population is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (6.0, "6"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (1e21, "1e+21"),
        (123456789012345680000.0, "123456789012345680000"),
        (-2.5, "-2.5"),
        (13333.333333333334, "13333.333333333334"),
    ],
)
def test_numbers_are_written_as_javascript_writes_them(value: float, text: str) -> None:
    assert js_number(value) == text


def test_numbers_agree_with_node() -> None:
    # Many numbers, one Node process: every magnitude where the notation changes.
    chance = random.Random(14)
    values = [chance.uniform(-1, 1) * 10 ** chance.randint(-12, 25) for _ in range(3000)]
    values += [round(chance.uniform(0, 5), places) for places in range(6) for _ in range(100)]
    values += [float(n) for n in range(-5, 50)] + [n / 3 for n in range(1, 100)]
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node is missing (the page's number format is checked with it)")
    script = "process.stdout.write(JSON.stringify(JSON.parse(process.argv[1]).map(String)))"
    done = subprocess.run(
        [node, "-e", script, json.dumps(values)], capture_output=True, timeout=60, check=True
    )
    assert [js_number(v) for v in values] == json.loads(done.stdout)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (-1.5, "-1.5"),
        ("-1.5", "'-1.5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ('=HYPERLINK("x","y")', '"\'=HYPERLINK(""x"",""y"")"'),
        ("a\nb", '"a\nb"'),
        ("MC Šiška", "MC Šiška"),
    ],
)
def test_cells_are_written_as_the_page_writes_them(value: object, cell: str) -> None:
    assert tidy_cell(value) == cell
