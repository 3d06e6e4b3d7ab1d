"""Young people's proposals for next year's survey: rules and models. Pure, no I/O.

An *ideas point* is a collection of kind ``ideas``: young people propose statements
for the survey (``POST /public/ideas``) and vote on the proposals a worker has
approved (``POST /public/votes``). A proposal is private until a worker of the unit
approves it; a rejected or unmoderated text is public nowhere. Vote counts are shown to
the unit's workers only. An organisation's admin adopts a proposal into a survey
template (``from_idea``); the proposal then records where it was adopted.

Nothing stored with a proposal or a vote identifies its sender: no address, no device,
no account; the submission id is a random value the page draws for that one sending.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.models import Output, StrictInput

IdeaStatus = Literal["new", "approved", "rejected"]
IDEA_STATUSES: tuple[IdeaStatus, ...] = ("new", "approved", "rejected")
# A survey statement is one sentence; the page counts down from this.
MAX_IDEA_TEXT = 200
MIN_IDEA_TEXT = 3
MAX_PROMPT = 200
MAX_VOTES = 3
# Translations of one proposal (a template may carry up to 30 languages).
MAX_TRANSLATIONS = 30

_SPACES = re.compile(r"\s+")

IdeaId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
LangTag = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
CollectionCode = Annotated[str, StringConstraints(min_length=1, max_length=32)]
# Limits that hold before cleaning; ``clean_statement`` applies the real ones.
RawText = Annotated[str, StringConstraints(max_length=4 * MAX_IDEA_TEXT)]


def clean_statement(text: str, field: str) -> str:
    """A proposal's text as stored: one line, spaces collapsed, no control characters.

    InvalidInput names ``field`` when it is too short or too long once cleaned.
    """
    normal = unicodedata.normalize("NFC", text)
    visible = "".join(
        " " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
        for char in normal
        if unicodedata.category(char) not in ("Cf", "Co", "Cs")
    )
    cleaned = _SPACES.sub(" ", visible).strip()
    if len(cleaned) < MIN_IDEA_TEXT:
        raise InvalidInput.field(field, f"write at least {MIN_IDEA_TEXT} characters")
    if len(cleaned) > MAX_IDEA_TEXT:
        raise InvalidInput.field(field, f"is longer than {MAX_IDEA_TEXT} characters")
    return cleaned


def base_language(tag: str | None) -> str | None:
    """``sv`` from ``sv-FI``; None for no tag."""
    return tag.lower().split("-")[0] if tag else None


def text_in(text: str, lang: str | None, translations: dict[str, str], wanted: str) -> str:
    """A proposal in the wanted language where a translation exists, else as written."""
    if wanted == lang:
        return text
    return translations.get(wanted, text)


def idea_texts(text: str, lang: str | None, translations: dict[str, str]) -> dict[str, str]:
    """Every language a proposal exists in: its translations and the original."""
    texts = dict(translations)
    if lang:
        texts[lang] = text
    return texts


# ------------------------------------------------------------------ API models
class IdeaIn(StrictInput):
    """A young person's proposal; ``submission_id`` makes retries safe."""

    submission_id: uuid.UUID
    collection_code: CollectionCode
    text: RawText = Field(
        description=f"The proposed statement, {MIN_IDEA_TEXT}–{MAX_IDEA_TEXT} characters"
    )
    lang: LangTag | None = Field(default=None, description="The page's language")


class VoteIn(StrictInput):
    """One young person's votes: 1–3 approved proposals of one ideas point."""

    submission_id: uuid.UUID
    collection_code: CollectionCode
    idea_ids: Annotated[list[IdeaId], Field(min_length=1, max_length=MAX_VOTES)]

    @field_validator("idea_ids")
    @classmethod
    def _distinct(cls, ids: list[str]) -> list[str]:
        if len(set(ids)) != len(ids):
            raise ValueError("vote for each proposal at most once")
        return ids


Translation = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_IDEA_TEXT)
]


class IdeaModerationIn(StrictInput):
    """A worker's decision; translations may be added (or corrected) when approving."""

    status: IdeaStatus
    translations: Annotated[dict[Lang, Translation], Field(max_length=MAX_TRANSLATIONS)] | None = (
        None
    )


class Adoption(Output):
    """Where a proposal became a survey question."""

    org_id: str
    template_id: str
    question_id: str
    indicator: str | None = None
    adopted_at: str
    adopted_by: str


class Idea(Output):
    """A proposal as the unit's workers see it (never public as a whole)."""

    id: str
    collection_code: str
    unit_id: str
    org_id: str
    text: str
    lang: str | None = None
    translations: dict[str, str] = Field(default_factory=dict)
    status: IdeaStatus
    votes: int = Field(description="Votes so far; shown to the unit's workers only")
    created_at: str
    moderated_at: str | None = None
    moderated_by: str | None = None
    adopted: list[Adoption] = Field(default_factory=list)


class PublicIdea(Output):
    """An approved proposal as the page shows it: no votes, no dates."""

    id: str
    text: str


class AdoptedStatement(Output):
    """A statement young people proposed that an organisation asks in its survey."""

    idea_id: str
    text: dict[str, str]
    unit_id: str
    template_id: str
    question_id: str
    indicator: str | None = None
    votes: int
    adopted_at: str
