"""One contract for the repositories, run against moto and against DynamoDB Local.

moto is the fast double the functional tests use; DynamoDB Local is AWS's own
engine. Whatever the repositories promise must hold on both.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chalicelib.domain.errors import Conflict, InvalidInput, NotFound
from chalicelib.store.activities import ActivityRepository
from chalicelib.store.directory import DirectoryRepository

pytestmark = pytest.mark.integration
REGION = "eu-north-1"


@pytest.fixture
def table(engine_data_table: Any) -> Any:
    """The data table of the engine under test (moto, then DynamoDB Local)."""
    return engine_data_table


def an_activity(activity_id: str, date: str, unit_id: str = "u1", **extra: Any) -> dict[str, Any]:
    return {
        "id": activity_id,
        "unit_id": unit_id,
        "org_id": "o1",
        "version": 1,
        "created_by": "w@x.test",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "date": date,
        "start_time": "17:00",
        "duration_minutes": 90,
        "kind": "open",
        "categories": ["sport"],
        "title": f"Activity {activity_id}",
        "participants": {"girls": 1, "boys": 2, "nonbinary": 0, "undisclosed": 0},
        "new_participants": 0,
        "youth_led": False,
        "youth_leaders": 0,
        "volunteers": 0,
        "staff": 1,
        "goal_ids": [],
        "goal_ratings": {},
        "notes": "",
        "reflection": {},
        **extra,
    }


class TestDirectoryContract:
    def test_org_round_trip_and_listing(self, table):
        repo = DirectoryRepository(table)
        repo.create_org(
            {"id": "o1", "name": "Celje", "country": "SI", "created_at": "t", "updated_at": "t"}
        )
        assert repo.get_org("o1")["name"] == "Celje"
        assert [org["id"] for org in repo.list_orgs()] == ["o1"]

    def test_creating_twice_is_a_conflict(self, table):
        repo = DirectoryRepository(table)
        org = {"id": "o1", "name": "Celje", "country": "SI", "created_at": "t", "updated_at": "t"}
        repo.create_org(org)
        with pytest.raises(Conflict):
            repo.create_org(org)

    def test_replacing_a_missing_unit_is_not_found(self, table):
        with pytest.raises(NotFound):
            DirectoryRepository(table).replace_unit(
                {"id": "u1", "org_id": "o1", "name": "X", "created_at": "t", "updated_at": "t"}
            )

    def test_units_and_members_list_by_org(self, table):
        repo = DirectoryRepository(table)
        for unit_id, org_id in (("u1", "o1"), ("u2", "o1"), ("u3", "o2")):
            repo.create_unit(
                {
                    "id": unit_id,
                    "org_id": org_id,
                    "name": unit_id,
                    "created_at": "t",
                    "updated_at": "t",
                }
            )
        repo.put_member(
            {
                "email": "w@x.test",
                "org_id": "o1",
                "role": "worker",
                "unit_ids": ["u1"],
                "created_at": "t",
                "updated_at": "t",
            },
            create=True,
        )
        assert sorted(u["id"] for u in repo.list_units("o1")) == ["u1", "u2"]
        assert [m["email"] for m in repo.list_members("o1")] == ["w@x.test"]
        assert repo.list_members("o2") == []

    def test_grants_combine_platform_and_org_roles(self, table):
        repo = DirectoryRepository(table)
        repo.put_platform_admin("a@x.test", "t")
        repo.put_member(
            {
                "email": "a@x.test",
                "org_id": "o1",
                "role": "partner",
                "unit_ids": ["u1"],
                "created_at": "t",
                "updated_at": "t",
            },
            create=True,
        )
        platform_admin, grants = repo.grants_for("a@x.test")
        assert platform_admin and grants["o1"].role == "partner"
        assert grants["o1"].unit_ids == frozenset({"u1"})

    def test_an_address_binds_to_the_first_subject_only(self, table):
        repo = DirectoryRepository(table)
        repo.put_platform_admin("a@x.test", "t")

        assert repo.bind_subject("a@x.test", "sub-1", "t") == "sub-1"
        assert repo.bind_subject("a@x.test", "sub-2", "t") == "sub-1"
        assert repo.account("a@x.test").subject == "sub-1"
        assert repo.account("a@x.test").platform_admin

        repo.unbind_subject("a@x.test")
        assert repo.account("a@x.test").subject is None

    def test_goals_and_questions_come_in_one_query(self, table):
        repo = DirectoryRepository(table)
        repo.create_org(
            {"id": "o1", "name": "Celje", "country": "SI", "created_at": "t", "updated_at": "t"}
        )
        repo.put_goal(
            {
                "id": "g1",
                "org_id": "o1",
                "title": "Safety",
                "active": True,
                "created_at": "t",
                "updated_at": "t",
            },
            create=True,
        )
        repo.put_question(
            {
                "id": "q1",
                "org_id": "o1",
                "text": "Why?",
                "active": True,
                "created_at": "t",
                "updated_at": "t",
            },
            create=True,
        )
        goals, questions = repo.goals_and_questions("o1")
        assert [g["id"] for g in goals] == ["g1"] and [q["id"] for q in questions] == ["q1"]
        repo.put_vocabulary(
            "o1", [{"id": "cafe", "labels": {"en": "Café"}, "maps_to": "socialising"}], "t"
        )
        goals, questions, vocabulary = repo.activity_context("o1")
        assert [g["id"] for g in goals] == ["g1"] and [q["id"] for q in questions] == ["q1"]
        assert vocabulary is not None and vocabulary["categories"][0]["id"] == "cafe"

    def test_vocabulary_and_key_figures_round_trip(self, table):
        repo = DirectoryRepository(table)
        assert repo.get_vocabulary("o1") is None and repo.get_key_figures("o1", 2026) is None
        own = [{"id": "cafe", "labels": {"en": "Café", "sv": "Kafé"}, "maps_to": "socialising"}]
        repo.put_vocabulary("o1", own, "t1")
        assert repo.get_vocabulary("o1")["categories"] == own
        repo.put_vocabulary("o1", [], "t2")
        assert repo.get_vocabulary("o1")["categories"] == []
        for year in (2026, 2025):
            repo.put_key_figures(
                {"org_id": "o1", "year": year, "costs_eur": Decimal("1000.5"), "open_weeks": 40}
            )
        assert repo.get_key_figures("o1", 2026)["costs_eur"] == Decimal("1000.5")
        assert [item["year"] for item in repo.list_key_figures("o1")] == [2025, 2026]


class TestActivityContract:
    def test_round_trip_keeps_every_field(self, table):
        repo = ActivityRepository(table)
        activity = an_activity("a1", "2026-03-01", age_bands={"13_15": 3})
        repo.create(activity)
        assert repo.get("u1", "a1") == activity

    def test_replace_checks_the_version(self, table):
        repo = ActivityRepository(table)
        repo.create(an_activity("a1", "2026-03-01"))
        repo.replace(an_activity("a1", "2026-03-02", version=2), expected_version=1)
        with pytest.raises(Conflict) as caught:
            repo.replace(an_activity("a1", "2026-03-03", version=2), expected_version=1)
        assert caught.value.extra["current_version"] == 2
        assert repo.get("u1", "a1")["date"] == "2026-03-02"

    def test_replace_of_a_deleted_activity_is_not_found(self, table):
        repo = ActivityRepository(table)
        with pytest.raises(NotFound):
            repo.replace(an_activity("a1", "2026-03-01", version=2), expected_version=1)

    def test_pages_are_newest_first_and_complete(self, table):
        repo = ActivityRepository(table)
        dates = [f"2026-0{month}-1{day}" for month in (1, 2, 3) for day in (1, 2, 3)]
        for number, date in enumerate(dates):
            repo.create(an_activity(f"a{number}", date))
        repo.create(an_activity("other", "2026-02-12", unit_id="u2"))
        seen, cursor = [], None
        while True:
            items, cursor = repo.list_page(
                "u1", date_from="2026-01-12", date_to="2026-03-12", cursor=cursor, limit=2
            )
            seen += [item["date"] for item in items]
            if cursor is None:
                break
        assert seen == sorted([d for d in dates if "2026-01-12" <= d <= "2026-03-12"], reverse=True)

    def test_a_foreign_cursor_is_refused(self, table):
        repo = ActivityRepository(table)
        for number in range(3):
            repo.create(an_activity(f"a{number}", "2026-01-01"))
        _, cursor = repo.list_page("u1", date_from=None, date_to=None, cursor=None, limit=1)
        with pytest.raises(InvalidInput):
            repo.list_page("u2", date_from=None, date_to=None, cursor=cursor, limit=1)

    def test_partner_filter_returns_only_their_items(self, table):
        repo = ActivityRepository(table)
        repo.create(an_activity("a1", "2026-01-01"))
        repo.create(an_activity("a2", "2026-01-02", created_by="p@x.test"))
        items, _ = repo.list_page(
            "u1", date_from=None, date_to=None, cursor=None, limit=50, created_by="p@x.test"
        )
        assert [item["id"] for item in items] == ["a2"]

    def test_status_filter_and_category_usage(self, table):
        repo = ActivityRepository(table)
        repo.create(an_activity("a1", "2026-01-01", categories=["cafe", "sport"]))
        repo.create(an_activity("a2", "2026-01-02", status="planned", categories=["cafe"]))
        repo.create(an_activity("a3", "2026-01-03", status="done"))
        repo.create(an_activity("b1", "2026-01-03", unit_id="u2", categories=["cafe"]))

        def ids(status):
            items, _ = repo.list_page(
                "u1", date_from=None, date_to=None, cursor=None, limit=50, status=status
            )
            return [item["id"] for item in items]

        assert ids("planned") == ["a2"] and ids("done") == ["a3", "a1"]
        counts = repo.count_using_categories(["u1", "u2"], {"cafe", "unused"})
        assert counts == {"cafe": 3, "unused": 0}

    def test_delete_twice_is_not_found(self, table):
        repo = ActivityRepository(table)
        repo.create(an_activity("a1", "2026-01-01"))
        repo.delete("u1", "a1")
        with pytest.raises(NotFound):
            repo.delete("u1", "a1")


def test_a_filtered_page_is_filled_across_reads(table):
    repo = ActivityRepository(table)
    for number in range(12):
        author = "p@x.test" if number % 4 == 0 else "w@x.test"
        repo.create(an_activity(f"a{number:02d}", f"2026-01-{number + 1:02d}", created_by=author))
    items, cursor = repo.list_page(
        "u1", date_from=None, date_to=None, cursor=None, limit=2, created_by="p@x.test"
    )
    assert [item["id"] for item in items] == ["a08", "a04"]
    rest, _ = repo.list_page(
        "u1", date_from=None, date_to=None, cursor=cursor, limit=2, created_by="p@x.test"
    )
    assert [item["id"] for item in rest] == ["a00"]
