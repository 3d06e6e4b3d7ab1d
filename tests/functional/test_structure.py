"""Issue #17 items 2–5: municipality codes, own vocabularies, planned activities, key figures.

Aggregation is exercised end to end: activities are written through the API, the
items the API stored (old and new images) become stream records, the aggregator folds
them, and ``/public/stats`` is read back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chalicelib.domain.key_figures import derived_figures
from chalicelib.domain.publication import Thresholds
from chalicelib.events.aggregate import StreamAggregator
from chalicelib.events.publish import Publisher
from chalicelib.services import reset as reset_services
from chalicelib.settings import get_settings
from chalicelib.store.items import without_keys
from chalicelib.store.publication import PublicationStore
from chalicelib.store.stats import StatsStore
from tests.builders import activity
from tests.functional.conftest import Api
from tests.functional.world import World, build_world
from tools.stream_events import stream_event, stream_record

YOUTH_CAFE = {
    "id": "youth_cafe",
    "labels": {
        "en": "Youth café",
        "sl": "Mladinska kavarna",
        "fi": "Nuorisokahvila",
        "sv": "Ungdomscafé",
    },
    "maps_to": "socialising",
}
HOMEWORK_CLUB = {
    "id": "homework_club",
    "labels": {"en": "Homework club", "sl": "Učni klub"},
    "maps_to": "learning_support",
}


@pytest.fixture
def world(api: Api) -> World:
    return build_world(api)


# ------------------------------------------------------------------ stream helper
class Stream:
    """Captures the images the API writes and folds them as the stream consumer would."""

    def __init__(self) -> None:
        settings = get_settings()
        self.table = boto3.resource("dynamodb", region_name=settings.region).Table(
            settings.data_table
        )
        self.client = boto3.client("dynamodb", region_name=settings.region)
        # Folded and published, as the stream's consumer does (docs/privacy.md).
        self.aggregator = StreamAggregator(
            StatsStore(self.client, settings.stats_table),
            publisher=Publisher(
                PublicationStore(self.client, settings.stats_table),
                Thresholds(settings.suppression_threshold, settings.participation_threshold),
            ),
        )
        self.images: dict[tuple[str, str], dict[str, Any] | None] = {}
        self.sequence = 0

    def image(self, unit_id: str, activity_id: str) -> dict[str, Any] | None:
        key = {"PK": f"UNIT#{unit_id}", "SK": f"ACT#{activity_id}"}
        return self.table.get_item(Key=key, ConsistentRead=True).get("Item")

    def follow(self, unit_id: str, activity_id: str) -> None:
        """Fold the change of one activity since it was last followed (INSERT/MODIFY/REMOVE)."""
        old = self.images.get((unit_id, activity_id))
        new = self.image(unit_id, activity_id)
        self.images[(unit_id, activity_id)] = new
        self.sequence += 1
        self.aggregator.handle(
            stream_event([stream_record(self.sequence, old, new)], "shardId-structure")
        )


@pytest.fixture
def stream(world: World) -> Iterator[Stream]:
    reset_services()
    yield Stream()
    reset_services()


def unit_stats(api: Api, unit: str, period: str = "2026") -> dict[str, Any]:
    answer = api.call("GET", f"/public/stats?scope=unit:{unit}&period={period}")
    assert answer.status == 200, answer.json
    return answer.json


def record(api: Api, world: World, body: dict[str, Any], token: str | None = None) -> dict:
    answer = api.call("POST", f"/units/{world.unit}/activities", body, token=token or world.worker)
    assert answer.status == 201, answer.json
    return answer.json


def put_vocabulary(api: Api, world: World, categories: list[dict], token: str | None = None):
    return api.call(
        "PUT",
        f"/orgs/{world.org}/vocabulary",
        {"categories": categories},
        token=token or world.org_admin,
    )


# ------------------------------------------------------------------ municipality codes
@pytest.mark.parametrize(
    ("country", "code"),
    [("SI", "061"), ("FI", "837"), ("SE", "1480"), ("SE", "0127"), ("DE", "09162000")],
)
def test_an_official_municipality_code_is_kept_and_public(api, world, country, code):
    body = {"name": "Town", "country": country, "municipality_code": code, "youth_population": 900}
    created = api.call("POST", "/orgs", body, token=world.admin)
    assert created.status == 201, created.json
    assert created.json["municipality_code"] == code

    public = api.call("GET", "/public/orgs").json["items"]
    town = next(org for org in public if org["id"] == created.json["id"])
    assert town["municipality_code"] == code and town["youth_population"] == 900


@pytest.mark.parametrize(
    ("country", "code"),
    [
        ("SI", "61"),
        ("SI", "0610"),
        ("FI", "91a"),
        ("SE", "180"),
        ("SE", "01800"),
        ("SI", "٠٦١"),  # Arabic-Indic digits are digits to Python, not to SURS
        ("SI", "061\n"),
        ("SE", "12 80"),
        ("XK", "bad code!"),
    ],
)
def test_a_code_that_is_not_the_countrys_is_400_naming_the_field(api, world, country, code):
    body = {"name": "Town", "country": country, "municipality_code": code}
    answer = api.call("POST", "/orgs", body, token=world.admin)
    assert answer.status == 400, answer.json
    assert [e["field"] for e in answer.json["errors"]] == ["municipality_code"]


def test_put_org_sets_and_validates_the_code(api, world):
    path = f"/orgs/{world.org}"
    good = {"name": "Ljubljana", "country": "SI", "municipality_code": "061"}
    assert api.call("PUT", path, good, token=world.org_admin).json["municipality_code"] == "061"
    bad = api.call("PUT", path, {**good, "municipality_code": "1480"}, token=world.org_admin)
    assert bad.status == 400 and bad.json["errors"][0]["field"] == "municipality_code"
    assert api.call("GET", path, token=world.worker).json["municipality_code"] == "061"


# ------------------------------------------------------------------ vocabulary
def test_the_vocabulary_serves_the_core_with_individual_work_in_four_languages(api, world):
    answer = api.call("GET", f"/orgs/{world.org}/vocabulary", token=world.worker)
    assert answer.status == 200
    kinds = {kind["id"]: kind for kind in answer.json["kinds"]}
    assert set(kinds) == {"open", "group", "event", "outreach", "digital", "individual"}
    for entry in [*answer.json["kinds"], *answer.json["categories"]]:
        assert set(entry["labels"]) >= {"en", "sl", "fi", "sv"}, entry
        assert entry["core"] is True
    assert answer.json["updated_at"] is None


def test_own_categories_are_served_beside_the_core(api, world):
    renamed_sport = {"id": "sport", "labels": {"en": "Sports hall"}, "maps_to": "sport"}
    answer = put_vocabulary(api, world, [YOUTH_CAFE, renamed_sport])
    assert answer.status == 200, answer.json

    served = api.call("GET", f"/orgs/{world.org}/vocabulary", token=world.partner).json
    categories = {entry["id"]: entry for entry in served["categories"]}
    assert categories["youth_cafe"]["maps_to"] == "socialising"
    assert categories["youth_cafe"]["core"] is False
    assert categories["youth_cafe"]["labels"]["sv"] == "Ungdomscafé"
    assert categories["sport"]["labels"]["en"] == "Sports hall"
    assert categories["sport"]["labels"]["sl"] == "Šport"  # not renamed there
    assert categories["sport"]["renamed"] is True
    # Another organisation's words stay its own.
    foreign = api.call("GET", f"/orgs/{world.foreign_org}/vocabulary", token=world.admin).json
    assert "youth_cafe" not in {entry["id"] for entry in foreign["categories"]}


@pytest.mark.parametrize(
    ("categories", "field"),
    [
        ([{**YOUTH_CAFE, "maps_to": "cooking"}], "categories.0.maps_to"),
        ([{**YOUTH_CAFE, "id": "Youth Café"}], "categories.0.id"),
        ([{**YOUTH_CAFE, "labels": {}}], "categories.0.labels"),
        ([{**YOUTH_CAFE, "labels": {"english": "x"}}], "categories.0.labels.english.[key]"),
        ([{**YOUTH_CAFE, "colour": "red"}], "categories.0.colour"),
        ([YOUTH_CAFE, YOUTH_CAFE], "categories"),
        ([{"id": "sport", "labels": {"en": "Football"}, "maps_to": "culture"}], "categories"),
    ],
)
def test_a_bad_vocabulary_is_400_naming_the_field(api, world, categories, field):
    answer = put_vocabulary(api, world, categories)
    assert answer.status == 400, answer.json
    assert field in [e["field"] for e in answer.json["errors"]]


def test_an_activity_in_own_words_counts_under_the_core_category(api, world, stream):
    # Given a youth café that maps onto socialising
    assert put_vocabulary(api, world, [YOUTH_CAFE, HOMEWORK_CLUB]).status == 200

    # When a worker logs an activity in the organisation's own words
    body = activity(categories=["youth_cafe", "homework_club", "socialising"], date="2026-03-13")
    created = record(api, world, body)
    stream.follow(world.unit, created["id"])

    # Then the app reads back its own words, and the core categories beside them
    assert created["categories"] == ["youth_cafe", "homework_club", "socialising"]
    assert created["core_categories"] == ["learning_support", "socialising"]
    read = api.call("GET", f"/units/{world.unit}/activities/{created['id']}", token=world.worker)
    assert read.json["categories"] == ["youth_cafe", "homework_club", "socialising"]
    # And the public statistics count the core categories, each once
    stats = unit_stats(api, world.unit)
    assert stats["activities"]["by_category"] == {"learning_support": 1, "socialising": 1}
    assert "youth_cafe" not in str(stats)


def test_a_category_nobody_defined_is_400(api, world):
    answer = api.call(
        "POST",
        f"/units/{world.unit}/activities",
        activity(categories=["youth_cafe"]),
        token=world.worker,
    )
    assert answer.status == 400
    assert [e["field"] for e in answer.json["errors"]] == ["categories.0"]
    assert "youth_cafe" in answer.json["errors"][0]["problem"]
    # Another organisation's own category is not this one's.
    put_vocabulary(api, world, [YOUTH_CAFE])
    foreign = api.call(
        "POST",
        f"/units/{world.foreign_unit}/activities",
        activity(categories=["youth_cafe"]),
        token=world.admin,
    )
    assert foreign.status == 400


def test_a_category_in_use_cannot_be_removed_or_moved_409_with_the_count(api, world):
    put_vocabulary(api, world, [YOUTH_CAFE, HOMEWORK_CLUB])
    record(api, world, activity(categories=["youth_cafe"]))
    record(api, world, activity(categories=["youth_cafe", "sport"], status="planned"))

    removed = put_vocabulary(api, world, [HOMEWORK_CLUB])
    assert removed.status == 409, removed.json
    assert removed.json["in_use"] == {"youth_cafe": 2}
    assert "2 activities" in removed.json["message"]

    moved = put_vocabulary(api, world, [{**YOUTH_CAFE, "maps_to": "culture"}, HOMEWORK_CLUB])
    assert moved.status == 409 and moved.json["in_use"] == {"youth_cafe": 2}

    # Nothing changed; relabelling and removing an unused category are fine.
    relabelled = put_vocabulary(api, world, [{**YOUTH_CAFE, "labels": {"en": "Café"}}])
    assert relabelled.status == 200, relabelled.json
    ids = {entry["id"] for entry in relabelled.json["categories"]}
    assert "youth_cafe" in ids and "homework_club" not in ids


def test_only_an_org_admin_changes_the_vocabulary(api, world):
    assert put_vocabulary(api, world, [YOUTH_CAFE], token=world.worker).status == 403
    assert put_vocabulary(api, world, [YOUTH_CAFE], token=world.outsider).status == 403
    assert put_vocabulary(api, world, [YOUTH_CAFE], token=world.admin).status == 200


def test_individual_work_is_a_kind_the_statistics_count(api, world, stream):
    created = record(api, world, activity(kind="individual", categories=["counselling"]))
    stream.follow(world.unit, created["id"])
    assert unit_stats(api, world.unit)["activities"]["by_kind"] == {"individual": 1}


# ------------------------------------------------------------------ planned activities
def plan_body(**changes: Any) -> dict[str, Any]:
    body = {
        "status": "planned",
        "date": "2026-04-02",
        "duration_minutes": 90,
        "kind": "group",
        "title": "Podcast workshop",
        "intentions": "Everyone records one minute; the shy ones pick the music.",
    }
    body.update(changes)
    return body


def test_a_plan_needs_no_counts_and_counts_in_no_statistic(api, world, stream):
    planned = record(api, world, plan_body())
    stream.follow(world.unit, planned["id"])

    assert planned["status"] == "planned"
    assert planned["participants"] == {"girls": 0, "boys": 0, "nonbinary": 0, "undisclosed": 0}
    assert planned["intentions"].startswith("Everyone records")
    stats = unit_stats(api, world.unit)
    assert stats["activities"]["count"] == 0 and stats["participation"]["visits"] == 0
    # A plan with counts filled in ahead still counts nowhere.
    with_counts = record(api, world, plan_body(participants={"girls": 4, "boys": 3}))
    stream.follow(world.unit, with_counts["id"])
    assert unit_stats(api, world.unit)["activities"]["count"] == 0


def test_completing_a_plan_counts_it_exactly_once_and_edits_stay_once(api, world, stream):
    # Given a plan
    planned = record(api, world, plan_body(categories=["culture"]))
    stream.follow(world.unit, planned["id"])
    path = f"/units/{world.unit}/activities/{planned['id']}"

    # When the worker completes it, starting from the plan
    done_body = {
        **planned,
        "status": "done",
        "participants": {"girls": 4, "boys": 3, "nonbinary": 0, "undisclosed": 0},
        "notes": "Went well",
    }
    done = api.call("PUT", path, done_body, token=world.worker)
    assert done.status == 200, done.json
    assert done.json["status"] == "done" and done.json["version"] == 2
    assert done.json["intentions"] == planned["intentions"]  # the plan stays with it
    stream.follow(world.unit, planned["id"])

    # Then it counts once
    stats = unit_stats(api, world.unit)
    assert stats["activities"]["count"] == 1 and stats["participation"]["visits"] == 7
    assert stats["activities"]["by_kind"] == {"group": 1}

    # And an edit of the done activity keeps it at once, with the new figures
    edited = api.call(
        "PUT",
        path,
        {**done.json, "participants": {"girls": 5, "boys": 3}},
        token=world.worker,
    )
    assert edited.status == 200, edited.json
    stream.follow(world.unit, planned["id"])
    stats = unit_stats(api, world.unit)
    assert stats["activities"]["count"] == 1 and stats["participation"]["visits"] == 8

    # A duplicate delivery of the same change adds nothing.
    stream.aggregator.handle(
        stream_event(
            [stream_record(stream.sequence, None, stream.image(world.unit, planned["id"]))],
            "shardId-structure",
        )
    )
    assert unit_stats(api, world.unit)["activities"]["count"] == 1

    # Deleting it takes it out again.
    assert api.call("DELETE", path, token=world.worker).status == 204
    stream.follow(world.unit, planned["id"])
    assert unit_stats(api, world.unit)["activities"]["count"] == 0


def test_a_done_activity_cannot_become_a_plan_again(api, world):
    done = record(api, world, activity())
    path = f"/units/{world.unit}/activities/{done['id']}"
    answer = api.call("PUT", path, {**done, "status": "planned"}, token=world.worker)
    assert answer.status == 400
    assert [e["field"] for e in answer.json["errors"]] == ["status"]


def test_a_status_other_than_planned_or_done_is_400(api, world):
    answer = api.call(
        "POST", f"/units/{world.unit}/activities", plan_body(status="maybe"), token=world.worker
    )
    assert answer.status == 400 and answer.json["errors"][0]["field"] == "status"


def test_completing_a_plan_offline_twice_with_one_key_stores_it_once(api, world):
    planned = record(api, world, plan_body())
    path = f"/units/{world.unit}/activities/{planned['id']}"
    body = {**planned, "status": "done", "participants": {"girls": 2}}
    headers = {"Idempotency-Key": "complete-plan-1"}
    first = api.call("PUT", path, body, token=world.worker, headers=headers)
    again = api.call("PUT", path, body, token=world.worker, headers=headers)
    assert first.status == again.status == 200
    assert first.json["version"] == again.json["version"] == 2


def test_a_planned_activity_is_listed_with_its_status(api, world):
    record(api, world, plan_body(date="2026-05-01"))
    record(api, world, activity(date="2026-03-01"))
    items = api.call("GET", f"/units/{world.unit}/activities", token=world.worker).json["items"]
    assert [(item["date"], item["status"]) for item in items] == [
        ("2026-05-01", "planned"),
        ("2026-03-01", "done"),
    ]


def test_exports_leave_plans_out_and_show_the_organisations_words(api, world):
    put_vocabulary(api, world, [YOUTH_CAFE])
    record(api, world, activity(categories=["youth_cafe"], title="Café evening"))
    record(api, world, plan_body(title="Future plan"))
    answer = api.client.http.get(
        f"/units/{world.unit}/activity-export?format=csv&lang=sv",
        headers={"Authorization": f"Bearer {world.worker}"},
    )
    assert answer.status_code == 200
    text = answer.body.decode("utf-8-sig") if isinstance(answer.body, bytes) else answer.body
    assert "Café evening" in text and "Future plan" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["categories"], row["category_names"]) for row in rows] == [
        ("youth_cafe", "Ungdomscafé")
    ]


# ------------------------------------------------------------------ key figures
def key_figures_path(world: World, year: str = "2026") -> str:
    return f"/orgs/{world.org}/key-figures/{year}"


def test_key_figures_are_null_until_reported_then_read_by_members(api, world):
    empty = api.call("GET", key_figures_path(world), token=world.worker)
    assert empty.status == 200
    assert empty.json["costs_eur"] is None and empty.json["updated_at"] is None

    body = {"costs_eur": 125000.5, "open_weeks": 44, "staff_fte": 3.5, "youth_population": 5200}
    put = api.call("PUT", key_figures_path(world), body, token=world.org_admin)
    assert put.status == 200, put.json
    read = api.call("GET", key_figures_path(world), token=world.partner).json
    assert {name: read[name] for name in body} == body
    assert read["year"] == 2026 and read["updated_at"]
    listed = api.call("GET", f"/orgs/{world.org}/key-figures", token=world.worker).json
    assert [item["year"] for item in listed["items"]] == [2026]
    # PUT replaces: a figure left out is no longer reported.
    api.call("PUT", key_figures_path(world), {"open_weeks": 40}, token=world.org_admin)
    read = api.call("GET", key_figures_path(world), token=world.worker).json
    assert read["open_weeks"] == 40 and read["costs_eur"] is None


@pytest.mark.parametrize(
    ("year", "body", "field"),
    [
        ("2026", {"costs_eur": -1}, "costs_eur"),
        ("2026", {"open_weeks": 54}, "open_weeks"),
        ("2026", {"open_weeks": 40.5}, "open_weeks"),
        ("2026", {"staff_fte": "3"}, "staff_fte"),
        ("2026", {"youth_population": -5}, "youth_population"),
        ("2026", {"visitors": 5}, "visitors"),
        ("26", {}, "year"),
        ("1999", {}, "year"),
        ("2026x", {}, "year"),
    ],
)
def test_bad_key_figures_are_400_naming_the_field(api, world, year, body, field):
    answer = api.call("PUT", key_figures_path(world, year), body, token=world.org_admin)
    assert answer.status == 400, answer.json
    assert [e["field"] for e in answer.json["errors"]] == [field]


def test_only_an_org_admin_reports_key_figures(api, world):
    body = {"costs_eur": 1000}
    assert api.call("PUT", key_figures_path(world), body, token=world.worker).status == 403
    assert api.call("GET", key_figures_path(world), token=world.outsider).status == 403


def test_derived_figures_from_the_statistics_and_the_key_figures(api, world, stream):
    created = record(api, world, activity(participants={"girls": 30, "boys": 20}, age_bands=None))
    stream.follow(world.unit, created["id"])
    stats = api.call("GET", f"/public/stats?scope=org:{world.org}&period=2026").json
    figures = {"costs_eur": 1000, "open_weeks": 40, "youth_population": 2000}

    derived = derived_figures(stats, figures, org_youth_population=60000)

    assert derived == {"cost_per_visit": 20.0, "visits_per_1000": 25.0, "visits_per_open_week": 1.2}


@pytest.mark.parametrize(
    ("visits", "figures", "org_population", "expected"),
    [
        (0, {"costs_eur": 100, "open_weeks": 10, "youth_population": 100}, None, (None, 0.0, 0.0)),
        (10, {}, None, (None, None, None)),
        (10, None, 500, (None, 20.0, None)),
        (10, {"open_weeks": 0, "youth_population": 0}, 500, (None, 20.0, None)),
        (None, {"costs_eur": 100, "open_weeks": 4}, 500, (None, None, None)),
        (3, {"costs_eur": 100}, None, (33.33, None, None)),
    ],
)
def test_derived_figures_never_divide_by_zero_or_guess(visits, figures, org_population, expected):
    stats = {"participation": {"visits": visits}}
    derived = derived_figures(stats, figures, org_population)
    assert (
        derived["cost_per_visit"],
        derived["visits_per_1000"],
        derived["visits_per_open_week"],
    ) == expected


def test_vocabulary_and_key_figures_never_reach_the_statistics(api, world, stream):
    # Items of the organisation's partition are no activities: the aggregator ignores them.
    put_vocabulary(api, world, [YOUTH_CAFE])
    api.call("PUT", key_figures_path(world), {"costs_eur": 5}, token=world.org_admin)
    items = stream.table.scan()["Items"]
    records = [
        stream_record(index + 100, None, item)
        for index, item in enumerate(items)
        if item["type"] in ("vocabulary", "key_figures")
    ]
    assert len(records) == 2
    stream.aggregator.handle(stream_event(records, "shardId-structure"))
    assert unit_stats(api, world.unit)["activities"]["count"] == 0
    assert without_keys(items[0]) is not None


def test_public_statistics_of_an_organisations_year_carry_the_derived_figures(api, world, stream):
    # Given 50 visits in 2026 and the year's key figures
    created = record(api, world, activity(participants={"girls": 30, "boys": 20}, age_bands=None))
    stream.follow(world.unit, created["id"])
    body = {"costs_eur": 1000, "open_weeks": 40}
    assert api.call("PUT", key_figures_path(world), body, token=world.org_admin).status == 200

    # When the public reads the organisation's year
    stats = api.call("GET", f"/public/stats?scope=org:{world.org}&period=2026").json

    # Then the derived figures are there (per 1,000 from the organisation's 60,000)
    assert stats["cost_per_visit"] == 20.0
    assert stats["visits_per_open_week"] == 1.2
    assert stats["visits_per_1000"] == pytest.approx(0.8)
    path = f"/public/stats.csv?scope=org:{world.org}&period=2026"
    tidy = api.client.http.get(path).body.decode()
    assert f"summary,org:{world.org},Ljubljana,,2026,cost_per_visit,20,," in tidy
    long = api.client.http.get(f"{path}&layout=long").body.decode()
    assert f"org:{world.org},2026,key_figures,cost_per_visit,,20.0" in long
    # A quarter, a unit and another organisation's year carry none.
    quarter = api.call("GET", f"/public/stats?scope=org:{world.org}&period=2026-Q1").json
    unit = unit_stats(api, world.unit)
    assert "cost_per_visit" not in quarter and "cost_per_visit" not in unit
    foreign = api.call("GET", f"/public/stats?scope=org:{world.foreign_org}&period=2026").json
    assert foreign["cost_per_visit"] is None and foreign["visits_per_1000"] is None


def test_an_organisations_year_stays_one_read_however_often_it_is_asked(api, world, stream, clock):
    from chalicelib.services import get_services
    from chalicelib.services.key_figures import DERIVED_INPUTS_SECONDS

    # Given an organisation's year with key figures, read once (the inputs are now kept)
    created = record(api, world, activity(participants={"girls": 30, "boys": 20}, age_bands=None))
    stream.follow(world.unit, created["id"])
    api.call("PUT", key_figures_path(world), {"costs_eur": 1000}, token=world.org_admin)
    path = f"/public/stats?scope=org:{world.org}&period=2026"
    assert api.call("GET", path).json["cost_per_visit"] == 20.0
    services = get_services()
    clients = {
        id(client): client
        for client in (
            services.directory._table.meta.client,
            services.statistics._store._client,  # type: ignore[attr-defined]
        )
    }
    calls: list[str] = []
    for client in clients.values():
        client.meta.events.register(
            "before-call.dynamodb", lambda model, **_: calls.append(model.name)
        )

    # When the public asks 20 times (straight at the API, past any CDN)
    for _ in range(20):
        assert api.call("GET", path).json["cost_per_visit"] == 20.0

    # Then each answer was one GetItem of the published document
    assert calls == ["GetItem"] * 20

    # And a correction of the key figures is public at once, expiry reads them again
    api.call("PUT", key_figures_path(world), {"costs_eur": 500}, token=world.org_admin)
    assert api.call("GET", path).json["cost_per_visit"] == 10.0
    clock.advance(dt.timedelta(seconds=DERIVED_INPUTS_SECONDS + 1))
    calls.clear()
    assert api.call("GET", path).json["cost_per_visit"] == 10.0
    assert calls == ["GetItem"] * 3


def test_the_list_filters_planned_and_done_for_the_upcoming_view(api, world):
    plan = record(api, world, plan_body(date="2026-05-01"))
    done = record(api, world, activity(date="2026-03-01"))
    partner_plan = record(api, world, plan_body(date="2026-05-02"), token=world.partner)
    base = f"/units/{world.unit}/activities"

    planned = api.call("GET", f"{base}?status=planned", token=world.worker).json["items"]
    assert [item["id"] for item in planned] == [partner_plan["id"], plan["id"]]
    logged = api.call("GET", f"{base}?status=done", token=world.worker).json["items"]
    assert [item["id"] for item in logged] == [done["id"]]
    # A partner's filter keeps to its own.
    own = api.call("GET", f"{base}?status=planned", token=world.partner).json["items"]
    assert [item["id"] for item in own] == [partner_plan["id"]]
    bad = api.call("GET", f"{base}?status=maybe", token=world.worker)
    assert bad.status == 400 and bad.json["errors"][0]["field"] == "query.status"


def test_an_edit_without_a_status_keeps_the_plan_a_plan(api, world, stream):
    planned = record(api, world, plan_body())
    path = f"/units/{world.unit}/activities/{planned['id']}"
    body = {name: value for name, value in planned.items() if name != "status"}
    edited = api.call(
        "PUT", path, {**body, "title": "Podcast workshop, part 1"}, token=world.worker
    )
    assert edited.status == 200, edited.json
    assert edited.json["status"] == "planned"
    stream.follow(world.unit, planned["id"])
    assert unit_stats(api, world.unit)["activities"]["count"] == 0


def test_the_core_categories_are_the_servers_to_resolve(api, world, stream):
    # A client that sends its own core_categories cannot count an activity elsewhere.
    created = record(api, world, activity(categories=["culture"], core_categories=["sport"]))
    stream.follow(world.unit, created["id"])
    assert created["core_categories"] == ["culture"]
    assert unit_stats(api, world.unit)["activities"]["by_category"] == {"culture": 1}
