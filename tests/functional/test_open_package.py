"""The open data package of public statistics (GET /public/datapackage.json)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.test import Client

from chalicelib.domain.publication import Thresholds
from chalicelib.events.aggregate import StreamAggregator
from chalicelib.events.publish import Publisher
from chalicelib.services import reset
from chalicelib.settings import get_settings
from chalicelib.store.publication import PublicationStore
from chalicelib.store.stats import StatsStore
from tests.packages import assert_valid_package
from tools.stream_events import activity_item, response_item, serialize, stream_event, stream_record


@pytest.fixture
def client(aws: None) -> Iterator[Client]:
    reset()
    settings = get_settings()
    tables = boto3.client("dynamodb", region_name=settings.region)
    for item in (
        {"PK": "ORG#o1", "SK": "ORG", "GSI1PK": "ORGS", "GSI1SK": "ORG#o1", "type": "org",
         "id": "o1", "name": "=Novo mesto", "country": "SI"},
        {"PK": "UNIT#u1", "SK": "UNIT", "GSI1PK": "ORG#o1", "GSI1SK": "UNIT#u1", "type": "unit",
         "id": "u1", "org_id": "o1", "name": "MC Novo mesto"},
    ):  # fmt: skip
        tables.put_item(TableName=settings.data_table, Item=serialize(item))
    items = [activity_item(f"a{i}", "u1", "o1", f"2026-03-0{i + 1}") for i in range(3)]
    items.append(activity_item("old", "u1", "o1", "2025-06-01"))
    # 14 answers: the indicator is suppressed, and must stay so in the package.
    items += [response_item(f"r{i}", "u1", "o1", "2026-03-05", {"safety": 5}) for i in range(14)]
    records = [stream_record(index + 1, None, item) for index, item in enumerate(items)]
    # Folded and published, as the stream's consumer does (docs/privacy.md).
    publisher = Publisher(
        PublicationStore(tables, settings.stats_table),
        Thresholds(settings.suppression_threshold, settings.participation_threshold),
    )
    StreamAggregator(StatsStore(tables, settings.stats_table), publisher=publisher).handle(
        stream_event(records, "shardId-1")
    )
    from app import app

    with Client(app, stage_name="local") as test_client:
        yield test_client
    reset()


def fetch_package(client: Client, directory: Path) -> dict[str, Any]:
    """The descriptor and every resource it names, saved as a portal would."""
    answer = client.http.get("/public/datapackage.json")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"].startswith("public")
    descriptor = json.loads(answer.body)
    for resource in descriptor["resources"]:
        got = client.http.get(f"/public/{resource['path']}")
        assert got.status_code == 200, resource["path"]
        target = directory / resource["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(got.body)
    (directory / "datapackage.json").write_bytes(answer.body)
    return descriptor


def rows_of(directory: Path, path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((directory / path).read_text())))


def test_the_open_package_is_valid_and_licensed(client: Client, tmp_path: Path) -> None:
    descriptor = fetch_package(client, tmp_path)
    assert_valid_package(tmp_path)
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert "2025" in descriptor["citation"] and "2026" in descriptor["citation"]
    names = [resource["name"] for resource in descriptor["resources"]]
    assert names == ["measures", "figures-2025", "figures-2026"]
    for resource in descriptor["resources"]:
        assert all(field["description"] for field in resource["schema"]["fields"])


def test_figures_equal_the_public_answers(client: Client, tmp_path: Path) -> None:
    fetch_package(client, tmp_path)
    rows = rows_of(tmp_path, "datapackage/figures-2026.csv")
    public = json.loads(client.http.get("/public/stats?scope=unit:u1&period=2026-03").body)

    def value(scope: str, period: str, measure: str) -> str:
        (found,) = [
            r for r in rows if (r["scope"], r["period"], r["measure"]) == (scope, period, measure)
        ]
        return found["value"]

    assert int(value("unit:u1", "2026-03", "activities")) == public["activities"]["count"] == 3
    assert int(value("org:o1", "2026", "activities")) == 3
    assert int(value("all", "2026-Q1", "visits")) == public["participation"]["visits"]
    # Nothing happened in 2026-04: no rows for it.
    assert not [r for r in rows if r["period"] == "2026-04"]
    # Formula-looking names are escaped for spreadsheets.
    assert {r["scope_name"] for r in rows if r["scope"] == "org:o1"} == {"'=Novo mesto"}


def test_suppressed_figures_stay_suppressed(client: Client, tmp_path: Path) -> None:
    fetch_package(client, tmp_path)
    safety = [
        r for r in rows_of(tmp_path, "datapackage/figures-2026.csv")
        if r["measure"] == "indicator:safety"
    ]  # fmt: skip
    assert safety and all(r["suppressed"] == "true" and r["value"] == "" for r in safety)
    assert all(r["ci95_low"] == "" and r["agree_share"] == "" for r in safety)


def test_dcat_catalog_lists_every_distribution(client: Client) -> None:
    answer = client.http.get("/public/catalog.jsonld")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/ld+json"
    catalog = json.loads(answer.body)
    assert catalog["@type"] == "dcat:Catalog"
    (dataset,) = catalog["dcat:dataset"]
    urls = [d["dcat:accessURL"]["@id"] for d in dataset["dcat:distribution"]]
    assert any(url.endswith("/public/datapackage.json") for url in urls)
    assert any(url.endswith("/public/datapackage/figures-2025.csv") for url in urls)
    assert dataset["dct:license"]["@id"].startswith("https://creativecommons.org/licenses/by/4.0")


@pytest.mark.parametrize("name", ["figures-1999.csv", "../x.csv", "figures-2026.json", "x"])
def test_unknown_resources_are_4xx(client: Client, name: str) -> None:
    assert 400 <= client.http.get(f"/public/datapackage/{name}").status_code < 500
