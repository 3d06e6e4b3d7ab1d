"""The open data package of public statistics (docs/data.md).

``GET /public/datapackage.json`` describes the package: a data dictionary and one
resource of tidy figures per year (``GET /public/datapackage/figures-YYYY.csv``: every
scope — all, each organisation, each unit — for the year, its quarters and its months).
``GET /public/catalog.jsonld`` says the same in DCAT-AP for data portals.

Every figure is read through ``public_statistics``: the very reader ``/public/stats``
answers with, so the package inherits its disclosure control. Cells where nothing
happened are left out. Answers are cacheable for an hour (CloudFront keeps them).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalice import Blueprint, Response

from chalicelib.api.routing import endpoint
from chalicelib.domain import open_package
from chalicelib.domain.datapackage import write_csv
from chalicelib.domain.errors import InvalidInput, NotFound
from chalicelib.services import get_services
from chalicelib.settings import get_settings
from chalicelib.store.clients import data_table
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.networks import NetworkRepository

bp = Blueprint(__name__)

CACHE_CONTROL = "public, max-age=3600"
YEARS_BACK = 10
# A year's figures cost one read per scope and period: a warm instance keeps what it
# built for a while, so requests that bust the CDN's cache (a query string) cannot
# multiply those reads (the reserved concurrency bounds the instances).
KEPT_SECONDS = 300
_kept: dict[str, tuple[float, Any]] = {}


def _kept_or_built(key: str, build: Callable[[], Any]) -> Any:
    now = get_services().clock.monotonic()
    found = _kept.get(key)
    if found is not None and now - found[0] < KEPT_SECONDS:
        return found[1]
    value = build()
    _kept[key] = (now, value)
    return value


def forget_kept() -> None:
    """Drop what this process keeps (tests change the data under the same names)."""
    _kept.clear()


_FIGURES = re.compile(r"^figures-(\d{4})\.csv$")


def public_statistics() -> Callable[[str, str], dict[str, Any]]:
    """What ``GET /public/stats`` answers for (scope, period): the one public read
    (the publication layer's document, docs/privacy.md)."""
    return get_services().statistics.statistics


def _today() -> dt.date:
    return get_services().clock.today()


def _years(read: Callable[[str, str], dict[str, Any]]) -> list[int]:
    """Years with any figure (read on scope ``all``), at most ``YEARS_BACK`` back."""
    this_year = _today().year

    def build() -> list[int]:
        return [
            year
            for year in range(this_year - YEARS_BACK + 1, this_year + 1)
            if open_package.has_figures(read("all", str(year)))
        ]

    return list(_kept_or_built("years", build))


def _periods(year: int) -> list[str]:
    today = _today()
    periods = [str(year)]
    periods += [f"{year}-Q{q}" for q in range(1, 5) if dt.date(year, 3 * q - 2, 1) <= today]
    periods += [f"{year}-{m:02d}" for m in range(1, 13) if dt.date(year, m, 1) <= today]
    return periods


def _scopes() -> list[tuple[str, str]]:
    """Every public scope with its name: all, each country and network (docs/networks.md),
    each organisation, each unit."""
    table = data_table(get_settings())
    directory = DirectoryRepository(table)
    orgs = sorted(directory.list_orgs(), key=lambda o: (o["country"], o["name"]))
    scopes = [("all", "All")]
    # Networks and countries as the publish step knows them: the public listing.
    networks, countries = NetworkRepository(table).groups()
    scopes += [(f"country:{c}", c) for c in sorted(set(countries.values()))]
    scopes += [
        (f"network:{n['id']}", str(n["name"]))
        for n in sorted(networks.values(), key=lambda n: str(n["name"]))
    ]
    for org in orgs:
        scopes.append((f"org:{org['id']}", org["name"]))
        units = sorted(directory.list_units(org["id"]), key=lambda u: u["name"])
        scopes += [(f"unit:{unit['id']}", unit["name"]) for unit in units]
    return scopes


def _api_base(request: Any) -> str:
    """The API's own address as the caller reached it (stage prefix included)."""
    headers = request.headers or {}
    scheme = headers.get("x-forwarded-proto", "http").split(",")[0].strip()
    host = headers.get("host", "127.0.0.1")
    full = (request.context or {}).get("path") or request.path
    prefix = full[: -len(request.path)] if full.endswith(request.path) else ""
    return f"{scheme}://{host}{prefix}"


def _json(document: Any, media_type: str = "application/json") -> Response:
    return Response(
        body=json.dumps(document, ensure_ascii=False, indent=1),
        status_code=200,
        headers={"Content-Type": media_type, "Cache-Control": CACHE_CONTROL},
    )


@endpoint(
    bp,
    "GET",
    "/public/datapackage.json",
    summary="Every public figure as a Frictionless data package (CC BY 4.0)",
    tag="statistics",
    public=True,
)
def open_datapackage() -> Response:
    years = _years(public_statistics())
    now = get_services().clock.iso()
    return _json(open_package.descriptor(years, get_settings().site_url, now))


@endpoint(
    bp,
    "GET",
    "/public/datapackage/{name}",
    summary="A CSV resource of the open data package: measures.csv or figures-YYYY.csv",
    tag="statistics",
    public=True,
    content_type="text/csv",
    errors=(404,),
)
def open_datapackage_resource(name: str) -> Response:
    if name == "measures.csv":
        content = write_csv(open_package.DICTIONARY, open_package.dictionary_rows())
        return _csv(content, name)
    match = _FIGURES.match(name)
    if not match:
        raise NotFound("no such resource", errors=[])
    year = int(match.group(1))
    if not _today().year - YEARS_BACK < year <= _today().year:
        raise InvalidInput.field("name", f"the package covers the last {YEARS_BACK} years")
    return _csv(_kept_or_built(name, lambda: _figures_of_year(year)), name)


def _figures_of_year(year: int) -> bytes:
    """The CSV of every scope's figures for the year, its quarters and months."""
    read = public_statistics()
    cells = [(scope, label, period) for scope, label in _scopes() for period in _periods(year)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        documents = list(pool.map(lambda cell: read(cell[0], cell[2]), cells))
    rows: list[dict[str, Any]] = []
    for (_, label, _), statistics in zip(cells, documents, strict=True):
        if open_package.has_figures(statistics):
            rows += open_package.figure_rows(statistics, label)
    return write_csv(open_package.FIGURES, rows)


def _csv(content: bytes, name: str) -> Response:
    return Response(
        body=content.decode("utf-8"),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="logbook-{name}"',
            "Cache-Control": CACHE_CONTROL,
        },
    )


@endpoint(
    bp,
    "GET",
    "/public/catalog.jsonld",
    summary="DCAT-AP metadata (JSON-LD) of the open data, for data portals to harvest",
    tag="statistics",
    public=True,
    content_type="application/ld+json",
)
def open_data_catalog() -> Response:
    years = _years(public_statistics())
    now = get_services().clock.iso()
    catalog = open_package.dcat_catalog(
        _api_base(bp.current_request), get_settings().site_url, years, now
    )
    return _json(catalog, "application/ld+json")
