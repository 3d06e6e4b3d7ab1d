"""Activities: what happened in a youth centre, by the rules of docs/architecture.md ("Rules the code relies on")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from chalicelib.domain.errors import FieldProblem
from chalicelib.domain.models import Id, Output, StrictInput, Title, unique_ids
from chalicelib.domain.vocabulary import (
    MAX_OWN_CATEGORIES,
    AgeBand,
    CategoryId,
    Kind,
    category_problems,
)

# A youth centre's evening, not a stadium: bounds that catch typos without limiting use.
MAX_COUNT = 10_000
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
MAX_NOTES = 10_000
MAX_REFLECTION = 5_000
StartTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
ReflectionText = Annotated[str, StringConstraints(max_length=MAX_REFLECTION)]
Rating = Annotated[int, Field(ge=1, le=5)]
# A planned activity counts in no statistic until it is saved as done (docs/vocabulary.md).
Status = Literal["planned", "done"]

# Fields the server owns: a client may send them back (e.g. a PUT of what it read);
# they are ignored rather than refused.
SERVER_FIELDS = frozenset(
    {
        "id",
        "unit_id",
        "org_id",
        "created_by",
        "created_at",
        "updated_at",
        "version",
        "core_categories",
    }
)


class Participants(StrictInput):
    girls: Count = 0
    boys: Count = 0
    nonbinary: Count = 0
    undisclosed: Count = 0

    @property
    def total(self) -> int:
        return self.girls + self.boys + self.nonbinary + self.undisclosed


class ActivityIn(StrictInput):
    """An activity as a youth worker records it."""

    status: Status = Field(
        default="done",
        description="planned: a session ahead, counted nowhere until saved as done",
    )
    date: dt.date = Field(description="Day of the activity, YYYY-MM-DD")
    start_time: StartTime | None = Field(default=None, description="HH:MM, 24-hour clock")
    duration_minutes: int = Field(ge=1, le=24 * 60)
    kind: Kind
    categories: Annotated[list[CategoryId], Field(max_length=MAX_OWN_CATEGORIES)] = Field(
        default_factory=list,
        description="Core categories or the organisation's own (GET /orgs/{org_id}/vocabulary)",
    )
    title: Title
    participants: Participants = Field(default_factory=Participants)
    age_bands: dict[AgeBand, Count] | None = Field(
        default=None, description="When given, sums to the participants' total"
    )
    new_participants: Count = 0
    youth_led: bool = False
    youth_leaders: Count = 0
    volunteers: Count = 0
    staff: Count = 0
    goal_ids: Annotated[list[Id], Field(max_length=50)] = Field(default_factory=list)
    goal_ratings: dict[Id, Rating] = Field(
        default_factory=dict, description="goal id → how well it was met, 1–5"
    )
    notes: Annotated[str, StringConstraints(max_length=MAX_NOTES)] = Field(
        default="", description="Diary; never public"
    )
    intentions: Annotated[str, StringConstraints(max_length=MAX_REFLECTION)] = Field(
        default="", description="What the team intends with a planned session; never public"
    )
    reflection: dict[Id, ReflectionText] = Field(
        default_factory=dict, description="reflection question id → the team's answer"
    )

    @field_validator("date")
    @classmethod
    def _plausible_date(cls, value: dt.date) -> dt.date:
        if not EARLIEST_DATE <= value <= LATEST_DATE:
            raise ValueError(f"must be between {EARLIEST_DATE} and {LATEST_DATE}")
        return value

    @field_validator("categories")
    @classmethod
    def _unique_categories(cls, value: list[str]) -> list[str]:
        return unique_ids(value, "categories")

    @field_validator("goal_ids")
    @classmethod
    def _unique_goals(cls, value: list[str]) -> list[str]:
        return unique_ids(value, "goal_ids")

    @field_validator("reflection")
    @classmethod
    def _few_reflections(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 50:
            raise ValueError("at most 50 answers")
        return value


class ActivityUpdate(ActivityIn):
    """A whole activity sent back with the version it was read at."""

    version: int = Field(ge=1, description="The version this edit is based on")
    # Left out, an edit keeps the stored status (an app from before plans existed must
    # not log a plan as done by editing it).
    status: Status | None = Field(  # type: ignore[assignment]
        default=None, description="planned or done; omitted: unchanged"
    )


class Activity(Output):
    """A stored activity as the API answers it."""

    id: str
    unit_id: str
    org_id: str
    version: int
    created_by: str
    created_at: str
    updated_at: str
    status: Status = "done"
    date: str
    start_time: str | None = None
    duration_minutes: int
    kind: Kind
    categories: list[str]
    core_categories: list[str] = Field(
        default_factory=list, description="The core categories public statistics count it under"
    )
    title: str
    participants: dict[str, int]
    age_bands: dict[str, int] | None = None
    new_participants: int
    youth_led: bool
    youth_leaders: int
    volunteers: int
    staff: int
    goal_ids: list[str]
    goal_ratings: dict[str, int]
    notes: str
    intentions: str = ""
    reflection: dict[str, str]


class ActivityPage(Output):
    items: list[Activity]
    next: str | None = Field(description="Cursor for the next page, or null at the end")


def activity_rule_problems(
    activity: ActivityIn,
    known_goal_ids: set[str],
    known_question_ids: set[str],
    own_categories: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[FieldProblem]:
    """Rules across fields and against the organisation's goals, questions and vocabulary.

    ``own_categories`` are the organisation's own categories by id (none: core only).
    Returns every problem found, each naming its field, so a form can show them all.
    """
    problems: list[FieldProblem] = category_problems(activity.categories, own_categories or {})
    total = activity.participants.total
    if activity.age_bands is not None and sum(activity.age_bands.values()) != total:
        problems.append(
            FieldProblem(
                "age_bands",
                f"sums to {sum(activity.age_bands.values())}, but the participants total {total}",
                "age_bands_total",
            )
        )
    if activity.new_participants > total:
        problems.append(
            FieldProblem(
                "new_participants",
                f"{activity.new_participants} exceeds the participants' total {total}",
                "exceeds_total",
            )
        )
    if activity.youth_leaders > total:
        problems.append(
            FieldProblem(
                "youth_leaders",
                f"{activity.youth_leaders} exceeds the participants' total {total}",
                "exceeds_total",
            )
        )
    for goal_id in activity.goal_ids:
        if goal_id not in known_goal_ids:
            problems.append(FieldProblem(f"goal_ids.{goal_id}", "no such goal for this unit"))
    for goal_id in activity.goal_ratings:
        if goal_id not in activity.goal_ids:
            problems.append(FieldProblem(f"goal_ratings.{goal_id}", "rates a goal not in goal_ids"))
    for question_id in activity.reflection:
        if question_id not in known_question_ids:
            problems.append(
                FieldProblem(f"reflection.{question_id}", "no such reflection question")
            )
    return problems
