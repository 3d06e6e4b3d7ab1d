"""The demo's own categories, key figures and plans go through the services' rules (moto)."""

from __future__ import annotations

import datetime as dt

from chalicelib.domain.key_figures import derived_figures
from chalicelib.domain.stats import fold_items
from chalicelib.services import get_services
from devstack.seed.catalogue import PLATFORM_ADMIN, organisations_for
from devstack.seed.load import _ensure_org
from devstack.seed.structure import seed_structure

TODAY = dt.date(2026, 3, 10)


def test_the_demo_plans_count_nowhere_and_reseeding_duplicates_nothing(aws):
    services = get_services()
    services.identity.add_platform_admin(PLATFORM_ADMIN)
    admin = services.identity.principal(PLATFORM_ADMIN)
    loaded = [_ensure_org(services, admin, spec, {}) for spec in organisations_for("small")]

    made = seed_structure(services, loaded, [2025, 2026], TODAY)
    again = seed_structure(services, loaded, [2025, 2026], TODAY)

    assert made == again == 3 * len(loaded)
    for org in loaded:
        vocabulary = services.vocabulary.get_vocabulary(admin, org.org_id)
        own = [entry for entry in vocabulary.categories if not entry.core]
        assert len(own) == 2 and all(entry.maps_to for entry in own)
        assert org.spec.municipality_code
        figures = services.key_figures.get_key_figures(admin, org.org_id, "2026")
        assert figures.costs_eur and figures.open_weeks == 44
        derived = derived_figures({"participation": {"visits": 100}}, figures.model_dump())
        assert derived["cost_per_visit"] and derived["visits_per_open_week"] == 2.3
        plans = services.activities.list_activities(admin, org.unit_ids[0], status="planned").items
        assert len(plans) == 3
        assert {plan.date < TODAY.isoformat() for plan in plans} == {True, False}
        assert all(plan.core_categories for plan in plans)
        assert fold_items(plan.model_dump() | {"type": "activity"} for plan in plans) == {}
