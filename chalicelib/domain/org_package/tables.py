"""The organisation package's tables (one ``Table`` declaration each, in ``TABLES``) and
its descriptor (docs/data.md). Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.domain.datapackage import Column, ForeignKey, Table, package_descriptor
from chalicelib.domain.models import ROLES
from chalicelib.domain.vocabulary import (
    AGE_BANDS,
    GENDERS,
    KINDS,
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
        Column("campaign_id", "string", "The campaign it is the unit's QR point of"),
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
        ForeignKey("campaign_id", "campaigns", "id"),
    ),
)
CAMPAIGNS = Table(
    "campaigns",
    "Campaigns",
    "Survey windows opened for many units at once; each unit's QR point is the row of"
    " collections that names the campaign (its unit and code: campaign → unit → code).",
    (
        Column("id", "string", "Campaign id", True, constraints=_ID),
        Column("title", "string", "Title", True, free_text=True),
        Column(
            "template_id",
            "string",
            "Survey template: a built-in id (annual, feedback) or one of survey_templates",
            True,
        ),
        Column("opens_at", "string", "Opening time (ISO 8601)", True),
        Column("closes_at", "string", "Closing time (ISO 8601)", True),
        Column("created_by", "string", "Who opened it", True),
        Column("created_at", "string", "When it was opened (ISO 8601, UTC)", True),
    ),
    primary_key=("id",),
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
    # After its QR points: a stored campaign lists their codes, so a crash midway never
    # leaves a campaign pointing at a QR point not yet written.
    CAMPAIGNS,
)
TABLE_BY_NAME = {table.name: table for table in TABLES}
MAX_ROWS = 200_000
ORG_OWN_FIELDS = frozenset({"id", "name", "country", "created_at", "updated_at"})


def descriptor(org: Mapping[str, Any], exported_at: str) -> dict[str, Any]:
    """``datapackage.json`` of an organisation's package."""
    return package_descriptor(
        name=PACKAGE_NAME,
        title=f"Logbook: {org['name']}",
        description=(
            "Every record of one organisation in Logbook: units, members and roles, goals,"
            " reflection questions, survey templates, QR points, campaigns and activities with their"
            " diary. Import it with POST /orgs/{org_id}/import (docs/data.md)."
        ),
        tables=TABLES,
        created=exported_at,
        version=f"{FORMAT_VERSION}.0.0",
        licenses=[{"name": "other-closed", "title": LICENSE_NOTE}],
        logbook={"format": FORMAT_VERSION, "org_id": org["id"], "exported_at": exported_at},
    )
