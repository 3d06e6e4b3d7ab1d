"""Property: whatever the delivery history, aggregates equal a recomputation (moto).

Random histories of inserts, edits and deletes of activities, survey responses and
check-ins across units, organisations and periods are written to a model data table
whose stream is spread over 1–3 shards (sequence numbers not comparable across
shards). Lambda's event source mapping is modelled with random batch sizes, shard
interleavings and faults: duplicate and stale deliveries, a crash before or after any
write, failing writes (partial batch responses, retry from the lowest failure) and a
concurrent duplicate racing a delivery. After draining, every stored aggregate must
equal ``fold_items`` over the final data table.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import boto3
import moto
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.stats import fold_items
from chalicelib.domain.vocabulary import CATEGORIES, KINDS
from chalicelib.store.schema import STATS_TABLE
from chalicelib.store.stats import StatsStore
from tools.stream_events import activity_item, checkin_item, response_item
from tools.stream_sim import (
    DataHistory,
    EventSourceMapping,
    Fault,
    InMemoryStatsStore,
    stored_figures,
)

# stats-ci: 200 histories on the in-memory store (seconds), a quarter of that on moto.
settings.register_profile(
    "stats-ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("stats-dev", parent=settings.get_profile("stats-ci"), max_examples=40)
PROFILE = settings.get_profile(os.environ.get("LOGBOOK_STATS_PROFILE", "stats-ci"))

UNITS = [("u1", "o1"), ("u2", "o1"), ("u3", "o2")]
DATES = ["2025-12-31", "2026-01-15", "2026-03-31", "2026-04-01"]
INDICATORS = ["safety", "fairness", "club_pride"]
SCORES = [1, 2, Decimal("2.5"), 3, Decimal("3.3333"), Decimal("3.5"), 4, Decimal("4.5"), 5]
FAULTS = ["none", "none", "duplicate", "stale", "crash_before", "crash_after", "fail", "race"]
# An organisation's own categories and the core category each counts under (issue #17).
OWN_CATEGORIES = {"youth_cafe": "socialising", "homework_club": "learning_support"}

activity_fields = st.fixed_dictionaries(
    {
        "duration_minutes": st.integers(0, 300),
        "kind": st.sampled_from(KINDS),
        "categories": st.lists(
            st.sampled_from([*CATEGORIES, *OWN_CATEGORIES]), max_size=3, unique=True
        ),
        # None: stored before statuses existed (done); planned ones count nowhere.
        "status": st.sampled_from([None, "done", "planned"]),
        "participants": st.fixed_dictionaries(
            {g: st.integers(0, 5) for g in ("girls", "boys", "nonbinary", "undisclosed")}
        ),
        "age_bands": st.one_of(
            st.none(),
            st.fixed_dictionaries({"13_15": st.integers(0, 4), "16_18": st.integers(0, 4)}),
        ),
        "new_participants": st.integers(0, 3),
        "youth_led": st.booleans(),
        "youth_leaders": st.integers(0, 2),
        "volunteers": st.integers(0, 2),
    }
)
unit_index = st.integers(0, len(UNITS) - 1)
date_index = st.integers(0, len(DATES) - 1)
write_step = st.one_of(
    st.tuples(st.just("activity"), unit_index, date_index, activity_fields),
    st.tuples(st.just("edit"), st.integers(0, 30), date_index, activity_fields),
    st.tuples(st.just("delete"), st.integers(0, 30)),
    st.tuples(
        st.just("response"),
        unit_index,
        date_index,
        st.dictionaries(st.sampled_from(INDICATORS), st.sampled_from(SCORES), max_size=3),
    ),
    st.tuples(st.just("checkin"), unit_index, date_index, st.booleans(), st.booleans()),
)
delivery_step = st.tuples(
    st.just("deliver"),
    st.integers(0, 2),
    st.integers(1, 6),
    st.sampled_from(FAULTS),
    st.integers(0, 8),
)
steps = st.lists(st.one_of(write_step, delivery_step), min_size=1, max_size=40)


def with_core_categories(fields: dict[str, Any]) -> dict[str, Any]:
    """The drawn fields with ``core_categories`` resolved as the API does when it stores."""
    core = {OWN_CATEGORIES.get(category, category) for category in fields["categories"]}
    return {**fields, "core_categories": [c for c in CATEGORIES if c in core]}


def expected_activity_counts(items: Any) -> dict[tuple[str, str], int]:
    """An independent oracle: done activities per (year, figure) of the ``all`` scope."""
    counts: dict[tuple[str, str], int] = {}
    for item in items:
        if item["type"] != "activity" or item.get("status", "done") != "done":
            continue
        year = item["date"][:4]
        names = ["n", *(f"c.{c}" for c in item["core_categories"]), f"k.{item['kind']}"]
        for name in names:
            counts[(year, name)] = counts.get((year, name), 0) + 1
    return counts


def apply_write(history: DataHistory, step: tuple[Any, ...], counter: list[int]) -> None:
    """Turn a drawn write step into a data-table write."""
    counter[0] += 1
    serial = f"i{counter[0]}"
    kind = step[0]
    keys = sorted(history.items)
    if kind == "activity":
        unit, org = UNITS[step[1]]
        history.write(
            activity_item(serial, unit, org, DATES[step[2]], **with_core_categories(step[3]))
        )
    elif kind in ("edit", "delete"):
        targets = [key for key in keys if history.items[key]["type"] == "activity"]
        if kind == "delete":
            targets = keys
        if not targets:
            return
        key = targets[step[1] % len(targets)]
        if kind == "delete":
            history.write(None, key)
            return
        old = history.items[key]
        history.write(
            activity_item(
                old["id"],
                old["unit_id"],
                old["org_id"],
                DATES[step[2]],
                version=int(old["version"]) + 1,
                **with_core_categories(step[3]),
            )
        )
    elif kind == "response":
        unit, org = UNITS[step[1]]
        history.write(response_item(serial, unit, org, DATES[step[2]], step[3]))
    else:
        unit, org = UNITS[step[1]]
        date = DATES[step[2]]
        periods = [date[:4], f"{date[:4]}-Q{(int(date[5:7]) - 1) // 3 + 1}", date[:7]]
        history.write(
            checkin_item(
                serial,
                unit,
                org,
                date,
                gender="girls",
                first_unit=periods if step[3] else periods[2:],
                first_org=periods if step[4] else [],
            )
        )


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[Any]:
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="eu-north-1",
        AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
    )
    with moto.mock_aws():
        yield boto3.client("dynamodb", region_name="eu-north-1")


def fresh_store(client: Any) -> StatsStore:
    name = f"stats-{uuid.uuid4().hex[:12]}"
    client.create_table(**STATS_TABLE.create_table_kwargs(name))
    return StatsStore(client, name)


def run_history(
    store: StatsStore,
    shard_count: int,
    offsets: list[int],
    drawn_steps: list[tuple[Any, ...]],
    with_shard_ids: bool = True,
) -> tuple[DataHistory, EventSourceMapping]:
    """Play the drawn writes and deliveries, then drain the stream."""
    history = DataHistory(shard_count, offsets, created=1_767_225_600)
    mapping = EventSourceMapping(history, store, with_shard_ids=with_shard_ids)
    counter = [0]
    for step in drawn_steps:
        if step[0] == "deliver":
            _, shard, batch_size, fault, at = step
            mapping.deliver(shard % shard_count, batch_size, Fault(fault, at))
        else:
            apply_write(history, step, counter)
    mapping.drain(batch_size=4)
    return history, mapping


histories = {
    "shard_count": st.integers(1, 3),
    "offsets": st.lists(st.integers(0, 10**25), min_size=3, max_size=3),
    "drawn_steps": steps,
}


@settings(PROFILE)
@given(**histories)
def test_aggregates_equal_recomputation_under_any_delivery_history(
    shard_count: int, offsets: list[int], drawn_steps: list[tuple[Any, ...]]
) -> None:
    # Given an empty stats store, when a random history is delivered with faults
    store = InMemoryStatsStore()
    history, _ = run_history(store, shard_count, offsets, drawn_steps)

    # Then every aggregate equals the recomputation from the final data table
    stored = stored_figures(store)
    assert stored == fold_items(history.items.values())
    # And counts exactly the done activities, own categories under their core ones
    counted = {
        (key.period, name): int(value)
        for key, figures in stored.items()
        if key.scope == "all" and key.part == "A" and len(key.period) == 4
        for name, value in figures.items()
        if name == "n" or name.startswith(("c.", "k."))
    }
    assert counted == expected_activity_counts(history.items.values())


@settings(PROFILE, max_examples=max(10, PROFILE.max_examples // 4))
@given(**histories)
def test_the_dynamodb_store_meets_the_same_property_on_moto(
    dynamodb: Any, shard_count: int, offsets: list[int], drawn_steps: list[tuple[Any, ...]]
) -> None:
    # Given a fresh stats table, when a random history is delivered with faults
    store = fresh_store(dynamodb)
    history, _ = run_history(store, shard_count, offsets, drawn_steps)

    # Then every aggregate equals the recomputation from the final data table
    assert stored_figures(store) == fold_items(history.items.values())


@settings(PROFILE)
@given(
    offsets=st.lists(st.integers(0, 10**6), min_size=3, max_size=3),
    drawn_steps=steps,
)
def test_a_single_shard_stream_without_shard_ids_is_exact_too(
    offsets: list[int], drawn_steps: list[tuple[Any, ...]]
) -> None:
    # Given events without shardId (no tumbling window; DynamoDB Local's one shard)
    store = InMemoryStatsStore()
    history, _ = run_history(store, 1, offsets, drawn_steps, with_shard_ids=False)

    # Then the stream ARN stands for the shard and the result is still exact
    assert stored_figures(store) == fold_items(history.items.values())
