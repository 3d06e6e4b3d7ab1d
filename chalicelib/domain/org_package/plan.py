"""A package someone uploads, checked (every problem named, by the API's own models and
rules) and planned into an organisation, its ids mapped (see the package's docstring). Pure."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from chalicelib.domain.activity import ActivityIn, activity_rule_problems
from chalicelib.domain.campaigns import CampaignIn
from chalicelib.domain.errors import FieldProblem
from chalicelib.domain.key_figures import KeyFiguresIn
from chalicelib.domain.models import GoalIn, MemberIn, QuestionIn, UnitIn
from chalicelib.domain.org_package.rows import activity_from_row
from chalicelib.domain.org_package.tables import ORG_OWN_FIELDS, ORGANISATION
from chalicelib.domain.surveys import (
    BUILTIN_TEMPLATES,
    CODE_ALPHABET,
    CODE_LENGTH,
    SurveyTemplate,
)
from chalicelib.domain.targets import AnalysisIn, TargetsIn
from chalicelib.domain.vocabulary import (
    VocabularyIn,
    core_categories,
    own_categories,
)


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
    campaigns: list[dict[str, Any]] = field(default_factory=list)
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
            "campaigns": len(self.campaigns),
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
        found.append(
            FieldProblem(f"{prefix}, {where}" if where else prefix, detail["msg"], detail["type"])
        )
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
            if column.name in ORG_OWN_FIELDS:
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
            problems.append(
                FieldProblem(f"{where}, {problem.field}", problem.problem, problem.code)
            )
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

    campaigns: dict[str, dict[str, Any]] = {}
    for index, row in enumerate(tables.get("campaigns", []), start=2):
        where = f"campaigns.csv: row {index}"
        body = {name: row[name] for name in ("template_id", "title", "opens_at", "closes_at")}
        if not check(CampaignIn, body, where):
            continue
        template_id = row["template_id"]
        if template_id in template_ids:
            template_id = template_ids[template_id]
        elif template_id not in BUILTIN_TEMPLATES:
            problems.append(FieldProblem(f"{where}, template_id", "no such survey template"))
            continue
        campaigns[row["id"]] = {
            **row,
            "id": new_id("campaigns", row["id"]),
            "org_id": target_id,
            "template_id": template_id,
            "units": [],
        }

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
        code = mapped_code(package_org_id, target_id, row["code"])
        campaign_id = row.get("campaign_id")
        if campaign_id is not None:
            campaign = campaigns.get(campaign_id)
            if campaign is None:
                problems.append(
                    FieldProblem(f"{where}, campaign_id", "no such campaign in campaigns.csv")
                )
            elif row["kind"] != "survey" or template_id != campaign["template_id"]:
                problems.append(
                    FieldProblem(f"{where}, campaign_id", "not a survey of the campaign's template")
                )
            elif any(entry["unit_id"] == unit_ids[row["unit_id"]] for entry in campaign["units"]):
                problems.append(
                    FieldProblem(f"{where}, campaign_id", "the campaign has a QR point in the unit")
                )
            else:
                campaign["units"].append({"unit_id": unit_ids[row["unit_id"]], "code": code})
                campaign_id = campaign["id"]
        plan.collections.append(
            {
                **row,
                "code": code,
                "org_id": target_id,
                "unit_id": unit_ids[row["unit_id"]],
                "template_id": template_id,
                "activity_id": activity_id,
                "campaign_id": campaign_id,
            }
        )
    # A campaign's QR points in the order the campaign lists them when opened: by unit name.
    unit_names = {unit["id"]: str(unit["name"]) for unit in plan.units}
    for campaign in campaigns.values():
        campaign["units"].sort(
            key=lambda entry: (unit_names.get(entry["unit_id"], ""), entry["code"])
        )
        plan.campaigns.append(campaign)
    return plan, problems
