"""What members do with surveys: templates (built-in and their organisation's own) and
QR points (surveys, check-ins, ideas points) in their units.

A point takes answers until it closes (by default 28 days after a survey opens); what
anyone with its code does is ``survey_answers.py`` (answers, check-ins) and
``ideas.py``; how a point is read is ``survey_points.py``.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.access import Principal
from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.domain.ideas import Adoption, idea_texts
from chalicelib.domain.ids import new_id
from chalicelib.domain.surveys import (
    BUILTIN_TEMPLATES,
    Collection,
    CollectionIn,
    SurveyTemplate,
    SurveyTemplateIn,
    build_org_template,
    default_closes_at,
    new_collection_code,
)
from chalicelib.services.clock import Clock, iso_instant
from chalicelib.services.lookups import Lookups
from chalicelib.services.survey_points import SurveyPoints
from chalicelib.store.activities import ActivityRepository
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.ideas import IdeaRepository
from chalicelib.store.surveys import SurveyRepository


class SurveyService:
    """Members' survey use cases: templates and QR points, with every access check."""

    def __init__(
        self,
        lookups: Lookups,
        points: SurveyPoints,
        surveys: SurveyRepository,
        ideas: IdeaRepository,
        directory: DirectoryRepository,
        activities: ActivityRepository,
        clock: Clock,
    ) -> None:
        self.lookups = lookups
        self.points = points
        self.surveys = surveys
        self.ideas = ideas
        self.directory = directory
        self.activities = activities
        self.clock = clock

    # ------------------------------------------------------------ templates
    def list_templates(self, principal: Principal) -> list[SurveyTemplate]:
        """The built-in templates and those of the caller's organisations."""
        if principal.platform_admin:
            org_ids = [org["id"] for org in self.directory.list_orgs()]
        else:
            org_ids = sorted(principal.grants)
        own = [
            SurveyTemplate(**item)
            for org_id in org_ids
            for item in sorted(
                self.surveys.list_templates(org_id), key=lambda item: item["created_at"]
            )
        ]
        return [*BUILTIN_TEMPLATES.values(), *own]

    def create_template(
        self, principal: Principal, org_id: str, data: SurveyTemplateIn
    ) -> SurveyTemplate:
        """Add an organisation's own template (org admins)."""
        self.lookups.admin_org(principal, org_id)
        now = self.clock.iso()
        adopted = self._adoptable_ideas(org_id, data)
        template = build_org_template(
            data,
            template_id=new_id(),
            org_id=org_id,
            created_by=principal.email,
            created_at=now,
            idea_texts={
                idea_id: idea_texts(idea["text"], idea.get("lang"), idea.get("translations", {}))
                for idea_id, idea in adopted.items()
            },
        )
        stored = template.model_dump(exclude_none=True)
        if not adopted:
            self.surveys.create_template(stored)
            return template
        adoptions = {
            q.from_idea: Adoption(
                org_id=org_id,
                template_id=template.id,
                question_id=q.id,
                indicator=q.indicator,
                adopted_at=now,
                adopted_by=principal.email,
            ).model_dump(exclude_none=True)
            for q in template.questions
            if q.from_idea
        }
        self.ideas.create_template_adopting(stored, adoptions)
        return template

    def _adoptable_ideas(self, org_id: str, data: SurveyTemplateIn) -> dict[str, dict[str, Any]]:
        """The approved proposals of this organisation that ``data`` adopts, by id."""
        found: dict[str, dict[str, Any]] = {}
        problems: list[FieldProblem] = []
        for index, question in enumerate(data.questions):
            if not question.from_idea:
                continue
            idea = self.ideas.get_idea(question.from_idea)
            if idea is None or idea["org_id"] != org_id or idea["status"] != "approved":
                problems.append(
                    FieldProblem(
                        f"questions.{index}.from_idea",
                        f"no approved proposal {question.from_idea} in this organisation",
                    )
                )
            elif question.from_idea in found:
                problems.append(
                    FieldProblem(f"questions.{index}.from_idea", "adopts the same proposal twice")
                )
            else:
                found[question.from_idea] = idea
        if problems:
            raise InvalidInput(
                "; ".join(f"{p.field}: {p.problem}" for p in problems), errors=problems
            )
        return found

    # ------------------------------------------------------------ collections
    def create_collection(
        self, principal: Principal, unit_id: str, data: CollectionIn, api_base: str
    ) -> Collection:
        """Open a QR point in a unit the caller belongs to."""
        unit, _ = self.lookups.member_unit(principal, unit_id)
        if data.prompt and data.kind != "ideas":
            raise InvalidInput.field("prompt", "only an ideas point has a prompt")
        if data.kind == "survey":
            if not data.template_id:
                raise InvalidInput.field("template_id", "is required for a survey")
            if self.points.template(unit.org_id, data.template_id) is None:
                raise InvalidInput.field(
                    "template_id", f"no template {data.template_id} in this organisation"
                )
        elif data.template_id:
            raise InvalidInput.field("template_id", f"a {data.kind} point has no template")
        if data.activity_id and self.activities.get(unit_id, data.activity_id) is None:
            raise InvalidInput.field("activity_id", "no such activity in this unit")
        if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
            raise InvalidInput.field("closes_at", "must be after opens_at")
        now = self.clock.now()
        if data.closes_at and data.closes_at <= now:
            raise InvalidInput.field("closes_at", "is in the past")
        closes_at = data.closes_at or default_closes_at(data.kind, data.opens_at, now)
        collection = {
            "kind": data.kind,
            "unit_id": unit_id,
            "org_id": unit.org_id,
            "template_id": data.template_id,
            "activity_id": data.activity_id,
            "prompt": data.prompt,
            "opens_at": iso_instant(data.opens_at) if data.opens_at else None,
            "closes_at": iso_instant(closes_at),
            "created_by": principal.email,
            "created_at": iso_instant(now),
        }
        # A collision among 31^10 codes is rare; drawing again is the whole remedy.
        for _ in range(5):
            collection["code"] = new_collection_code()
            if self.surveys.create_collection(collection):
                return self.points.view(collection, api_base, received=0)
        raise RuntimeError("could not draw a free collection code")  # pragma: no cover

    def list_collections(
        self, principal: Principal, unit_id: str, api_base: str
    ) -> list[Collection]:
        """A unit's QR points, newest first, with how much each has received."""
        self.lookups.member_unit(principal, unit_id)
        return [
            self.points.view(item, api_base, self.surveys.count_entries(item["code"]))
            for item in self.surveys.list_collections(unit_id)
        ]

    def close_collection(
        self, principal: Principal, unit_id: str, code: str, api_base: str
    ) -> Collection:
        """Stop taking answers (idempotent)."""
        self.lookups.member_unit(principal, unit_id)
        current = self.surveys.get_collection(code.lower())
        if current is None or current["unit_id"] != unit_id:
            raise NotFound(f"collection {code} not found in unit {unit_id}")
        closed = self.surveys.close_collection(current["code"], self.clock.iso())
        return self.points.view(closed, api_base, self.surveys.count_entries(closed["code"]))
