"""Exports of activities for a unit or an organisation, as CSV or XLSX.

The paths are ``/units/{unit_id}/activity-export`` and ``/orgs/{org_id}/activity-export``:
under ``/units/{unit_id}/activities/`` a literal ``export`` would compete with the
``{activity_id}`` parameter, so the export lives beside the collection, not in it.

Every read goes through the same use cases as the list routes, so the same access
checks apply (partners export only their own activities). Who sees the diary is
decided in ``chalicelib.domain.exports``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Literal
from urllib.parse import quote

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.api.routing import endpoint
from chalicelib.domain.access import Principal
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.exports import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    ExportFormat,
    UnitExport,
    activity_table,
    may_see_notes,
    render,
)
from chalicelib.domain.models import Unit
from chalicelib.services import MAX_PAGE, Services, get_services

bp = Blueprint(__name__)

# A Lambda answer is at most 6 MB (base64 for XLSX): refuse rather than fail midway.
MAX_EXPORT_ROWS = 20_000
MAX_EXPORT_BYTES = 4_500_000
COUNTRY_LANGUAGE = {"SI": "sl", "FI": "fi", "SE": "sv"}
_PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")


class ExportQuery(BaseModel):
    """Which activities, in which format: a ``period`` or a ``from``/``to`` range."""

    model_config = ConfigDict(extra="forbid", defer_build=True, populate_by_name=True)

    format: Literal["csv", "xlsx"] = Field(default="csv", description="csv or xlsx")
    lang: Literal["en", "sl", "fi", "sv"] | None = Field(
        default=None,
        description="Language of category names; default: the organisation's country's",
    )
    period: str | None = Field(
        default=None, description="YYYY, YYYY-Qn or YYYY-MM; instead of from/to"
    )
    date_from: dt.date | None = Field(
        default=None, alias="from", description="First day, YYYY-MM-DD"
    )
    date_to: dt.date | None = Field(default=None, alias="to", description="Last day, YYYY-MM-DD")

    @model_validator(mode="after")
    def _one_range(self) -> ExportQuery:
        if self.period is not None:
            if self.date_from or self.date_to:
                raise ValueError("give either period or from/to, not both")
            self.date_from, self.date_to = period_bounds(self.period)
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("'from' is after 'to'")
        return self


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``."""
    match = _PERIOD.match(period)
    if not match:
        raise ValueError("period must be YYYY, YYYY-Qn or YYYY-MM")
    year = int(match.group(1))
    if match.group(2):
        first_month = (int(match.group(2)) - 1) * 3 + 1
        last_month = first_month + 2
    elif match.group(3):
        first_month = last_month = int(match.group(3))
    else:
        first_month, last_month = 1, 12
    start = dt.date(year, first_month, 1)
    following = dt.date(year + last_month // 12, last_month % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def _all_activities(
    services: Services, principal: Principal, unit_id: str, query: ExportQuery, budget: int
) -> list[dict]:
    """Every activity of the unit in the range the caller may see (all pages)."""
    found: list[dict] = []
    cursor: str | None = None
    while True:
        page = services.activities.list_activities(
            principal,
            unit_id,
            date_from=query.date_from.isoformat() if query.date_from else None,
            date_to=query.date_to.isoformat() if query.date_to else None,
            cursor=cursor,
            limit=MAX_PAGE,
        )
        # An export is what happened: plans are not activities yet.
        found += [activity.model_dump() for activity in page.items if activity.status == "done"]
        if len(found) > budget:
            raise InvalidInput.field(
                "period",
                f"holds more than {MAX_EXPORT_ROWS} activities; choose a shorter period",
            )
        if page.next is None:
            return found
        cursor = page.next


def _unit_export(
    services: Services,
    principal: Principal,
    org_name: str,
    unit: Unit,
    query: ExportQuery,
    budget: int,
) -> UnitExport:
    role = principal.unit_role(unit.org_id, unit.id)
    return UnitExport(
        org_name=org_name,
        unit_name=unit.name,
        activities=_all_activities(services, principal, unit.id, query, budget),
        include_notes=may_see_notes(role),
    )


def _answer(
    services: Services,
    principal: Principal,
    org_id: str,
    units: list[UnitExport],
    name: str,
    query: ExportQuery,
) -> Response:
    goals = {goal.id: goal.title for goal in services.people.list_goals(principal, org_id)}
    questions = [(q.id, q.text) for q in services.people.list_questions(principal, org_id)]
    # The organisation's own words for its categories, in the reader's language.
    org = services.organisations.get_org(principal, org_id)
    language = query.lang or COUNTRY_LANGUAGE.get(org.country, "en")
    vocabulary = services.vocabulary.get_vocabulary(principal, org_id)
    category_names = {
        entry.id: entry.labels.get(language) or entry.labels.get("en") or entry.id
        for entry in vocabulary.categories
    }
    table = activity_table(units, goals, questions, category_names)
    export_format: ExportFormat = query.format
    body = render(table, export_format, name)
    if len(body) > MAX_EXPORT_BYTES:
        raise InvalidInput.field("period", "makes a file too large; choose a shorter period")
    filename = _filename(name, query, export_format)
    return Response(
        # Text types must be str for Chalice; only XLSX goes out as (base64) bytes.
        body=body if export_format == "xlsx" else body.decode("utf-8"),
        status_code=200,
        headers={
            "Content-Type": XLSX_MEDIA_TYPE if export_format == "xlsx" else CSV_MEDIA_TYPE,
            "Content-Disposition": (
                f'attachment; filename="{filename}"; '
                f"filename*=UTF-8''{quote(_filename(name, query, export_format, ascii_only=False))}"
            ),
            # The diary may be inside: never keep a copy in a shared cache.
            "Cache-Control": "private, no-store",
        },
    )


def _filename(name: str, query: ExportQuery, ext: str, *, ascii_only: bool = True) -> str:
    text = unicodedata.normalize("NFKD", name) if ascii_only else name
    if ascii_only:
        text = text.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^\w-]+", "-", text, flags=re.UNICODE).strip("-").lower() or "logbook"
    span = "-".join(
        part
        for part in (
            query.date_from.isoformat() if query.date_from else "",
            query.date_to.isoformat() if query.date_to else "",
        )
        if part
    )
    return f"activities-{slug}{'-' + span if span else ''}.{ext}"


@endpoint(
    bp,
    "GET",
    "/units/{unit_id}/activity-export",
    summary="The unit's activities for a period, as CSV or XLSX (notes for its team only)",
    tag="exports",
    query=ExportQuery,
    content_type="text/csv",
    errors=(400, 401, 403, 404),
)
def export_unit_activities(unit_id: str, query: ExportQuery, principal: Principal) -> Response:
    services = get_services()
    unit = services.organisations.get_unit(principal, unit_id)
    org = services.organisations.get_org(principal, unit.org_id)
    exported = _unit_export(services, principal, org.name, unit, query, MAX_EXPORT_ROWS)
    return _answer(services, principal, unit.org_id, [exported], unit.name, query)


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}/activity-export",
    summary="Every unit's activities for a period, as CSV or XLSX (organisation admins)",
    tag="exports",
    query=ExportQuery,
    content_type="text/csv",
    errors=(400, 401, 403, 404),
)
def export_org_activities(org_id: str, query: ExportQuery, principal: Principal) -> Response:
    services = get_services()
    org = services.organisations.get_org(principal, org_id)
    principal.require_org_admin(org_id)
    exported: list[UnitExport] = []
    budget = MAX_EXPORT_ROWS
    for unit in services.organisations.list_units(principal, org_id):
        part = _unit_export(services, principal, org.name, unit, query, budget)
        budget -= len(part.activities)
        exported.append(part)
    return _answer(services, principal, org_id, exported, org.name, query)
