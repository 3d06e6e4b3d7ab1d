"""Demo activities as pure functions of a seed: the same input, the same year of youth work.

Calibrated to the Slovenian network's scale (about 8,500 activities a year across 27
centres, ~80,000 visits, ~6,500 volunteer contributions, ~12 % youth-led) with a
centre's real rhythm: open afternoons on weekdays, weekly groups in term time,
events clustering in June, July and December, outreach in summer, a two-week
summer closure in August and the holidays closed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from devstack.seed.catalogue import CentreSpec, OrgSpec

GENDER_WEIGHTS = {"girls": 0.44, "boys": 0.525, "nonbinary": 0.015, "undisclosed": 0.02}
AGE_WEIGHTS = {
    "under_13": 0.06, "13_15": 0.34, "16_18": 0.32, "19_24": 0.2, "25_29": 0.06, "over_29": 0.02,
}  # fmt: skip


@dataclass(frozen=True)
class Slot:
    """A kind of activity a centre runs, with its title per language and usual numbers."""

    kind: str
    titles: dict[str, tuple[str, ...]]
    categories: tuple[str, ...]
    participants: float  # mean for an average-size centre
    duration: tuple[int, int]  # minutes, min and max
    start: tuple[str, ...]
    volunteers: float  # mean
    youth_led: float  # probability
    girls_only: bool = False


OPEN = Slot(
    "open",
    {
        "sl": ("Odprto popoldne", "Odprti mladinski center", "Petkovo druženje"),
        "fi": ("Avoin nuorisoilta", "Avoimet ovet", "Perjantai-ilta"),
        "sv": ("Öppen verksamhet", "Öppet hus", "Fredagskväll"),
    },
    ("socialising", "information"),
    11.0, (150, 240), ("15:00", "16:00", "17:00"), 0.35, 0.07,
)  # fmt: skip
GROUPS: tuple[Slot, ...] = (
    Slot("group", {"sl": ("Učna pomoč",), "fi": ("Läksykerho",), "sv": ("Läxhjälp",)},
         ("learning_support",), 7.0, (60, 120), ("14:30", "15:00"), 0.9, 0.04),
    Slot("group", {"sl": ("Glasbena delavnica",), "fi": ("Bänditreenit",), "sv": ("Musikstudio",)},
         ("culture",), 6.0, (90, 150), ("17:00", "18:00"), 0.4, 0.3),
    Slot("group", {"sl": ("Dekliška skupina",), "fi": ("Tyttöjen ryhmä",), "sv": ("Tjejgrupp",)},
         ("socialising", "counselling"), 7.0, (90, 120), ("16:30", "17:00"), 0.3, 0.1,
         girls_only=True),
    Slot("group", {"sl": ("Nogomet v telovadnici",), "fi": ("Futsal-vuoro",), "sv": ("Fotboll i hallen",)},
         ("sport",), 12.0, (90, 120), ("18:00", "19:00"), 0.6, 0.25),
    Slot("group", {"sl": ("Kuharska delavnica",), "fi": ("Kokkikerho",), "sv": ("Matlagning",)},
         ("learning_support", "socialising"), 7.0, (90, 150), ("16:00",), 0.5, 0.15),
)  # fmt: skip
EVENT = Slot(
    "event",
    {
        "sl": ("Koncert mladih skupin", "Turnir v namiznem tenisu", "Poletni festival", "Izlet",
               "Filmski večer", "Razstava mladih ustvarjalcev"),
        "fi": ("Nuorten konsertti", "Pingisturnaus", "Kesäfestari", "Retki", "Elokuvailta",
               "Nuorten taidenäyttely"),
        "sv": ("Konsert med unga band", "Pingisturnering", "Sommarfestival", "Utflykt", "Filmkväll",
               "Utställning"),
    },
    ("culture", "socialising", "mobility"),
    26.0, (120, 300), ("11:00", "17:00", "18:00", "19:00"), 3.2, 0.3,
)  # fmt: skip
OUTREACH = Slot(
    "outreach",
    {
        "sl": ("Terensko delo v parku", "Ulično delo", "Obisk šole"),
        "fi": ("Jalkautuva työ", "Etsivä nuorisotyö kauppakeskuksessa", "Koulukäynti"),
        "sv": ("Fältarbete i centrum", "Uppsökande verksamhet", "Skolbesök"),
    },
    ("information", "counselling"),
    9.0, (90, 180), ("14:00", "16:00", "19:00"), 0.2, 0.02,
)  # fmt: skip
DIGITAL = Slot(
    "digital",
    {
        "sl": ("Spletni klepet z mladinskim delavcem", "Večer e-športa"),
        "fi": ("Digitaalinen nuorisotyö: chat", "Pelailta Discordissa"),
        "sv": ("Chatt med fritidsledare", "Gamingkväll online"),
    },
    ("counselling", "socialising"),
    6.0, (60, 120), ("19:00", "20:00"), 0.2, 0.25,
)  # fmt: skip

NOTES = {
    "sl": ("Mirno popoldne, veliko novih obrazov.", "Dobro vzdušje, nekaj sporov pri igri.",
           "Mladi so sami predlagali program za prihodnji teden.", "Manj obiska zaradi izpitov."),
    "fi": ("Rauhallinen ilta, paljon uusia kasvoja.", "Hyvä tunnelma, pientä kinaa pelivuoroista.",
           "Nuoret suunnittelivat itse ensi viikon ohjelman.", "Vähemmän kävijöitä koeviikon takia."),
    "sv": ("Lugn kväll, många nya ansikten.", "Bra stämning, lite bråk om spelturer.",
           "Ungdomarna planerade själva nästa veckas program.", "Färre besökare på grund av prov."),
}  # fmt: skip
REFLECTIONS = (
    "The young people led the planning and it showed in the turnout.",
    "We should invite the girls' group earlier; few girls came.",
    "Two newcomers stayed the whole evening; follow up next week.",
)

# Closed days (same every year for the demo): New Year, Christmas, national days.
CLOSED_DAYS = {(1, 1), (1, 2), (2, 8), (4, 27), (5, 1), (5, 2), (6, 25), (11, 1), (12, 24),
               (12, 25), (12, 26), (12, 31)}  # fmt: skip
# Daily chance of an open afternoon by weekday (Mon..Sun), for an average centre.
OPEN_BY_WEEKDAY = (0.62, 0.66, 0.66, 0.66, 0.7, 0.12, 0.02)
# Scales the whole rhythm to the network's ~315 activities a year per centre.
VOLUME = 1.1
# Calibration of visits per activity (~9.4) and volunteers per activity (~0.76).
PARTICIPATION = 0.92
VOLUNTEERING = 1.5


def activity_id(seed: int, org_slug: str, centre_index: int, number: int) -> str:
    """A deterministic id in the service's format (16 hex digits): re-seeding overwrites."""
    digest = hashlib.sha256(f"{seed}:{org_slug}:{centre_index}:{number}".encode()).hexdigest()
    return digest[:16]


def _rng(seed: int, *parts: object) -> random.Random:
    key = ":".join(str(part) for part in (seed, *parts))
    return random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:16], 16))


def _season(day: dt.date) -> float:
    """How busy a regular day is: quieter in summer, busier in the dark months."""
    return {1: 1.05, 2: 1.05, 3: 1.05, 4: 1.0, 5: 0.95, 6: 0.85, 7: 0.7, 8: 0.55, 9: 1.0,
            10: 1.05, 11: 1.1, 12: 1.0}[day.month]  # fmt: skip


def _term_time(day: dt.date) -> bool:
    return not (day.month in (7, 8) or (day.month == 6 and day.day > 24))


def _split(total: int, weights: dict[str, float], rng: random.Random) -> dict[str, int]:
    names = list(weights)
    counts = dict.fromkeys(names, 0)
    for name in rng.choices(names, weights=[weights[n] for n in names], k=total):
        counts[name] += 1
    return counts


def _poisson(mean: float, rng: random.Random) -> int:
    # Knuth's method is fine for the small means used here.
    limit, k, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _activity(
    slot: Slot,
    day: dt.date,
    org: OrgSpec,
    centre: CentreSpec,
    goal_ids: list[str],
    question_ids: list[str],
    rng: random.Random,
) -> dict[str, Any]:
    """One activity as a client would send it (JSON-ready)."""
    summer_event = slot.kind == "event" and day.month in (6, 7)
    mean = PARTICIPATION * slot.participants * centre.size * (1.4 if summer_event else 1.0)
    total = max(1, round(rng.gammavariate(4.0, mean / 4.0)))
    if slot.girls_only:
        participants = {"girls": total, "boys": 0, "nonbinary": 0, "undisclosed": 0}
    else:
        participants = _split(total, GENDER_WEIGHTS, rng)
    youth_led = rng.random() < slot.youth_led
    chosen_goals = rng.sample(goal_ids, k=min(len(goal_ids), rng.choice((0, 1, 1, 2))))
    low, high = slot.duration
    payload: dict[str, Any] = {
        "date": day.isoformat(),
        "start_time": rng.choice(slot.start),
        "duration_minutes": rng.randrange(low, high + 1, 15),
        "kind": slot.kind,
        "categories": sorted(rng.sample(slot.categories, k=rng.randint(1, len(slot.categories)))),
        "title": rng.choice(slot.titles[org.language]),
        "participants": participants,
        "age_bands": _split(total, AGE_WEIGHTS, rng),
        "new_participants": sum(rng.random() < 0.08 for _ in range(total)),
        "youth_led": youth_led,
        "youth_leaders": min(total, rng.randint(1, 3)) if youth_led else 0,
        "volunteers": _poisson(slot.volunteers * VOLUNTEERING, rng),
        "staff": rng.choice((1, 2, 2, 2, 3)),
        "goal_ids": chosen_goals,
        "goal_ratings": {goal: rng.choice((3, 4, 4, 4, 5, 5)) for goal in chosen_goals},
        "notes": rng.choice(NOTES[org.language]) if rng.random() < 0.6 else "",
        "reflection": {},
    }
    if question_ids and rng.random() < 0.3:
        payload["reflection"] = {rng.choice(question_ids): rng.choice(REFLECTIONS)}
    return payload


def _slots_of_day(
    day: dt.date, centre: CentreSpec, groups: list[tuple[int, Slot]], closure_week: int,
    rng: random.Random,
) -> Iterator[Slot]:  # fmt: skip
    if (day.month, day.day) in CLOSED_DAYS:
        return
    if day.month == 8 and day.isocalendar().week in (closure_week, closure_week + 1):
        return  # summer closure
    busy = _season(day) * centre.size * VOLUME
    weekday = day.weekday()
    if rng.random() < OPEN_BY_WEEKDAY[weekday] * busy:
        yield OPEN
    for group_weekday, slot in groups:
        if weekday == group_weekday and rng.random() < (0.88 if _term_time(day) else 0.25):
            yield slot
    event_chance = 0.05 if weekday >= 4 else 0.02
    if day.month in (6, 7) or day.month == 12:
        event_chance *= 2.5
    if day.month == 8:
        event_chance *= 0.5
    if rng.random() < event_chance * centre.size:
        yield EVENT
    outreach_chance = 0.1 * (2.0 if day.month in (6, 7, 8) else 1.0)
    if weekday < 5 and rng.random() < outreach_chance:
        yield OUTREACH
    if rng.random() < 0.03:
        yield DIGITAL


def centre_activities(
    seed: int,
    org: OrgSpec,
    centre_index: int,
    start: dt.date,
    end: dt.date,
    goal_ids: list[str],
    question_ids: list[str],
) -> list[dict[str, Any]]:
    """Every activity of one centre between ``start`` and ``end`` (inclusive), in date order.

    ``goal_ids`` are the goals that apply to the centre, ``question_ids`` its
    organisation's reflection questions. Each item is an ``ActivityIn`` payload plus
    ``id`` (deterministic) for the loader.
    """
    centre = org.centres[centre_index]
    rng = _rng(seed, org.slug, centre_index)
    # Each centre runs two or three weekly groups on fixed weekdays.
    group_slots = rng.sample(GROUPS, k=rng.choice((2, 3)))
    groups = [(rng.randrange(0, 5), slot) for slot in group_slots]
    closure_week = rng.choice((31, 32, 33))
    activities: list[dict[str, Any]] = []
    day = start
    while day <= end:
        for slot in _slots_of_day(day, centre, groups, closure_week, rng):
            payload = _activity(slot, day, org, centre, goal_ids, question_ids, rng)
            payload["id"] = activity_id(seed, org.slug, centre_index, len(activities))
            activities.append(payload)
        day += dt.timedelta(days=1)
    return activities


def seed_window(today: dt.date, mode: str) -> tuple[dt.date, dt.date]:
    """The dates to fill: 13 months up to yesterday (full), or the last two months (small)."""
    end = today - dt.timedelta(days=1)
    if mode == "small":
        return end - dt.timedelta(days=60), end
    first = dt.date(end.year - 1, end.month, 1)
    return first, end
