"""The demo's evaluation year, as pure functions of a seed: who answered what, and when.

The Slovenian network runs its annual youth survey in a fixed window (weeks 41–43, as
KEKS does) through one campaign per municipality: about 929 answers across its 27
centres (MaMa's figure), most centres above the minimum of 15, and the network above
the others in safety, fair treatment and participation (``influence``). The Nordic
municipalities run the same survey in the same window with fewer answers. Some
October activities get a feedback QR point; a few centres have check-in posters
with regulars who come back; a few organisations set targets and write the year's
analysis. ``devstack/seed/evaluation.py`` loads all of it through the services.

Every survey answer of a centre falls in one month (the window lies in October), so
the publication layer's steps of 15 answers release a centre's figures for that month.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import uuid
from dataclasses import dataclass
from typing import Any

from devstack.seed.catalogue import OrgSpec

# MaMa's annual evaluation collected 929 questionnaires across the network's centres.
SLOVENIAN_ANSWERS = 929
NORDIC_ANSWERS_PER_CENTRE = 22.0
CAMPAIGN_TITLE = {
    "sl": "Letna anketa mladih {year}",
    "fi": "Nuorten vuosikysely {year}",
    "sv": "Ungdomsenkäten {year}",
}
# Mean answer (1–5) per indicator: the Slovenian network stands out in safety, fair
# treatment and participation; elsewhere the two are alike.
MEANS = {
    "SI": {
        "safety": 4.35, "fairness": 4.25, "influence": 4.0, "belonging": 4.0,
        "identity": 3.8, "self_expression": 3.9, "future": 3.9, "responsibility": 3.8,
    },
    "nordic": {
        "safety": 3.95, "fairness": 3.8, "influence": 3.45, "belonging": 3.95,
        "identity": 3.8, "self_expression": 3.85, "future": 3.85, "responsibility": 3.75,
    },
}  # fmt: skip
GENDERS = {"girls": 0.46, "boys": 0.47, "nonbinary": 0.03, "undisclosed": 0.04}
AGE_BANDS = {"under_13": 0.1, "13_15": 0.42, "16_18": 0.34, "19_24": 0.12, "25_29": 0.02}
# Share of answers that leave one or more statements out (every question may be skipped).
INCOMPLETE = 0.07
# Centres with feedback after some October activities, and check-in posters, per org.
FEEDBACK_ORGS = ("ljubljana", "maribor", "tampere")
CHECKIN_ORGS = {"ljubljana": 2, "tampere": 1}
CHECKIN_WEEKS = 4
REGULARS = 12  # nicknames per centre that come back, some often, some rarely


@dataclass(frozen=True)
class PlannedAnswer:
    """One survey answer as a phone sends it, and when."""

    submission_id: str
    at: dt.datetime
    sender: str
    lang: str
    answers: dict[str, Any]


@dataclass(frozen=True)
class PlannedCheckin:
    """One check-in: the phone's hash of a nickname, its visit time, who it says it is."""

    submission_id: str
    at: dt.datetime
    sender: str
    nickname: str
    gender: str
    age_band: str


def _rng(seed: int, *parts: object) -> random.Random:
    key = ":".join(str(part) for part in (seed, *parts))
    return random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:16], 16))


def _uuid(seed: int, *parts: object) -> str:
    """A deterministic submission id: a re-run of the seed sends the very same answers."""
    key = ":".join(str(part) for part in (seed, *parts))
    return str(uuid.UUID(hashlib.sha256(key.encode()).hexdigest()[:32], version=4))


def _pick(weights: dict[str, float], rng: random.Random) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def campaign_window(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    """Weeks 41–43 of the latest year whose window lies within ``start``…``end``, or None.

    The window opens on Monday of week 41 at 06:00 UTC and closes on Sunday of week 43
    at 22:00 UTC: always inside October, so each centre's answers fall in one month.
    """
    for year in (end.year, end.year - 1):
        opens = dt.datetime.combine(dt.date.fromisocalendar(year, 41, 1), dt.time(6), dt.UTC)
        closes = dt.datetime.combine(dt.date.fromisocalendar(year, 43, 7), dt.time(22), dt.UTC)
        if start <= opens.date() and closes.date() < end:
            return opens, closes
    return None


def answer_counts(seed: int, orgs: tuple[OrgSpec, ...]) -> dict[tuple[str, int], int]:
    """How many answer each centre's survey: (org slug, centre index) → count.

    Slovenian centres share exactly ``SLOVENIAN_ANSWERS`` by size, with some noise;
    the smallest may stay under the minimum, as in any real year.
    """
    counts: dict[tuple[str, int], int] = {}
    slovenian = [(org, i) for org in orgs if org.country == "SI" for i in range(len(org.centres))]
    if slovenian:
        sizes = {
            (org.slug, i): org.centres[i].size * _rng(seed, "n", org.slug, i).uniform(0.75, 1.25)
            for org, i in slovenian
        }
        total = sum(sizes.values())
        shares = {key: SLOVENIAN_ANSWERS * size / total for key, size in sizes.items()}
        counts.update({key: math.floor(share) for key, share in shares.items()})
        # Largest remainders first, so the total is exactly the network's figure.
        left = SLOVENIAN_ANSWERS - sum(counts.values())
        for key in sorted(shares, key=lambda k: shares[k] - counts[k], reverse=True)[:left]:
            counts[key] += 1
    for org in orgs:
        if org.country == "SI":
            continue
        for i, centre in enumerate(org.centres):
            mean = NORDIC_ANSWERS_PER_CENTRE * centre.size
            counts[(org.slug, i)] = max(5, round(_rng(seed, "n", org.slug, i).gauss(mean, 4)))
    return counts


def _scale_answers(
    means: dict[str, float], rng: random.Random, statements: list[tuple[str, str]]
) -> dict[str, int]:
    # Each respondent has a general mood and a view of each indicator; statements of
    # one indicator agree with each other more than with the rest.
    mood = rng.gauss(0, 0.45)
    answers: dict[str, int] = {}
    views = {indicator: rng.gauss(means[indicator] + mood, 0.35) for indicator in means}
    for question_id, indicator in statements:
        value = round(rng.gauss(views[indicator], 0.55))
        answers[question_id] = min(5, max(1, value))
    return answers


def centre_answers(
    seed: int,
    org: OrgSpec,
    centre_index: int,
    count: int,
    opens: dt.datetime,
    closes: dt.datetime,
    statements: list[tuple[str, str]],
) -> list[PlannedAnswer]:
    """A centre's answers to the annual survey within the window (``statements``: the
    template's (question id, indicator) pairs)."""
    rng = _rng(seed, "annual", org.slug, centre_index)
    means = MEANS["SI" if org.country == "SI" else "nordic"]
    # A centre's own level: some are better places than others.
    own = {name: mean + rng.gauss(0, 0.12) for name, mean in means.items()}
    days = (closes.date() - opens.date()).days
    planned = []
    for number in range(count):
        day = opens.date() + dt.timedelta(days=rng.randrange(0, days))
        at = dt.datetime.combine(day, dt.time(rng.randrange(13, 20), rng.randrange(60)), dt.UTC)
        answers: dict[str, Any] = _scale_answers(own, rng, statements)
        if rng.random() < INCOMPLETE:
            for question_id in rng.sample(sorted(answers), k=rng.randint(1, 4)):
                del answers[question_id]
        if rng.random() < 0.97:
            answers["gender"] = _pick(GENDERS, rng)
        if rng.random() < 0.95:
            answers["age_band"] = _pick(AGE_BANDS, rng)
        planned.append(
            PlannedAnswer(
                submission_id=_uuid(seed, "annual", org.slug, centre_index, number),
                at=min(at, closes - dt.timedelta(minutes=1)),
                # A class answering on the school's or the centre's Wi-Fi: one network a day.
                sender=f"198.51.100.{1 + (centre_index * 31 + day.toordinal()) % 254}",
                lang=org.language,
                answers=answers,
            )
        )
    return sorted(planned, key=lambda answer: answer.at)


def feedback_answers(
    seed: int, org: OrgSpec, activity: dict[str, Any], statements: list[str]
) -> list[PlannedAnswer]:
    """Answers to the feedback survey after one activity, within two hours of its end."""
    rng = _rng(seed, "feedback", activity["id"])
    start = dt.datetime.fromisoformat(f"{activity['date']}T{activity['start_time']}+00:00")
    ended = start + dt.timedelta(minutes=activity["duration_minutes"])
    participants = sum(activity["participants"].values())
    count = min(participants, rng.randint(4, 12))
    means = MEANS["SI" if org.country == "SI" else "nordic"]
    planned = []
    for number in range(count):
        values = {
            question_id: min(5, max(1, round(rng.gauss(means.get(question_id, 4.2) + 0.15, 0.7))))
            for question_id in statements
        }
        planned.append(
            PlannedAnswer(
                submission_id=_uuid(seed, "feedback", activity["id"], number),
                at=ended + dt.timedelta(minutes=rng.randrange(1, 120)),
                sender=f"203.0.113.{1 + rng.randrange(254)}",
                lang=org.language,
                answers=values,
            )
        )
    return planned


def feedback_activities(
    activities: list[dict[str, Any]], opens: dt.datetime, closes: dt.datetime, per_unit: int = 2
) -> list[dict[str, Any]]:
    """Some of a unit's group sessions and events within the window (deterministic)."""
    chosen: dict[str, list[dict[str, Any]]] = {}
    for activity in sorted(activities, key=lambda a: (a["unit_id"], a["date"], a["id"])):
        day = dt.date.fromisoformat(activity["date"])
        # Not the window's last days: the answers that follow stay in the window's month.
        last = closes.date() - dt.timedelta(days=1)
        if not opens.date() <= day < last or activity["kind"] not in ("group", "event"):
            continue
        if sum(activity["participants"].values()) < 4:
            continue
        picked = chosen.setdefault(activity["unit_id"], [])
        if len(picked) < per_unit:
            picked.append(activity)
    return [activity for picked in chosen.values() for activity in picked]


def centre_checkins(
    seed: int, org: OrgSpec, centre_index: int, first: dt.date, last: dt.date
) -> list[PlannedCheckin]:
    """Check-ins on a centre's open afternoons: regulars come back, a few come once."""
    rng = _rng(seed, "checkin", org.slug, centre_index)
    regulars = [
        (f"{org.slug}-{centre_index}-{n}", _pick(GENDERS, rng), _pick(AGE_BANDS, rng))
        for n in range(REGULARS)
    ]
    # Some come nearly every time, most now and then.
    loyalty = [rng.choice((0.7, 0.45, 0.25, 0.12, 0.12, 0.06)) for _ in regulars]
    planned: list[PlannedCheckin] = []
    day = first
    while day <= last:
        if day.weekday() in (0, 2, 4):  # the check-in poster hangs in the open afternoons
            at = dt.datetime.combine(day, dt.time(15), dt.UTC)
            visitors = [r for r, p in zip(regulars, loyalty, strict=True) if rng.random() < p]
            if rng.random() < 0.3:  # someone new, once
                visitors.append((f"{org.slug}-{centre_index}-{day}", "undisclosed", "13_15"))
            for n, (nickname, gender, age_band) in enumerate(visitors):
                planned.append(
                    PlannedCheckin(
                        submission_id=_uuid(seed, "checkin", org.slug, centre_index, day, n),
                        at=at + dt.timedelta(minutes=rng.randrange(0, 240)),
                        sender=f"192.0.2.{1 + centre_index}",
                        nickname=nickname,
                        gender=gender,
                        age_band=age_band,
                    )
                )
        day += dt.timedelta(days=1)
    return planned


def targets_and_analyses(org: OrgSpec, year: int) -> list[tuple[int, str, dict[str, Any]]]:
    """What a few organisations' teams wrote down: (year, kind, body without scope).

    kind is ``targets`` or ``analysis``; the scope is the organisation's own.
    """
    texts = {
        "ljubljana": (
            "Leto {year} je bilo za ljubljanske mladinske centre dobro leto. V anketi so mladi "
            "najvišje ocenili varnost in enako obravnavo, kar potrjuje naš poudarek na odprtem "
            "in varnem prostoru. Vpliv mladih na program se je izboljšal, ker so mladi sami "
            "vodili več dejavnosti. Za prihodnje leto želimo povečati delež dejavnosti, ki jih "
            "vodijo mladi, in doseči več deklet v popoldanskem programu."
        ),
        "maribor": (
            "V letu {year} smo v Mariboru odprli prenovljeni prostor v Lentu. Mladi so v anketi "
            "izrazili visoko stopnjo varnosti; pri občutku pripadnosti vidimo prostor za "
            "izboljšave v manjših točkah. Cilj za prihodnje leto: več skupin, ki jih vodijo mladi."
        ),
        "tampere": (
            "Vuonna {year} nuorten kokema turvallisuus pysyi hyvällä tasolla. Osallisuudessa "
            "jäimme verkoston keskiarvon alle: ensi vuonna nuoret suunnittelevat itse "
            "puolet avoimen toiminnan illoista."
        ),
    }
    if org.slug not in texts:
        return []
    return [
        (year, "targets", {"targets": {
            "indicator:safety": 4.2, "indicator:fairness": 4.1, "indicator:influence": 3.8,
            "youth_led_share": 0.12, "visits_per_1000": 150.0,
        }}),
        (year + 1, "targets", {"targets": {
            "indicator:safety": 4.3, "indicator:influence": 4.0, "youth_led_share": 0.15,
        }}),
        (year, "analysis", {"text": texts[org.slug].format(year=year), "public": True}),
    ]  # fmt: skip
