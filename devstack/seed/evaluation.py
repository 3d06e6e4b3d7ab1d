"""Load the demo's evaluation year (``devstack/seed/story.py``) through the services.

Campaigns are opened by each organisation's admin with ``CampaignService``; every
survey answer and check-in goes through ``SurveyAnswers.response_for`` / ``check_in``
— the very checks, scores and writes of ``POST /public/responses`` — with the services'
clock (``SettableClock``) set to the moment the story tells, so the stream consumer
aggregates them as it does real ones. Targets and analyses go through the same
service as their PUT routes.

Re-running is safe: campaigns and QR points are found by what they are (title; the
activity a feedback point belongs to; a unit's check-in point) before anything is
opened, and answers carry deterministic submission ids, so a second run stores nothing
twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm

from devstack.seed import story

WRITERS = 6


@dataclass(frozen=True)
class Submission:
    """One answer or check-in to send: where, when, what."""

    code: str
    at: dt.datetime
    sender: str
    kind: str  # "response" or "checkin"
    body: str  # the request body, as JSON


def _services(clock: Any) -> Any:
    """The services on their own boto3 session (one per thread), reading ``clock``."""
    import boto3

    from chalicelib.services import Services
    from chalicelib.services.survey_answers import SurveyAnswers
    from chalicelib.settings import get_settings

    class DemoSurveyAnswers(SurveyAnswers):
        """Answers without the limits on anonymous senders: they stop scripts stuffing a
        survey, and would only add counter writes to the demo's answers."""

        def admit(self, code: str, sender: str) -> None:
            return None

    settings = get_settings()
    resource = boto3.session.Session().resource(
        "dynamodb", region_name=settings.region, endpoint_url=settings.dynamodb_endpoint
    )
    services = Services(resource.Table(settings.data_table), settings, clock=clock)
    # QR points do not change while the seed answers them: read each once per writer.
    repository = services.survey_store
    repository.get_collection = functools.lru_cache(maxsize=None)(repository.get_collection)  # type: ignore[method-assign]
    services.survey_answers = DemoSurveyAnswers(
        services.survey_points,
        repository,
        services.directory,
        services.sender_limits,
        clock,
    )
    return services


def _clock() -> Any:
    from chalicelib.services.clock import SettableClock

    return SettableClock()


def _open_campaign(
    services: Any, loaded: Any, opens: dt.datetime, closes: dt.datetime
) -> dict[str, str]:
    """The organisation's campaign of the window (opened a few days before): unit → code."""
    from chalicelib.domain.campaigns import CampaignIn

    principal = _principal(loaded.spec.email("admin"))
    title = story.CAMPAIGN_TITLE[loaded.spec.language].format(year=opens.year)
    site = ""
    services.clock.set(opens - dt.timedelta(days=3))
    campaigns = services.campaigns
    existing = [
        c for c in campaigns.list_campaigns(principal, loaded.org_id, site) if c.title == title
    ]
    campaign = (
        existing[0]
        if existing
        else campaigns.create_campaign(
            principal,
            loaded.org_id,
            CampaignIn.model_validate_json(
                json.dumps(
                    {
                        "template_id": "annual",
                        "title": title,
                        "opens_at": opens.isoformat(),
                        "closes_at": closes.isoformat(),
                    }
                )
            ),
            site,
        )
    )
    return {c.unit_id: c.code for c in campaign.collections}


def _principal(email: str) -> Any:
    from chalicelib.services import get_services

    return get_services().identity.principal(email)


def _point(services: Any, unit_id: str, email: str, at: dt.datetime, body: dict[str, Any]) -> str:
    """A unit's QR point matching ``body`` (found, else opened at ``at``): its code."""
    from chalicelib.domain.surveys import CollectionIn

    for item in services.survey_store.list_collections(unit_id):
        if item.get("campaign_id"):
            continue
        if all(item.get(key) == value for key, value in body.items() if key != "closes_at"):
            return str(item["code"])
    services.clock.set(at)
    made = services.surveys.create_collection(
        _principal(email), unit_id, CollectionIn.model_validate_json(json.dumps(body)), ""
    )
    return str(made.code)


def _visitor(salt: str, nickname: str) -> str:
    # What the check-in page sends: sha256(salt + nickname), never the nickname.
    return hashlib.sha256((salt + nickname).encode()).hexdigest()


def plan_submissions(
    seed: int,
    loaded: list[Any],
    activities: list[dict[str, Any]],
    opens: dt.datetime,
    closes: dt.datetime,
    end: dt.date,
) -> tuple[list[Submission], dict[str, Any]]:
    """Open every QR point of the story and list what young people send to them."""
    from chalicelib.domain.surveys import ANNUAL, FEEDBACK

    services = _services(_clock())
    statements = [(q.id, q.indicator or "") for q in ANNUAL.questions if q.type == "scale"]
    feedback_ids = [q.id for q in FEEDBACK.questions if q.type == "scale"]
    counts = story.answer_counts(seed, tuple(org.spec for org in loaded))
    submissions: list[Submission] = []
    figures = {"campaigns": 0, "answers": 0, "feedback": 0, "checkins": 0}

    def add_answers(code: str, planned: Iterable[story.PlannedAnswer]) -> int:
        added = 0
        for answer in planned:
            body = {
                "submission_id": answer.submission_id,
                "collection_code": code,
                "lang": answer.lang,
                "answers": answer.answers,
            }
            submissions.append(
                Submission(code, answer.at, answer.sender, "response", json.dumps(body))
            )
            added += 1
        return added

    by_unit: dict[str, list[dict[str, Any]]] = {}
    for activity in activities:
        by_unit.setdefault(activity["unit_id"], []).append(activity)
    for org in loaded:
        codes = _open_campaign(services, org, opens, closes)
        figures["campaigns"] += 1
        for index, unit_id in enumerate(org.unit_ids):
            planned = story.centre_answers(
                seed, org.spec, index, counts[(org.spec.slug, index)], opens, closes, statements
            )
            figures["answers"] += add_answers(codes[unit_id], planned)
        if org.spec.slug in story.FEEDBACK_ORGS:
            own = [a for unit_id in org.unit_ids for a in by_unit.get(unit_id, [])]
            for activity in story.feedback_activities(own, opens, closes):
                start = dt.datetime.fromisoformat(f"{activity['date']}T{activity['start_time']}")
                code = _point(
                    services,
                    activity["unit_id"],
                    org.spec.email("worker"),
                    start.replace(tzinfo=dt.UTC),
                    {"template_id": "feedback", "activity_id": activity["id"]},
                )
                planned = story.feedback_answers(seed, org.spec, activity, feedback_ids)
                figures["feedback"] += add_answers(code, planned)
        first = end - dt.timedelta(weeks=story.CHECKIN_WEEKS)
        for index in range(story.CHECKIN_ORGS.get(org.spec.slug, 0)):
            unit_id = org.unit_ids[index]
            code = _point(
                services,
                unit_id,
                org.spec.email("worker"),
                dt.datetime.combine(first, dt.time(8), dt.UTC),
                {"kind": "checkin"},
            )
            salt = services.survey_store.checkin_salt(org.org_id, secrets.token_hex(16))
            for checkin in story.centre_checkins(seed, org.spec, index, first, end):
                body = {
                    "submission_id": checkin.submission_id,
                    "collection_code": code,
                    "visitor": _visitor(salt, checkin.nickname),
                    "gender": checkin.gender,
                    "age_band": checkin.age_band,
                }
                submissions.append(
                    Submission(code, checkin.at, checkin.sender, "checkin", json.dumps(body))
                )
                figures["checkins"] += 1
    return submissions, figures


def send_submissions(submissions: list[Submission], progress: bool) -> int:
    """Store every answer and check-in through the survey service, a few writers at once.

    Each QR point's submissions go in time order on one writer (its own boto3 session
    and clock). A survey answer is checked and shaped by ``SurveyAnswers.response_for``
    — what ``POST /public/responses`` stores — and written in batches (the per-sender
    limits guard against scripts, not the seed); a check-in takes the ``check_in`` path
    (keyed visitor, the transaction that decides first visits) without those limits.
    """
    from chalicelib.domain.surveys import CheckinIn, ResponseIn

    local = threading.local()
    by_code: dict[str, list[Submission]] = {}
    for submission in submissions:
        by_code.setdefault(submission.code, []).append(submission)
    # The slowest first (a check-in is a transaction of 7 items; answers go in batches),
    # so no long task is left running alone at the end.
    tasks = sorted(
        (sorted(by_code[code], key=lambda s: s.at) for code in sorted(by_code)),
        key=lambda task: -sum(10 if s.kind == "checkin" else 1 for s in task),
    )
    bar = tqdm(total=len(submissions), desc="survey answers", unit="ans", disable=not progress)
    lock = threading.Lock()

    def send(task: list[Submission]) -> int:
        if not hasattr(local, "services"):
            local.services = _services(_clock())
        services = local.services
        answers, store = services.survey_answers, services.survey_store
        responses = [s for s in task if s.kind == "response"]
        stored_before = store.stored_responses(
            [json.loads(s.body)["submission_id"] for s in responses]
        )
        batch = []
        for submission in responses:
            data = ResponseIn.model_validate_json(submission.body)
            if str(data.submission_id) in stored_before:
                continue
            services.clock.set(submission.at)
            batch.append(answers.response_for(data))
        store.put_responses_in_batches(batch)
        stored = len(batch)
        checkins = [s for s in task if s.kind == "checkin"]
        with lock:
            bar.update(len(responses))
        for submission in checkins:
            services.clock.set(submission.at)
            ack = answers.check_in(
                CheckinIn.model_validate_json(submission.body), submission.sender
            )
            stored += ack.status == "stored"
            with lock:
                bar.update(1)
        return stored

    pool = ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="seed-answers")
    try:
        return sum(pool.map(send, tasks))
    finally:
        # On Ctrl-C, drop the QR points not yet started: the next start redoes the seed.
        pool.shutdown(wait=True, cancel_futures=True)
        bar.close()


def write_targets_and_analyses(loaded: list[Any], year: int) -> int:
    """A few organisations' targets (this year and next) and their analysis of the year."""
    from chalicelib.domain.targets import AnalysisIn, TargetsIn

    targets = _services(_clock()).targets
    written = 0
    for org in loaded:
        principal = _principal(org.spec.email("admin"))
        for item_year, kind, body in story.targets_and_analyses(org.spec, year):
            scoped = json.dumps({"scope": f"org:{org.org_id}", **body})
            if kind == "targets":
                targets.put_targets(
                    principal, org.org_id, item_year, TargetsIn.model_validate_json(scoped)
                )
            else:
                targets.put_analysis(
                    principal, org.org_id, item_year, AnalysisIn.model_validate_json(scoped)
                )
            written += 1
    return written


def seed_evaluation(
    seed: int,
    loaded: list[Any],
    activities: list[dict[str, Any]],
    start: dt.date,
    end: dt.date,
    progress: bool,
) -> dict[str, Any]:
    """The whole evaluation year of the story; returns what it stored."""
    window = story.campaign_window(start, end)
    if window is None:
        return {}
    started = time.monotonic()
    opens, closes = window
    submissions, figures = plan_submissions(seed, loaded, activities, opens, closes, end)
    planned = time.monotonic()
    send_submissions(submissions, progress)
    figures["sending_seconds"] = round(time.monotonic() - planned, 1)
    figures["targets_and_analyses"] = write_targets_and_analyses(loaded, opens.year)
    figures["campaign_window"] = f"{opens.date()}..{closes.date()}"
    figures["evaluation_seconds"] = round(time.monotonic() - started, 1)
    return figures
