"""Survey use cases: templates, QR collections, anonymous responses and check-ins.

Members manage templates and collections (with access checks); anyone with a
collection's code may read it and answer until it closes (by default 28 days after a
survey opens). Every answer is stored once under the submission id the page made,
checked against its template, and limited per sender (``chalicelib.sender_limits``)
and per collection, so that a script can neither stuff a survey nor lock out a class
of 30 answering at once from one Wi-Fi. A check-in's visitor hash is keyed with the
organisation's secret before anything is stored.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.access import Principal
from chalicelib.domain.errors import (
    FieldProblem,
    Gone,
    InvalidInput,
    NotFound,
    TooManyRequests,
)
from chalicelib.domain.ideas import MAX_IDEA_TEXT, Adoption, PublicIdea, idea_texts, text_in
from chalicelib.domain.ids import new_id
from chalicelib.domain.periods import period_end, periods_of
from chalicelib.domain.sender_limits import SenderLimits
from chalicelib.domain.surveys import (
    BUILTIN_TEMPLATES,
    CHECKIN_QUESTIONS,
    CHECKIN_TITLE,
    CORE_LANGUAGES,
    IDEAS_TITLE,
    CheckinIn,
    Collection,
    CollectionIn,
    CollectionStatus,
    PublicCollection,
    PublicQuestion,
    ResponseIn,
    SubmissionAck,
    SurveyTemplate,
    SurveyTemplateIn,
    build_org_template,
    check_answers,
    collection_status,
    default_closes_at,
    indicator_scores,
    is_collection_code,
    keyed_visitor,
    localised_questions,
    new_collection_code,
    pick_language,
)
from chalicelib.sender_limits import SenderLimiter
from chalicelib.settings import Settings, get_settings
from chalicelib.store.activities import ActivityRepository
from chalicelib.store.clients import data_table
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.ideas import IdeaRepository
from chalicelib.store.sender_limits import SenderLimitStore
from chalicelib.store.surveys import MARKER_GRACE, RekeyResult, SurveyRepository

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class RateLimits:
    """Accepted submissions per collection, from everyone together: a ceiling on what a
    collection can cost, far above what many classes at once need. One sender cannot
    reach it (its own limits, ``SenderLimits``, stop it first), so one script cannot
    lock a class out."""

    per_minute: int = 600
    per_day: int = 3000


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def qr_svg(url: str) -> str:
    """A QR code of ``url`` as a standalone, scalable SVG (medium error correction,
    which survives a poster's creases and a cracked camera lens)."""
    import segno  # only this route needs it: keep it off the cold start

    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    # A white quiet zone of its own: scanners need it, and a dark viewer or page
    # behind a transparent SVG would hide the code.
    code.save(
        out,
        kind="svg",
        scale=8,
        border=4,
        light="#fff",
        title="QR code",
        svgclass=None,
        lineclass=None,
    )
    return out.getvalue().decode()


class SurveyService:
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
        if self.directory.get_org(org_id) is None:
            raise NotFound(f"organisation {org_id} not found")
        principal.require_org_admin(org_id)
        now = _iso(self.clock())
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

    def _template(self, org_id: str, template_id: str) -> SurveyTemplate | None:
        if template_id in BUILTIN_TEMPLATES:
            return BUILTIN_TEMPLATES[template_id]
        item = self.surveys.get_template(org_id, template_id)
        return SurveyTemplate(**item) if item else None

    # ------------------------------------------------------------ collections
    def create_collection(
        self, principal: Principal, unit_id: str, data: CollectionIn, api_base: str
    ) -> Collection:
        """Open a QR point in a unit the caller belongs to."""
        unit = self._unit(unit_id)
        principal.unit_role(unit["org_id"], unit_id)
        if data.prompt and data.kind != "ideas":
            raise InvalidInput.field("prompt", "only an ideas point has a prompt")
        if data.kind == "survey":
            if not data.template_id:
                raise InvalidInput.field("template_id", "is required for a survey")
            if self._template(unit["org_id"], data.template_id) is None:
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
            "org_id": unit["org_id"],
            "template_id": data.template_id,
            "activity_id": data.activity_id,
            "prompt": data.prompt,
            "opens_at": _iso(data.opens_at) if data.opens_at else None,
            "closes_at": _iso(closes_at),
            "created_by": principal.email,
            "created_at": _iso(now),
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
        unit = self._unit(unit_id)
        principal.unit_role(unit["org_id"], unit_id)
        return [
            self._collection_view(item, api_base, self.surveys.count_entries(item["code"]))
            for item in self.surveys.list_collections(unit_id)
        ]

    def close_collection(
        self, principal: Principal, unit_id: str, code: str, api_base: str
    ) -> Collection:
        """Stop taking answers (idempotent)."""
        unit = self._unit(unit_id)
        principal.unit_role(unit["org_id"], unit_id)
        current = self.surveys.get_collection(code.lower())
        if current is None or current["unit_id"] != unit_id:
            raise NotFound(f"collection {code} not found in unit {unit_id}")
        closed = self.surveys.close_collection(current["code"], _iso(self.clock()))
        return self._collection_view(closed, api_base, self.surveys.count_entries(closed["code"]))

    def _collection_view(self, item: dict[str, Any], api_base: str, received: int) -> Collection:
        code = item["code"]
        site = self.settings.site_url.rstrip("/")
        fields = {key: value for key, value in item.items() if key in Collection.model_fields}
        fields["closes_at"] = _iso(self._closes_at(item))
        return Collection(
            **fields,
            status=self._status(item),
            url=f"{site}/s/?c={code}",
            qr_svg_url=f"{api_base}/public/collections/{code}/qr.svg",
            poster_url=f"{site}/s/poster.html?c={code}",
            received=received,
        )

    def _status(self, item: dict[str, Any]) -> CollectionStatus:
        return collection_status(
            self.clock(),
            _parse(item.get("opens_at")),
            self._closes_at(item),
            _parse(item.get("closed_at")),
        )

    @staticmethod
    def _closes_at(item: dict[str, Any]) -> dt.datetime:
        """The stored closing time; collections stored before closing times had a
        default close at their default running time after they opened."""
        stored = _parse(item.get("closes_at"))
        if stored is not None:
            return stored
        created = _parse(item.get("created_at")) or dt.datetime.now(dt.UTC)
        try:
            return default_closes_at(item["kind"], _parse(item.get("opens_at")), created)
        except InvalidInput:  # opens near the calendar's end: it never closes by itself
            return dt.datetime.max.replace(tzinfo=dt.UTC)

    def _unit(self, unit_id: str) -> dict[str, Any]:
        unit = self.directory.get_unit(unit_id)
        if unit is None:
            raise NotFound(f"unit {unit_id} not found")
        return unit

    # ------------------------------------------------------------ public side
    def _known_collection(self, code: str) -> dict[str, Any]:
        code = code.lower()
        item = self.surveys.get_collection(code) if is_collection_code(code) else None
        if item is None:
            raise NotFound(f"no survey has the code {code}; check the address on the poster")
        return item

    def _open_collection(self, code: str) -> dict[str, Any]:
        item = self._known_collection(code)
        status = self._status(item)
        if status == "closed":
            raise Gone("this survey is closed and takes no more answers", status="closed")
        if status == "scheduled":
            raise Gone(
                f"this survey opens at {item['opens_at']}",
                status="scheduled",
                opens_at=item["opens_at"],
            )
        return item

    def public_collection(self, code: str, lang: str | None) -> PublicCollection:
        """What the survey page shows: questions in one language (404 unknown, 410 closed)."""
        item = self._open_collection(code)
        unit = self.directory.get_unit(item["unit_id"]) or {"name": ""}
        if item["kind"] == "checkin":
            chosen = pick_language(lang, list(CORE_LANGUAGES))
            return PublicCollection(
                code=item["code"],
                kind="checkin",
                title=CHECKIN_TITLE[chosen],
                unit_name=unit["name"],
                lang=chosen,
                languages=list(CORE_LANGUAGES),
                questions=[
                    PublicQuestion(**q) for q in localised_questions(CHECKIN_QUESTIONS, chosen)
                ],
                salt=self.surveys.checkin_salt(item["org_id"], secrets.token_hex(16)),
                closes_at=_iso(self._closes_at(item)),
            )
        if item["kind"] == "ideas":
            return self._public_ideas_point(item, unit["name"], lang)
        template = self._template(item["org_id"], item["template_id"])
        if template is None:  # pragma: no cover - templates are never deleted
            raise Gone("this survey's questions are no longer available")
        chosen = pick_language(lang, template.languages)
        return PublicCollection(
            code=item["code"],
            kind="survey",
            title=template.title[chosen],
            unit_name=unit["name"],
            lang=chosen,
            languages=template.languages,
            questions=[
                PublicQuestion(**q)
                for q in localised_questions(template.questions, chosen, template.scale_labels)
            ],
            closes_at=_iso(self._closes_at(item)),
        )

    def _public_ideas_point(
        self, item: dict[str, Any], unit_name: str, lang: str | None
    ) -> PublicCollection:
        # Only approved proposals, without votes: a count could single someone out, and
        # a ranking would steer the vote. Ordered by id, a fixed order that favours none.
        chosen = pick_language(lang, list(CORE_LANGUAGES))
        approved = sorted(
            (idea for idea in self.ideas.list_ideas(item["code"]) if idea["status"] == "approved"),
            key=lambda idea: idea["id"],
        )
        return PublicCollection(
            code=item["code"],
            kind="ideas",
            title=IDEAS_TITLE[chosen],
            unit_name=unit_name,
            lang=chosen,
            languages=list(CORE_LANGUAGES),
            questions=[],
            closes_at=item.get("closes_at"),
            prompt=item.get("prompt"),
            ideas=[
                PublicIdea(
                    id=idea["id"],
                    text=text_in(
                        idea["text"], idea.get("lang"), idea.get("translations", {}), chosen
                    ),
                )
                for idea in approved
            ],
            max_length=MAX_IDEA_TEXT,
        )

    def qr_code(self, code: str) -> str:
        """The collection's QR code as SVG (404 for an unknown code)."""
        item = self._known_collection(code)
        return qr_svg(f"{self.settings.site_url.rstrip('/')}/s/?c={item['code']}")

    def submit_response(self, data: ResponseIn, sender: str) -> SubmissionAck:
        """Store a young person's answers once; a replay answers ``duplicate``.

        The replay check comes first: a retry of a stored submission succeeds even if
        the collection closed meanwhile or the retry's content differs, and counts
        against no limit. ``sender`` is the source network (``source_address``), used
        only for the per-sender limits and never stored with the answer.
        """
        submission_id = str(data.submission_id)
        if self.surveys.get_response(submission_id) is not None:
            return SubmissionAck(submission_id=submission_id, status="duplicate")
        response, texts = self.response_for(data)
        self._rate_limit(response["collection_code"], sender)
        stored = self.surveys.put_response(response, texts)
        return SubmissionAck(
            submission_id=submission_id, status="stored" if stored else "duplicate"
        )

    def response_for(self, data: ResponseIn) -> tuple[dict[str, Any], dict[str, str]]:
        """What is stored of an answer, checked as ``POST /public/responses`` checks it
        (unknown code 404, closed 410, bad answers 400), limits aside: the response
        and its free texts. The demo seed writes what this gives in batches."""
        item = self._open_collection(data.collection_code)
        if item["kind"] != "survey":
            raise InvalidInput.field("collection_code", f"is a {item['kind']} point, not a survey")
        template = self._template(item["org_id"], item["template_id"])
        if template is None:  # pragma: no cover - templates are never deleted
            raise Gone("this survey's questions are no longer available")
        checked = check_answers(template, data.answers)
        response: dict[str, Any] = {
            "submission_id": str(data.submission_id),
            "collection_code": item["code"],
            "unit_id": item["unit_id"],
            "org_id": item["org_id"],
            "date": self.clock().date().isoformat(),
            "template_id": template.id,
            "scores": indicator_scores(template, checked.scale),
            "items": checked.scale,
        }
        if item.get("activity_id"):
            response["activity_id"] = item["activity_id"]
        for standard in ("age_band", "gender"):
            if standard in checked.choices:
                response[standard] = checked.choices[standard]
        others = {k: v for k, v in checked.choices.items() if k not in ("age_band", "gender")}
        if others:
            response["choices"] = others
        return response, checked.texts

    def check_in(self, data: CheckinIn, sender: str) -> SubmissionAck:
        """Count a visit once, and whether it is the visitor's first in each period.

        ``sender`` as for ``submit_response``: limits only, never stored."""
        submission_id = str(data.submission_id)
        if self.surveys.get_checkin(submission_id) is not None:
            return SubmissionAck(submission_id=submission_id, status="duplicate")
        item = self._open_collection(data.collection_code)
        if item["kind"] != "checkin":
            raise InvalidInput.field(
                "collection_code", f"is a {item['kind']} point, not a check-in"
            )
        self._rate_limit(item["code"], sender)
        day = self.clock().date()
        periods = periods_of(day)
        markers = [("unit", f"unit:{item['unit_id']}", p) for p in periods] + [
            ("org", f"org:{item['org_id']}", p) for p in periods
        ]
        expire = {
            p: dt.datetime.combine(period_end(p), dt.time(), dt.UTC) + MARKER_GRACE for p in periods
        }
        checkin: dict[str, Any] = {
            "submission_id": submission_id,
            "collection_code": item["code"],
            "unit_id": item["unit_id"],
            "org_id": item["org_id"],
            "date": day.isoformat(),
            # The phone's hash is keyed again before anything is stored (DESIGN.md).
            "visitor": keyed_visitor(self.surveys.checkin_key(item["org_id"]), data.visitor),
        }
        if data.gender:
            checkin["gender"] = data.gender
        if data.age_band:
            checkin["age_band"] = data.age_band
        stored = self.surveys.put_checkin(checkin, markers, expire, legacy_visitor=data.visitor)
        return SubmissionAck(
            submission_id=submission_id, status="stored" if stored is not None else "duplicate"
        )

    def rekey_checkin_markers(self) -> RekeyResult:
        """Move first-visit markers stored before check-in keys existed to their keyed
        form (a one-off migration; running it again finds nothing left to do)."""
        orgs: dict[str, str | None] = {}

        def org_of_scope(scope: str) -> str | None:
            kind, _, scope_id = scope.partition(":")
            if kind == "org":
                return scope_id
            if scope not in orgs:
                unit = self.directory.get_unit(scope_id)
                orgs[scope] = unit["org_id"] if unit else None
            return orgs[scope]

        return self.surveys.rekey_legacy_markers(org_of_scope)

    def _rate_limit(self, code: str, sender: str) -> None:
        # The sender's own limits first: a refused script takes nothing from the
        # collection's shared allowance.
        self.senders.admit(sender, code)
        now = self.clock().astimezone(dt.UTC)
        minute = now.replace(second=0, microsecond=0)
        if not self.surveys.count_in_window(
            code,
            f"M#{minute:%Y-%m-%dT%H:%M}",
            self.limits.per_minute,
            minute + dt.timedelta(hours=1),
        ):
            raise TooManyRequests(
                "too many answers to this survey right now; they are kept and sent again shortly",
                retry_after=60 - now.second,
            )
        day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if not self.surveys.count_in_window(
            code, f"D#{day:%Y-%m-%d}", self.limits.per_day, day + dt.timedelta(days=2)
        ):
            raise TooManyRequests(
                "this survey has reached its daily limit of answers",
                retry_after=int((day + dt.timedelta(days=1) - now).total_seconds()),
            )


def get_survey_service(settings: Settings | None = None) -> SurveyService:
    """The survey services over the configured data table.

    Not cached itself: it is cheap to build over the cached boto3 resource, and so it
    always follows the current settings (tests and the local stack change them).
    """
    settings = settings or get_settings()
    return SurveyService.from_table(data_table(settings), settings)
