"""The demo's evaluation year loads through the services, and a second run adds nothing (moto)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import boto3
import pytest

from chalicelib.domain.activity import ActivityIn
from chalicelib.settings import get_settings
from chalicelib.store.campaigns import CampaignRepository
from devstack.seed import evaluation as seed_evaluation_module
from devstack.seed import story
from devstack.seed.catalogue import NORDIC
from devstack.seed.evaluation import seed_evaluation
from devstack.seed.load import _ensure_org, ensure_platform_admin

START, END = dt.date(2025, 11, 1), dt.date(2026, 11, 25)


def items_by_type() -> Counter[str]:
    table = boto3.resource("dynamodb", region_name=get_settings().region).Table(
        get_settings().data_table
    )
    counted: Counter[str] = Counter()
    kwargs: dict[str, Any] = {}
    while True:
        page = table.scan(**kwargs)
        counted.update(str(item.get("type")) for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return counted
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_the_evaluation_year_loads_once(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.services import get_services

    # moto's transactions are not safe across threads (DynamoDB Local's are): one writer.
    monkeypatch.setattr(seed_evaluation_module, "WRITERS", 1)

    # Given Tampere's three centres (with their people), as the seed makes them
    ensure_platform_admin()
    services = get_services()
    spec = next(org for org in NORDIC if org.slug == "tampere")
    loaded = _ensure_org(services, services.identity.principal("admin@logbook.local"), spec, {})
    recorded = services.activities.record_activity(
        services.identity.principal(spec.email("worker")),
        loaded.unit_ids[0],
        ActivityIn.model_validate_json(
            json.dumps({
                "date": "2026-10-14", "start_time": "17:00", "duration_minutes": 120,
                "kind": "group", "title": "Läksykerho",
                "participants": {"girls": 4, "boys": 4, "nonbinary": 0, "undisclosed": 0},
            })
        ),
    )  # fmt: skip
    activity = recorded.model_dump(mode="json")

    # When the evaluation year is seeded, and seeded again (a resumed seed)
    first = seed_evaluation(2026, [loaded], [activity], START, END, progress=False)
    after_first = items_by_type()
    again = seed_evaluation(2026, [loaded], [activity], START, END, progress=False)

    # Then one campaign with every centre's answers, feedback and check-ins are stored once
    assert first["campaign_window"] == "2026-10-05..2026-10-25"
    assert items_by_type() == after_first
    assert {k: v for k, v in again.items() if not k.endswith("seconds")} == {
        k: v for k, v in first.items() if not k.endswith("seconds")
    }
    counts = story.answer_counts(2026, (spec,))
    annual = sum(counts[("tampere", i)] for i in range(len(spec.centres)))
    assert after_first["campaign"] == 1
    assert after_first["response"] == annual + first["feedback"]
    assert after_first["checkin"] == first["checkins"] > 0
    assert after_first["targets"] == 2 and after_first["analysis"] == 1
    # And the campaign's progress counts what the story planned
    table = boto3.resource("dynamodb", region_name=get_settings().region).Table(
        get_settings().data_table
    )
    [campaign] = CampaignRepository(table).list_campaigns(loaded.org_id)
    assert len(campaign["units"]) == len(spec.centres)
    answered = sum(
        len(list(CampaignRepository(table).answers_of(unit["code"]))) for unit in campaign["units"]
    )
    assert answered == annual
