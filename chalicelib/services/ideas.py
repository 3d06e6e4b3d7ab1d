"""Ideas use cases: proposals, moderation, votes, and what the annual report lists.

Anyone with an ideas point's code may propose a statement and vote on approved ones;
each submission counts once, under the id the page drew. The unit's members read the
proposals with their votes (docs/ideas.md); its workers and the organisation's admins
decide which are shown — not partners, outside groups given the unit. Adoption into a
survey template goes through ``SurveyService.create_template`` (``from_idea``,
``services/surveys.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalicelib.domain.access import Principal
from chalicelib.domain.errors import Forbidden, InvalidInput, NotFound
from chalicelib.domain.ideas import (
    AdoptedStatement,
    Idea,
    IdeaIn,
    IdeaModerationIn,
    VoteIn,
    base_language,
    clean_statement,
)
from chalicelib.domain.surveys import SubmissionAck
from chalicelib.services.clock import Clock
from chalicelib.services.lookups import Lookups
from chalicelib.services.survey_answers import SurveyAnswers
from chalicelib.services.survey_points import SurveyPoints
from chalicelib.store.ideas import IdeaRepository, idea_id_for
from chalicelib.store.surveys import SurveyRepository

# Who decides what young people see: not partners (outside groups given a unit).
MODERATORS = ("platform_admin", "org_admin", "worker")


def _minute(moment: dt.datetime) -> str:
    # To the minute: enough to sort by, and no finer than a worker needs.
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:00Z")


class IdeasService:
    """Proposals and votes of ideas points, moderation, and the statements adopted."""

    def __init__(
        self,
        lookups: Lookups,
        points: SurveyPoints,
        answers: SurveyAnswers,
        surveys: SurveyRepository,
        ideas: IdeaRepository,
        clock: Clock,
    ) -> None:
        self.lookups = lookups
        self.points = points
        self.answers = answers
        self.surveys = surveys
        self.ideas = ideas
        self.clock = clock

    # ------------------------------------------------------------ public side
    def _ideas_point(self, code: str) -> dict[str, Any]:
        item = self.points.open(code)
        if item["kind"] != "ideas":
            raise InvalidInput.field("collection_code", f"is a {item['kind']} point, not ideas")
        return item

    def _admit(self, code: str, sender: str) -> None:
        """The one place anonymous ideas and votes pass the rate limits: the sender's own
        (``sender`` is the source network, never stored), then the collection's."""
        self.answers.admit(code, sender)

    def submit_idea(self, data: IdeaIn, sender: str) -> SubmissionAck:
        """Store a proposal once, as ``new`` (private until a worker approves it).

        ``sender`` is the source network (``source_address``), for the limits only."""
        submission_id = str(data.submission_id)
        idea_id = idea_id_for(submission_id)
        if self.ideas.get_idea(idea_id) is not None:
            return SubmissionAck(submission_id=submission_id, status="duplicate")
        item = self._ideas_point(data.collection_code)
        text = clean_statement(data.text, "text")
        self._admit(item["code"], sender)
        stored = self.ideas.put_idea(
            {
                "id": idea_id,
                "collection_code": item["code"],
                "unit_id": item["unit_id"],
                "org_id": item["org_id"],
                "text": text,
                "lang": base_language(data.lang),
                "status": "new",
                "created_at": _minute(self.clock.now()),
            }
        )
        return SubmissionAck(
            submission_id=submission_id, status="stored" if stored else "duplicate"
        )

    def vote(self, data: VoteIn, sender: str) -> SubmissionAck:
        """Count one submission's votes once, for approved proposals of this point only.

        ``sender`` as for ``submit_idea``: limits only, never stored."""
        submission_id = str(data.submission_id)
        if self.ideas.get_vote(submission_id) is not None:
            return SubmissionAck(submission_id=submission_id, status="duplicate")
        item = self._ideas_point(data.collection_code)
        self._admit(item["code"], sender)
        stored = self.ideas.put_vote(
            {
                "submission_id": submission_id,
                "collection_code": item["code"],
                "unit_id": item["unit_id"],
                "org_id": item["org_id"],
                "date": self.clock.today().isoformat(),
                "idea_ids": list(data.idea_ids),
            }
        )
        return SubmissionAck(
            submission_id=submission_id, status="stored" if stored else "duplicate"
        )

    # ------------------------------------------------------------ workers
    def _ideas_point_of_unit(
        self, principal: Principal, unit_id: str, code: str, *, moderate: bool
    ) -> dict[str, Any]:
        _, role = self.lookups.member_unit(principal, unit_id)
        if moderate and role not in MODERATORS:
            raise Forbidden("only the unit's workers and the organisation's admins moderate")
        item = self.surveys.get_collection(code.lower())
        if item is None or item["unit_id"] != unit_id or item["kind"] != "ideas":
            raise NotFound(f"no ideas point {code} in unit {unit_id}")
        return item

    def list_ideas(self, principal: Principal, unit_id: str, code: str) -> list[Idea]:
        """Every proposal of the point with its votes: most votes first, then newest."""
        item = self._ideas_point_of_unit(principal, unit_id, code, moderate=False)
        ideas = [Idea(**idea) for idea in self.ideas.list_ideas(item["code"])]
        # Newest first (the index order), then a stable sort by votes keeps it among equals.
        return sorted(ideas, key=lambda idea: -idea.votes)

    def moderate(
        self,
        principal: Principal,
        unit_id: str,
        code: str,
        idea_id: str,
        data: IdeaModerationIn,
    ) -> Idea:
        """Approve, reject or reset a proposal; translations may come with it."""
        item = self._ideas_point_of_unit(principal, unit_id, code, moderate=True)
        translations = None
        if data.translations is not None:
            translations = {
                lang: clean_statement(text, f"translations.{lang}")
                for lang, text in data.translations.items()
            }
        updated = self.ideas.moderate(
            idea_id,
            item["code"],
            data.status,
            _minute(self.clock.now()),
            principal.email,
            translations,
        )
        return Idea(**updated)

    # ------------------------------------------------------------ the annual report
    def adopted_statements(
        self, principal: Principal, org_id: str, year: int
    ) -> list[AdoptedStatement]:
        """The statements young people proposed that the organisation's templates of
        ``year`` ask (what the annual report lists), in template order."""
        self.lookups.member_org(principal, org_id)
        statements: list[AdoptedStatement] = []
        templates = sorted(self.surveys.list_templates(org_id), key=lambda item: item["created_at"])
        for template in templates:
            if not str(template.get("created_at", "")).startswith(f"{year:04d}"):
                continue
            for question in template.get("questions", []):
                idea_id = question.get("from_idea")
                if not idea_id:
                    continue
                idea = self.ideas.get_idea(idea_id) or {}
                statements.append(
                    AdoptedStatement(
                        idea_id=idea_id,
                        text=question["text"],
                        unit_id=str(idea.get("unit_id", "")),
                        template_id=template["id"],
                        question_id=question["id"],
                        indicator=question.get("indicator"),
                        votes=int(idea.get("votes", 0)),
                        adopted_at=str(template["created_at"]),
                    )
                )
        return statements
