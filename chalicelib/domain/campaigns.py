"""Campaigns: one survey window opened for many units at once, and its live progress.

A campaign is the yearly evaluation as KEKS and MaMa run it: one template, one window
(``opens_at`` … ``closes_at``), one QR point per unit. Progress is what the team needs
while the window runs: how many answers each unit has, whether it reached the minimum
for its figures to count (15 complete answers), and whether a split by gender will be
possible (15 girls and 15 boys among them). These are members-only working figures,
never public: public figures pass the publication layer. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, StringConstraints, ValidationInfo, field_validator

from chalicelib.domain.instants import checked_instant
from chalicelib.domain.models import Id, Output, StrictInput, Title, unique_ids
from chalicelib.domain.surveys import CollectionStatus, SurveyTemplate

# KEKS: a centre counts with at least 15 complete answers; a split by gender needs 15
# girls and 15 boys. The same number as the publication threshold k (a deployment
# setting), which is what the service passes in.
DEFAULT_MINIMUM = 15
# One DynamoDB transaction holds at most 100 items: the campaign and one QR point per unit.
MAX_UNITS = 99
# A yearly survey window is weeks long; a year is the outer bound.
MAX_WINDOW = dt.timedelta(days=366)


class CampaignIn(StrictInput):
    """A new campaign: a template, a title and a window, for all units or chosen ones."""

    template_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
    title: Title
    opens_at: dt.datetime = Field(description="ISO 8601 with a time zone")
    closes_at: dt.datetime = Field(description="ISO 8601 with a time zone")
    unit_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_UNITS)] | None = Field(
        default=None, description="The units to survey; all units of the organisation when absent"
    )

    @field_validator("opens_at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        return checked_instant(value)

    @field_validator("closes_at")
    @classmethod
    def _after_opening(cls, value: dt.datetime, info: ValidationInfo) -> dt.datetime:
        value = checked_instant(value)
        opens_at = info.data.get("opens_at")
        if opens_at is None:  # opens_at itself was refused: its error says why
            return value
        if value <= opens_at:
            raise ValueError("must be after opens_at")
        if value - opens_at > MAX_WINDOW:
            raise ValueError("may be at most 366 days after opens_at")
        return value

    @field_validator("unit_ids")
    @classmethod
    def _unique(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else unique_ids(value, "unit_ids")


class CampaignCollection(Output):
    """One unit's QR point of a campaign."""

    unit_id: str
    code: str
    url: str = Field(description="The survey page's address (what the QR code holds)")
    poster_url: str = Field(description="A printable A4 poster with the QR code")


class UnitProgress(Output):
    """How far one unit has come (members of the organisation only)."""

    unit_id: str
    unit_name: str
    code: str
    url: str
    poster_url: str
    status: CollectionStatus
    responses: int = Field(description="Answers received so far")
    complete: int = Field(description="Answers with every 1–5 statement answered")
    girls: int = Field(description="Complete answers from girls")
    boys: int = Field(description="Complete answers from boys")
    minimum: int = Field(description="Complete answers needed for the unit's figures")
    minimum_reached: bool
    gender_split_possible: bool = Field(description="At least the minimum of girls AND of boys")
    days_left: int = Field(description="Whole days until the window closes (0 once closed)")


class Campaign(Output):
    """A campaign with its QR points; ``units`` carries the live progress."""

    id: str
    org_id: str
    title: str
    template_id: str
    opens_at: str
    closes_at: str
    status: CollectionStatus
    days_left: int
    created_by: str
    created_at: str
    collections: list[CampaignCollection]
    posters_url: str = Field(description="Every unit's poster in one printable document")
    units: list[UnitProgress]
    responses: int = Field(description="Answers in all units together")
    units_with_minimum: int


class CampaignCreated(Campaign):
    """What ``POST /orgs/{org_id}/campaigns`` answers (201)."""


@dataclass(frozen=True)
class Tally:
    """Counts over one QR point's answers."""

    responses: int = 0
    complete: int = 0
    girls: int = 0
    boys: int = 0


def scale_question_ids(template: SurveyTemplate) -> frozenset[str]:
    """The template's 1–5 statements: an answer is complete when it answers them all."""
    return frozenset(q.id for q in template.questions if q.type == "scale")


def tally_answers(answers: Iterable[Mapping[str, Any]], scale_ids: frozenset[str]) -> Tally:
    """Count answers (stored responses: ``items`` and ``gender``) against the minimum's rules."""
    responses = complete = girls = boys = 0
    for answer in answers:
        responses += 1
        items = answer.get("items") or {}
        if not scale_ids <= set(items):
            continue
        complete += 1
        gender = answer.get("gender")
        girls += gender == "girls"
        boys += gender == "boys"
    return Tally(responses, complete, girls, boys)


def days_left(now: dt.datetime, closes_at: dt.datetime) -> int:
    """Whole days (rounded up) until ``closes_at``; 0 once it has passed."""
    seconds = (closes_at - now).total_seconds()
    return max(0, math.ceil(seconds / 86400))


def unit_progress(
    tally: Tally,
    *,
    minimum: int,
    now: dt.datetime,
    closes_at: dt.datetime,
    **collection: Any,
) -> UnitProgress:
    """One unit's progress from its tally (``collection``: its ids, names and status)."""
    return UnitProgress(
        **collection,
        responses=tally.responses,
        complete=tally.complete,
        girls=tally.girls,
        boys=tally.boys,
        minimum=minimum,
        minimum_reached=tally.complete >= minimum,
        gender_split_possible=tally.girls >= minimum and tally.boys >= minimum,
        days_left=0 if collection["status"] == "closed" else days_left(now, closes_at),
    )
