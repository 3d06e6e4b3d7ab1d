"""Survey use cases: templates, QR collections, anonymous responses and check-ins.

Members manage templates and collections (with access checks); anyone with a
collection's code may read it and answer until it closes (by default 28 days after a
survey opens). Every answer is stored once under the submission id the page made,
checked against its template, and limited per sender (``chalicelib.sender_limits``)
and per collection, so that a script can neither stuff a survey nor lock out a class
of 30 answering at once from one Wi-Fi. A check-in's visitor hash is keyed with the
organisation's secret before anything is stored.

What members do is here; what anyone with a code does (read a collection, answer, check
in) is ``SurveyAnswers`` in ``chalicelib/survey_answers.py``, which ``SurveyService``
extends: one object for both, built by ``get_survey_service``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalicelib.domain.access import Principal
from chalicelib.domain.errors import (
    FieldProblem,
    InvalidInput,
    NotFound,
)
from chalicelib.domain.ideas import Adoption, idea_texts
from chalicelib.domain.ids import new_id
from chalicelib.domain.sender_limits import SenderLimits
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
from chalicelib.sender_limits import SenderLimiter
from chalicelib.services.lookups import Lookups
from chalicelib.settings import Settings, get_settings
from chalicelib.store.activities import ActivityRepository
from chalicelib.store.clients import data_table
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.ideas import IdeaRepository
from chalicelib.store.sender_limits import SenderLimitStore
from chalicelib.store.surveys import SurveyRepository
from chalicelib.survey_answers import Clock, RateLimits, SurveyAnswers, iso_instant


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SurveyService(SurveyAnswers):
    """Every survey use case, over one data table."""

    def __init__(
        self,
        surveys: SurveyRepository,
        directory: DirectoryRepository,
        activities: ActivityRepository,
        settings: Settings,
        senders: SenderLimiter,
        clock: Clock | None = None,
        limits: RateLimits | None = None,
        ideas: IdeaRepository | None = None,
    ) -> None:
        self.surveys = surveys
        self.ideas = ideas or IdeaRepository(surveys._table)
        self.directory = directory
        self.lookups = Lookups(directory)
        self.activities = activities
        self.settings = settings
        self.clock = clock or _utc_now
        self.limits = limits or RateLimits()
        self.senders = senders

    @classmethod
    def from_table(
        cls, table: Any, settings: Settings, clock: Clock | None = None
    ) -> SurveyService:
        """Services over one data table (a boto3 Table resource); ``clock`` for the demo
        seed, which answers surveys at the times its story tells."""
        # One clock for both, so the limits' windows follow the service's time.
        if clock is None:
            clock = lambda: _utc_now()  # noqa: E731 - resolved per call (tests patch it)
        return cls(
            SurveyRepository(table),
            DirectoryRepository(table),
            ActivityRepository(table),
            settings,
            SenderLimiter(
                SenderLimitStore(table),
                clock,
                SenderLimits(
                    per_window=settings.sender_limit_per_window,
                    per_day=settings.sender_limit_per_day,
                ),
            ),
            clock,
            ideas=IdeaRepository(table),
        )

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
        now = iso_instant(self.clock())
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

    def find_template(self, org_id: str, template_id: str) -> SurveyTemplate | None:
        """A built-in template or one of ``org_id``'s own, or None."""
        return self._template(org_id, template_id)

    def collection_view(self, item: dict[str, Any], api_base: str, received: int) -> Collection:
        """A stored collection as members see it (addresses, status, closing time)."""
        return self._collection_view(item, api_base, received)

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
            if self._template(unit.org_id, data.template_id) is None:
                raise InvalidInput.field(
                    "template_id", f"no template {data.template_id} in this organisation"
                )
        elif data.template_id:
            raise InvalidInput.field("template_id", f"a {data.kind} point has no template")
        if data.activity_id and self.activities.get(unit_id, data.activity_id) is None:
            raise InvalidInput.field("activity_id", "no such activity in this unit")
        if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
            raise InvalidInput.field("closes_at", "must be after opens_at")
        now = self.clock()
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
                return self._collection_view(collection, api_base, received=0)
        raise RuntimeError("could not draw a free collection code")  # pragma: no cover

    def list_collections(
        self, principal: Principal, unit_id: str, api_base: str
    ) -> list[Collection]:
        """A unit's QR points, newest first, with how much each has received."""
        self.lookups.member_unit(principal, unit_id)
        return [
            self._collection_view(item, api_base, self.surveys.count_entries(item["code"]))
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
        closed = self.surveys.close_collection(current["code"], iso_instant(self.clock()))
        return self._collection_view(closed, api_base, self.surveys.count_entries(closed["code"]))

    def _collection_view(self, item: dict[str, Any], api_base: str, received: int) -> Collection:
        code = item["code"]
        site = self.settings.site_url.rstrip("/")
        fields = {key: value for key, value in item.items() if key in Collection.model_fields}
        fields["closes_at"] = iso_instant(self._closes_at(item))
        return Collection(
            **fields,
            status=self._status(item),
            url=f"{site}/s/?c={code}",
            qr_svg_url=f"{api_base}/public/collections/{code}/qr.svg",
            poster_url=f"{site}/s/poster.html?c={code}",
            received=received,
        )


def get_survey_service(settings: Settings | None = None) -> SurveyService:
    """The survey services over the configured data table.

    Not cached itself: it is cheap to build over the cached boto3 resource, and so it
    always follows the current settings (tests and the local stack change them).
    """
    settings = settings or get_settings()
    return SurveyService.from_table(data_table(settings), settings)
