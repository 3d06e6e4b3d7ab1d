"""Whole-organisation import on moto and on DynamoDB Local, and through the real stream."""

from __future__ import annotations

import io
import itertools
import zipfile
from typing import Any

import boto3
import pytest

from chalicelib.domain.activity import ActivityIn
from chalicelib.domain.models import GoalIn, OrgIn, QuestionIn, UnitIn
from chalicelib.domain.stats import StatsKey
from chalicelib.events.aggregate import StreamAggregator
from chalicelib.services import Services
from chalicelib.services.data import DataService
from chalicelib.store.accounts import LocalAccounts
from chalicelib.store.schema import create_tables
from chalicelib.store.stats import StatsStore
from tests.builders import activity
from tests.integration.conftest import REGION
from tests.integration.test_aggregate_dynamodb_local import real_stream_events
from tools import stats_admin

pytestmark = pytest.mark.integration
ADMIN = "admin@logbook.local"
_names = itertools.count()


def a_world(table: Any) -> tuple[Services, DataService, Any, str]:
    """An organisation with a unit, a goal, a question and three activities."""
    services = Services.from_table(table, LocalAccounts())
    services.identity.add_platform_admin(ADMIN)
    admin = services.identity.principal(ADMIN)
    org = services.organisations.create_org(admin, OrgIn(name="Maribor", country="SI"))
    unit = services.organisations.create_unit(admin, org.id, UnitIn(name="MC Pekarna"))
    goal = services.people.create_goal(admin, org.id, GoalIn(title="Belonging"))
    question = services.people.create_question(admin, org.id, QuestionIn(text="What worked?"))
    for day in ("2026-01-09", "2026-02-13", "2026-03-13"):
        body = activity(
            date=day, goal_ids=[goal.id], goal_ratings={goal.id: 5},
            reflection={question.id: "Good"},
        )  # fmt: skip
        services.activities.record_activity(
            admin, unit.id, ActivityIn.model_validate(body, strict=False)
        )
    return services, services.org_packages, admin, org.id


def activity_rows(package: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return len(archive.read("activities.csv").decode().strip().splitlines()) - 1


def test_import_stores_once_on_either_engine(engine_data_table: Any) -> None:
    services, service, admin, source = a_world(engine_data_table)
    package = service.export_package(admin, source).content
    target = services.organisations.create_org(admin, OrgIn(name="Maribor (new)", country="SI")).id

    first = service.import_package(admin, target, package)
    again = service.import_package(admin, target, package)

    assert first.created["activities"] == 3 and first.created["units"] == 1
    assert sum(again.created.values()) == 0
    assert again.unchanged == {k: first.created[k] + first.unchanged[k] for k in first.created}
    assert activity_rows(service.export_package(admin, target).content) == 3


def test_imported_activities_reach_the_statistics_through_the_stream(
    ddb_local_endpoint: str,
) -> None:
    client = boto3.client("dynamodb", endpoint_url=ddb_local_endpoint, region_name=REGION)
    streams = boto3.client("dynamodbstreams", endpoint_url=ddb_local_endpoint, region_name=REGION)
    suffix = next(_names)
    data, stats = f"data-pkg-{suffix}", f"stats-pkg-{suffix}"
    create_tables(client, data, stats)
    table = boto3.resource("dynamodb", endpoint_url=ddb_local_endpoint, region_name=REGION).Table(
        data
    )
    services, service, admin, source = a_world(table)
    package = service.export_package(admin, source).content
    target = services.organisations.create_org(admin, OrgIn(name="Maribor (new)", country="SI")).id
    service.import_package(admin, target, package)

    store = StatsStore(client, stats)
    aggregator = StreamAggregator(store)
    for event in real_stream_events(client, streams, data):
        assert aggregator.handle(event)["batchItemFailures"] == []

    aggregates = {stored.key: stored.figures for stored in store.scan_aggregates()}
    activity_figures = aggregates.get(StatsKey(f"org:{target}", "2026", "A"))
    assert activity_figures is not None and int(activity_figures["n"]) == 3
    assert stats_admin.verify(client, data, store, progress=False) == []
