"""The campaign repository's promises, on moto and on DynamoDB Local alike.

A campaign and its QR points land together or not at all; its progress reads only
what it counts; an organisation's year of targets and analyses is one query.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chalicelib.domain.campaigns import scale_question_ids, tally_answers
from chalicelib.domain.surveys import ANNUAL
from chalicelib.store.campaigns import CampaignRepository, analysis_sk, targets_sk

pytestmark = pytest.mark.integration


@pytest.fixture
def repo(engine_data_table: Any) -> CampaignRepository:
    return CampaignRepository(engine_data_table)


def campaign(campaign_id: str = "c1", codes: tuple[str, ...] = ("aaaaaaaaaa", "bbbbbbbbbb")):
    units = [{"unit_id": f"u{n}", "code": code} for n, code in enumerate(codes)]
    item = {
        "id": campaign_id,
        "org_id": "o1",
        "title": "Youth survey",
        "template_id": "annual",
        "opens_at": "2026-10-05T06:00:00Z",
        "closes_at": "2026-10-25T22:00:00Z",
        "created_by": "boss@o1.test",
        "created_at": "2026-10-01T08:00:00Z",
        "units": units,
    }
    collections = [
        {
            "kind": "survey",
            "unit_id": unit["unit_id"],
            "org_id": "o1",
            "template_id": "annual",
            "campaign_id": campaign_id,
            "opens_at": item["opens_at"],
            "closes_at": item["closes_at"],
            "created_by": "boss@o1.test",
            "created_at": item["created_at"],
            "code": unit["code"],
        }
        for unit in units
    ]
    return item, collections


def test_a_campaign_and_its_points_land_together(repo: CampaignRepository) -> None:
    item, collections = campaign()
    assert repo.create_campaign(item, collections) is None
    assert repo.get_campaign("o1", "c1") == {**item}
    assert [c["id"] for c in repo.list_campaigns("o1")] == ["c1"]
    for collection in collections:
        stored = repo.get_collection(collection["code"])
        assert stored is not None and stored["campaign_id"] == "c1"
    assert [c["code"] for c in repo.list_collections("u1")] == ["bbbbbbbbbb"]


def test_a_taken_code_stores_nothing_and_names_the_point(repo: CampaignRepository) -> None:
    first, collections = campaign("c1", ("aaaaaaaaaa",))
    assert repo.create_campaign(first, collections) is None
    second, clashing = campaign("c2", ("cccccccccc", "aaaaaaaaaa"))
    assert repo.create_campaign(second, clashing) == {2}
    assert repo.get_campaign("o1", "c2") is None
    assert repo.get_collection("cccccccccc") is None


def test_progress_reads_statements_and_gender_only(repo: CampaignRepository) -> None:
    item, collections = campaign()
    repo.create_campaign(item, collections)
    scale = {q: 4 for q in scale_question_ids(ANNUAL)}
    answers = [
        (scale, "girls", "s1"),
        (scale, "boys", "s2"),
        ({"safety_1": 5}, "girls", "s3"),  # not complete
    ]
    for items, gender, sid in answers:
        repo.put_response(
            {
                "submission_id": sid,
                "collection_code": "aaaaaaaaaa",
                "unit_id": "u0",
                "org_id": "o1",
                "date": "2026-10-06",
                "template_id": "annual",
                "scores": {"safety": Decimal("4")},
                "items": items,
                "gender": gender,
            },
            {"comment": "free text stays in its own item"},
        )
    read = list(repo.answers_of("aaaaaaaaaa"))
    assert all(set(answer) <= {"items", "gender"} for answer in read)
    tally = tally_answers(read, scale_question_ids(ANNUAL))
    assert (tally.responses, tally.complete, tally.girls, tally.boys) == (3, 2, 1, 1)
    assert list(repo.answers_of("bbbbbbbbbb")) == []


def test_an_org_year_is_one_query(repo: CampaignRepository) -> None:
    repo.put_year_item("o1", targets_sk(2026, "org:o1"), "targets", {
        "year": 2026, "scope": "org:o1", "targets": {"indicator:safety": Decimal("4.2")},
    })  # fmt: skip
    repo.put_year_item("o1", analysis_sk(2026, "unit:u1"), "analysis", {
        "year": 2026, "scope": "unit:u1", "text": "Fine.", "public": False,
    })  # fmt: skip
    repo.put_year_item("o1", targets_sk(2027, "org:o1"), "targets", {
        "year": 2027, "scope": "org:o1", "targets": {"visits": 1},
    })  # fmt: skip
    year = repo.year_items("o1", 2026)
    assert sorted((i["kind"], i["scope"]) for i in year) == [
        ("analysis", "unit:u1"),
        ("targets", "org:o1"),
    ]
    assert next(i for i in year if i["kind"] == "targets")["targets"] == {"indicator:safety": 4.2}
    assert sorted((i["year"], i["kind"]) for i in repo.all_year_items("o1")) == [
        (2026, "analysis"),
        (2026, "targets"),
        (2027, "targets"),
    ]


def test_the_seeds_batch_path_stores_what_put_response_stores(repo: CampaignRepository) -> None:
    # Given one answer stored the usual way and one through the seed's batch path
    def answer(sid: str) -> dict[str, Any]:
        return {
            "submission_id": sid, "collection_code": "aaaaaaaaaa", "unit_id": "u0",
            "org_id": "o1", "date": "2026-10-06", "template_id": "annual",
            "scores": {"safety": Decimal("4")}, "items": {"safety_1": 4}, "gender": "girls",
        }  # fmt: skip

    assert repo.put_response(answer("s1"), {"comment": "hi"})
    repo.put_responses_in_batches([(answer("s2"), {"comment": "hi"})])
    # Then both are alike (keys, type, text item) and both count as stored
    one, two = repo.get_response("s1"), repo.get_response("s2")
    assert one is not None and two is not None
    assert {**one, "submission_id": "x"} == {**two, "submission_id": "x"}
    assert repo.stored_responses(["s1", "s2", "s3"]) == {"s1", "s2"}
    assert [a["gender"] for a in repo.answers_of("aaaaaaaaaa")] == ["girls", "girls"]
