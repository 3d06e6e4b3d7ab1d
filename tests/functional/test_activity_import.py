"""Spreadsheet import of a unit's activities (docs/data.md)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.functional.conftest import ADMIN, Api

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "date", "start_time", "duration_minutes", "kind", "categories", "title",
    "participants_girls", "participants_boys", "age_13_15", "age_16_18",
    "youth_led", "goals", "notes",
]  # fmt: skip


def row(**changes: Any) -> dict[str, Any]:
    base = {
        "date": "2025-10-03", "start_time": "17:00", "duration_minutes": "120", "kind": "open",
        "categories": "socialising; sport", "title": "Friday open house",
        "participants_girls": "5", "participants_boys": "7", "age_13_15": "8", "age_16_18": "4",
        "youth_led": "yes", "goals": "", "notes": "=quiet evening",
    }  # fmt: skip
    base.update(changes)
    return base


def as_csv(rows: list[dict[str, Any]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()


def as_xlsx(rows: list[dict[str, Any]]) -> bytes:
    import datetime as dt

    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "d.m.yyyy"})
    sheet.write_row(0, 0, HEADER)
    for index, values in enumerate(rows, start=1):
        for column, name in enumerate(HEADER):
            value = values[name]
            if name == "date":
                sheet.write_datetime(index, column, dt.datetime.fromisoformat(value), date_format)
            elif value.isdigit():
                sheet.write_number(index, column, int(value))
            else:
                sheet.write_string(index, column, value)
    workbook.close()
    return buffer.getvalue()


@pytest.fixture
def unit(api: Api) -> dict[str, str]:
    admin = api.token(ADMIN)
    org = api.call("POST", "/orgs", {"name": "Oulu", "country": "FI"}, token=admin).json["id"]
    unit = api.call("POST", f"/orgs/{org}/units", {"name": "Nuokkari"}, token=admin).json["id"]
    goal = api.call(
        "POST", f"/orgs/{org}/goals", {"title": "Belonging", "unit_ids": [unit]}, token=admin
    ).json["id"]
    return {"org": org, "unit": unit, "admin": admin, "goal": goal}


def send(api: Api, unit: dict[str, str], content: bytes, media: str = "text/csv", query: str = ""):
    return api.call(
        "POST",
        f"/units/{unit['unit']}/activities/import{query}",
        token=unit["admin"],
        headers={"Content-Type": media},
        raw=content,
    )


def listed(api: Api, unit: dict[str, str]) -> list[dict[str, Any]]:
    return api.call("GET", f"/units/{unit['unit']}/activities", token=unit["admin"]).json["items"]


def test_valid_rows_are_created_once(api: Api, unit: dict[str, str]) -> None:
    content = as_csv([row(goals="belonging"), row(date="2025-10-10"), row(date="2025-10-10")])
    answer = send(api, unit, content)
    assert answer.status == 201, answer.json
    assert (answer.json["created"], answer.json["unchanged"]) == (3, 0)
    stored = listed(api, unit)
    assert len(stored) == 3
    first = next(a for a in stored if a["date"] == "2025-10-03")
    assert first["goal_ids"] == [unit["goal"]]
    assert first["categories"] == ["socialising", "sport"]
    assert first["notes"] == "=quiet evening"
    assert first["age_bands"]["13_15"] == 8 and first["youth_led"] is True
    again = send(api, unit, content)
    assert again.status == 201
    assert (again.json["created"], again.json["unchanged"]) == (0, 3)
    assert len(listed(api, unit)) == 3


def test_dry_run_checks_and_stores_nothing(api: Api, unit: dict[str, str]) -> None:
    answer = send(api, unit, as_csv([row()]), query="?dry_run=1")
    assert answer.status == 200
    assert answer.json == {"dry_run": True, "created": 1, "unchanged": 0, "rows": 1}
    assert listed(api, unit) == []


def test_every_bad_row_and_field_is_named_and_nothing_stored(
    api: Api, unit: dict[str, str]
) -> None:
    content = as_csv(
        [
            row(),
            row(participants_girls="-1", kind="party"),
            row(date="2025-02-30", goals="No such goal"),
            row(age_13_15="1"),
        ]
    )
    answer = send(api, unit, content)
    assert answer.status == 400
    fields = {error["field"] for error in answer.json["errors"]}
    assert {"row 3: participants_girls", "row 3: kind", "row 4: date", "row 4: goals"} <= fields
    assert "row 5: age columns" in fields
    assert not any(field.startswith("row 2") for field in fields)
    assert listed(api, unit) == []


def test_semicolon_csv_and_xlsx_are_read(api: Api, unit: dict[str, str]) -> None:
    answer = send(api, unit, as_csv([row()], delimiter=";"))
    assert answer.status == 201, answer.json
    answer = send(api, unit, as_xlsx([row(date="2025-11-07")]), media=XLSX)
    assert answer.status == 201, answer.json
    dates = sorted(a["date"] for a in listed(api, unit))
    assert dates == ["2025-10-03", "2025-11-07"]


def test_unknown_columns_and_bad_files_are_refused(api: Api, unit: dict[str, str]) -> None:
    answer = send(api, unit, b"date,title,colour\r\n2025-01-01,x,red\r\n")
    assert answer.status == 400
    assert answer.json["errors"][0]["field"] == "header"
    answer = send(api, unit, b"PK\x03\x04 broken", media=XLSX)
    assert answer.status == 400 and answer.json["errors"][0]["field"] == "body"
    answer = send(api, unit, "\u00e9".encode("latin-1") * 10)
    assert answer.status == 400 and answer.json["errors"][0]["field"] == "body"
    answer = send(api, unit, b"{}", media="application/json")
    assert answer.status == 415


def test_an_xlsx_bomb_is_refused(api: Api, unit: dict[str, str]) -> None:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (300 * 1024 * 1024))
    answer = send(api, unit, out.getvalue(), media=XLSX)
    assert answer.status == 400
    assert answer.json["errors"][0]["problem"] == "inflates beyond the size limit"


def test_only_members_of_the_unit_import(api: Api, unit: dict[str, str]) -> None:
    outsider_org = api.call(
        "POST", "/orgs", {"name": "Other", "country": "FI"}, token=unit["admin"]
    ).json["id"]
    api.call(
        "POST",
        f"/orgs/{outsider_org}/members",
        {"email": "boss@other.fi", "role": "org_admin"},
        token=unit["admin"],
    )
    other = api.token("boss@other.fi")
    answer = api.call(
        "POST",
        f"/units/{unit['unit']}/activities/import",
        token=other,
        headers={"Content-Type": "text/csv"},
        raw=as_csv([row()]),
    )
    assert answer.status == 403


def test_the_template_is_public_and_imports_as_is(api: Api, unit: dict[str, str]) -> None:
    template = api.client.http.request("GET", "/activity-import-template.csv")
    assert template.status_code == 200
    assert template.headers["Content-Type"].startswith("text/csv")
    answer = send(api, unit, template.body, query="?dry_run=1")
    assert answer.status == 200, answer.json
    assert answer.json["created"] == 1


def test_an_activity_export_imports_into_another_unit(api: Api, unit: dict[str, str]) -> None:
    assert send(api, unit, as_csv([row(), row(date="2025-12-01")])).status == 201
    exported = api.client.http.request(
        "GET",
        f"/units/{unit['unit']}/activity-export?format=csv",
        headers={"Authorization": f"Bearer {unit['admin']}"},
    ).body
    other = api.call(
        "POST", f"/orgs/{unit['org']}/units", {"name": "Second"}, token=unit["admin"]
    ).json["id"]
    answer = api.call(
        "POST",
        f"/units/{other}/activities/import",
        token=unit["admin"],
        headers={"Content-Type": "text/csv"},
        raw=exported,
    )
    assert answer.status == 201, answer.json
    assert answer.json["created"] == 2


def test_the_organisations_own_categories_are_accepted(api: Api, unit: dict[str, str]) -> None:
    vocabulary = {
        "categories": [{"id": "rap_workshop", "labels": {"fi": "Räppipaja"}, "maps_to": "culture"}]
    }
    put = api.call("PUT", f"/orgs/{unit['org']}/vocabulary", vocabulary, token=unit["admin"])
    assert put.status == 200, put.json
    answer = send(api, unit, as_csv([row(categories="rap_workshop; sport")]))
    assert answer.status == 201, answer.json
    (stored,) = listed(api, unit)
    assert stored["categories"] == ["rap_workshop", "sport"]
    assert sorted(stored["core_categories"]) == ["culture", "sport"]
    refused = send(api, unit, as_csv([row(date="2025-10-04", categories="knitting")]))
    assert refused.status == 400
    assert refused.json["errors"][0]["field"].startswith("row 2: categories")
