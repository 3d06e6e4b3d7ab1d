"""``make bench-publish``: what publishing costs with the full demo data.

Starts its own DynamoDB Local (in memory, free port), writes the exact aggregates of
the full demo (every organisation and centre of ``devstack/seed``, 13 months of
activities, generated exactly as ``make dev`` seeds them), and measures:

1. the whole-demo publication (every organisation of every year afresh, as
   ``make rebuild`` does), with the suppression it makes and the audit's verdict;
2. one organisation's change: a stream batch of one new activity, folded and
   published by the very aggregator the Lambda runs, for a centre of each of several
   organisations — the time a write waits before its figures are public.

Prints figures; it is not a timed test. Dev-only: not part of the Lambda package.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from typing import Any

import boto3

from chalicelib.domain.publication import Thresholds, participation_problem
from chalicelib.domain.stats import StatsKey, fold_items
from chalicelib.events.aggregate import StreamAggregator
from chalicelib.events.publish import Publisher
from chalicelib.store.publication import PublicationStore
from chalicelib.store.schema import create_tables
from chalicelib.store.stats import CapacityMeter, StatsStore
from devstack.seed.catalogue import organisations_for
from devstack.seed.generate import centre_activities, seed_window
from tools.bench_aggregate import dynamodb_local
from tools.privacy_audit import audit_family
from tools.stream_events import activity_item, stream_event, stream_record

STATS = "bench-stats"
THRESHOLDS = Thresholds()


def demo_items(today: dt.date) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The full demo's activities as stored items, and each centre's organisation."""
    start, end = seed_window(today, "full")
    items: list[dict[str, Any]] = []
    units: dict[str, str] = {}
    for spec in organisations_for("full"):
        org = "org-" + spec.slug
        for index in range(len(spec.centres)):
            unit = f"unit-{spec.slug}-{index}"
            units[unit] = org
            for payload in centre_activities(2026, spec, index, start, end, [], []):
                payload.update(type="activity", unit_id=unit, org_id=org)
                items.append(payload)
    return items, units


def suppression_counts(
    store: PublicationStore, activity: dict[StatsKey, Any], year: str
) -> tuple[int, int, int]:
    """(cells, primary, complementary) participation counts of a year as published."""
    family = store.read_family(year)
    figures = {(k.scope, k.period): f for k, f in activity.items() if k.period[:4] == year}
    problem = participation_problem(family, figures, THRESHOLDS.participation)
    documents = store.read_documents(family)
    primary = complementary = 0
    for (scope, period), document in documents.items():
        for name in document["participation"]["suppressed"]:
            if name == "unique_visitors":
                continue
            if (scope, period, name) in problem.primary:
                primary += 1
            else:
                complementary += 1
    return len(problem.values), primary, complementary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--today", default="2026-11-26", help="the seed's 'today' (13 months up to it)"
    )
    parser.add_argument("--changes", type=int, default=6, help="single-activity batches to time")
    arguments = parser.parse_args(argv)
    items, units = demo_items(dt.date.fromisoformat(arguments.today))
    totals = fold_items(items)
    print(
        f"full demo: {len(items)} activities, {len(units)} centres, "
        f"{len(set(units.values()))} organisations, {len(totals)} aggregates"
    )
    with dynamodb_local() as endpoint:
        client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-north-1")
        create_tables(client, "bench-data", STATS)
        stats = StatsStore(client, STATS)
        now = int(time.time())
        for key, figures in totals.items():
            stats.put_aggregate(key, figures, {}, now)
        meter = CapacityMeter()
        store = PublicationStore(client, STATS, meter=meter)
        publisher = Publisher(store, THRESHOLDS)
        members = {(str(i["date"])[:4], str(i["unit_id"]), str(i["org_id"])) for i in items}

        started = time.perf_counter()
        outcome = publisher.publish(members)
        whole = time.perf_counter() - started
        print(
            f"whole-demo publish: {whole:.2f} s for {outcome.families} year(s), "
            f"{outcome.organisations} organisation solutions, {outcome.documents_written} "
            f"documents written; {meter.read_requests} read and {meter.write_requests} "
            "write requests"
        )
        for year in store.years():
            cells, primary, complementary = suppression_counts(store, totals, year)
            family = store.read_family(year)
            started = time.perf_counter()
            result = audit_family(family, store.read_documents(family), THRESHOLDS)
            print(
                f"  {year}: participation cells {cells}, primary {primary}, complementary "
                f"{complementary}; audit {len(result.findings)} derivable "
                f"({result.cells_checked} cells, {result.programs_solved} linear programs, "
                f"{time.perf_counter() - started:.1f} s)"
            )

        aggregator = StreamAggregator(StatsStore(client, STATS), publisher=publisher)
        orgs = sorted(set(units.values()))
        timings: list[float] = []
        year = max(store.years())
        for number in range(arguments.changes):
            org = orgs[number * len(orgs) // arguments.changes]
            unit = sorted(u for u, o in units.items() if o == org)[0]
            item = activity_item(
                f"bench-{number}",
                unit,
                org,
                f"{year}-{(number % 12) + 1:02d}-10",
                participants={"girls": 4, "boys": 5, "nonbinary": 1, "undisclosed": 0},
            )
            event = stream_event([stream_record(10_000 + number, None, item)], "bench")
            reads, writes = meter.read_requests, meter.write_requests
            started = time.perf_counter()
            aggregator.process(event)
            timings.append(time.perf_counter() - started)
            print(
                f"  change in {org}: {timings[-1]:.2f} s "
                f"(publish reads {meter.read_requests - reads}, "
                f"writes {meter.write_requests - writes})"
            )
        print(
            f"one organisation's change (fold + publish of one activity): median "
            f"{statistics.median(timings):.2f} s, max {max(timings):.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
