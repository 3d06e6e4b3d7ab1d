"""The shared words of Logbook: kinds, categories, genders, age bands, indicators.

One definition, used by activities, surveys, statistics and exports alike. Each
organisation may add its own categories on top of the core ones (and rename core ones
for its users); every own category maps onto one core category, so public statistics
and benchmarks count like with like (docs/vocabulary.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, StringConstraints, field_validator

from chalicelib.domain.errors import FieldProblem
from chalicelib.domain.models import Output, StrictInput

Kind = Literal["open", "group", "event", "outreach", "digital", "individual"]
Category = Literal[
    "learning_support",
    "socialising",
    "culture",
    "counselling",
    "information",
    "sport",
    "volunteering",
    "mobility",
    "other",
]
Gender = Literal["girls", "boys", "nonbinary", "undisclosed"]
AgeBand = Literal["under_13", "13_15", "16_18", "19_24", "25_29", "over_29"]
# The default indicator framework (docs/architecture.md, "Rules the code relies on"): the social needs Swedish municipal
# youth work builds its goals on, as the Slovenian annual evaluation reports them.
Indicator = Literal[
    "safety",
    "belonging",
    "identity",
    "self_expression",
    "future",
    "influence",
    "responsibility",
    "fairness",
]

KINDS: tuple[Kind, ...] = get_args(Kind)
CATEGORIES: tuple[Category, ...] = get_args(Category)
GENDERS: tuple[Gender, ...] = get_args(Gender)
AGE_BANDS: tuple[AgeBand, ...] = get_args(AgeBand)
INDICATORS: tuple[Indicator, ...] = get_args(Indicator)

# The languages the app and the statistics speak; an own category is labelled in any
# of them (at least one), and the app falls back to English, then to any label.
LANGUAGES: tuple[str, ...] = ("en", "sl", "fi", "sv")

# The same labels as the pages' (static_site/shared/i18n/common.*.json; a unit test
# keeps them equal): the API's vocabulary and the pages never name a word differently.
KIND_LABELS: dict[str, dict[str, str]] = {
    "open": {
        "en": "Open youth work",
        "sl": "Odprto mladinsko delo",
        "fi": "Avoin nuorisotyö",
        "sv": "Öppen verksamhet",
    },
    "group": {"en": "Group", "sl": "Skupina", "fi": "Ryhmä", "sv": "Grupp"},
    "event": {"en": "Event", "sl": "Dogodek", "fi": "Tapahtuma", "sv": "Evenemang"},
    "outreach": {
        "en": "Outreach",
        "sl": "Terensko delo",
        "fi": "Jalkautuva nuorisotyö",
        "sv": "Uppsökande",
    },
    "digital": {"en": "Digital", "sl": "Digitalno", "fi": "Digitaalinen", "sv": "Digital"},
    "individual": {
        "en": "Individual youth work",
        "sl": "Individualno delo",
        "fi": "Yksilöohjaus",
        "sv": "Individuellt stöd",
    },
}
CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "learning_support": {
        "en": "Learning support",
        "sl": "Učna pomoč",
        "fi": "Oppimisen tuki",
        "sv": "Läxhjälp och lärande",
    },
    "socialising": {"en": "Socialising", "sl": "Druženje", "fi": "Yhdessäolo", "sv": "Umgänge"},
    "culture": {"en": "Culture", "sl": "Kultura", "fi": "Kulttuuri", "sv": "Kultur"},
    "counselling": {
        "en": "Counselling",
        "sl": "Svetovanje",
        "fi": "Ohjaus ja neuvonta",
        "sv": "Stödsamtal",
    },
    "information": {
        "en": "Information",
        "sl": "Informiranje",
        "fi": "Tieto- ja neuvontatyö",
        "sv": "Information",
    },
    "sport": {"en": "Sport", "sl": "Šport", "fi": "Liikunta", "sv": "Idrott"},
    "volunteering": {
        "en": "Volunteering",
        "sl": "Prostovoljstvo",
        "fi": "Vapaaehtoistoiminta",
        "sv": "Volontärarbete",
    },
    "mobility": {"en": "Mobility", "sl": "Mobilnost", "fi": "Liikkuvuus", "sv": "Mobilitet"},
    "other": {"en": "Other", "sl": "Drugo", "fi": "Muu", "sv": "Övrigt"},
}

MAX_OWN_CATEGORIES = 100
CategoryId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9_]{1,40}$"),
    Field(description="lower-case letters, digits and _ (1–40)"),
]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class OwnCategoryIn(StrictInput):
    """One of an organisation's own categories, mapped onto a core category.

    An ``id`` equal to a core category renames that category for the organisation's
    users; it must then map onto itself.
    """

    id: CategoryId
    labels: Annotated[dict[LanguageCode, Label], Field(min_length=1, max_length=10)] = Field(
        description='language code → label, e.g. {"en": ..., "sl": ...}'
    )
    maps_to: Category = Field(description="The core category public statistics count it under")


class VocabularyIn(StrictInput):
    """``PUT /orgs/{org_id}/vocabulary``: the whole list of own categories."""

    categories: Annotated[list[OwnCategoryIn], Field(max_length=MAX_OWN_CATEGORIES)]

    @field_validator("categories")
    @classmethod
    def _unique_and_coherent(cls, value: list[OwnCategoryIn]) -> list[OwnCategoryIn]:
        seen: set[str] = set()
        for category in value:
            if category.id in seen:
                raise ValueError(f"category {category.id} appears twice")
            seen.add(category.id)
            if category.id in CATEGORIES and category.maps_to != category.id:
                raise ValueError(
                    f"{category.id} is a core category: it can be renamed, "
                    f"but it maps onto itself, not {category.maps_to}"
                )
        return value


class VocabularyEntry(Output):
    """A kind or category as the app shows it."""

    id: str
    labels: dict[str, str]
    maps_to: str | None = Field(
        default=None, description="For categories: the core category it counts under"
    )
    core: bool = Field(description="Part of Logbook's core vocabulary")
    renamed: bool = Field(default=False, description="A core category the organisation renamed")


class Vocabulary(Output):
    """``GET /orgs/{org_id}/vocabulary``: the core words and the organisation's own."""

    org_id: str
    languages: list[str]
    kinds: list[VocabularyEntry]
    categories: list[VocabularyEntry]
    updated_at: str | None = None


def own_categories(stored: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """An organisation's stored vocabulary item → own categories by id."""
    if not stored:
        return {}
    result: dict[str, dict[str, Any]] = {}
    for entry in stored.get("categories") or []:
        result[str(entry["id"])] = dict(entry)
    return result


def vocabulary_view(
    org_id: str, own: Mapping[str, Mapping[str, Any]], updated_at: str | None
) -> Vocabulary:
    """Core kinds and categories (core ones relabelled where the organisation did) + own."""
    kinds = [VocabularyEntry(id=kind, labels=dict(KIND_LABELS[kind]), core=True) for kind in KINDS]
    categories = []
    for category in CATEGORIES:
        rename = own.get(category)
        labels = dict(CATEGORY_LABELS[category])
        if rename:
            labels.update(rename["labels"])
        categories.append(
            VocabularyEntry(
                id=category, labels=labels, maps_to=category, core=True, renamed=bool(rename)
            )
        )
    for category_id, entry in own.items():
        if category_id in CATEGORIES:
            continue
        categories.append(
            VocabularyEntry(
                id=category_id,
                labels=dict(entry["labels"]),
                maps_to=str(entry["maps_to"]),
                core=False,
            )
        )
    return Vocabulary(
        org_id=org_id,
        languages=list(LANGUAGES),
        kinds=kinds,
        categories=categories,
        updated_at=updated_at,
    )


def category_problems(
    categories: Iterable[str], own: Mapping[str, Mapping[str, Any]]
) -> list[FieldProblem]:
    """Categories an activity names that neither the core nor the organisation knows."""
    return [
        FieldProblem(
            f"categories.{index}", f"{category}: no such category in this organisation's vocabulary"
        )
        for index, category in enumerate(categories)
        if category not in CATEGORIES and category not in own
    ]


def core_categories(categories: Iterable[str], own: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The core categories an activity's categories count under, in core order, once each."""
    mapped = {
        category if category in CATEGORIES else str(own[category]["maps_to"])
        for category in categories
        if category in CATEGORIES or category in own
    }
    return [category for category in CATEGORIES if category in mapped]


def category_label(
    category: str, own: Mapping[str, Mapping[str, Any]], language: str = "en"
) -> str:
    """The organisation's name for a category in ``language`` (English, then any, then id)."""
    labels: dict[str, str] = dict(CATEGORY_LABELS.get(category, {}))
    if category in own:
        labels.update(own[category]["labels"])
    return labels.get(language) or labels.get("en") or next(iter(labels.values()), category)
