"""Organisations, units, members, goals and reflection questions.

Input models (``*In``) are strict and forbid unknown fields: bad input is named,
never guessed at. Output models are what the API answers.
"""

from __future__ import annotations

import re
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

T = TypeVar("T")
Role = Literal["org_admin", "worker", "partner"]
ROLES: tuple[Role, ...] = ("org_admin", "worker", "partner")

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=2000)]
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
IdList = Annotated[list[Id], Field(max_length=200)]


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


def _lower_strip(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


CountryCode = Annotated[
    str,
    BeforeValidator(_upper),
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    Field(description="ISO 3166-1 alpha-2 country code, e.g. SI, FI, SE"),
]
Email = Annotated[
    str,
    BeforeValidator(_lower_strip),
    # Any character but "@", white space and control characters: ' ! # / % are real addresses.
    StringConstraints(
        max_length=254,
        pattern=r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$",
    ),
]


# Every model builds its validator on first use (defer_build), not at import: a Lambda
# cold start then pays only for the few models its request touches.
class StrictInput(BaseModel):
    """Base of request bodies: unknown fields and type coercions are refused."""

    model_config = ConfigDict(extra="forbid", defer_build=True, strict=True)


class Output(BaseModel):
    """Base of answers."""

    model_config = ConfigDict(extra="ignore", defer_build=True)


def unique_ids(values: list[str], field: str) -> list[str]:
    """Reject duplicates in an id list (the error names ``field``)."""
    if len(set(values)) != len(values):
        raise ValueError(f"{field} contains duplicates")
    return values


# ------------------------------------------------------------------ organisations
# Official municipality codes by country: SI občina (SURS, 3 digits), FI kuntanumero
# (Statistics Finland, 3 digits), SE kommunkod (SCB, 4 digits). Other countries: any
# short code of letters, digits and hyphens, until someone teaches Logbook their scheme.
MUNICIPALITY_CODE_PATTERNS: dict[str, tuple[str, str]] = {
    "SI": (r"[0-9]{3}", "a Slovenian občina code is 3 digits, e.g. 061 (Ljubljana)"),
    "FI": (r"[0-9]{3}", "a Finnish kuntanumero is 3 digits, e.g. 837 (Tampere)"),
    "SE": (r"[0-9]{4}", "a Swedish kommunkod is 4 digits, e.g. 1480 (Göteborg)"),
}
OTHER_MUNICIPALITY_CODE = (r"[A-Za-z0-9-]{1,12}", "1–12 letters, digits or hyphens")


def municipality_code_problem(country: str, code: str) -> str | None:
    """Why ``code`` is not an official municipality code of ``country`` (None if it is)."""
    pattern, problem = MUNICIPALITY_CODE_PATTERNS.get(country, OTHER_MUNICIPALITY_CODE)
    return None if re.fullmatch(pattern, code) else problem


class OrgIn(StrictInput):
    name: ShortText
    country: CountryCode
    municipality_code: str | None = Field(
        default=None,
        max_length=12,
        description="Official code: SI občina (3 digits), FI kuntanumero (3), SE kommunkod (4)",
    )
    youth_population: int | None = Field(
        default=None, ge=0, le=100_000_000, description="Young residents, for per-capita figures"
    )

    def municipality_code_problem(self) -> str | None:
        """Why the municipality code is not one of the country's (None if it is or is absent)."""
        if self.municipality_code is None:
            return None
        return municipality_code_problem(self.country, self.municipality_code)


class Org(Output):
    id: str
    name: str
    country: str
    municipality_code: str | None = None
    youth_population: int | None = None
    created_at: str
    updated_at: str


class UnitIn(StrictInput):
    name: ShortText
    description: LongText | None = None


class Unit(Output):
    id: str
    org_id: str
    name: str
    description: str | None = None
    created_at: str
    updated_at: str


class MemberIn(StrictInput):
    email: Email
    role: Role
    unit_ids: IdList = Field(default_factory=list)


class MemberUpdate(StrictInput):
    role: Role
    unit_ids: IdList = Field(default_factory=list)


class Member(Output):
    email: str
    org_id: str
    role: Role
    unit_ids: list[str]
    created_at: str
    updated_at: str


class GoalIn(StrictInput):
    title: Title
    description: LongText | None = None
    unit_ids: IdList | None = Field(
        default=None, description="Units the goal applies to; omitted means every unit"
    )
    active: bool = True


class Goal(Output):
    id: str
    org_id: str
    title: str
    description: str | None = None
    unit_ids: list[str] | None = None
    active: bool
    created_at: str
    updated_at: str


class QuestionIn(StrictInput):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    active: bool = True


class Question(Output):
    id: str
    org_id: str
    text: str
    active: bool
    created_at: str
    updated_at: str


class Membership(Output):
    org_id: str
    org_name: str | None = None
    role: Role
    unit_ids: list[str]


class Me(Output):
    email: str
    platform_admin: bool
    memberships: list[Membership]
    networks: list[str] = Field(
        default_factory=list, description="Ids of the networks I coordinate (docs/networks.md)"
    )


class PublicUnit(Output):
    id: str
    name: str


class PublicOrg(Output):
    id: str
    name: str
    country: str
    municipality_code: str | None = None
    youth_population: int | None = None
    units: list[PublicUnit]


class Items(Output, Generic[T]):
    """A list answer: ``{"items": [...]}``."""

    items: list[T]
