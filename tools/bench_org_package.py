"""Export and import times of the largest demo organisation, on DynamoDB Local.

Starts its own DynamoDB Local (a free port, a temporary directory, stopped by PID at
the end), seeds the demo (``full`` unless told otherwise), takes the organisation with
the most activities, and times: the export (``GET /orgs/{id}/export.zip``'s work), a
dry run of its import into a new organisation, the import itself, and a repeat of the
import (which stores nothing). Run with ``make bench-data`` (``MODE=small`` for less).
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
import time
from pathlib import Path

import boto3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _timed(label: str, action):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    print(f"{label:<40} {seconds:8.2f} s")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default=os.environ.get("MODE", "full"))
    args = parser.parse_args()

    from devstack import ddb_local
    from devstack.processes import PidRegistry

    base = Path(tempfile.mkdtemp(prefix="logbook-bench-data-"))
    registry = PidRegistry(base / "pids")
    port = _free_port()
    with open(base / "dynamodb.log", "wb") as log:
        child = ddb_local.start(base / "db", port, registry, log=log, name="bench-ddb")
    endpoint = f"http://127.0.0.1:{port}"
    try:
        ddb_local.wait_until_ready(endpoint, child, timeout=90)
        os.environ.update(
            {
                "LOGBOOK_STAGE": "local",
                "LOGBOOK_DYNAMODB_ENDPOINT": endpoint,
                "LOGBOOK_DATA_TABLE": "bench-data",
                "LOGBOOK_STATS_TABLE": "bench-stats",
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
            }
        )
        _bench(endpoint, args.mode, base)
    finally:
        child.stop()
        registry.forget(child.name)


def _bench(endpoint: str, mode: str, base: Path) -> None:
    from chalicelib.domain.models import OrgIn
    from chalicelib.services import get_services
    from chalicelib.settings import get_settings
    from chalicelib.store.clients import data_table
    from chalicelib.store.org_package import OrgPackageStore
    from chalicelib.store.schema import create_tables
    from devstack.seed.catalogue import PLATFORM_ADMIN
    from devstack.seed.load import seed_demo_data

    settings = get_settings()
    create_tables(
        boto3.client("dynamodb", region_name=settings.region, endpoint_url=endpoint),
        settings.data_table,
        settings.stats_table,
    )
    counts, _ = _timed(
        f"seed demo ({mode})", lambda: seed_demo_data(mode, base / "plan.json", progress=False)
    )
    print(f"  {counts['organisations']} organisations, {counts['activities']} activities")
    table = data_table(settings)
    services = get_services(settings)
    admin = services.identity.principal(PLATFORM_ADMIN)
    store = OrgPackageStore(table)

    def size(org_id: str) -> int:
        return sum(
            sum(1 for _ in store.activities_of_unit(unit["id"]))
            for unit in services.directory.list_units(org_id)
        )

    largest = max(services.organisations.list_orgs(admin), key=lambda org: size(org.id))
    print(f"largest organisation: {largest.name} ({size(largest.id)} activities)")
    service = services.org_packages
    package, _ = _timed("export", lambda: service.export_package(admin, largest.id))
    print(f"  package: {len(package.content) / 1e6:.2f} MB zipped")
    target = services.organisations.create_org(
        admin, OrgIn(name=f"{largest.name} (import)", country=largest.country)
    )
    dry, _ = _timed(
        "import, dry run",
        lambda: service.import_package(admin, target.id, package.content, dry_run=True),
    )
    done, _ = _timed("import", lambda: service.import_package(admin, target.id, package.content))
    print(f"  created: {done.created}")
    again, _ = _timed(
        "import again (stores nothing)",
        lambda: service.import_package(admin, target.id, package.content),
    )
    assert sum(again.created.values()) == 0, again
    assert dry.created == done.created


if __name__ == "__main__":
    main()
