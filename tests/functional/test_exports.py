"""Activity exports (CSV and XLSX) for a unit and an organisation, through the API."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any
from xml.etree import ElementTree  # the workbook is our own output, not untrusted input

import pytest

from tests.functional.conftest import Api
from tests.functional.world import World

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def activity(date: str, title: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "date": date,
        "start_time": "17:00",
        "duration_minutes": 90,
        "kind": "open",
        "categories": ["socialising", "culture"],
        "title": title,
        "participants": {"girls": 3, "boys": 2, "nonbinary": 0, "undisclosed": 1},
        "age_bands": {"13_15": 4, "16_18": 2},
        "new_participants": 1,
        "youth_led": True,
        "youth_leaders": 1,
        "volunteers": 2,
        "staff": 1,
        "notes": "Ana brought a guitar",
    }
    body.update(changes)
    return body


def download(api: Api, path: str, token: str | None, accept: str = "*/*") -> Any:
    """GET a file: the helper's ``call`` reads JSON, exports are CSV or XLSX."""
    headers = {"Accept": accept}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = api.client.http.request("GET", path, headers=headers)
    response.status = response.status_code
    is_json = response.headers.get("Content-Type", "").startswith("application/json")
    response.json = json.loads(response.body) if is_json else None
    return response


def read_csv(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff"), "a BOM lets spreadsheet programs detect UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:])))


def read_xlsx(body: bytes) -> list[list[str]]:
    """The first sheet's cells as text (a tiny reader: shared strings and numbers)."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        shared = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))  # noqa: S314
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))  # noqa: S314
    strings = ["".join(node.itertext()) for node in shared.findall("x:si", NS)]
    rows = []
    for row in sheet.findall(".//x:row", NS):
        cells = []
        for cell in row.findall("x:c", NS):
            value = cell.findtext("x:v", default="", namespaces=NS)
            cells.append(strings[int(value)] if cell.get("t") == "s" else value)
        rows.append(cells)
    return rows


@pytest.fixture
def world(api: Api) -> World:
    """An organisation with two units, a worker and a partner of the first, activities."""
    world = (
        World(api)
        .with_org("org", "Ljubljana")
        .with_unit("unit", "MC Šiška", org="org")
        .with_unit("other", "MC Bežigrad", org="org")
        .with_goal("goal", "Belonging", org="org")
        .with_question("question", "What worked?", org="org")
        .with_member("org_admin", "orgadmin@example.org", "org_admin", org="org")
        .with_member("worker", "worker@example.org", "worker", org="org", units=["unit"])
        .with_member("partner", "partner@example.org", "partner", org="org", units=["unit"])
        .with_member(
            "other_worker", "other-worker@example.org", "worker", org="org", units=["other"]
        )
    )
    friday = activity(
        "2026-03-14",
        "Friday open house",
        goal_ids=[world.goal],
        goal_ratings={world.goal: 4},
        reflection={world.question: "The music corner"},
    )
    return (
        world.with_activity("open_house", friday, unit="unit", by="worker")
        .with_activity(
            "formula", activity("2026-01-09", '=HYPERLINK("http://x")', notes=""), unit="unit",
            by="worker",
        )
        .with_activity(
            "last_year", activity("2025-12-19", "Last year", age_bands=None), unit="unit",
            by="worker",
        )
        .with_activity(
            "council", activity("2026-02-02", "Youth council", notes="Partner's own diary"),
            unit="unit", by="partner",
        )
        .with_activity(
            "sports_night",
            activity("2026-03-01", "Bežigrad sports night", notes="Other unit diary"),
            unit="other", by="other_worker",
        )
    )  # fmt: skip


def test_a_worker_exports_the_units_year_as_csv_with_notes(api: Api, world: dict) -> None:
    answer = download(
        api,
        f"/units/{world.unit}/activity-export?format=csv&period=2026",
        world.worker,
    )
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in answer.headers["Content-Disposition"]
    assert "activities-mc-siska-2026-01-01-2026-12-31.csv" in answer.headers["Content-Disposition"]
    rows = read_csv(answer.body)
    assert [row["date"] for row in rows] == ["2026-01-09", "2026-02-02", "2026-03-14"]
    friday = rows[2]
    assert friday["unit"] == "MC Šiška"
    assert friday["organisation"] == "Ljubljana"
    assert friday["participants_total"] == "6"
    assert friday["age_13_15"] == "4" and friday["age_19_24"] == "0"
    assert friday["hours"] == "1.5"
    assert friday["youth_led"] == "yes"
    assert friday["categories"] == "socialising; culture"
    assert friday["goal_ratings"] == "Belonging: 4"
    assert friday["notes"] == "Ana brought a guitar"
    assert friday["reflection: What worked?"] == "The music corner"


def test_a_csv_cell_that_looks_like_a_formula_is_kept_as_text(api: Api, world: dict) -> None:
    answer = download(
        api,
        f"/units/{world.unit}/activity-export?from=2026-01-09&to=2026-01-09",
        world.worker,
    )
    [row] = read_csv(answer.body)
    assert row["title"] == '\'=HYPERLINK("http://x")'


def test_unrecorded_age_bands_are_empty_not_zero(api: Api, world: dict) -> None:
    answer = download(api, f"/units/{world.unit}/activity-export?period=2025", world.worker)
    [row] = read_csv(answer.body)
    assert row["age_13_15"] == ""


def test_xlsx_export_is_a_workbook_with_the_same_rows(api: Api, world: dict) -> None:
    answer = download(
        api,
        f"/units/{world.unit}/activity-export?format=xlsx&period=2026-Q1",
        world.worker,
        XLSX,
    )
    assert answer.status == 200, answer.body[:200]
    assert answer.headers["Content-Type"] == XLSX
    rows = read_xlsx(answer.body)
    header, data = rows[0], rows[1:]
    assert header[:4] == ["organisation", "unit", "activity_id", "date"]
    assert "notes" in header
    assert [row[header.index("date")] for row in data] == ["2026-01-09", "2026-02-02", "2026-03-14"]
    # Text stays text: the formula-looking title is a plain string cell.
    assert data[0][header.index("title")] == '=HYPERLINK("http://x")'
    assert data[2][header.index("participants_total")] == "6"


def test_a_partner_exports_only_its_own_activities_and_notes(api: Api, world: dict) -> None:
    answer = download(api, f"/units/{world.unit}/activity-export?period=2026", world.partner)
    rows = read_csv(answer.body)
    assert [row["title"] for row in rows] == ["Youth council"]
    assert rows[0]["notes"] == "Partner's own diary"


def test_a_platform_admin_export_carries_figures_but_no_diary(api: Api, world: dict) -> None:
    answer = download(api, f"/units/{world.unit}/activity-export?period=2026", world.admin)
    rows = read_csv(answer.body)
    assert len(rows) == 3
    assert "notes" not in rows[0]
    assert not any("Ana brought a guitar" in value for row in rows for value in row.values())


def test_an_org_admin_exports_every_unit_with_notes(api: Api, world: dict) -> None:
    answer = download(
        api,
        f"/orgs/{world.org}/activity-export?period=2026-03",
        world.org_admin,
    )
    assert answer.status == 200
    rows = read_csv(answer.body)
    assert sorted((row["unit"], row["notes"]) for row in rows) == [
        ("MC Bežigrad", "Other unit diary"),
        ("MC Šiška", "Ana brought a guitar"),
    ]


def test_a_worker_may_not_export_the_organisation(api: Api, world: dict) -> None:
    answer = download(api, f"/orgs/{world.org}/activity-export", world.worker)
    assert answer.status == 403
    assert answer.json["error"] == "forbidden"


def test_a_worker_may_not_export_another_unit(api: Api, world: dict) -> None:
    answer = download(api, f"/units/{world.other}/activity-export", world.worker)
    assert answer.status == 403


def test_export_without_a_token_is_401(api: Api, world: dict) -> None:
    assert download(api, f"/units/{world.unit}/activity-export", None).status == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("format=pdf", "query.format"),
        ("period=2026-Q5", "query"),
        ("period=2026&from=2026-01-01", "query"),
        ("from=2026-05-01&to=2026-01-01", "query"),
        ("from=yesterday", "query.from"),
        ("colour=red", "query.colour"),
    ],
)
def test_bad_export_queries_name_the_field(api: Api, world: dict, query: str, field: str) -> None:
    answer = download(api, f"/units/{world.unit}/activity-export?{query}", world.worker)
    assert answer.status == 400
    assert field in [problem["field"] for problem in answer.json["errors"]]


def test_the_export_path_does_not_shadow_an_activity(api: Api, world: dict) -> None:
    # The export is a sibling of the collection, so activity ids stay unambiguous.
    activity_id = world.open_house
    answer = download(api, f"/units/{world.unit}/activities/{activity_id}", world.worker)
    assert answer.status == 200 and answer.json["title"] == "Friday open house"
