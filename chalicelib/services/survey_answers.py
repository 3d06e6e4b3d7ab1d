"""The answers to QR points: anyone with a survey's code answers it, anyone with a
check-in's code checks in, until the point closes. Each answer is stored once under the
submission id the page drew, checked against its template, and limited per sender
(``services/sender_limits.py``) and per collection, so that a script can neither stuff a
survey nor lock out a class of 30 answering at once from one Wi-Fi. A check-in's visitor
hash is keyed with the organisation's secret before anything is stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import Gone, InvalidInput, TooManyRequests
from chalicelib.domain.periods import period_end, periods_of
from chalicelib.domain.surveys import (
    CheckinIn,
    ResponseIn,
    SubmissionAck,
    check_answers,
    indicator_scores,
    keyed_visitor,
)
from chalicelib.services.clock import Clock
from chalicelib.services.sender_limits import SenderLimiter
from chalicelib.services.survey_points import SurveyPoints
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.surveys import MARKER_GRACE, RekeyResult, SurveyRepository


@dataclass(frozen=True)
class RateLimits:
    """Accepted submissions per collection, from everyone together: a ceiling on what a
    collection can cost, far above what many classes at once need. One sender cannot
    reach it (its own limits, ``SenderLimits``, stop it first), so one script cannot
    lock a class out."""

    per_minute: int = 600
    per_day: int = 3000


class SurveyAnswers:
    """Survey answers and check-ins of young people, and the limits they pass."""

    def __init__(
        self,
        points: SurveyPoints,
        surveys: SurveyRepository,
        directory: DirectoryRepository,
        senders: SenderLimiter,
        clock: Clock,
        limits: RateLimits | None = None,
    ) -> None:
        self.points = points
        self.surveys = surveys
        self.directory = directory
        self.senders = senders
        self.clock = clock
        self.limits = limits or RateLimits()

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
        self.admit(response["collection_code"], sender)
        stored = self.surveys.put_response(response, texts)
        return SubmissionAck(
            submission_id=submission_id, status="stored" if stored else "duplicate"
        )

    def response_for(self, data: ResponseIn) -> tuple[dict[str, Any], dict[str, str]]:
        """What is stored of an answer, checked as ``POST /public/responses`` checks it
        (unknown code 404, closed 410, bad answers 400), limits aside: the response
        and its free texts. The demo seed writes what this gives in batches."""
        item = self.points.open(data.collection_code)
        if item["kind"] != "survey":
            raise InvalidInput.field("collection_code", f"is a {item['kind']} point, not a survey")
        template = self.points.template(item["org_id"], item["template_id"])
        if template is None:  # pragma: no cover - templates are never deleted
            raise Gone("this survey's questions are no longer available")
        checked = check_answers(template, data.answers)
        response: dict[str, Any] = {
            "submission_id": str(data.submission_id),
            "collection_code": item["code"],
            "unit_id": item["unit_id"],
            "org_id": item["org_id"],
            "date": self.clock.now().date().isoformat(),
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
        item = self.points.open(data.collection_code)
        if item["kind"] != "checkin":
            raise InvalidInput.field(
                "collection_code", f"is a {item['kind']} point, not a check-in"
            )
        self.admit(item["code"], sender)
        day = self.clock.now().date()
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

    def admit(self, code: str, sender: str) -> None:
        """The one place anonymous submissions pass the rate limits: the sender's own
        (``sender`` is the source network, never stored), then the collection's."""
        # The sender's own limits first: a refused script takes nothing from the
        # collection's shared allowance.
        self.senders.admit(sender, code)
        now = self.clock.now().astimezone(dt.UTC)
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
