"""Whole-organisation export and import (docs/data.md)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import activity
from tests.functional.conftest import ADMIN, Api
from tests.packages import assert_valid_package, unpack

ZIP = {"Content-Type": "application/zip"}


def download(api: Api, path: str, token: str) -> Any:
    response = api.client.http.request(
        "GET", path, headers={"Authorization": f"Bearer {token}", "Accept": "*/*"}
    )
    response.status = response.status_code
    return response


def upload(api: Api, path: str, token: str, content: bytes, media: str = "application/zip") -> Any:
    return api.call("POST", path, token=token, headers={"Content-Type": media}, raw=content)


def new_org(api: Api, admin: str, name: str = "Ljubljana") -> str:
    answer = api.call("POST", "/orgs", {"name": name, "country": "SI"}, token=admin)
    assert answer.status == 201, answer.json
    return answer.json["id"]


def build_world(api: Api, admin: str) -> dict[str, Any]:
    """An organisation with something in every table."""
    org = new_org(api, admin)
    units = [
        api.call("POST", f"/orgs/{org}/units", {"name": name}, token=admin).json["id"]
        for name in ("MC Šiška", '=HYPERLINK("x")')
    ]
    api.call(
        "POST",
        f"/orgs/{org}/members",
        {"email": "ana@example.si", "role": "worker", "unit_ids": [units[0]]},
        token=admin,
    )
    goal = api.call(
        "POST", f"/orgs/{org}/goals", {"title": "Belonging", "unit_ids": [units[0]]}, token=admin
    ).json["id"]
    question = api.call(
        "POST", f"/orgs/{org}/reflection-questions", {"text": "What worked?"}, token=admin
    ).json["id"]
    template = api.call(
        "POST",
        f"/orgs/{org}/survey-templates",
        {
            "title": {"en": "Camp"},
            "questions": [
                {"id": "q1", "type": "scale", "indicator": "safety", "text": {"en": "I felt safe."}}
            ],
        },
        token=admin,
    ).json["id"]
    vocabulary = {"categories": [
        {"id": "rap_workshop", "labels": {"en": "Rap workshop", "sl": "Rap delavnica"},
         "maps_to": "culture"},
    ]}  # fmt: skip
    assert api.call("PUT", f"/orgs/{org}/vocabulary", vocabulary, token=admin).status == 200
    figures = {"costs_eur": 125000.5, "open_weeks": 44, "staff_fte": 3.5, "youth_population": 9000}
    assert api.call("PUT", f"/orgs/{org}/key-figures/2025", figures, token=admin).status == 200
    planned = api.call(
        "POST",
        f"/units/{units[0]}/activities",
        activity(status="planned", date="2026-12-18", categories=["rap_workshop"],
                 intentions="Give the quiet ones a stage"),
        token=admin,
    )  # fmt: skip
    assert planned.status == 201, planned.json
    targets = {"scope": f"unit:{units[0]}", "targets": {"visits": 900, "youth_led_share": 0.4}}
    assert api.call("PUT", f"/orgs/{org}/targets/2026", targets, token=admin).status == 200
    analysis = {"scope": f"org:{org}", "text": "=A good year", "public": False}
    assert api.call("PUT", f"/orgs/{org}/analyses/2025", analysis, token=admin).status == 200
    recorded = api.call(
        "POST",
        f"/units/{units[0]}/activities",
        activity(
            goal_ids=[goal],
            goal_ratings={goal: 4},
            reflection={question: 'Table tennis, "again"\nand more'},
            notes="-5 girls came late; 'quoted'",
            age_bands={"13_15": 13},
        ),
        token=admin,
    )
    assert recorded.status == 201, recorded.json
    api.call("POST", f"/units/{units[1]}/activities", activity(date="2025-11-02"), token=admin)
    collection = api.call(
        "POST",
        f"/units/{units[0]}/collections",
        {"template_id": template, "activity_id": recorded.json["id"]},
        token=admin,
    )
    assert collection.status == 201, collection.json
    campaign = api.call(
        "POST",
        f"/orgs/{org}/campaigns",
        {"template_id": template, "title": "+Autumn survey",
         "opens_at": "2030-09-01T08:00:00Z", "closes_at": "2030-10-01T08:00:00Z"},
        token=admin,
    )  # fmt: skip
    assert campaign.status == 201, campaign.json
    return {
        "org": org,
        "units": units,
        "goal": goal,
        "activity": recorded.json["id"],
        "campaign": campaign.json["id"],
    }


def tables_of(content: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name[: -len(".csv")]: list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
            if name.endswith(".csv")
        }


def canonical(content: bytes) -> dict[str, list[dict[str, Any]]]:
    """A package's rows with every id replaced by a name drawn from content alone."""
    tables = tables_of(content)
    names: dict[str, str] = {}

    def name_ids(table: str, id_field: str, key: Any) -> None:
        for index, row in enumerate(sorted(tables[table], key=key)):
            names[row[id_field]] = f"{table}-{index}"

    name_ids("units", "id", lambda r: (r["name"], r["created_at"]))
    name_ids("goals", "id", lambda r: (r["title"], r["created_at"]))
    name_ids("reflection_questions", "id", lambda r: (r["text"], r["created_at"]))
    name_ids("survey_templates", "id", lambda r: (r["title"], r["created_at"]))
    name_ids(
        "activities",
        "id",
        lambda r: (names[r["unit_id"]], r["date"], r["title"], r["created_at"], r["notes"]),
    )
    name_ids("campaigns", "id", lambda r: (r["title"], r["created_at"]))
    name_ids(
        "collections",
        "code",
        lambda r: (
            names[r["unit_id"]],
            r["created_at"],
            r["kind"],
            names.get(r["activity_id"], ""),
            names.get(r["campaign_id"], ""),
        ),
    )

    def rename(value: Any) -> Any:
        if isinstance(value, str):
            if value in names:
                return names[value]
            if value.startswith("unit:") and value[5:] in names:
                return f"unit:{names[value[5:]]}"
            if value.startswith("org:"):
                return "org:the-organisation"
            if value[:1] in ("[", "{"):
                try:
                    return rename(json.loads(value))
                except ValueError:
                    return value
            return value
        if isinstance(value, list):
            return sorted((rename(inner) for inner in value), key=repr)
        if isinstance(value, dict):
            return {rename(key): rename(inner) for key, inner in value.items()}
        return value

    out = {}
    for table, rows in tables.items():
        if table == "organisation":
            continue
        out[table] = sorted(
            ({key: rename(value) for key, value in row.items()} for row in rows), key=repr
        )
    return out


@pytest.fixture
def admin(api: Api) -> str:
    return api.token(ADMIN)


def test_export_is_a_valid_frictionless_package(api: Api, admin: str, tmp_path: Path) -> None:
    world = build_world(api, admin)
    answer = download(api, f"/orgs/{world['org']}/export.zip", admin)
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/zip"
    assert "no-store" in answer.headers["Cache-Control"]
    descriptor = unpack(answer.body, tmp_path)
    assert_valid_package(tmp_path)
    assert {r["name"] for r in descriptor["resources"]} >= {
        "organisation",
        "units",
        "members",
        "goals",
        "reflection_questions",
        "survey_templates",
        "activities",
        "collections",
        "campaigns",
    }
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            assert field["description"], (resource["name"], field["name"])
    tables = tables_of(answer.body)
    assert len(tables["activities"]) == 3
    assert tables["vocabulary"][0]["maps_to"] == "culture"
    assert tables["key_figures"][0]["open_weeks"] == "44"
    assert tables["targets"][0]["scope"] == f"unit:{world['units'][0]}"
    assert tables["analyses"][0]["text"] == "'=A good year"
    assert tables["members"][0]["email"] in {"ana@example.si", ADMIN}
    assert [c["title"] for c in tables["campaigns"]] == ["'+Autumn survey"]
    points = [c for c in tables["collections"] if c["campaign_id"] == world["campaign"]]
    assert sorted(c["unit_id"] for c in points) == sorted(world["units"])
    # Formula-looking text is escaped for spreadsheets, and read back exactly.
    assert any(unit["name"].startswith("'=") for unit in tables["units"])


def test_export_is_for_org_admins_only(api: Api, admin: str) -> None:
    world = build_world(api, admin)
    worker = api.token("ana@example.si")
    assert download(api, f"/orgs/{world['org']}/export.zip", worker).status == 403
    assert download(api, "/orgs/nosuchorg/export.zip", admin).status == 404
    answer = api.client.http.request("GET", f"/orgs/{world['org']}/export.zip")
    assert answer.status_code == 401


def test_round_trip_into_a_new_org_loses_nothing(api: Api, admin: str) -> None:
    world = build_world(api, admin)
    first = download(api, f"/orgs/{world['org']}/export.zip", admin).body
    target = new_org(api, admin)
    answer = upload(api, f"/orgs/{target}/import", admin, first)
    assert answer.status == 200, answer.json
    assert answer.json["created"]["activities"] == 3
    assert answer.json["created"]["vocabulary"] == 1
    second = download(api, f"/orgs/{target}/export.zip", admin).body
    assert canonical(second) == canonical(first)
    # The imported activities are the target's: listed in its units, by its members.
    units = api.call("GET", f"/orgs/{target}/units", token=admin).json["items"]
    listed = api.call("GET", f"/units/{units[0]['id']}/activities", token=admin).json["items"]
    assert listed and all(item["org_id"] == target for item in listed)


def test_importing_twice_stores_nothing_twice(api: Api, admin: str) -> None:
    world = build_world(api, admin)
    package = download(api, f"/orgs/{world['org']}/export.zip", admin).body
    target = new_org(api, admin)
    first = upload(api, f"/orgs/{target}/import", admin, package).json
    again = upload(api, f"/orgs/{target}/import", admin, package).json
    assert sum(again["created"].values()) == 0
    assert again["unchanged"] == {
        name: first["created"][name] + first["unchanged"][name] for name in first["created"]
    }
    assert canonical(download(api, f"/orgs/{target}/export.zip", admin).body) == canonical(package)


def test_imported_campaigns_keep_their_qr_points(api: Api, admin: str) -> None:
    world = build_world(api, admin)
    package = download(api, f"/orgs/{world['org']}/export.zip", admin).body
    target = new_org(api, admin)
    answer = upload(api, f"/orgs/{target}/import", admin, package)
    assert answer.status == 200, answer.json
    assert answer.json["created"]["campaigns"] == 1
    again = upload(api, f"/orgs/{target}/import", admin, package).json
    assert again["created"]["campaigns"] == 0 and again["unchanged"]["campaigns"] == 1
    [campaign] = api.call("GET", f"/orgs/{target}/campaigns", token=admin).json["items"]
    assert campaign["id"] != world["campaign"] and campaign["org_id"] == target
    assert campaign["title"] == "+Autumn survey"
    units = {u["id"] for u in api.call("GET", f"/orgs/{target}/units", token=admin).json["items"]}
    assert {u["unit_id"] for u in campaign["units"]} == units
    for point in campaign["units"]:
        stored = api.call("GET", f"/units/{point['unit_id']}/collections", token=admin).json
        assert point["code"] in {c["code"] for c in stored["items"]}
    # A restore keeps the campaign's id and codes.
    restored = upload(api, f"/orgs/{world['org']}/import", admin, package).json
    assert restored["created"]["campaigns"] == 0 and restored["unchanged"]["campaigns"] == 1


def test_a_qr_point_of_an_unknown_campaign_is_refused(api: Api, admin: str) -> None:
    world = build_world(api, admin)
    package = download(api, f"/orgs/{world['org']}/export.zip", admin).body

    def drop(rows: list[dict[str, str]]) -> None:
        rows.clear()

    broken = _edit_csv(package, "campaigns", drop)
    target = new_org(api, admin)
    answer = upload(api, f"/orgs/{target}/import", admin, broken)
    assert answer.status == 400
    problems = {(e["field"], e["problem"]) for e in answer.json["errors"]}
    assert any(
        f.startswith("collections.csv: row ")
        and f.endswith(", campaign_id")
        and p == "no such campaign in campaigns.csv"
        for f, p in problems
    ), problems
    assert api.call("GET", f"/orgs/{target}/units", token=admin).json["items"] == []


def test_restoring_into_the_same_org_changes_nothing(api: Api, admin: str) -> None:
    world = build_world(api, admin)
    package = download(api, f"/orgs/{world['org']}/export.zip", admin).body
    answer = upload(api, f"/orgs/{world['org']}/import", admin, package).json
    assert sum(answer["created"].values()) == 0


def test_dry_run_stores_nothing(api: Api, admin: str) -> None:
    world = build_world(api, admin)
    package = download(api, f"/orgs/{world['org']}/export.zip", admin).body
    target = new_org(api, admin)
    answer = upload(api, f"/orgs/{target}/import?dry_run=1", admin, package)
    assert answer.status == 200 and answer.json["dry_run"] is True
    assert answer.json["created"]["activities"] == 3
    assert api.call("GET", f"/orgs/{target}/units", token=admin).json["items"] == []


def _rezip(content: bytes, change: dict[str, bytes | None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name in change:
                continue
            target.writestr(name, source.read(name))
        for name, data in change.items():
            if data is not None:
                target.writestr(name, data)
    return out.getvalue()


def _edit_csv(content: bytes, table: str, edit: Any) -> bytes:
    rows = tables_of(content)[table]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        header = archive.read(f"{table}.csv").decode().splitlines()[0].split(",")
    edit(rows)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return _rezip(content, {f"{table}.csv": buffer.getvalue().encode()})


def test_a_broken_package_is_refused_with_every_problem_and_nothing_stored(
    api: Api, admin: str
) -> None:
    world = build_world(api, admin)
    package = download(api, f"/orgs/{world['org']}/export.zip", admin).body

    def break_rows(rows: list[dict[str, str]]) -> None:
        rows[0]["participants_girls"] = "-3"
        rows[0]["goal_ids"] = '["nosuchgoal"]'
        rows[1]["unit_id"] = "nosuchunit"

    broken = _edit_csv(package, "activities", break_rows)
    target = new_org(api, admin)
    answer = upload(api, f"/orgs/{target}/import", admin, broken)
    assert answer.status == 400
    fields = [error["field"] for error in answer.json["errors"]]
    assert any("participants.girls" in field for field in fields), fields
    assert any("unit_id" in field for field in fields), fields
    assert api.call("GET", f"/orgs/{target}/units", token=admin).json["items"] == []
    assert api.call("GET", f"/orgs/{target}/goals", token=admin).json["items"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"datapackage.json": None}, "datapackage.json"),
        (
            {"datapackage.json": b'{"name": "someone-else", "resources": []}'},
            "datapackage.json: name",
        ),
        ({"../evil.csv": b"x"}, "../evil.csv"),
        ({"sub/units.csv": b"x"}, "sub/units.csv"),
        ({"extra.csv": b"x"}, "extra.csv"),
        ({"units.csv": b"id,name\r\nx,y\r\n"}, "units.csv"),
    ],
)
def test_foreign_or_unsafe_packages_are_refused(
    api: Api, admin: str, change: dict[str, bytes | None], field: str
) -> None:
    world = build_world(api, admin)
    package = download(api, f"/orgs/{world['org']}/export.zip", admin).body
    target = new_org(api, admin)
    answer = upload(api, f"/orgs/{target}/import", admin, _rezip(package, change))
    assert answer.status == 400, answer.json
    assert field in [error["field"] for error in answer.json["errors"]], answer.json
    assert api.call("GET", f"/orgs/{target}/units", token=admin).json["items"] == []


def test_a_zip_bomb_is_refused(api: Api, admin: str) -> None:
    target = new_org(api, admin)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", b"{}")
        archive.writestr("activities.csv", b"0" * (300 * 1024 * 1024))
    answer = upload(api, f"/orgs/{target}/import", admin, out.getvalue())
    assert answer.status == 400
    assert {"field": "activities.csv", "problem": "inflates beyond the size limit"} in answer.json[
        "errors"
    ]


def test_uploads_are_checked_for_type_and_size(api: Api, admin: str) -> None:
    target = new_org(api, admin)
    answer = upload(api, f"/orgs/{target}/import", admin, b"{}", media="application/json")
    assert answer.status == 415 and answer.json["errors"][0]["field"] == "Content-Type"
    answer = upload(api, f"/orgs/{target}/import", admin, b"not a zip")
    assert answer.status == 400 and answer.json["errors"][0]["field"] == "body"
    answer = upload(api, f"/orgs/{target}/import", admin, b"x" * 5_000_000)
    assert answer.status == 413


def test_only_org_admins_import(api: Api, admin: str) -> None:
    world = build_world(api, admin)
    package = download(api, f"/orgs/{world['org']}/export.zip", admin).body
    worker = api.token("ana@example.si")
    assert upload(api, f"/orgs/{world['org']}/import", worker, package).status == 403


# ------------------------------------------------------------------ the round trip, as a property
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
LINE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
).filter(lambda text: text.strip() != "")


@st.composite
def organisations(draw: st.DrawFn) -> dict[str, Any]:
    units = draw(st.integers(1, 3))
    goals = draw(
        st.lists(st.one_of(st.none(), st.sets(st.integers(0, units - 1), min_size=1)), max_size=3)
    )
    questions = draw(st.integers(0, 2))
    activities = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "unit": st.integers(0, units - 1),
                    "girls": st.integers(0, 20),
                    "boys": st.integers(0, 20),
                    "notes": TEXT,
                    "title": LINE,
                    "ages": st.booleans(),
                    "goal": st.integers(0, 3),
                    "rating": st.integers(1, 5),
                    "answer": TEXT,
                    "date": st.dates(),
                }
            ),
            max_size=6,
        )
    )
    # A campaign over some units (None: no campaign), on a built-in template.
    campaign = draw(st.one_of(st.none(), st.sets(st.integers(0, units - 1), min_size=1)))
    return {
        "units": units,
        "goals": goals,
        "questions": questions,
        "activities": activities,
        "campaign": campaign,
    }


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=organisations())
def test_round_trip_property(api: Api, world: dict[str, Any]) -> None:
    """Random organisation → export → import into a new one → export: equal modulo ids."""
    import datetime as dt

    admin = api.token(ADMIN)
    org = new_org(api, admin)
    units = [
        api.call("POST", f"/orgs/{org}/units", {"name": f"Unit {i}"}, token=admin).json["id"]
        for i in range(world["units"])
    ]
    goals = []
    for index, scope in enumerate(world["goals"]):
        body: dict[str, Any] = {"title": f"Goal {index}"}
        if scope is not None:
            body["unit_ids"] = [units[i] for i in sorted(scope)]
        goals.append((api.call("POST", f"/orgs/{org}/goals", body, token=admin).json["id"], scope))
    questions = [
        api.call("POST", f"/orgs/{org}/reflection-questions", {"text": f"Q {i}"}, token=admin).json[
            "id"
        ]
        for i in range(world["questions"])
    ]
    for index, item in enumerate(world["activities"]):
        total = item["girls"] + item["boys"]
        usable = [g for g, scope in goals if scope is None or item["unit"] in scope]
        goal = usable[item["goal"] % len(usable)] if usable else None
        day = dt.date(2000 + item["date"].year % 100, item["date"].month, min(item["date"].day, 28))
        body = activity(
            date=day.isoformat(),
            title=f"{item['title']} {index}",
            participants={
                "girls": item["girls"],
                "boys": item["boys"],
                "nonbinary": 0,
                "undisclosed": 0,
            },
            age_bands={"16_18": total} if item["ages"] else None,
            new_participants=0,
            youth_leaders=0,
            notes=item["notes"],
            goal_ids=[goal] if goal else None,
            goal_ratings={goal: item["rating"]} if goal else None,
            reflection={questions[0]: item["answer"]} if questions else None,
        )
        answer = api.call("POST", f"/units/{units[item['unit']]}/activities", body, token=admin)
        assert answer.status == 201, answer.json
    if world["campaign"] is not None:
        campaign = {
            "template_id": "annual",
            "title": "Annual survey",
            "opens_at": "2030-03-01T00:00:00Z",
            "closes_at": "2030-04-01T00:00:00Z",
            "unit_ids": [units[i] for i in sorted(world["campaign"])],
        }
        answer = api.call("POST", f"/orgs/{org}/campaigns", campaign, token=admin)
        assert answer.status == 201, answer.json
    first = download(api, f"/orgs/{org}/export.zip", admin).body
    target = new_org(api, admin)
    imported = upload(api, f"/orgs/{target}/import", admin, first)
    assert imported.status == 200, imported.json
    second = download(api, f"/orgs/{target}/export.zip", admin).body
    assert canonical(second) == canonical(first)


def test_a_large_package_goes_through_a_signed_url(
    api: Api, admin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    from chalicelib.api import data as data_api
    from chalicelib.settings import get_settings

    world = build_world(api, admin)
    monkeypatch.setattr(data_api, "MAX_INLINE_ANSWER_BYTES", 100)
    monkeypatch.setenv("LOGBOOK_EXPORT_BUCKET", "logbook-exports")
    get_settings.cache_clear()
    s3 = boto3.client("s3", region_name=get_settings().region)
    s3.create_bucket(
        Bucket="logbook-exports",
        CreateBucketConfiguration={"LocationConstraint": get_settings().region},
    )
    answer = download(api, f"/orgs/{world['org']}/export.zip", admin)
    assert answer.status == 302
    location = answer.headers["Location"]
    assert "logbook-exports" in location
    assert "Expires=" in location or "X-Amz-Expires=" in location
    key = next(o["Key"] for o in s3.list_objects_v2(Bucket="logbook-exports")["Contents"])
    assert key.startswith(f"exports/{world['org']}/")
    stored = s3.get_object(Bucket="logbook-exports", Key=key)["Body"].read()
    assert "activities" in tables_of(stored)


def test_the_app_gets_a_signed_link_at_any_size(
    api: Api, admin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """?link=1 answers 200 {url, expires_at} (no redirect a fetch could not follow)."""
    import datetime as dt
    from urllib.parse import urlparse

    import boto3

    from chalicelib.settings import get_settings

    world = build_world(api, admin)
    monkeypatch.setenv("LOGBOOK_EXPORT_BUCKET", "logbook-exports")
    get_settings.cache_clear()
    s3 = boto3.client("s3", region_name=get_settings().region)
    s3.create_bucket(
        Bucket="logbook-exports",
        CreateBucketConfiguration={"LocationConstraint": get_settings().region},
    )
    # A small package too: the app takes one path whatever the size.
    answer = api.call("GET", f"/orgs/{world['org']}/export.zip?link=1", token=admin)
    assert answer.status == 200, answer.json
    url = urlparse(answer.json["url"])
    assert url.hostname and "logbook-exports" in url.hostname + url.path
    assert "X-Amz-Signature=" in url.query or "Signature=" in url.query
    expires = dt.datetime.fromisoformat(answer.json["expires_at"].replace("Z", "+00:00"))
    left = expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=4) < left <= dt.timedelta(minutes=5)
    key = next(o["Key"] for o in s3.list_objects_v2(Bucket="logbook-exports")["Contents"])
    assert url.path.endswith(key)
    stored = s3.get_object(Bucket="logbook-exports", Key=key)
    assert stored["ContentDisposition"].startswith("attachment;")
    assert "campaigns" in tables_of(stored["Body"].read())
    # curl and API users keep the file (or the 302 when large).
    assert download(api, f"/orgs/{world['org']}/export.zip", admin).status == 200


def test_the_local_stage_links_to_a_local_copy(api: Api, admin: str) -> None:
    world = build_world(api, admin)
    answer = api.call("GET", f"/orgs/{world['org']}/export.zip?link=1", token=admin)
    assert answer.status == 200, answer.json
    path = "/" + answer.json["url"].split("/", 3)[3]
    assert path.startswith("/local/exports/")
    served = api.client.http.request("GET", path, headers={"Accept": "*/*"})  # no sign-in
    assert served.status_code == 200
    assert served.headers["Content-Disposition"].startswith('attachment; filename="logbook-')
    assert "activities" in tables_of(served.body)
    missing = api.client.http.request("GET", "/local/exports/" + "0" * 32)
    assert missing.status_code == 404
    assert api.call("GET", "/local/exports/..%2Fsecret").status in (400, 404)


def test_a_wrong_link_parameter_is_named(api: Api, admin: str) -> None:
    world = build_world(api, admin)
    answer = api.call("GET", f"/orgs/{world['org']}/export.zip?link=yes", token=admin)
    assert answer.status == 400
    assert any("link" in error["field"] for error in answer.json["errors"]), answer.json
    other = api.call("GET", f"/orgs/{world['org']}/export.zip?links=1", token=admin)
    assert other.status == 400


def test_an_import_out_of_time_answers_202_and_a_repeat_finishes_it(
    api: Api, admin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.api import data as data_api
    from chalicelib.services import data as data_service

    world = build_world(api, admin)
    package = download(api, f"/orgs/{world['org']}/export.zip", admin).body
    target = new_org(api, admin)
    # No time at all: the request stops before its first chunk of writes.
    monkeypatch.setattr(data_service, "WRITE_CHUNK", 1)
    monkeypatch.setattr(data_api, "IMPORT_SECONDS", -1.0)
    partial = upload(api, f"/orgs/{target}/import", admin, package)
    assert partial.status == 202, partial.json
    assert partial.json["complete"] is False and partial.json["remaining"] > 0
    monkeypatch.setattr(data_api, "IMPORT_SECONDS", 60.0)
    finished = upload(api, f"/orgs/{target}/import", admin, package)
    assert finished.status == 200 and finished.json["complete"] is True
    assert sum(finished.json["created"].values()) == partial.json["remaining"]
    assert canonical(download(api, f"/orgs/{target}/export.zip", admin).body) == canonical(package)


def test_who_may_import_is_checked_before_the_body(api: Api, admin: str) -> None:
    world = build_world(api, admin)
    worker = api.token("ana@example.si")
    answer = upload(api, f"/orgs/{world['org']}/import", worker, b"{}", media="application/json")
    assert answer.status == 403
    answer = upload(api, "/orgs/nosuchorg/import", admin, b"{}", media="application/json")
    assert answer.status == 404
