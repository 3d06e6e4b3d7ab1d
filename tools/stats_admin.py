"""Admin commands for the statistics: ``rebuild`` and ``verify`` (``make rebuild|verify``).

* ``rebuild`` recomputes every aggregate from the data table (a Scan — an admin
  command, never a request path) and replaces the stats table's items. Each rebuilt
  item gets, for every shard of the data table's stream, a watermark at the shard's
  latest record, so records already reflected in the scan are not folded again when
  the consumer resumes, and later records fold exactly once. Run it while nothing
  writes to the data table and the consumer is paused (stop ``make dev``'s pump or
  disable the event source mapping): a write between the scan and the watermark read
  would be counted twice or not at all.
* ``verify`` recomputes the same way and lists every aggregate whose stored figures
  differ (exit status 1 when any does).

Both talk to DynamoDB Local by default (``LOGBOOK_DYNAMODB_ENDPOINT``, else
``http://127.0.0.1:8001``); tables come from the settings (``LOGBOOK_DATA_TABLE``,
``LOGBOOK_STATS_TABLE``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from tqdm import tqdm

from chalicelib.domain.publication import Thresholds, family_member
from chalicelib.domain.stats import Figures, StatsKey, fold_items, without_zeros
from chalicelib.events.aggregate import format_watermark, shard_token
from chalicelib.events.publish import Publisher
from chalicelib.settings import get_settings
from chalicelib.store.directory import listing_entry
from chalicelib.store.networks import NetworkRepository, network_listing_entry
from chalicelib.store.publication import PublicationStore
from chalicelib.store.stats import StatsStore

_deserializer = TypeDeserializer()
_serializer = TypeSerializer()
DEFAULT_ENDPOINT = "http://127.0.0.1:8001"


@dataclass(frozen=True)
class Difference:
    """One figure of one aggregate that differs from the recomputation."""

    key: StatsKey
    figure: str
    stored: Any
    recomputed: Any


def scan_items(client: Any, table: str, progress: bool = True) -> Iterator[dict[str, Any]]:
    """Every item of the data table as plain Python, with a progress bar."""
    total = client.describe_table(TableName=table)["Table"].get("ItemCount")
    bar = tqdm(total=total or None, unit="item", desc=f"scan {table}", disable=not progress)
    try:
        for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
            for raw in page.get("Items", []):
                bar.update()
                yield {name: _deserializer.deserialize(value) for name, value in raw.items()}
    finally:
        bar.close()


def recompute(client: Any, data_table: str, progress: bool = True) -> dict[StatsKey, Figures]:
    """Every aggregate, folded from the data table."""
    return fold_items(scan_items(client, data_table, progress))


def stream_positions(client: Any, streams: Any, data_table: str) -> dict[str, str]:
    """A watermark per shard of the data table's stream: its latest record.

    Keyed like the consumer keys them: the shard id's token, and the stream ARN's
    token for events without ``shardId`` (a pump that does not name shards), set to the
    highest sequence number of the stream — right for DynamoDB Local, whose sequence
    numbers count across the whole stream.
    """
    arn = client.describe_table(TableName=data_table)["Table"].get("LatestStreamArn")
    if not arn:
        return {}
    shards: list[dict[str, Any]] = []
    start: str | None = None
    while True:
        kwargs: dict[str, Any] = {"StreamArn": arn}
        if start:
            kwargs["ExclusiveStartShardId"] = start
        description = streams.describe_stream(**kwargs)["StreamDescription"]
        shards.extend(description.get("Shards", []))
        start = description.get("LastEvaluatedShardId")
        if not start:
            break
    marks: dict[str, str] = {}
    for shard in shards:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        ).get("ShardIterator")
        last: dict[str, Any] | None = None
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            records = page.get("Records", [])
            if not records:
                break
            last = records[-1]["dynamodb"]
            iterator = page.get("NextShardIterator")
        if last is not None:
            created = last.get("ApproximateCreationDateTime", time.time())
            created = int(created.timestamp() if hasattr(created, "timestamp") else created)
            marks[shard_token(shard["ShardId"])] = format_watermark(
                int(last["SequenceNumber"]), created
            )
    if marks:
        marks[shard_token(arn)] = max(marks.values(), key=lambda mark: int(mark.split("@")[0]))
    return marks


def _table_of(client: Any, name: str) -> Any:
    """A Table resource on the same endpoint and region as ``client``."""
    resource = boto3.resource(
        "dynamodb", region_name=client.meta.region_name, endpoint_url=client.meta.endpoint_url
    )
    return resource.Table(name)


def rebuild(
    client: Any, streams: Any, data_table: str, store: StatsStore, progress: bool = True
) -> tuple[int, int]:
    """Replace every aggregate by its recomputation, then publish every family afresh
    and restore the public listing of organisations and units; returns
    (written, deleted)."""
    members: set[tuple[str, str, str]] = set()
    listing: list[dict[str, Any]] = []

    def noting(items: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for item in items:
            member = family_member(item)
            if member is not None:
                members.add(member)
            if item.get("type") in ("org", "unit") and item.get("SK") in ("ORG", "UNIT"):
                listing.append(listing_entry(str(item["type"]), item))
            elif item.get("type") == "network" and item.get("SK") == "NETWORK":
                listing.append(network_listing_entry(item))
            yield item

    totals = fold_items(noting(scan_items(client, data_table, progress)))
    marks = stream_positions(client, streams, data_table)
    now = int(time.time())
    stale = [stored.key for stored in store.scan_aggregates() if stored.key not in totals]
    for key in tqdm(sorted(totals), unit="item", desc="write stats", disable=not progress):
        store.put_aggregate(key, totals[key], marks, now)
    for key in stale:
        store.delete_aggregate(key)
    settings = get_settings()
    for entry in listing:
        client.put_item(
            TableName=data_table, Item={k: _serializer.serialize(v) for k, v in entry.items()}
        )
    Publisher(
        PublicationStore(store.client, store.table_name),
        Thresholds(settings.suppression_threshold, settings.participation_threshold),
        groups=NetworkRepository(_table_of(client, data_table)).memberships,
    ).publish(members)
    return len(totals), len(stale)


def compare(
    stored: Mapping[StatsKey, Mapping[str, Any]], recomputed: Mapping[StatsKey, Mapping[str, Any]]
) -> list[Difference]:
    """Every figure that differs between stored and recomputed aggregates."""
    differences = []
    for key in sorted(set(stored) | set(recomputed)):
        mine = without_zeros(stored.get(key, {}))
        truth = without_zeros(recomputed.get(key, {}))
        for figure in sorted(set(mine) | set(truth)):
            if mine.get(figure, 0) != truth.get(figure, 0):
                differences.append(Difference(key, figure, mine.get(figure), truth.get(figure)))
    return differences


def verify(
    client: Any, data_table: str, store: StatsStore, progress: bool = True
) -> list[Difference]:
    """Differences between the stats table and a recomputation from the data table."""
    recomputed = recompute(client, data_table, progress)
    stored = {aggregate.key: aggregate.figures for aggregate in store.scan_aggregates()}
    return compare(stored, recomputed)


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["rebuild", "verify"])
    parser.add_argument("--endpoint", default=settings.dynamodb_endpoint or DEFAULT_ENDPOINT)
    parser.add_argument("--data-table", default=settings.data_table)
    parser.add_argument("--stats-table", default=settings.stats_table)
    args = parser.parse_args(argv)
    endpoint = args.endpoint or None  # "" means AWS's own endpoint (and moto in tests)
    client = boto3.client("dynamodb", region_name=settings.region, endpoint_url=endpoint)
    streams = boto3.client("dynamodbstreams", region_name=settings.region, endpoint_url=endpoint)
    store = StatsStore(client, args.stats_table)
    if args.command == "rebuild":
        written, deleted = rebuild(client, streams, args.data_table, store)
        print(f"rebuilt {written} aggregates, removed {deleted} empty ones")
        return 0
    differences = verify(client, args.data_table, store)
    for difference in differences:
        key = difference.key
        print(
            f"{key.scope} {key.period} {key.part} {difference.figure}: "
            f"stored {difference.stored}, recomputed {difference.recomputed}"
        )
    print(f"{len(differences)} difference(s)")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
