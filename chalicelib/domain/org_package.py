"""The whole organisation as a Frictionless data package, and back (docs/data.md).

Pure: declares the tables (one ``Table`` each: adding a table is one declaration and one
entry in ``TABLES``), turns stored items into rows, checks a package someone uploads
(every problem named, by the same models and rules as the API) and maps its ids into
the organisation it is imported into.

Never in a package: survey answers (free text or scores), check-ins, nickname hashes,
check-in salts and keys — they are young people's, not the organisation's records.

Ids: importing into the organisation a package came from keeps every id (a restore);
into any other organisation each id becomes a hash of (that organisation, table, old
id), so importing the same package twice lands on the same keys and stores nothing
twice, and references (a goal of a unit, an activity's goals) follow the same map.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from chalicelib.domain.activity import ActivityIn, activity_rule_problems
from chalicelib.domain.datapackage import Column, ForeignKey, Table, package_descriptor
from chalicelib.domain.errors import FieldProblem
from chalicelib.domain.key_figures import KeyFiguresIn
from chalicelib.domain.models import ROLES, GoalIn, MemberIn, QuestionIn, UnitIn
from chalicelib.domain.surveys import (
    BUILTIN_TEMPLATES,
    CODE_ALPHABET,
    CODE_LENGTH,
    SurveyTemplate,
)
from chalicelib.domain.targets import AnalysisIn, TargetsIn
from chalicelib.domain.vocabulary import (
    AGE_BANDS,
    GENDERS,
    KINDS,
    VocabularyIn,
    core_categories,
    own_categories,
)

PACKAGE_NAME = "logbook-organisation"
FORMAT_VERSION = 1
LICENSE_NOTE = "The organisation's own records; not open data."

_ID = {"maxLength": 64, "pattern": "^[A-Za-z0-9_-]{1,64}$"}


def _created() -> tuple[Column, Column]:
    return (
        Column("created_at", "string", "When it was created (ISO 8601, UTC)", required=True),
        Column("updated_at", "string", "When it was last changed (ISO 8601, UTC)", required=True),
    )


ORGANISATION = Table(
    "organisation",
    "Organisation",
    "The organisation (municipality or provider) the package holds; one row.",
    (
        Column(
            "id", "string", "Organisation id in the deployment it came from", True, constraints=_ID
        ),
        Column("name", "string", "Name", True, free_text=True),
        Column(
            "country",
            "string",
            "ISO 3166-1 alpha-2 country code",
            True,
            constraints={"pattern": "^[A-Z]{2}$"},
        ),
        Column(
            "youth_population",
            "integer",
            "Young residents, for per-capita figures",
            constraints={"minimum": 0},
        ),
        Column(
            "municipality_code",
            "string",
            "Official municipality code (SI občina, FI kuntanumero, SE kommunkod)",
        ),
        *_created(),
    ),
    primary_key=("id",),
)
UNITS = Table(
    "units",
    "Units",
    "Youth centres and other units of the organisation.",
    (
        Column("id", "string", "Unit id", True, constraints=_ID),
        Column("name", "string", "Name", True, free_text=True),
        Column("description", "string", "Description", free_text=True),
        *_created(),
    ),
    primary_key=("id",),
)
MEMBERS = Table(
    "members",
    "Members and roles",
    "Who works in the organisation, with which role, in which units (e-mail addresses:"
    " the package goes to organisation admins only).",
    (
        Column("email", "string", "Sign-in e-mail address", True),
        Column(
            "role",
            "string",
            "org_admin, worker or partner",
            True,
            constraints={"enum": list(ROLES)},
        ),
        Column(
            "unit_ids",
            "array",
            "Ids of the units a worker or partner works in (JSON)",
            nullable=False,
        ),
        *_created(),
    ),
    primary_key=("email",),
)
GOALS = Table(
    "goals",
    "Goals",
    "The organisation's goals that activities serve and rate.",
    (
        Column("id", "string", "Goal id", True, constraints=_ID),
        Column("title", "string", "Title", True, free_text=True),
        Column("description", "string", "Description", free_text=True),
        Column("unit_ids", "array", "Units the goal applies to (JSON); empty: every unit"),
        Column("active", "boolean", "Offered for new activities", True),
        *_created(),
    ),
    primary_key=("id",),
)
QUESTIONS = Table(
    "reflection_questions",
    "Reflection questions",
    "The questions the team answers after an activity.",
    (
        Column("id", "string", "Question id", True, constraints=_ID),
        Column("text", "string", "The question", True, free_text=True),
        Column("active", "boolean", "Asked for new activities", True),
        *_created(),
    ),
    primary_key=("id",),
)
TEMPLATES = Table(
    "survey_templates",
    "Survey templates",
    "The organisation's own survey templates (the built-in ones are in every deployment).",
    (
        Column("id", "string", "Template id", True, constraints=_ID),
        Column("title", "object", "Title by language (JSON)", True),
        Column("languages", "array", "Languages the template speaks (JSON)", True),
        Column("indicators", "array", "Indicators the organisation added (JSON)", nullable=False),
        Column("scale_labels", "object", "Labels of 1..5 by language (JSON)", nullable=False),
        Column("questions", "array", "Questions with their texts and indicators (JSON)", True),
        Column("created_by", "string", "Who created it"),
        Column("created_at", "string", "When it was created (ISO 8601, UTC)"),
    ),
    primary_key=("id",),
)
ACTIVITIES = Table(
    "activities",
    "Activities",
    "Everything the units recorded, diary and reflection included (never public).",
    (
        Column("id", "string", "Activity id", True, constraints=_ID),
        Column("unit_id", "string", "The unit it happened in", True, constraints=_ID),
        Column("date", "date", "Day of the activity", True),
        Column(
            "start_time",
            "string",
            "HH:MM, 24-hour clock",
            constraints={"pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
        ),
        Column(
            "duration_minutes",
            "integer",
            "Duration in minutes",
            True,
            constraints={"minimum": 1, "maximum": 1440},
        ),
        Column("kind", "string", "Kind of youth work", True, constraints={"enum": list(KINDS)}),
        Column("categories", "array", "Categories (JSON)", nullable=False),
        Column("title", "string", "Title", True, free_text=True),
        *(
            Column(
                f"participants_{gender}",
                "integer",
                f"Participants: {gender}",
                True,
                constraints={"minimum": 0},
            )
            for gender in GENDERS
        ),
        Column(
            "age_bands",
            "object",
            "Participants by age band (JSON, bands "
            + ", ".join(AGE_BANDS)
            + "); empty when not recorded",
        ),
        Column(
            "new_participants",
            "integer",
            "Participants who came for the first time",
            True,
            constraints={"minimum": 0},
        ),
        Column("youth_led", "boolean", "Led by young people", True),
        Column(
            "youth_leaders", "integer", "Young people who led it", True, constraints={"minimum": 0}
        ),
        Column("volunteers", "integer", "Volunteers", True, constraints={"minimum": 0}),
        Column("staff", "integer", "Staff", True, constraints={"minimum": 0}),
        Column("goal_ids", "array", "Goals it served (JSON)", nullable=False),
        Column(
            "goal_ratings", "object", "Goal id → how well it was met, 1–5 (JSON)", nullable=False
        ),
        Column("notes", "string", "Diary (never public)", nullable=False, free_text=True),
        Column(
            "reflection",
            "object",
            "Reflection question id → the team's answer (JSON)",
            nullable=False,
        ),
        Column(
            "status",
            "string",
            "done, or planned: a session ahead, counted in no statistic",
            constraints={"enum": ["planned", "done"]},
        ),
        Column(
            "intentions",
            "string",
            "What the team intends with a planned session (never public)",
            nullable=False,
            free_text=True,
        ),
        Column("version", "integer", "Edit count, from 1", True, constraints={"minimum": 1}),
        Column("created_by", "string", "Who recorded it", True),
        *_created(),
    ),
    primary_key=("id",),
    foreign_keys=(ForeignKey("unit_id", "units", "id"),),
)
COLLECTIONS = Table(
    "collections",
    "Collections (QR points)",
    "Survey, check-in and ideas points the units opened; what young people sent stays out.",
    (
        Column("code", "string", "The QR point's code", True, constraints={"maxLength": 32}),
        Column(
            "kind",
            "string",
            "survey, checkin or ideas",
            True,
            constraints={"enum": ["survey", "checkin", "ideas"]},
        ),
        Column("unit_id", "string", "The unit that opened it", True, constraints=_ID),
        Column(
            "template_id",
            "string",
            "Survey template: a built-in id (annual, feedback) or one of survey_templates",
        ),
        Column("activity_id", "string", "The activity it was opened for"),
        Column(
            "prompt", "string", "Ideas points: the question put to young people", free_text=True
        ),
        Column("opens_at", "string", "Opening time (ISO 8601)"),
        Column("closes_at", "string", "Closing time (ISO 8601)"),
        Column("closed_at", "string", "When it was closed early (ISO 8601)"),
        Column("created_by", "string", "Who opened it", True),
        Column("created_at", "string", "When it was opened (ISO 8601, UTC)", True),
    ),
    primary_key=("code",),
    foreign_keys=(
        ForeignKey("unit_id", "units", "id"),
        ForeignKey("activity_id", "activities", "id"),
    ),
)

VOCABULARY = Table(
    "vocabulary",
    "Own categories",
    "The organisation's own activity categories, each counted under a core category.",
    (
        Column("id", "string", "Category id (lower-case letters, digits, _)", True),
        Column("labels", "object", "Label by language (JSON)", True),
        Column("maps_to", "string", "The core category public statistics count it under", True),
    ),
    primary_key=("id",),
)
KEY_FIGURES = Table(
    "key_figures",
    "Key figures",
    "What the organisation reported per year (costs, weeks open, staff, young residents).",
    (
        Column("year", "integer", "Year", True, constraints={"minimum": 2000, "maximum": 2100}),
        Column("costs_eur", "number", "Costs of youth work, EUR", constraints={"minimum": 0}),
        Column("open_weeks", "integer", "Weeks open", constraints={"minimum": 0, "maximum": 53}),
        Column("staff_fte", "number", "Staff, full-time equivalents", constraints={"minimum": 0}),
        Column(
            "youth_population", "integer", "Young residents that year", constraints={"minimum": 0}
        ),
        Column("updated_at", "string", "When it was last changed (ISO 8601, UTC)"),
    ),
    primary_key=("year",),
)

_SCOPE = Column("scope", "string", "org:{id} or unit:{id}", True)
TARGETS = Table(
    "targets",
    "Targets",
    "The year's targets of the organisation or a unit: measure → number.",
    (
        Column("year", "integer", "Year", True),
        _SCOPE,
        Column("targets", "object", "Measure → target (JSON)", True),
        Column("updated_by", "string", "Who set them"),
        Column("updated_at", "string", "When (ISO 8601, UTC)"),
    ),
    primary_key=("year", "scope"),
)
ANALYSES = Table(
    "analyses",
    "Analyses",
    "The team's written analysis of a year (public only when marked so).",
    (
        Column("year", "integer", "Year", True),
        _SCOPE,
        Column("text", "string", "The analysis", True, free_text=True),
        Column("public", "boolean", "Shown in the public annual report", True),
        Column("updated_by", "string", "Who wrote it"),
        Column("updated_at", "string", "When (ISO 8601, UTC)"),
    ),
    primary_key=("year", "scope"),
)

#: Every table of the package, in the order an import writes them (referenced first).
TABLES: tuple[Table, ...] = (
    ORGANISATION,
    UNITS,
    MEMBERS,
    GOALS,
    QUESTIONS,
    VOCABULARY,
    KEY_FIGURES,
    TARGETS,
    ANALYSES,
    TEMPLATES,
    ACTIVITIES,
    COLLECTIONS,
)
TABLE_BY_NAME = {table.name: table for table in TABLES}
MAX_ROWS = 200_000
_ORG_OWN = frozenset({"id", "name", "country", "created_at", "updated_at"})


def descriptor(org: Mapping[str, Any], exported_at: str) -> dict[str, Any]:
    """``datapackage.json`` of an organisation's package."""
    return package_descriptor(
        name=PACKAGE_NAME,
        title=f"Logbook: {org['name']}",
        description=(
            "Every record of one organisation in Logbook: units, members and roles, goals,"
            " reflection questions, survey templates, QR points and activities with their"
            " diary. Import it with POST /orgs/{org_id}/import (docs/data.md)."
        ),
        tables=TABLES,
        created=exported_at,
        version=f"{FORMAT_VERSION}.0.0",
        licenses=[{"name": "other-closed", "title": LICENSE_NOTE}],
        logbook={"format": FORMAT_VERSION, "org_id": org["id"], "exported_at": exported_at},
    )


# ------------------------------------------------------------------ items → rows
def activity_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """A stored activity as a row of ``activities``."""
    participants = item.get("participants") or {}
    row = {column.name: item.get(column.name) for column in ACTIVITIES.columns}
    for gender in GENDERS:
        row[f"participants_{gender}"] = participants.get(gender, 0)
    return row


def activity_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """An ``activities`` row as the activity body the API takes (``ActivityIn``)."""
    # Every field the API takes that has a column (a new field needs only its column).
    body = {
        name: row[name]
        for name in ActivityIn.model_fields
        if name != "participants" and name in row
    }
    body["participants"] = {gender: row[f"participants_{gender}"] for gender in GENDERS}
    return {name: value for name, value in body.items() if value is not None}


def rows_of(table: Table, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stored items as rows (plain tables: one column per stored field)."""
    if table is ACTIVITIES:
        return [activity_row(item) for item in items]
    return [{column.name: item.get(column.name) for column in table.columns} for item in items]


# ------------------------------------------------------------------ import plan
@dataclass
class ImportPlan:
    """What an import writes, with ids already mapped to the target organisation."""

    org: dict[str, Any]
    units: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    goals: list[dict[str, Any]] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    templates: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    collections: list[dict[str, Any]] = field(default_factory=list)
    key_figures: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    analyses: list[dict[str, Any]] = field(default_factory=list)
    # The target's own categories with the package's added (None: nothing to write).
    vocabulary: list[dict[str, Any]] | None = None

    def counts(self) -> dict[str, int]:
        return {
            "units": len(self.units),
            "members": len(self.members),
            "goals": len(self.goals),
            "reflection_questions": len(self.questions),
            "survey_templates": len(self.templates),
            "activities": len(self.activities),
            "collections": len(self.collections),
        }


def id_mapper(source_org: str, target_org: str) -> Callable[[str, str], str]:
    """The stable map of a package's ids into ``target_org`` (see the module docstring)."""

    def mapped(table: str, old: str) -> str:
        if source_org == target_org:
            return old
        digest = hashlib.sha256(f"{target_org}|{table}|{old}".encode()).hexdigest()
        return digest[:16]

    return mapped


def mapped_code(source_org: str, target_org: str, old: str) -> str:
    """A collection's code in the target organisation (codes are global in a deployment)."""
    if source_org == target_org:
        return old
    digest = hashlib.sha256(f"{target_org}|collections|{old}".encode()).digest()
    return "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in digest[:CODE_LENGTH])


def _validation_problems(prefix: str, error: ValidationError) -> list[FieldProblem]:
    found = []
    for detail in error.errors():
        where = ".".join(str(part) for part in detail["loc"])
        found.append(FieldProblem(f"{prefix}, {where}" if where else prefix, detail["msg"]))
    return found


def plan_import(
    tables: Mapping[str, list[dict[str, Any]]],
    package_org_id: str,
    target: Mapping[str, Any],
    target_vocabulary: Mapping[str, Any] | None = None,
) -> tuple[ImportPlan, list[FieldProblem]]:
    """Check every row by the API's models and rules and map it into ``target``.

    Returns the plan and every problem found (an import with any problem writes nothing).
    """
    problems: list[FieldProblem] = []
    target_id = str(target["id"])
    new_id = id_mapper(package_org_id, target_id)
    plan = ImportPlan(org=dict(target))
    org_rows = tables.get("organisation", [])
    if len(org_rows) != 1:
        problems.append(FieldProblem("organisation.csv", "must hold exactly one row"))
    elif org_rows[0]["id"] != package_org_id:
        problems.append(
            FieldProblem("organisation.csv: row 2, id", "differs from datapackage.json's org_id")
        )
    else:
        # The target keeps its name and country; what it lacks (its youth population,
        # say) comes from the package.
        for column in ORGANISATION.columns:
            if column.name in _ORG_OWN:
                continue
            if plan.org.get(column.name) is None and org_rows[0].get(column.name) is not None:
                plan.org[column.name] = org_rows[0][column.name]

    def check(model: Any, body: dict[str, Any], where: str) -> bool:
        try:
            # As the API reads a body: JSON, strictly.
            model.model_validate_json(json.dumps(body))
        except ValidationError as error:
            problems.extend(_validation_problems(where, error))
            return False
        return True

    unit_ids: dict[str, str] = {}
    for index, row in enumerate(tables.get("units", []), start=2):
        where = f"units.csv: row {index}"
        if check(UnitIn, {"name": row["name"], "description": row["description"]}, where):
            unit_ids[row["id"]] = new_id("units", row["id"])
            plan.units.append({**row, "id": unit_ids[row["id"]], "org_id": target_id})

    def units_of(ids: list[Any] | None, where: str) -> list[str] | None:
        if ids is None:
            return None
        unknown = [str(old) for old in ids if old not in unit_ids]
        if unknown:
            problems.append(FieldProblem(where, f"no such unit in units.csv: {', '.join(unknown)}"))
            return []
        return [unit_ids[old] for old in ids]

    for index, row in enumerate(tables.get("members", []), start=2):
        where = f"members.csv: row {index}"
        body = {"email": row["email"], "role": row["role"], "unit_ids": row["unit_ids"]}
        if check(MemberIn, body, where):
            mapped = units_of(row["unit_ids"], f"{where}, unit_ids") or []
            if row["role"] != "org_admin" and not mapped:
                problems.append(FieldProblem(f"{where}, unit_ids", f"a {row['role']} needs a unit"))
            plan.members.append(
                {
                    **row,
                    "email": MemberIn.model_validate_json(json.dumps(body)).email,
                    "org_id": target_id,
                    "unit_ids": [] if row["role"] == "org_admin" else sorted(mapped),
                }
            )

    goal_ids: dict[str, str] = {}
    goal_units: dict[str, list[str] | None] = {}
    for index, row in enumerate(tables.get("goals", []), start=2):
        where = f"goals.csv: row {index}"
        body = {
            "title": row["title"],
            "description": row["description"],
            "unit_ids": row["unit_ids"],
            "active": row["active"],
        }
        if check(GoalIn, body, where):
            goal_ids[row["id"]] = new_id("goals", row["id"])
            mapped_units = units_of(row["unit_ids"], f"{where}, unit_ids")
            goal_units[goal_ids[row["id"]]] = mapped_units
            plan.goals.append(
                {**row, "id": goal_ids[row["id"]], "org_id": target_id, "unit_ids": mapped_units}
            )

    question_ids: dict[str, str] = {}
    for index, row in enumerate(tables.get("reflection_questions", []), start=2):
        where = f"reflection_questions.csv: row {index}"
        if check(QuestionIn, {"text": row["text"], "active": row["active"]}, where):
            question_ids[row["id"]] = new_id("questions", row["id"])
            plan.questions.append({**row, "id": question_ids[row["id"]], "org_id": target_id})

    # Own categories: the target's stay; the package's new ones are added.
    own = own_categories(target_vocabulary)
    package_categories = tables.get("vocabulary", [])
    merged = [dict(entry) for entry in own.values()]
    for index, row in enumerate(package_categories, start=2):
        where = f"vocabulary.csv: row {index}"
        if row["id"] in own:
            if own[row["id"]].get("maps_to") != row["maps_to"]:
                problems.append(
                    FieldProblem(f"{where}, maps_to", "differs from this organisation's own")
                )
            continue
        merged.append({"id": row["id"], "labels": row["labels"], "maps_to": row["maps_to"]})
    if check(VocabularyIn, {"categories": merged}, "vocabulary.csv"):
        if len(merged) != len(own):
            plan.vocabulary = merged
        own = {str(entry["id"]): entry for entry in merged}

    for index, row in enumerate(tables.get("key_figures", []), start=2):
        where = f"key_figures.csv: row {index}"
        body = {name: row[name] for name in KeyFiguresIn.model_fields if row.get(name) is not None}
        if check(KeyFiguresIn, body, where):
            plan.key_figures.append(
                {**row, "org_id": target_id, "updated_at": row.get("updated_at")}
            )

    def scope_of(scope: str, where: str) -> str | None:
        kind, _, old = scope.partition(":")
        if kind == "org" and old == package_org_id:
            return f"org:{target_id}"
        if kind == "unit" and old in unit_ids:
            return f"unit:{unit_ids[old]}"
        problems.append(FieldProblem(f"{where}, scope", "no such organisation or unit here"))
        return None

    for name, model, kept in (("targets", TargetsIn, plan.targets),
                              ("analyses", AnalysisIn, plan.analyses)):  # fmt: skip
        for index, row in enumerate(tables.get(name, []), start=2):
            where = f"{name}.csv: row {index}"
            scope = scope_of(row["scope"], where)
            if scope is None:
                continue
            body = {key: row[key] for key in model.model_fields if key in row}
            if check(model, {**body, "scope": scope}, where):
                kept.append({**row, "scope": scope, "org_id": target_id})

    template_ids: dict[str, str] = {}
    for index, row in enumerate(tables.get("survey_templates", []), start=2):
        where = f"survey_templates.csv: row {index}"
        mapped_id = new_id("survey_templates", row["id"])
        stored = {**row, "id": mapped_id, "org_id": target_id, "builtin": False}
        try:
            template = SurveyTemplate.model_validate(stored)
        except ValidationError as error:
            problems.extend(_validation_problems(where, error))
            continue
        template_ids[row["id"]] = mapped_id
        plan.templates.append(template.model_dump(exclude_none=True))

    activity_ids: dict[str, tuple[str, str]] = {}
    for index, row in enumerate(tables.get("activities", []), start=2):
        where = f"activities.csv: row {index}"
        if row["unit_id"] not in unit_ids:
            problems.append(FieldProblem(f"{where}, unit_id", "no such unit in units.csv"))
            continue
        unit_id = unit_ids[row["unit_id"]]
        body = activity_from_row(row)
        try:
            activity = ActivityIn.model_validate_json(json.dumps(body))
        except ValidationError as error:
            problems.extend(_validation_problems(where, error))
            continue
        known_goals = {
            old
            for old, new in goal_ids.items()
            if not goal_units.get(new) or unit_id in (goal_units.get(new) or [])
        }
        for problem in activity_rule_problems(activity, known_goals, set(question_ids), own):
            problems.append(FieldProblem(f"{where}, {problem.field}", problem.problem))
        new_activity = new_id("activities", row["id"])
        activity_ids[row["id"]] = (new_activity, row["unit_id"])
        stored = activity.model_dump(mode="json")
        stored["core_categories"] = core_categories(activity.categories, own)
        stored["goal_ids"] = [goal_ids.get(g, g) for g in stored["goal_ids"]]
        stored["goal_ratings"] = {goal_ids.get(g, g): r for g, r in stored["goal_ratings"].items()}
        stored["reflection"] = {question_ids.get(q, q): t for q, t in stored["reflection"].items()}
        plan.activities.append(
            {
                **stored,
                "id": new_activity,
                "unit_id": unit_id,
                "org_id": target_id,
                "version": row["version"],
                "created_by": row["created_by"],
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            }
        )

    for index, row in enumerate(tables.get("collections", []), start=2):
        where = f"collections.csv: row {index}"
        if row["unit_id"] not in unit_ids:
            problems.append(FieldProblem(f"{where}, unit_id", "no such unit in units.csv"))
            continue
        template_id = row.get("template_id")
        if row["kind"] == "survey":
            if template_id in BUILTIN_TEMPLATES:
                pass
            elif template_id in template_ids:
                template_id = template_ids[template_id]
            else:
                problems.append(FieldProblem(f"{where}, template_id", "no such survey template"))
        activity_id = row.get("activity_id")
        if activity_id is not None:
            found = activity_ids.get(activity_id)
            if found is None or found[1] != row["unit_id"]:
                problems.append(
                    FieldProblem(f"{where}, activity_id", "no such activity in the unit")
                )
            else:
                activity_id = found[0]
        plan.collections.append(
            {
                **row,
                "code": mapped_code(package_org_id, target_id, row["code"]),
                "org_id": target_id,
                "unit_id": unit_ids[row["unit_id"]],
                "template_id": template_id,
                "activity_id": activity_id,
            }
        )
    return plan, problems
