"""Ideas points through the API: proposals, moderation, votes, adoption (moto)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.functional.world import World

WORKER = "worker@city.example"
PARTNER = "partner@city.example"
ORG_ADMIN = "boss@city.example"
OTHER = "worker@elsewhere.example"


class IdeasWorld(World):
    """The shared world builder, with what happens at an ideas point."""

    def ideas_point(self, prompt: str | None = "What should we ask next year?") -> str:
        body: dict[str, Any] = {"kind": "ideas"}
        if prompt:
            body["prompt"] = prompt
        answer = self.api.call("POST", f"/units/{self.unit}/collections", body, token=self.worker)
        assert answer.status == 201, answer.json
        return str(answer.json["code"])

    def propose(self, code: str, text: str, sid: str | None = None, lang: str = "en") -> Any:
        return self.api.call(
            "POST",
            "/public/ideas",
            {
                "submission_id": sid or str(uuid.uuid4()),
                "collection_code": code,
                "text": text,
                "lang": lang,
            },
        )

    def vote(self, code: str, ids: list[str], sid: str | None = None) -> Any:
        return self.api.call(
            "POST",
            "/public/votes",
            {"submission_id": sid or str(uuid.uuid4()), "collection_code": code, "idea_ids": ids},
        )

    def ideas(self, code: str, token: str | None = None) -> list[dict[str, Any]]:
        answer = self.api.call(
            "GET", f"/units/{self.unit}/collections/{code}/ideas", token=token or self.worker
        )
        assert answer.status == 200, answer.json
        return list(answer.json["items"])

    def idea_id(self, code: str, text: str) -> str:
        return next(i["id"] for i in self.ideas(code) if i["text"] == text)

    def moderate(self, code: str, idea_id: str, body: dict[str, Any], token: str = "") -> Any:
        return self.api.call(
            "PUT",
            f"/units/{self.unit}/collections/{code}/ideas/{idea_id}",
            body,
            token=token or self.worker,
        )

    def approved(self, code: str, *texts: str) -> list[str]:
        ids = []
        for text in texts:
            assert self.propose(code, text).status == 201
            idea_id = self.idea_id(code, text)
            assert self.moderate(code, idea_id, {"status": "approved"}).status == 200
            ids.append(idea_id)
        return ids

    def page(self, code: str, lang: str = "en") -> dict[str, Any]:
        answer = self.api.call("GET", f"/public/collections/{code}?lang={lang}")
        assert answer.status == 200, answer.json
        return dict(answer.json)


@pytest.fixture
def world(api: Any) -> IdeasWorld:
    """An organisation with a unit, its worker, partner and admin, and another organisation."""
    return (
        IdeasWorld(api)
        .with_org("org", "Ljubljana")
        .with_unit("unit", "MC Šiška", org="org")
        .with_member("worker", WORKER, "worker", org="org", units=["unit"])
        .with_member("partner", PARTNER, "partner", org="org", units=["unit"])
        .with_member("org_admin", ORG_ADMIN, "org_admin", org="org")
        .with_org("other_org", "Espoo", country="FI")
        .with_unit("other_unit", "T", org="other_org")
        .with_member("other", OTHER, "worker", org="other_org", units=["other_unit"])
    )


# ---------------------------------------------------------------- ideas points
def test_an_ideas_point_has_a_code_url_qr_and_poster(world: IdeasWorld) -> None:
    answer = world.api.call(
        "POST",
        f"/units/{world.unit}/collections",
        {"kind": "ideas", "prompt": "What matters to you here?"},
        token=world.worker,
    )
    assert answer.status == 201, answer.json
    made = answer.json
    assert made["kind"] == "ideas"
    assert made["prompt"] == "What matters to you here?"
    assert made["url"].endswith(f"/s/?c={made['code']}")
    assert made["poster_url"].endswith(f"/s/poster.html?c={made['code']}")
    qr = world.api.client.http.get(f"/public/collections/{made['code']}/qr.svg")
    assert qr.status_code == 200 and b"<svg" in qr.body
    page = world.page(made["code"], "sl")
    assert page["kind"] == "ideas"
    assert page["lang"] == "sl" and set(page["languages"]) == {"en", "sl", "fi", "sv"}
    assert page["prompt"] == "What matters to you here?"
    assert page["ideas"] == [] and page["questions"] == []
    assert page["max_length"] == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "ideas", "template_id": "annual"}, "template_id"),
        ({"kind": "survey", "template_id": "annual", "prompt": "Hi"}, "prompt"),
        ({"kind": "ideas", "prompt": "x" * 201}, "prompt"),
        ({"kind": "ideas", "prompt": "   "}, "prompt"),
    ],
)
def test_a_bad_ideas_point_is_refused_naming_the_field(
    world: IdeasWorld, body: dict[str, Any], field: str
) -> None:
    answer = world.api.call("POST", f"/units/{world.unit}/collections", body, token=world.worker)
    assert answer.status == 400, answer.json
    assert field in json.dumps(answer.json["errors"])


# ---------------------------------------------------------------- proposals
def test_a_proposal_is_stored_once_and_private_until_approved(world: IdeasWorld) -> None:
    code = world.ideas_point()
    sid = str(uuid.uuid4())
    first = world.propose(code, "  I can  talk to\nsomeone here when things are hard. ", sid)
    again = world.propose(code, "I can talk to someone here when things are hard.", sid)
    assert (first.status, again.status) == (201, 200)
    assert again.json == {"submission_id": sid, "status": "duplicate"}
    ideas = world.ideas(code)
    assert len(ideas) == 1
    assert ideas[0]["text"] == "I can talk to someone here when things are hard."
    assert ideas[0]["status"] == "new" and ideas[0]["votes"] == 0
    assert ideas[0]["lang"] == "en"
    assert sid not in json.dumps(ideas)  # the submission id is not kept beside the text
    assert world.page(code)["ideas"] == []
    listed = world.api.call("GET", f"/units/{world.unit}/collections", token=world.worker)
    assert next(c for c in listed.json["items"] if c["code"] == code)["received"] == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [("ab", "at least 3"), ("x" * 201, "longer than 200"), ("\u200b\u200b  \n", "at least 3")],
)
def test_a_proposal_of_bad_length_is_refused_naming_text(
    world: IdeasWorld, text: str, problem: str
) -> None:
    code = world.ideas_point()
    answer = world.propose(code, text)
    assert answer.status == 400, answer.json
    assert answer.json["errors"][0]["field"] == "text"
    assert problem in answer.json["errors"][0]["problem"]
    assert world.ideas(code) == []


def test_a_huge_proposal_is_refused_before_cleaning(world: IdeasWorld) -> None:
    answer = world.propose(world.ideas_point(), "x" * 5000)
    assert answer.status == 400
    assert answer.json["errors"][0]["field"] == "text"


def test_proposals_and_votes_go_to_ideas_points_only(world: IdeasWorld) -> None:
    survey = world.api.call(
        "POST", f"/units/{world.unit}/collections", {"template_id": "feedback"}, token=world.worker
    ).json["code"]
    assert world.propose(survey, "A fine statement").status == 400
    assert world.vote(survey, ["abc"]).status == 400
    ideas = world.ideas_point()
    answer = world.api.call(
        "POST",
        "/public/responses",
        {
            "submission_id": str(uuid.uuid4()),
            "collection_code": ideas,
            "lang": "en",
            "answers": {"safety": 4},
        },
    )
    assert answer.status == 400
    assert "ideas point" in answer.json["message"]
    assert world.propose("zzzzzzzzzz", "A fine statement").status == 404


def test_a_closed_ideas_point_takes_no_proposals_but_retries_still_succeed(
    world: IdeasWorld,
) -> None:
    code = world.ideas_point()
    sid = str(uuid.uuid4())
    assert world.propose(code, "Before closing", sid).status == 201
    closed = world.api.call(
        "POST", f"/units/{world.unit}/collections/{code}/close", token=world.worker
    )
    assert closed.status == 200
    assert world.propose(code, "After closing").status == 410
    assert world.propose(code, "Before closing", sid).status == 200
    assert world.api.call("GET", f"/public/collections/{code}").status == 410


# ---------------------------------------------------------------- moderation
def test_approving_shows_the_proposal_in_the_page_language(world: IdeasWorld) -> None:
    code = world.ideas_point()
    assert world.propose(code, "Tukaj me slišijo.", lang="sl").status == 201
    idea_id = world.idea_id(code, "Tukaj me slišijo.")
    answer = world.moderate(
        code,
        idea_id,
        {"status": "approved", "translations": {"en": " People here listen to me. "}},
    )
    assert answer.status == 200, answer.json
    assert answer.json["status"] == "approved"
    assert answer.json["moderated_by"] == WORKER
    assert answer.json["translations"] == {"en": "People here listen to me."}
    assert world.page(code, "en")["ideas"] == [{"id": idea_id, "text": "People here listen to me."}]
    assert world.page(code, "sl")["ideas"] == [{"id": idea_id, "text": "Tukaj me slišijo."}]
    # No translation into Finnish: the original text is shown.
    assert world.page(code, "fi")["ideas"] == [{"id": idea_id, "text": "Tukaj me slišijo."}]
    assert "votes" not in json.dumps(world.page(code))


def test_a_rejected_proposal_leaves_the_page(world: IdeasWorld) -> None:
    code = world.ideas_point()
    [idea_id] = world.approved(code, "We want more concerts")
    assert len(world.page(code)["ideas"]) == 1
    assert world.moderate(code, idea_id, {"status": "rejected"}).status == 200
    assert world.page(code)["ideas"] == []
    assert world.vote(code, [idea_id]).status == 400


def test_moderation_is_for_workers_and_admins_of_the_unit(world: IdeasWorld) -> None:
    code = world.ideas_point()
    assert world.propose(code, "Something to ask").status == 201
    idea_id = world.idea_id(code, "Something to ask")
    path = f"/units/{world.unit}/collections/{code}/ideas"
    # Partners of the unit read proposals (members, docs/ideas.md) but do not decide.
    assert world.api.call("GET", path, token=world.partner).status == 200
    assert world.api.call("GET", path, token=world.other).status == 403
    assert world.api.call("GET", path).status == 401
    assert world.moderate(code, idea_id, {"status": "approved"}, world.partner).status == 403
    assert world.moderate(code, idea_id, {"status": "approved"}, world.other).status == 403
    assert world.moderate(code, idea_id, {"status": "approved"}, world.org_admin).status == 200
    assert world.ideas(code, world.org_admin)[0]["status"] == "approved"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "published"}, "status"),
        ({}, "status"),
        ({"status": "approved", "translations": {"english": "x y z"}}, "translations"),
        ({"status": "approved", "translations": {"en": "x" * 201}}, "translations"),
        ({"status": "approved", "translations": {"en": "ab"}}, "translations.en"),
    ],
)
def test_a_bad_decision_is_refused_naming_the_field(
    world: IdeasWorld, body: dict[str, Any], field: str
) -> None:
    code = world.ideas_point()
    assert world.propose(code, "Something to ask").status == 201
    idea_id = world.idea_id(code, "Something to ask")
    answer = world.moderate(code, idea_id, body)
    assert answer.status == 400, answer.json
    assert field in json.dumps(answer.json["errors"])
    assert world.ideas(code)[0]["status"] == "new"


def test_an_unknown_proposal_or_a_foreign_point_is_404(world: IdeasWorld) -> None:
    code = world.ideas_point()
    assert world.moderate(code, "0000", {"status": "approved"}).status == 404
    survey = world.api.call(
        "POST", f"/units/{world.unit}/collections", {"template_id": "feedback"}, token=world.worker
    ).json["code"]
    assert (
        world.api.call(
            "GET", f"/units/{world.unit}/collections/{survey}/ideas", token=world.worker
        ).status
        == 404
    )
    other = world.api.call(
        "POST", f"/units/{world.other_unit}/collections", {"kind": "ideas"}, token=world.other
    ).json["code"]
    assert world.propose(other, "Their idea").status == 201
    their_id = world.api.call(
        "GET", f"/units/{world.other_unit}/collections/{other}/ideas", token=world.other
    ).json["items"][0]["id"]
    # A proposal of another point cannot be moderated through this one.
    assert world.moderate(code, their_id, {"status": "approved"}).status == 404


# ---------------------------------------------------------------- votes
def test_votes_count_once_per_submission_and_rank_for_workers(world: IdeasWorld) -> None:
    code = world.ideas_point()
    first, second, third = world.approved(code, "One is fine", "Two is better", "Three wins")
    sid = str(uuid.uuid4())
    assert world.vote(code, [second, third], sid).status == 201
    assert world.vote(code, [second, third], sid).status == 200
    assert world.vote(code, [first], sid).status == 200  # a replay never counts again
    assert world.vote(code, [third]).status == 201
    ranked = [(i["text"], i["votes"]) for i in world.ideas(code)]
    assert ranked == [("Three wins", 2), ("Two is better", 1), ("One is fine", 0)]


@pytest.mark.parametrize(
    "ids",
    [[], ["a", "b", "c", "d"], ["a", "a"], ["bad id!"]],
)
def test_a_bad_vote_is_refused_naming_idea_ids(world: IdeasWorld, ids: list[str]) -> None:
    answer = world.vote(world.ideas_point(), ids)
    assert answer.status == 400, answer.json
    assert answer.json["errors"][0]["field"].startswith("idea_ids")


def test_a_vote_for_an_unapproved_proposal_counts_nothing(world: IdeasWorld) -> None:
    code = world.ideas_point()
    [approved] = world.approved(code, "Approved one")
    assert world.propose(code, "Still new").status == 201
    new = world.idea_id(code, "Still new")
    sid = str(uuid.uuid4())
    answer = world.vote(code, [approved, new], sid)
    assert answer.status == 400
    assert new in answer.json["message"]
    assert {i["text"]: i["votes"] for i in world.ideas(code)} == {"Approved one": 0, "Still new": 0}
    # The same submission, corrected, is then stored (nothing was kept of the refusal).
    assert world.vote(code, [approved], sid).status == 201


def test_a_vote_for_another_points_proposal_is_refused(world: IdeasWorld) -> None:
    code = world.ideas_point()
    [idea] = world.approved(code, "Only here")
    elsewhere = world.ideas_point()
    assert world.vote(elsewhere, [idea]).status == 400
    assert world.ideas(code)[0]["votes"] == 0


# ---------------------------------------------------------------- adoption
def adopt(world: IdeasWorld, idea_id: str, indicator: str = "influence", **extra: Any) -> Any:
    question: dict[str, Any] = {"id": "youth_1", "type": "scale", "indicator": indicator}
    question.update(extra)
    body: dict[str, Any] = {
        "title": {"en": "Youth survey 2027", "sl": "Anketa 2027"},
        "extends": "annual",
        "questions": [{**question, "from_idea": idea_id}],
    }
    if indicator == "voice":
        body["indicators"] = [{"id": "voice", "name": {"en": "Voice", "sl": "Glas"}}]
    return world.api.call(
        "POST", f"/orgs/{world.org}/survey-templates", body, token=world.org_admin
    )


def test_an_adopted_proposal_becomes_a_question_the_next_survey_asks(world: IdeasWorld) -> None:
    code = world.ideas_point()
    assert world.propose(code, "Tukaj me slišijo.", lang="sl").status == 201
    idea_id = world.idea_id(code, "Tukaj me slišijo.")
    world.moderate(code, idea_id, {"status": "approved", "translations": {"en": "I am heard."}})
    made = adopt(world, idea_id, "voice")
    assert made.status == 201, made.json
    question = next(q for q in made.json["questions"] if q["id"] == "youth_1")
    assert question["text"] == {"sl": "Tukaj me slišijo.", "en": "I am heard."}
    assert question["from_idea"] == idea_id and question["indicator"] == "voice"
    assert made.json["languages"] == ["en", "sl"]
    survey = world.api.call(
        "POST",
        f"/units/{world.unit}/collections",
        {"template_id": made.json["id"]},
        token=world.worker,
    ).json["code"]
    asked = world.page(survey, "sl")["questions"]
    assert {"id": "youth_1", "text": "Tukaj me slišijo.", "indicator": "voice"}.items() <= next(
        q for q in asked if q["id"] == "youth_1"
    ).items()
    [recorded] = world.ideas(code)
    assert recorded["adopted"][0]["template_id"] == made.json["id"]
    assert recorded["adopted"][0]["question_id"] == "youth_1"
    assert recorded["adopted"][0]["adopted_by"] == ORG_ADMIN
    # An adopted proposal is asked in a survey: it cannot be rejected any more.
    refused = world.moderate(code, idea_id, {"status": "rejected"})
    assert refused.status == 409
    assert refused.json["errors"][0]["field"] == "status"
    year = made.json["created_at"][:4]
    listed = world.api.call(
        "GET", f"/orgs/{world.org}/adopted-ideas?year={year}", token=world.worker
    )
    assert listed.status == 200, listed.json
    assert [(s["idea_id"], s["text"]["en"], s["indicator"]) for s in listed.json["items"]] == [
        (idea_id, "I am heard.", "voice")
    ]
    assert (
        world.api.call(
            "GET", f"/orgs/{world.org}/adopted-ideas?year=1999", token=world.worker
        ).status
        == 400
    )


def test_only_approved_proposals_of_the_organisation_are_adopted(world: IdeasWorld) -> None:
    code = world.ideas_point()
    assert world.propose(code, "Not yet approved").status == 201
    new = world.idea_id(code, "Not yet approved")
    for idea_id in (new, "0000"):
        answer = adopt(world, idea_id)
        assert answer.status == 400
        assert answer.json["errors"][0]["field"] == "questions.0.from_idea"
    other = world.api.call(
        "POST", f"/units/{world.other_unit}/collections", {"kind": "ideas"}, token=world.other
    ).json["code"]
    world.propose(other, "Foreign idea")
    foreign = world.api.call(
        "GET", f"/units/{world.other_unit}/collections/{other}/ideas", token=world.other
    ).json["items"][0]["id"]
    world.api.call(
        "PUT",
        f"/units/{world.other_unit}/collections/{other}/ideas/{foreign}",
        {"status": "approved"},
        token=world.other,
    )
    assert adopt(world, foreign).status == 400
    templates = world.api.call("GET", "/survey-templates", token=world.org_admin).json["items"]
    assert [t["id"] for t in templates] == ["annual", "feedback"]


def test_an_adopted_proposal_needs_a_scale_and_an_indicator(world: IdeasWorld) -> None:
    code = world.ideas_point()
    [idea_id] = world.approved(code, "A statement")
    answer = adopt(world, idea_id, indicator="influence", type="text")
    assert answer.status == 400
    assert "from_idea" in answer.json["errors"][0]["field"]
    assert world.ideas(code)[0]["adopted"] == []


def test_a_proposal_without_a_language_is_adopted_with_the_text_given(world: IdeasWorld) -> None:
    code = world.ideas_point()
    sent = world.api.call(
        "POST",
        "/public/ideas",
        {"submission_id": str(uuid.uuid4()), "collection_code": code, "text": "No language"},
    )
    assert sent.status == 201
    idea_id = world.idea_id(code, "No language")
    world.moderate(code, idea_id, {"status": "approved"})
    refused = adopt(world, idea_id)
    assert refused.status == 400
    assert refused.json["errors"][0]["field"] == "questions.0.text"
    made = adopt(world, idea_id, text={"en": "No language", "sl": "Brez jezika"})
    assert made.status == 201, made.json
    assert made.json["questions"][-1]["text"] == {"en": "No language", "sl": "Brez jezika"}


# ---------------------------------------------------------------- replays
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sends=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_any_replay_of_votes_counts_each_submission_once(
    world: IdeasWorld, sends: list[tuple[int, list[int]]]
) -> None:
    # Given four approved proposals; when submissions arrive in any order, repeated,
    # even with other content on a repeat; then each counts once, as first sent.
    code = world.ideas_point()
    ids = world.approved(code, "First one", "Second one", "Third one", "Fourth one")
    # Fresh submission ids for each example (the moto world outlives it).
    submissions = [str(uuid.uuid4()) for _ in range(6)]
    first_sent: dict[str, list[int]] = {}
    for index, picks in sends:
        submission = submissions[index]
        answer = world.vote(code, [ids[i] for i in picks], submission)
        assert answer.status == (200 if submission in first_sent else 201), answer.json
        first_sent.setdefault(submission, picks)
    expected = [0, 0, 0, 0]
    for picks in first_sent.values():
        for index in picks:
            expected[index] += 1
    counted = {item["id"]: item["votes"] for item in world.ideas(code)}
    assert [counted[idea_id] for idea_id in ids] == expected


def test_proposals_and_votes_pass_the_per_sender_limits(
    world: IdeasWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a script proposing from one address, with a small per-sender allowance
    from chalice.local import LambdaEventConverter

    from chalicelib.settings import get_settings

    monkeypatch.setenv("LOGBOOK_SENDER_LIMIT_PER_WINDOW", "3")
    monkeypatch.setenv("LOGBOOK_SENDER_LIMIT_PER_DAY", "100")
    get_settings.cache_clear()
    code = world.ideas_point()
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "198.51.100.66")
    # When it sends more than its allowance (proposals and votes share it)
    for index in range(3):
        assert world.propose(code, f"Statement number {index}").status == 201
    refused = world.propose(code, "One too many")
    # Then it gets a 429 with Retry-After, and stored only what it was allowed
    assert refused.status == 429, refused.json
    assert int(refused.headers["Retry-After"]) > 0
    assert world.vote(code, ["x" * 16]).status == 429
    assert len(world.ideas(code)) == 3
    # While another sender (another school's Wi-Fi) is not held back by it
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "203.0.113.7")
    assert world.propose(code, "From the other school").status == 201
