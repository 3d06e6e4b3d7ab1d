"""Load the demo data through the same services and rules the API uses.

Organisations, centres, members, goals and questions go through the service calls of
``chalicelib.services``, exactly as over HTTP, as the platform admin. Activities are
validated by the same models and rules as ``Activities.record_activity``
(``ActivityIn`` from JSON, ``activity_rule_problems``, the creator's unit role) and
written with the activity repository's batch path, since ~13,000 service calls (four
requests each) would take minutes.

Re-running is safe, so an interrupted seed simply runs again: directory entries are
found by their natural key (organisation name, centre name, e-mail, goal title,
question text) before anything is created, and activities have deterministic ids, so
a second write overwrites rather than duplicates. The date window is fixed in a plan
file on the first attempt so a resumed seed generates the very same activities.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from devstack.seed.catalogue import (
    GOALS,
    PLATFORM_ADMIN,
    QUESTIONS,
    OrgSpec,
    organisations_for,
)
from devstack.seed.evaluation import seed_evaluation
from devstack.seed.generate import centre_activities, seed_window
from devstack.seed.networks import MAMA_COORDINATOR, seed_networks
from devstack.seed.structure import seed_structure

# No tqdm monitor thread: children are forked after seeding, and a fork (with its
# preexec_fn) is safest when no other thread could be holding a lock.
tqdm.monitor_interval = 0

DEFAULT_SEED = 2026
BATCH = 100  # activities per writer task and progress step
WRITERS = 6


@dataclass
class LoadedOrg:
    """Ids the services gave an organisation's demo entries."""

    spec: OrgSpec
    org_id: str
    unit_ids: list[str]
    goals_for_unit: dict[str, list[str]] = field(default_factory=dict)
    question_ids: list[str] = field(default_factory=list)


def _services() -> Any:
    from chalicelib.services import get_services

    return get_services()


def ensure_platform_admin(email: str = PLATFORM_ADMIN) -> None:
    """Make sure the seeded platform admin exists (every start; idempotent)."""
    _services().identity.add_platform_admin(email)


def load_plan(path: Path, mode: str, seed: int, today: dt.date) -> dict[str, Any]:
    """The seed's parameters: read back on a resumed seed, else fixed now."""
    if path.exists():
        plan: dict[str, Any] = json.loads(path.read_text())
        if plan.get("mode") == mode and plan.get("seed") == seed:
            return plan
    start, end = seed_window(today, mode)
    plan = {"mode": mode, "seed": seed, "start": start.isoformat(), "end": end.isoformat()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(plan))
    os.replace(tmp, path)
    return plan


def _ensure_org(services: Any, admin: Any, spec: OrgSpec, existing: dict[str, Any]) -> LoadedOrg:
    from chalicelib.domain.errors import Conflict
    from chalicelib.domain.models import GoalIn, MemberIn, OrgIn, QuestionIn, UnitIn

    org = existing.get(spec.name) or services.organisations.create_org(
        admin,
        OrgIn(
            name=spec.name,
            country=spec.country,
            municipality_code=spec.municipality_code,
            youth_population=spec.youth_population,
        ),
    )
    units = {unit.name: unit for unit in services.organisations.list_units(admin, org.id)}
    unit_ids = []
    for centre in spec.centres:
        unit = units.get(centre.name) or services.organisations.create_unit(
            admin, org.id, UnitIn(name=centre.name, description=centre.description)
        )
        unit_ids.append(unit.id)

    members = {member.email for member in services.people.list_members(admin, org.id)}
    wanted = [
        MemberIn(email=spec.email("admin"), role="org_admin", unit_ids=[]),
        MemberIn(email=spec.email("worker"), role="worker", unit_ids=unit_ids),
        MemberIn(email=spec.email("partner"), role="partner", unit_ids=unit_ids[:1]),
    ]
    for member in wanted:
        if member.email not in members:
            # Conflict: an interrupted earlier run added it after we listed.
            with contextlib.suppress(Conflict):
                services.people.add_member(admin, org.id, member)

    goals = {goal.title: goal for goal in services.people.list_goals(admin, org.id)}
    goals_for_unit: dict[str, list[str]] = {unit_id: [] for unit_id in unit_ids}
    for goal_spec in GOALS:
        scope = unit_ids[:1] if goal_spec.first_centre_only else None
        goal = goals.get(goal_spec.title) or services.people.create_goal(
            admin,
            org.id,
            GoalIn(title=goal_spec.title, description=goal_spec.description, unit_ids=scope),
        )
        for unit_id in scope or unit_ids:
            goals_for_unit[unit_id].append(goal.id)

    questions = {
        question.text: question for question in services.people.list_questions(admin, org.id)
    }
    question_ids = [
        (
            questions.get(text)
            or services.people.create_question(admin, org.id, QuestionIn(text=text))
        ).id
        for text in QUESTIONS
    ]
    return LoadedOrg(spec, org.id, unit_ids, goals_for_unit, question_ids)


def _created_at(payload: dict[str, Any]) -> str:
    """When the worker would have saved it: at the end of the activity."""
    start = dt.datetime.fromisoformat(f"{payload['date']}T{payload['start_time']}")
    end = start + dt.timedelta(minutes=payload["duration_minutes"])
    return end.strftime("%Y-%m-%dT%H:%M:%SZ")


def _stored_activities(
    services: Any, loaded: LoadedOrg, seed: int, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """Every activity of an organisation, validated like ``record_activity``, ready to store."""
    from chalicelib.domain.activity import Activity, ActivityIn, activity_rule_problems

    worker = loaded.spec.email("worker")
    partner = loaded.spec.email("partner")
    principals = {email: services.identity.principal(email) for email in (worker, partner)}
    stored: list[dict[str, Any]] = []
    for index, unit_id in enumerate(loaded.unit_ids):
        goal_ids = loaded.goals_for_unit[unit_id]
        payloads = centre_activities(
            seed, loaded.spec, index, start, end, goal_ids, loaded.question_ids
        )
        for number, payload in enumerate(payloads):
            activity_id = payload.pop("id")
            # The partner NGO records some of the first centre's activities.
            creator = partner if index == 0 and number % 20 == 7 else worker
            principals[creator].unit_role(loaded.org_id, unit_id)  # raises if not allowed
            data = ActivityIn.model_validate_json(json.dumps(payload))
            problems = activity_rule_problems(data, set(goal_ids), set(loaded.question_ids))
            if problems:
                raise ValueError(f"demo activity breaks the rules: {problems}")
            created_at = _created_at(payload)
            activity = Activity(
                id=activity_id,
                unit_id=unit_id,
                org_id=loaded.org_id,
                version=1,
                created_by=creator,
                created_at=created_at,
                updated_at=created_at,
                **data.model_dump(mode="json"),
            )
            stored.append(activity.model_dump())
    return stored


def _write_activities(activities: list[dict[str, Any]], progress: bool) -> None:
    """Store activities through the repository's batch path, a few writers at a time.

    DynamoDB Local commits every item to SQLite on its own (an fsync each), so one
    writer waits on the disk most of the time; parallel writers overlap those waits.
    boto3 resources are not thread-safe: each writer has its own session.
    """
    import boto3

    from chalicelib.settings import get_settings
    from chalicelib.store.activities import ActivityRepository

    settings = get_settings()
    local = threading.local()

    def write(chunk: list[dict[str, Any]]) -> int:
        if not hasattr(local, "repository"):
            resource = boto3.session.Session().resource(
                "dynamodb", region_name=settings.region, endpoint_url=settings.dynamodb_endpoint
            )
            local.repository = ActivityRepository(resource.Table(settings.data_table))
        local.repository.create_many(chunk)
        return len(chunk)

    chunks = [activities[first : first + BATCH] for first in range(0, len(activities), BATCH)]
    pool = ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="seed")
    try:
        with tqdm(
            total=len(activities), desc="activities", unit="act", disable=not progress
        ) as bar:
            for written in pool.map(write, chunks):
                bar.update(written)
    finally:
        # On Ctrl-C, drop the chunks not yet started: the next start redoes the seed.
        pool.shutdown(wait=True, cancel_futures=True)


def seed_demo_data(
    mode: str,
    plan_path: Path,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Load the demo organisations and a year of their activities; returns the counts."""
    services = _services()
    ensure_platform_admin()
    admin = services.identity.principal(PLATFORM_ADMIN)
    plan = load_plan(plan_path, mode, seed, today or dt.date.today())
    start, end = dt.date.fromisoformat(plan["start"]), dt.date.fromisoformat(plan["end"])
    specs = organisations_for(mode)

    existing = {org.name: org for org in services.organisations.list_orgs(admin)}
    loaded: list[LoadedOrg] = []
    for spec in tqdm(specs, desc="organisations", unit="org", disable=not progress):
        loaded.append(_ensure_org(services, admin, spec, existing))

    # MaMa and Kanuuna (full demo): before the activities, so publishing them publishes
    # the networks' figures too (docs/networks.md).
    networks = seed_networks(admin, loaded) if mode == "full" else 0

    activities = [a for org in loaded for a in _stored_activities(services, org, seed, start, end)]
    _write_activities(activities, progress)
    # Own categories, key figures and a few planned sessions (docs/vocabulary.md).
    plans = seed_structure(
        services, loaded, sorted({start.year, end.year}), today or dt.date.today()
    )
    # The year's evaluation (campaigns, answers, feedback, check-ins, targets): full demo only,
    # so the small demo that the browser tests start stays quick.
    evaluation = (
        seed_evaluation(seed, loaded, activities, start, end, progress) if mode == "full" else {}
    )

    return {
        **evaluation,
        "organisations": len(loaded),
        "networks": networks,
        "units": sum(len(org.unit_ids) for org in loaded),
        "members": 3 * len(loaded) + 1,
        "activities": len(activities),
        "planned": plans,
        "visits": sum(sum(a["participants"].values()) for a in activities),
        "volunteers": sum(a["volunteers"] for a in activities),
        "youth_led": sum(1 for a in activities if a["youth_led"]),
        "from": plan["start"],
        "to": plan["end"],
    }


def demo_accounts(mode: str) -> list[tuple[str, str]]:
    """Accounts to show in the banner: (e-mail, what it may do)."""
    accounts = [(PLATFORM_ADMIN, "platform admin")]
    specs = organisations_for(mode)
    if specs:
        first = specs[0]
        accounts += [
            (first.email("admin"), f"organisation admin, {first.name}"),
            (first.email("worker"), f"youth worker, every centre of {first.name}"),
            (first.email("partner"), f"partner group, {first.centres[0].name} only"),
        ]
        slugs = ", ".join(spec.slug for spec in specs[1:])
        if slugs:
            accounts.append(("admin|worker|partner@<slug>.logbook.local", f"likewise for {slugs}"))
    if mode == "full":
        accounts.append((MAMA_COORDINATOR, "network coordinator, Mladinska mreža MaMa"))
    return accounts
