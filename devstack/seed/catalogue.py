"""Who the demo data is about: municipalities, their youth centres, goals, questions.

The nine Slovenian municipalities that run the logbook model, with 27 youth centres
between them, and a few Finnish and Swedish ones. Centre names follow each country's
conventions (``Mladinski center``/``mladinska točka``, ``nuorisotalo``, ``fritidsgård``);
populations of young people are rounded, demo-grade figures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CentreSpec:
    """A youth centre (a unit) and how busy it is compared with an average one."""

    name: str
    description: str
    size: float = 1.0


@dataclass(frozen=True)
class OrgSpec:
    """A municipality (an organisation) with its centres."""

    slug: str  # for e-mail addresses: worker@{slug}.logbook.local
    name: str
    country: str
    language: str  # sl, fi or sv: the language its workers write titles in
    youth_population: int
    centres: tuple[CentreSpec, ...]
    # The official code: SURS občina (SI), Statistics Finland kuntanumero (FI), SCB
    # kommunkod (SE), so analysts can join with SiStat, Sotkanet or Kolada.
    municipality_code: str | None = None

    def email(self, local_part: str) -> str:
        """A demo account of this organisation."""
        return f"{local_part}@{self.slug}.logbook.local"


def _c(name: str, description: str, size: float = 1.0) -> CentreSpec:
    return CentreSpec(name, description, size)


SLOVENIA: tuple[OrgSpec, ...] = (
    OrgSpec(
        "ljubljana",
        "Mestna občina Ljubljana",
        "SI",
        "sl",
        46_000,
        (
            _c(
                "Četrtni mladinski center Šiška",
                "District youth centre, open afternoons and a music room",
                1.4,
            ),
            _c(
                "Četrtni mladinski center Bežigrad",
                "District youth centre near the secondary schools",
                1.3,
            ),
            _c("Mladinski center Trnovo", "Youth centre with a workshop and study corner", 1.0),
            _c("Mladinski center Zalog", "Youth centre in the eastern suburbs", 0.9),
            _c("Mladinski center Šentvid", "Youth centre with an outdoor court", 0.8),
            _c("Četrtni mladinski center Črnuče", "District youth centre north of the Sava", 0.8),
            _c("Mladinska točka Fužine", "Youth point in the Fužine housing estate", 0.9),
        ),
        municipality_code="061",
    ),
    OrgSpec(
        "novo-mesto",
        "Mestna občina Novo mesto",
        "SI",
        "sl",
        6_200,
        (
            _c("Mladinski center Novo mesto", "Central youth centre by the Krka", 1.3),
            _c("Mladinska točka Bršljin", "Youth point in Bršljin", 0.8),
            _c("Mladinska točka Šmihel", "Youth point in Šmihel", 0.7),
        ),
        municipality_code="085",
    ),
    OrgSpec(
        "brezice",
        "Občina Brežice",
        "SI",
        "sl",
        3_700,
        (
            _c("Mladinski center Brežice", "Youth centre and hostel in the old town", 1.3),
            _c("Mladinska točka Dobova", "Youth point in Dobova", 0.6),
        ),
        municipality_code="009",
    ),
    OrgSpec(
        "celje",
        "Mestna občina Celje",
        "SI",
        "sl",
        7_400,
        (
            _c("Mladinski center Celje", "Central youth centre with a rehearsal room", 1.3),
            _c("Mladinska točka Hudinja", "Youth point in Hudinja", 0.8),
            _c("Mladinska točka Nova vas", "Youth point in Nova vas", 0.7),
        ),
        municipality_code="011",
    ),
    OrgSpec(
        "maribor",
        "Mestna občina Maribor",
        "SI",
        "sl",
        17_500,
        (
            _c(
                "Mladinski kulturni center Maribor",
                "Youth culture centre: concerts, workshops, exhibitions",
                1.4,
            ),
            _c("Mladinski center Tezno", "Youth centre in Tezno", 0.9),
            _c("Mladinska točka Pobrežje", "Youth point in Pobrežje", 0.8),
            _c("Mladinski center Lent", "Youth centre in the Lent quarter", 1.0),
        ),
        municipality_code="070",
    ),
    OrgSpec(
        "skofja-loka",
        "Občina Škofja Loka",
        "SI",
        "sl",
        3_500,
        (
            _c("Mladinski center Škofja Loka", "Youth centre below the castle", 1.1),
            _c("Mladinska točka Podlubnik", "Youth point in Podlubnik", 0.7),
        ),
        municipality_code="122",
    ),
    OrgSpec(
        "krsko",
        "Občina Krško",
        "SI",
        "sl",
        4_100,
        (
            _c("Mladinski center Krško", "Youth centre with a climbing wall", 1.1),
            _c("Mladinska točka Leskovec", "Youth point in Leskovec pri Krškem", 0.7),
            _c("Mladinska točka Senovo", "Youth point in Senovo", 0.6),
        ),
        municipality_code="054",
    ),
    OrgSpec(
        "zagorje",
        "Občina Zagorje ob Savi",
        "SI",
        "sl",
        2_400,
        (
            _c("Mladinski center Zagorje ob Savi", "Youth centre in the former miners' hall", 1.0),
            _c("Mladinska točka Kisovec", "Youth point in Kisovec", 0.6),
        ),
        municipality_code="142",
    ),
    OrgSpec(
        "brda",
        "Občina Brda",
        "SI",
        "sl",
        800,
        (
            _c(
                "Mladinski center Brda",
                "Youth centre in Dobrovo, serving the villages of the Brda hills",
                0.8,
            ),
        ),
        municipality_code="007",
    ),
)

NORDIC: tuple[OrgSpec, ...] = (
    OrgSpec(
        "tampere",
        "Tampereen kaupunki",
        "FI",
        "fi",
        52_000,
        (
            _c("Nuorisokeskus Monitoimitalo 13", "City-centre youth house with studios", 1.4),
            _c("Hervannan nuorisotalo", "Youth house in Hervanta", 1.1),
            _c("Tesoman nuorisotalo", "Youth house in Tesoma", 0.8),
        ),
        municipality_code="837",
    ),
    OrgSpec(
        "espoo",
        "Espoon kaupunki",
        "FI",
        "fi",
        54_000,
        (
            _c("Tapiolan nuorisotila", "Youth space in Tapiola", 1.0),
            _c("Leppävaaran nuorisotila", "Youth space in Leppävaara", 1.2),
            _c("Espoonlahden nuorisotila", "Youth space in Espoonlahti", 0.9),
        ),
        municipality_code="049",
    ),
    OrgSpec(
        "botkyrka",
        "Botkyrka kommun",
        "SE",
        "sv",
        18_000,
        (
            _c("Fittja fritidsgård", "Youth club in Fittja", 1.1),
            _c("Alby fritidsgård", "Youth club in Alby", 1.0),
            _c("Tumba fritidsgård", "Youth club in Tumba", 0.9),
        ),
        municipality_code="0127",
    ),
    OrgSpec(
        "goteborg",
        "Göteborgs Stad",
        "SE",
        "sv",
        110_000,
        (
            _c("Fritidsgården Hammarkullen", "Youth club in Hammarkullen", 1.2),
            _c("Fritidsgården Frölunda", "Youth club in Frölunda", 1.0),
            _c("Fritidsgården Kortedala", "Youth club in Kortedala", 0.9),
        ),
        municipality_code="1480",
    ),
)

ORGANISATIONS: tuple[OrgSpec, ...] = SLOVENIA + NORDIC


@dataclass(frozen=True)
class GoalSpec:
    """A goal of an organisation; ``first_centre_only`` makes it unit-specific."""

    title: str
    description: str
    first_centre_only: bool = False


GOALS: tuple[GoalSpec, ...] = (
    GoalSpec(
        "Young people feel safe and welcome", "Safety: a place where everyone can be themselves"
    ),
    GoalSpec(
        "Young people take part in decisions", "Influence: young people plan and run the programme"
    ),
    GoalSpec(
        "Young people belong to a group", "Belonging: friendships and a community around the centre"
    ),
    GoalSpec("Support learning and future plans", "Future: school, work and positive expectations"),
    GoalSpec(
        "Equal access for everyone", "Fairness: girls, boys and non-binary youth equally reached"
    ),
    GoalSpec(
        "Young people volunteer in the neighbourhood",
        "Responsibility: volunteering and youth-led projects",
        first_centre_only=True,
    ),
)

QUESTIONS: tuple[str, ...] = (
    "What went well today, and why?",
    "What would we do differently next time?",
    "Who did we not reach, and how could we?",
)

PLATFORM_ADMIN = "admin@logbook.local"


def organisations_for(mode: str) -> tuple[OrgSpec, ...]:
    """Every organisation for the full demo; two small ones for ``small``; none for ``none``."""
    if mode == "full":
        return ORGANISATIONS
    if mode == "small":
        novo_mesto = next(org for org in SLOVENIA if org.slug == "novo-mesto")
        tampere = next(org for org in NORDIC if org.slug == "tampere")
        return (novo_mesto, tampere)
    return ()
