"""The public side of surveys: anyone with a collection's code reads it (a survey, a
check-in or an ideas point) and answers until it closes; each answer stored once, checked
against its template and limited per sender and per collection (see ``survey_service``)."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import (
    Gone,
    InvalidInput,
    NotFound,
    TooManyRequests,
)
from chalicelib.domain.ideas import MAX_IDEA_TEXT, PublicIdea, text_in
from chalicelib.domain.periods import period_end, periods_of
from chalicelib.domain.surveys import (
    BUILTIN_TEMPLATES,
    CHECKIN_QUESTIONS,
    CHECKIN_TITLE,
    CORE_LANGUAGES,
    IDEAS_TITLE,
    CheckinIn,
    CollectionStatus,
    PublicCollection,
    PublicQuestion,
    ResponseIn,
    SubmissionAck,
    SurveyTemplate,
    check_answers,
    collection_status,
    default_closes_at,
    indicator_scores,
    is_collection_code,
    keyed_visitor,
    localised_questions,
    pick_language,
)
from chalicelib.sender_limits import SenderLimiter
from chalicelib.settings import Settings
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.ideas import IdeaRepository
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


def iso_instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_instant(value: str | None) -> dt.datetime | None:
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


class SurveyAnswers:
    """What young people reach with a code; the state of a collection as they see it.

    ``SurveyService`` adds what members do (templates, collections) and builds it."""

    surveys: SurveyRepository
    ideas: IdeaRepository
    directory: DirectoryRepository
    settings: Settings
    senders: SenderLimiter
    clock: Clock
    limits: RateLimits

    def _template(self, org_id: str, template_id: str) -> SurveyTemplate | None:
        if template_id in BUILTIN_TEMPLATES:
            return BUILTIN_TEMPLATES[template_id]
        item = self.surveys.get_template(org_id, template_id)
        return SurveyTemplate(**item) if item else None

    def _status(self, item: dict[str, Any]) -> CollectionStatus:
        return collection_status(
            self.clock(),
            parse_instant(item.get("opens_at")),
            self._closes_at(item),
            parse_instant(item.get("closed_at")),
        )

    @staticmethod
    def _closes_at(item: dict[str, Any]) -> dt.datetime:
        """The stored closing time; collections stored before closing times had a
        default close at their default running time after they opened."""
        stored = parse_instant(item.get("closes_at"))
        if stored is not None:
            return stored
        created = parse_instant(item.get("created_at")) or dt.datetime.now(dt.UTC)
        try:
            return default_closes_at(item["kind"], parse_instant(item.get("opens_at")), created)
        except InvalidInput:  # opens near the calendar's end: it never closes by itself
            return dt.datetime.max.replace(tzinfo=dt.UTC)

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
                closes_at=iso_instant(self._closes_at(item)),
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
            closes_at=iso_instant(self._closes_at(item)),
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
            # The phone's hash is keyed again before anything is stored (docs/architecture.md, "Rules the code relies on").
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
