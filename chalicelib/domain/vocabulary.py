"""The shared words of Logbook: kinds, categories, genders, age bands, indicators.

One definition, used by activities, surveys, statistics and exports alike.
"""

from __future__ import annotations

from typing import Literal, get_args

Kind = Literal["open", "group", "event", "outreach", "digital"]
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
# The default indicator framework (DESIGN.md): the social needs Swedish municipal
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
