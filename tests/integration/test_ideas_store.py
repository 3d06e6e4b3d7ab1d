"""The ideas repository's promises, on moto and on DynamoDB Local alike.

A proposal is stored once per submission; a vote counts once, all or nothing, and only
for proposals approved in its collection; an adoption lands with its template or not
at all; an adopted proposal cannot be rejected.
"""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.errors import Conflict, InvalidInput, NotFound
from chalicelib.store.ideas import IdeaRepository, idea_id_for
from chalicelib.store.surveys import SurveyRepository

pytestmark = pytest.mark.integration
CODE = "abcdefghjk"


@pytest.fixture
def ideas(engine_data_table: Any) -> IdeaRepository:
    return IdeaRepository(engine_data_table)


def propose(ideas: IdeaRepository, submission: str, code: str = CODE) -> str:
    idea_id = idea_id_for(submission)
    ideas.put_idea(
        {
            "id": idea_id,
            "collection_code": code,
            "unit_id": "u1",
            "org_id": "o1",
            "text": f"Statement {submission}",
            "lang": "en",
            "status": "new",
            "created_at": "2026-05-04T17:03:00Z",
        }
    )
    return idea_id


def approve(ideas: IdeaRepository, idea_id: str, code: str = CODE) -> None:
    ideas.moderate(idea_id, code, "approved", "2026-05-05T09:00:00Z", "w@x.org", None)


def a_vote(submission: str, idea_ids: list[str]) -> dict[str, Any]:
    return {
        "submission_id": submission,
        "collection_code": CODE,
        "unit_id": "u1",
        "org_id": "o1",
        "date": "2026-05-05",
        "idea_ids": idea_ids,
    }


def votes(ideas: IdeaRepository) -> dict[str, int]:
    return {item["text"]: item["votes"] for item in ideas.list_ideas(CODE)}


def test_a_proposal_is_stored_once(ideas: IdeaRepository) -> None:
    propose(ideas, "s1")
    assert not ideas.put_idea(
        {"id": idea_id_for("s1"), "collection_code": CODE, "created_at": "x", "text": "other"}
    )
    assert [item["text"] for item in ideas.list_ideas(CODE)] == ["Statement s1"]


def test_a_vote_counts_once_and_only_for_approved_proposals(ideas: IdeaRepository) -> None:
    first, second = propose(ideas, "s1"), propose(ideas, "s2")
    approve(ideas, first)
    with pytest.raises(InvalidInput) as refused:
        ideas.put_vote(a_vote("v1", [first, second]))
    assert refused.value.errors[0].field == "idea_ids"
    assert second in refused.value.message
    assert votes(ideas) == {"Statement s1": 0, "Statement s2": 0}
    assert ideas.get_vote("v1") is None
    approve(ideas, second)
    assert ideas.put_vote(a_vote("v1", [first, second]))
    assert not ideas.put_vote(a_vote("v1", [first, second]))
    assert votes(ideas) == {"Statement s1": 1, "Statement s2": 1}


def test_an_adoption_lands_with_its_template_and_keeps_the_proposal_approved(
    ideas: IdeaRepository, engine_data_table: Any
) -> None:
    idea_id = propose(ideas, "s1")
    template = {"id": "t1", "org_id": "o1", "builtin": False, "created_at": "2026-06-01"}
    adoption = {"org_id": "o1", "template_id": "t1", "question_id": "q1", "adopted_at": "x"}
    with pytest.raises(InvalidInput):  # not approved yet: nothing is stored
        ideas.create_template_adopting(template, {idea_id: adoption})
    assert SurveyRepository(engine_data_table).get_template("o1", "t1") is None
    approve(ideas, idea_id)
    ideas.create_template_adopting(template, {idea_id: adoption})
    assert SurveyRepository(engine_data_table).get_template("o1", "t1") is not None
    assert ideas.get_idea(idea_id)["adopted"] == [adoption]  # type: ignore[index]
    with pytest.raises(Conflict):
        ideas.moderate(idea_id, CODE, "rejected", "y", "w@x.org", None)
    with pytest.raises(NotFound):
        ideas.moderate(idea_id, "otherpoint", "approved", "y", "w@x.org", None)
