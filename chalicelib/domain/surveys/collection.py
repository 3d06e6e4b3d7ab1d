"""QR points (collections): their codes, when they open and close, a check-in's keyed
visitor, and the API models of collections and submissions. Pure."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.ideas import MAX_PROMPT, PublicIdea
from chalicelib.domain.instants import checked_instant
from chalicelib.domain.models import Output, StrictInput
from chalicelib.domain.surveys.templates import CollectionKind, CollectionStatus, QuestionType

# No 0/o, 1/l/i: a code read aloud or typed from a poster survives.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 10  # 31^10 ≈ 8·10^14: not guessable under the rate limits


def new_collection_code() -> str:
    """A short, unguessable collection code from an unambiguous alphabet."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def is_collection_code(value: str) -> bool:
    """Whether ``value`` could be a code this module gave out (before any lookup)."""
    return len(value) == CODE_LENGTH and all(char in CODE_ALPHABET for char in value)


# ------------------------------------------------------------------ collections
# A QR point without a closing time still closes: a forgotten poster is no open door for
# scripts forever. A survey runs about a month (the KEKS window is three weeks); a
# check-in poster hangs on the wall for the year. Any other kind: a month.
DEFAULT_OPEN_FOR: dict[str, dt.timedelta] = {
    "survey": dt.timedelta(days=28),
    "checkin": dt.timedelta(days=365),
}


def default_closes_at(
    kind: str, opens_at: dt.datetime | None, created_at: dt.datetime
) -> dt.datetime:
    """When a collection closes if nobody said: its default running time after it opens."""
    try:
        return (opens_at or created_at) + DEFAULT_OPEN_FOR.get(kind, dt.timedelta(days=28))
    except OverflowError:
        raise InvalidInput.field("opens_at", "is too far in the future") from None


def collection_status(
    now: dt.datetime,
    opens_at: dt.datetime | None,
    closes_at: dt.datetime | None,
    closed_at: dt.datetime | None,
) -> CollectionStatus:
    """Whether a collection takes answers now."""
    if closed_at is not None or (closes_at is not None and now >= closes_at):
        return "closed"
    if opens_at is not None and now < opens_at:
        return "scheduled"
    return "open"


def keyed_visitor(org_key: bytes, phone_hash: str) -> str:
    """What the server stores of a visitor: the phone's salted hash keyed again (HMAC-SHA256)
    with the organisation's secret check-in key.

    The salt is public, so ``sha256(salt + nickname)`` alone can be recomputed for any
    guessed nickname; without the key, which never leaves the server, it cannot be
    matched against stored markers (and through them against public counts).
    """
    return hmac.new(org_key, phone_hash.encode("ascii"), hashlib.sha256).hexdigest()


# ------------------------------------------------------------------ API models
CollectionCode = Annotated[str, StringConstraints(min_length=1, max_length=32)]
AnswerKey = Annotated[str, StringConstraints(min_length=1, max_length=64)]
LangTag = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]


class CollectionIn(StrictInput):
    """A new QR point: a survey (``template_id`` required), a check-in or an ideas point."""

    kind: CollectionKind = "survey"
    prompt: (
        Annotated[
            str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_PROMPT)
        ]
        | None
    ) = Field(default=None, description="Ideas points only: the question put to young people")
    template_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = None
    activity_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = None
    opens_at: dt.datetime | None = Field(default=None, description="ISO 8601 with a time zone")
    closes_at: dt.datetime | None = Field(default=None, description="ISO 8601 with a time zone")

    @field_validator("opens_at", "closes_at")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        return None if value is None else checked_instant(value)


class Collection(Output):
    """A QR point as its unit's members see it."""

    code: str
    kind: CollectionKind
    unit_id: str
    org_id: str
    template_id: str | None = None
    activity_id: str | None = None
    prompt: str | None = None
    opens_at: str | None = None
    closes_at: str | None = None
    closed_at: str | None = None
    status: CollectionStatus
    url: str = Field(description="The survey page's address (what the QR code holds)")
    qr_svg_url: str
    poster_url: str = Field(description="A printable A4 poster with the QR code")
    received: int = Field(description="Responses, check-ins or proposals stored so far")
    campaign_id: str | None = Field(default=None, description="The campaign it belongs to, if any")
    created_by: str
    created_at: str


class PublicOption(Output):
    value: int | str
    text: str


class PublicQuestion(Output):
    id: str
    type: QuestionType
    indicator: str | None = None
    text: str
    options: list[PublicOption] | None = None
    max_length: int | None = None


class PublicCollection(Output):
    """What the survey page needs, in one language; no ids of people, nothing private."""

    code: str
    kind: CollectionKind
    title: str
    unit_name: str
    lang: str
    languages: list[str]
    questions: list[PublicQuestion]
    salt: str | None = Field(
        default=None, description="Check-in only: hash sha256(salt + nickname) in the browser"
    )
    closes_at: str | None = None
    prompt: str | None = Field(default=None, description="Ideas points: the question asked")
    ideas: list[PublicIdea] | None = Field(
        default=None, description="Ideas points: the approved proposals, to vote on"
    )
    max_length: int | None = Field(default=None, description="Ideas points: longest proposal")


class ResponseIn(StrictInput):
    """One young person's answers; ``submission_id`` makes retries safe."""

    submission_id: uuid.UUID
    collection_code: CollectionCode
    lang: LangTag
    answers: Annotated[dict[AnswerKey, Any], Field(max_length=200)]


class CheckinIn(StrictInput):
    """One visit; ``visitor`` is sha256(salt + nickname) as lowercase hex, never the nickname."""

    submission_id: uuid.UUID
    collection_code: CollectionCode
    visitor: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    lang: LangTag | None = None
    age_band: Literal["under_13", "13_15", "16_18", "19_24", "25_29", "over_29"] | None = None
    gender: Literal["girls", "boys", "nonbinary", "undisclosed"] | None = None


class SubmissionAck(Output):
    """The answer to a response or check-in: ``stored`` the first time, ``duplicate`` after."""

    submission_id: str
    status: Literal["stored", "duplicate"]
