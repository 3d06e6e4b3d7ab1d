"""Demo data of issue #17: own categories, key figures per year and planned sessions.

Through the same services and rules as the API (``services.vocabulary.put_vocabulary``,
``put_key_figures``; plans validated like ``record_activity``). Re-running changes
nothing: the vocabulary and key figures are PUTs, and plans have deterministic ids.
Key figures are demo-grade (staff and costs scaled from the number of centres), like
the rounded youth populations of the catalogue: they show the derived public figures
(cost per visit, visits per open week), not any municipality's real budget.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from devstack.seed.catalogue import PLATFORM_ADMIN

# Each country's own words for two everyday activities, mapped onto core categories.
OWN_CATEGORIES: dict[str, list[dict[str, Any]]] = {
    "SI": [
        {
            "id": "mladinska_kavarna",
            "labels": {"sl": "Mladinska kavarna", "en": "Youth café"},
            "maps_to": "socialising",
        },
        {
            "id": "ucni_klub",
            "labels": {"sl": "Učni klub", "en": "Homework club"},
            "maps_to": "learning_support",
        },
    ],
    "FI": [
        {
            "id": "nuorisokahvila",
            "labels": {"fi": "Nuorisokahvila", "en": "Youth café"},
            "maps_to": "socialising",
        },
        {
            "id": "pienryhma",
            "labels": {"fi": "Pienryhmä", "en": "Small group"},
            "maps_to": "counselling",
        },
    ],
    "SE": [
        {
            "id": "ungdomscafe",
            "labels": {"sv": "Ungdomscafé", "en": "Youth café"},
            "maps_to": "socialising",
        },
        {
            "id": "laxklubb",
            "labels": {"sv": "Läxklubb", "en": "Homework club"},
            "maps_to": "learning_support",
        },
    ],
}
# Demo-grade costs of one staff year (EUR), by country.
STAFF_YEAR_EUR = {"SI": 42_000, "FI": 58_000, "SE": 61_000}
PLANS = (
    # (days from today, kind, title, what we intend)
    (-3, "group", "Podcast workshop", "Everyone records one minute; the shy ones pick the music."),
    (2, "individual", "Guidance talk", "Talk through the summer job applications."),
    (6, "event", "Neighbourhood tournament", "Young people run the draw and the referees."),
)


def _plan_id(org_slug: str, number: int) -> str:
    return hashlib.sha256(f"plan:{org_slug}:{number}".encode()).hexdigest()[:16]


def seed_structure(services: Any, loaded: list[Any], years: list[int], today: dt.date) -> int:
    """Own categories, key figures of ``years`` and three plans per organisation; plans made."""
    from chalicelib.domain.activity import Activity, ActivityIn, activity_rule_problems
    from chalicelib.domain.key_figures import KeyFiguresIn
    from chalicelib.domain.vocabulary import VocabularyIn, core_categories, own_categories

    admin = services.identity.principal(PLATFORM_ADMIN)
    plans: list[dict[str, Any]] = []
    for org in loaded:
        spec = org.spec
        own = OWN_CATEGORIES.get(spec.country, [])
        services.vocabulary.put_vocabulary(
            admin, org.org_id, VocabularyIn.model_validate({"categories": own})
        )
        staff = round(1.5 * len(org.unit_ids), 1)
        for year in years:
            figures = KeyFiguresIn(
                costs_eur=float(round(staff * STAFF_YEAR_EUR.get(spec.country, 50_000) * 1.35)),
                open_weeks=44,
                staff_fte=staff,
                youth_population=spec.youth_population,
            )
            services.key_figures.put_key_figures(admin, org.org_id, str(year), figures)
        unit_id = org.unit_ids[0]
        worker = spec.email("worker")
        known = {category["id"]: category for category in own}
        for number, (days, kind, title, intentions) in enumerate(PLANS):
            payload = {
                "status": "planned",
                "date": (today + dt.timedelta(days=days)).isoformat(),
                "start_time": "17:00",
                "duration_minutes": 90,
                "kind": kind,
                "title": title,
                "categories": [own[number % len(own)]["id"]] if own else [],
                "goal_ids": org.goals_for_unit[unit_id][:1],
                "intentions": intentions,
            }
            data = ActivityIn.model_validate_json(json.dumps(payload))
            problems = activity_rule_problems(
                data, set(org.goals_for_unit[unit_id]), set(org.question_ids), known
            )
            if problems:
                raise ValueError(f"demo plan breaks the rules: {problems}")
            now = f"{today.isoformat()}T08:00:00Z"
            plans.append(
                Activity(
                    id=_plan_id(spec.slug, number),
                    unit_id=unit_id,
                    org_id=org.org_id,
                    version=1,
                    created_by=worker,
                    created_at=now,
                    updated_at=now,
                    core_categories=core_categories(
                        data.categories, own_categories({"categories": own})
                    ),
                    **data.model_dump(mode="json"),
                ).model_dump()
            )
    if plans:
        services.activity_store.create_many(plans)
    return len(plans)
