"""Data in and out of an organisation: the whole-organisation package (docs/data.md).

``export_package`` reads everything of one organisation and writes the zip;
``import_package`` checks an uploaded zip completely (every problem named, nothing
stored when there is any) and then writes only what is missing, so a retried or
repeated import stores nothing twice. Activities are written to the data table like
any other, so the stream folds them into the statistics.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from chalicelib.domain import org_package
from chalicelib.domain.access import Principal
from chalicelib.domain.activity import Activity
from chalicelib.domain.activity_import import check_rows, csv_records, xlsx_records
from chalicelib.domain.datapackage import read_csv, write_csv
from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.domain.models import Output
from chalicelib.domain.package_zip import ZipLimits, check_inflation, read_flat_zip
from chalicelib.domain.vocabulary import core_categories, own_categories
from chalicelib.services.clock import Clock
from chalicelib.store import keys
from chalicelib.store import org_package as items
from chalicelib.store.accounts import SignInAccounts
from chalicelib.store.campaigns import CampaignRepository
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.org_package import OrgPackageStore
from chalicelib.store.surveys import SurveyRepository

DESCRIPTOR = "datapackage.json"
# Items per batch of writes between two looks at the clock.
WRITE_CHUNK = 500
MAX_DESCRIPTOR_BYTES = 256 * 1024


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ActivityImportResult(Output):
    """New activities stored (or, in a dry run, that would be) and rows already stored."""

    dry_run: bool
    created: int
    unchanged: int
    rows: int


class ImportResult(Output):
    """What an import stored (``created``) and found already there (``unchanged``), by table.

    ``complete`` is false when the request's time ran out first: ``remaining`` items are
    still to be written, and sending the same package again writes them (only them).
    """

    dry_run: bool
    complete: bool = True
    created: dict[str, int]
    unchanged: dict[str, int]
    remaining: int = 0


@dataclass(frozen=True)
class ExportedPackage:
    filename: str
    content: bytes


def _raise(problems: list[FieldProblem]) -> None:
    if problems:
        shown = problems[:200]
        message = "; ".join(f"{p.field}: {p.problem}" for p in shown[:5])
        if len(problems) > 5:
            message += f"; and {len(problems) - 5} more"
        raise InvalidInput(message, errors=shown)


class DataService:
    """Whole-organisation export and import over one data table."""

    def __init__(
        self,
        table: Any,
        accounts: SignInAccounts,
        clock: Clock,
        limits: ZipLimits | None = None,
    ) -> None:
        self.directory = DirectoryRepository(table)
        self.surveys = SurveyRepository(table)
        self.store = OrgPackageStore(table)
        self.accounts = accounts
        self.clock = clock
        self.limits = limits or ZipLimits()

    def require_admin(self, principal: Principal, org_id: str) -> None:
        """NotFound or Forbidden unless the caller administers this organisation."""
        self._org(principal, org_id)

    def _org(self, principal: Principal, org_id: str) -> dict[str, Any]:
        org = self.directory.get_org(org_id)
        if org is None:
            raise NotFound(f"organisation {org_id} not found")
        principal.require_org_admin(org_id)
        return org

    # ------------------------------------------------------------ export
    def snapshot(self, org_id: str, org: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        """Every record of the organisation, by table name, in a stable order."""
        units = sorted(self.directory.list_units(org_id), key=lambda u: u["id"])
        campaigns = CampaignRepository(self.directory._table)
        year_items = campaigns.all_year_items(org_id)
        goals, questions = self.directory.goals_and_questions(org_id)
        activities: list[dict[str, Any]] = []
        collections: list[dict[str, Any]] = []
        for unit in units:
            activities += self.store.activities_of_unit(unit["id"])
            collections += self.store.collections_of_unit(unit["id"])
        return {
            "organisation": [org],
            "units": units,
            "members": sorted(self.directory.list_members(org_id), key=lambda m: m["email"]),
            "goals": sorted(goals, key=lambda g: g["id"]),
            "reflection_questions": sorted(questions, key=lambda q: q["id"]),
            "survey_templates": sorted(self.surveys.list_templates(org_id), key=lambda t: t["id"]),
            "vocabulary": list(
                (self.directory.get_vocabulary(org_id) or {}).get("categories") or []
            ),
            "key_figures": sorted(self.directory.list_key_figures(org_id), key=lambda k: k["year"]),
            "targets": [item for item in year_items if item["kind"] == "targets"],
            "analyses": [item for item in year_items if item["kind"] == "analysis"],
            "activities": activities,
            "collections": sorted(collections, key=lambda c: c["code"]),
            "campaigns": sorted(campaigns.list_campaigns(org_id), key=lambda c: c["id"]),
        }

    def export_package(self, principal: Principal, org_id: str) -> ExportedPackage:
        """The organisation as a zip: ``datapackage.json`` and one CSV per table."""
        org = self._org(principal, org_id)
        now = self.clock.iso()
        snapshot = self.snapshot(org_id, org)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            descriptor = org_package.descriptor(org, now)
            archive.writestr(DESCRIPTOR, json.dumps(descriptor, indent=2, ensure_ascii=False))
            for table in org_package.TABLES:
                rows = org_package.rows_of(table, snapshot[table.name])
                archive.writestr(table.path, write_csv(table, rows))
        day = now[:10]
        return ExportedPackage(f"logbook-{org_id}-{day}.zip", buffer.getvalue())

    # ------------------------------------------------------------ import
    def read_package(self, data: bytes) -> tuple[str, dict[str, list[dict[str, Any]]]]:
        """The package's source organisation id and its tables; InvalidInput naming all."""
        problems: list[FieldProblem] = []
        files = read_flat_zip(data, self.limits, problems)
        _raise(problems)
        raw = files.get(DESCRIPTOR)
        if raw is None:
            _raise([FieldProblem(DESCRIPTOR, "is missing: not a data package")])
        assert raw is not None
        descriptor = _descriptor(raw, problems)
        _raise(problems)
        logbook = descriptor.get("logbook")
        if descriptor.get("name") != org_package.PACKAGE_NAME or not isinstance(logbook, dict):
            _raise([FieldProblem(f"{DESCRIPTOR}: name", "is not a Logbook organisation package")])
        assert isinstance(logbook, dict)
        if logbook.get("format") != org_package.FORMAT_VERSION:
            problems.append(
                FieldProblem(
                    f"{DESCRIPTOR}: logbook.format", "is a format this Logbook cannot read"
                )
            )
        source_org = logbook.get("org_id")
        if not isinstance(source_org, str) or not source_org:
            problems.append(FieldProblem(f"{DESCRIPTOR}: logbook.org_id", "is missing"))
        resources = descriptor.get("resources")
        declared = (
            {r.get("path") for r in resources if isinstance(r, dict)}
            if isinstance(resources, list)
            else set()
        )
        expected = {table.path for table in org_package.TABLES}
        if declared != expected:
            problems.append(
                FieldProblem(
                    f"{DESCRIPTOR}: resources",
                    f"must be exactly {', '.join(sorted(expected))}",
                )
            )
        for name in sorted(set(files) - expected - {DESCRIPTOR}):
            problems.append(FieldProblem(name, "is not part of an organisation package"))
        tables: dict[str, list[dict[str, Any]]] = {}
        for table in org_package.TABLES:
            content = files.get(table.path)
            if content is None:
                problems.append(FieldProblem(table.path, "is missing"))
                continue
            tables[table.name] = read_csv(table, content, problems, org_package.MAX_ROWS)
        _raise(problems)
        return str(source_org), tables

    def import_package(
        self,
        principal: Principal,
        org_id: str,
        data: bytes,
        *,
        dry_run: bool = False,
        time_budget: float | None = None,
    ) -> ImportResult:
        """Check the package whole, then store what is missing (nothing on any problem)."""
        target = self._org(principal, org_id)
        source_org, tables = self.read_package(data)
        target_vocabulary = self.directory.get_vocabulary(org_id)
        plan, problems = org_package.plan_import(tables, source_org, target, target_vocabulary)
        _raise(problems)
        planned: dict[str, list[dict[str, Any]]] = {
            "units": [items.unit_item(u) for u in plan.units],
            "members": [items.member_item(m) for m in plan.members],
            "goals": [items.goal_item(g) for g in plan.goals],
            "reflection_questions": [items.question_item(q) for q in plan.questions],
            "key_figures": [items.key_figures_item(k) for k in plan.key_figures],
            "targets": [items.year_item("targets", t) for t in plan.targets],
            "analyses": [items.year_item("analysis", a) for a in plan.analyses],
            "survey_templates": [items.template_item(t) for t in plan.templates],
            "activities": [items.activity_item(a) for a in plan.activities],
            "collections": [items.collection_item(c) for c in plan.collections],
            "campaigns": [items.campaign_item(c) for c in plan.campaigns],
        }
        existing = self.store.existing(
            [(item["PK"], item["SK"]) for group in planned.values() for item in group]
        )
        created: dict[str, int] = {}
        unchanged: dict[str, int] = {}
        missing: dict[str, list[dict[str, Any]]] = {}
        for name, group in planned.items():
            missing[name] = [item for item in group if (item["PK"], item["SK"]) not in existing]
            created[name] = len(missing[name])
            unchanged[name] = len(group) - len(missing[name])
        known = len(own_categories(target_vocabulary))
        created["vocabulary"] = 0 if plan.vocabulary is None else len(plan.vocabulary) - known
        unchanged["vocabulary"] = len(tables.get("vocabulary", [])) - created["vocabulary"]
        if dry_run:
            return ImportResult(dry_run=True, created=created, unchanged=unchanged)
        for member in missing["members"]:
            # As adding a member does: their sign-in first (an invitation in AWS).
            if not self.accounts.invite(member["email"]):
                self.accounts.enable(member["email"])
        if plan.org != target:
            self.directory.replace_org({**plan.org, "updated_at": self.clock.iso()})
        if plan.vocabulary is not None:
            # Before the activities that use the new categories.
            self.directory.put_vocabulary(org_id, plan.vocabulary, self.clock.iso())
        # Referenced items first: a crash midway leaves a consistent, resumable state.
        # Written in chunks within the time budget; what is left, a repeat writes.
        started = self.clock.monotonic()
        written = {name: 0 for name in planned}
        for name in planned:
            for first in range(0, len(missing[name]), WRITE_CHUNK):
                if time_budget is not None and self.clock.monotonic() - started > time_budget:
                    left = sum(len(group) for group in missing.values()) - sum(written.values())
                    return ImportResult(
                        dry_run=False,
                        complete=False,
                        created=written,
                        unchanged=unchanged,
                        remaining=left,
                    )
                chunk = missing[name][first : first + WRITE_CHUNK]
                self.store.put_all(chunk)
                written[name] += len(chunk)
        return ImportResult(dry_run=False, created=created, unchanged=unchanged)


class ActivityImportService:
    """A unit's activities from a spreadsheet, by the rules of the activity API."""

    def __init__(self, table: Any, clock: Clock, limits: ZipLimits | None = None) -> None:
        self.directory = DirectoryRepository(table)
        self.store = OrgPackageStore(table)
        self.clock = clock
        self.limits = limits or ZipLimits()

    def require_member(self, principal: Principal, unit_id: str) -> dict[str, Any]:
        """The unit, if the caller has a role in it (NotFound / Forbidden otherwise)."""
        unit = self.directory.get_unit(unit_id)
        if unit is None:
            raise NotFound(f"unit {unit_id} not found")
        principal.unit_role(unit["org_id"], unit_id)
        return unit

    def import_activities(
        self,
        principal: Principal,
        unit_id: str,
        data: bytes,
        media_type: str,
        *,
        dry_run: bool = False,
    ) -> ActivityImportResult:
        """Check every row; store the new ones unless any row is bad (then nothing)."""
        unit = self.require_member(principal, unit_id)
        problems: list[FieldProblem] = []
        if media_type == XLSX_MEDIA_TYPE:
            check_inflation(data, self.limits, problems)
            _raise(problems)
            records = xlsx_records(data, problems)
        else:
            records = csv_records(data, problems)
        _raise(problems)
        goals, questions, vocabulary = self.directory.activity_context(unit["org_id"])
        own = own_categories(vocabulary)
        unit_goals = [g for g in goals if not g.get("unit_ids") or unit_id in g["unit_ids"]]
        rows = check_rows(records, unit_id, unit_goals, {q["id"] for q in questions}, problems, own)
        _raise(problems)
        now = self.clock.iso()
        planned = [
            items.activity_item(
                Activity(
                    id=row.key,
                    unit_id=unit_id,
                    org_id=unit["org_id"],
                    version=1,
                    created_by=principal.email,
                    created_at=now,
                    updated_at=now,
                    core_categories=core_categories(row.activity.categories, own),
                    **row.activity.model_dump(mode="json"),
                ).model_dump()
            )
            for row in rows
        ]
        existing = self.store.existing(
            [(keys.unit_pk(unit_id), keys.activity_sk(row.key)) for row in rows]
        )
        missing = [item for item in planned if (item["PK"], item["SK"]) not in existing]
        if not dry_run:
            self.store.put_all(missing)
        return ActivityImportResult(
            dry_run=dry_run,
            created=len(missing),
            unchanged=len(planned) - len(missing),
            rows=len(planned),
        )


def _descriptor(raw: bytes, problems: list[FieldProblem]) -> dict[str, Any]:
    if len(raw) > MAX_DESCRIPTOR_BYTES:
        problems.append(FieldProblem(DESCRIPTOR, "is too large"))
        return {}
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        problems.append(FieldProblem(DESCRIPTOR, "is not JSON"))
        return {}
    if not isinstance(value, dict):
        problems.append(FieldProblem(DESCRIPTOR, "is not a JSON object"))
        return {}
    return value
