"""Network and country documents on DynamoDB Local: the same scenario as on moto
(tests/functional/test_network_publication.py), members joining and leaving."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.services import get_services
from tests.functional.conftest import reset_caches
from tests.functional.test_network_publication import (
    activities,
    assert_sum,
    fold,
    make_world,
    set_network,
)
from tests.integration.conftest import LocalTables


@pytest.fixture
def world(ddb_local_environment: LocalTables) -> Iterator[dict[str, Any]]:
    reset_caches()
    yield make_world()
    reset_caches()


def read(scope: str, period: str) -> dict[str, Any]:
    return get_services().statistics.statistics(scope, period)


def test_a_network_equals_its_members_as_they_join_and_leave(world: dict[str, Any]) -> None:
    fold(activities())
    network = set_network(world, ["lj"], None)
    assert_sum(read, "network:n1", ["lj"])
    network = set_network(world, ["lj", "tre"], network)
    assert_sum(read, "network:n1", ["lj", "tre"])
    assert_sum(read, "country:SI", ["lj", "mb"])
    network = set_network(world, ["mb"], network)
    assert_sum(read, "network:n1", ["mb"])
    assert read("network:n1", "2026")["activities"]["count"] == 1
