"""Anonymous surveys and self check-in: templates, answer rules, scores. Pure, no I/O.

A *template* is a list of questions with texts in several languages. A 1–5
``scale`` question may map to one indicator (DESIGN.md); a respondent's indicator
score is the mean of that indicator's items they answered. ``choice`` questions
take one of their option values; ``text`` questions take free text, which is
never public and never aggregated.

Two templates are built in (``annual``, ``feedback``); organisations add their own.
A *collection* is a QR point for one unit: a ``survey`` (answers to a template), a
``checkin`` (a visit, counted once per visitor and period through a salted hash) or an
``ideas`` point (young people propose and vote on statements; ``domain/ideas.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.ideas import MAX_PROMPT, IdeaId, PublicIdea
from chalicelib.domain.instants import checked_instant
from chalicelib.domain.models import Output, ShortText, StrictInput
from chalicelib.domain.vocabulary import INDICATORS

# ------------------------------------------------------------------ vocabulary
# Every built-in text exists in these; a template may carry more.
CORE_LANGUAGES: tuple[str, ...] = ("en", "sl", "fi", "sv")
SCALE_VALUES: tuple[int, ...] = (1, 2, 3, 4, 5)
MAX_TEXT_ANSWER = 1000
# Scores are stored with four decimals: exact for the means of up to a few items,
# and sums over many respondents stay well inside DynamoDB's 38 digits.
SCORE_QUANTUM = Decimal("0.0001")

QuestionType = Literal["scale", "choice", "text"]
CollectionKind = Literal["survey", "checkin", "ideas"]
CollectionStatus = Literal["scheduled", "open", "closed"]
Texts = dict[str, str]

# No 0/o, 1/l/i: a code read aloud or typed from a poster survives.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 10  # 31^10 ≈ 8·10^14: not guessable under the rate limits


def new_collection_code() -> str:
    """A short, unguessable collection code from an unambiguous alphabet."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def is_collection_code(value: str) -> bool:
    """Whether ``value`` could be a code this module gave out (before any lookup)."""
    return len(value) == CODE_LENGTH and all(char in CODE_ALPHABET for char in value)


# ------------------------------------------------------------------ template models
class Option(Output):
    """One answer a choice question offers."""

    value: str
    text: Texts


class TemplateQuestion(Output):
    """A question of a template, with its texts in every language of the template."""

    id: str
    type: QuestionType
    indicator: str | None = None
    text: Texts
    options: list[Option] | None = None
    from_idea: str | None = Field(
        default=None, description="The young people's proposal this statement was adopted from"
    )


class IndicatorDef(Output):
    """An indicator an organisation added, with its name in each language."""

    id: str
    name: Texts


class SurveyTemplate(Output):
    """A survey template: built in (``org_id`` None) or an organisation's own."""

    id: str
    org_id: str | None = None
    builtin: bool
    title: Texts
    languages: list[str]
    indicators: list[IndicatorDef] = Field(default_factory=list)
    scale_labels: dict[str, list[str]] = Field(default_factory=dict)
    questions: list[TemplateQuestion]
    created_by: str | None = None
    created_at: str | None = None

    def question(self, question_id: str) -> TemplateQuestion | None:
        """The question with this id, or None."""
        return next((q for q in self.questions if q.id == question_id), None)


# ------------------------------------------------------------------ built-in texts
SCALE_LABELS: dict[str, list[str]] = {
    "en": ["Strongly disagree", "Disagree", "Not sure", "Agree", "Strongly agree"],
    "sl": [
        "Sploh se ne strinjam",
        "Ne strinjam se",
        "Niti niti",
        "Strinjam se",
        "Popolnoma se strinjam",
    ],
    "fi": [
        "Täysin eri mieltä",
        "Jokseenkin eri mieltä",
        "En osaa sanoa",
        "Jokseenkin samaa mieltä",
        "Täysin samaa mieltä",
    ],
    "sv": [
        "Stämmer inte alls",
        "Stämmer ganska dåligt",
        "Varken eller",
        "Stämmer ganska bra",
        "Stämmer helt",
    ],
}


def _t(en: str, sl: str, fi: str, sv: str) -> Texts:
    return {"en": en, "sl": sl, "fi": fi, "sv": sv}


def _scale(question_id: str, indicator: str | None, text: Texts) -> TemplateQuestion:
    return TemplateQuestion(id=question_id, type="scale", indicator=indicator, text=text)


AGE_BAND_QUESTION = TemplateQuestion(
    id="age_band",
    type="choice",
    text=_t("How old are you?", "Koliko let imaš?", "Kuinka vanha olet?", "Hur gammal är du?"),
    options=[
        Option(
            value="under_13",
            text=_t("12 or younger", "12 ali manj", "12 tai nuorempi", "12 eller yngre"),
        ),
        Option(value="13_15", text=_t("13–15", "13–15", "13–15", "13–15")),
        Option(value="16_18", text=_t("16–18", "16–18", "16–18", "16–18")),
        Option(value="19_24", text=_t("19–24", "19–24", "19–24", "19–24")),
        Option(value="25_29", text=_t("25–29", "25–29", "25–29", "25–29")),
        Option(
            value="over_29",
            text=_t("30 or older", "30 ali več", "30 tai vanhempi", "30 eller äldre"),
        ),
    ],
)
GENDER_QUESTION = TemplateQuestion(
    id="gender",
    type="choice",
    text=_t("What is your gender?", "Kakšnega spola si?", "Mikä on sukupuolesi?", "Vilket kön har du?"),
    options=[
        Option(value="girls", text=_t("Girl", "Dekle", "Tyttö", "Tjej")),
        Option(value="boys", text=_t("Boy", "Fant", "Poika", "Kille")),
        Option(value="nonbinary", text=_t("Non-binary or other", "Nebinarno ali drugo", "Muunsukupuolinen tai muu", "Icke-binär eller annat")),
        Option(value="undisclosed", text=_t("I'd rather not say", "Raje ne povem", "En halua kertoa", "Vill inte säga")),
    ],
)  # fmt: skip
# Questions with these ids feed the statistics' breakdowns; their options are fixed.
STANDARD_QUESTIONS: dict[str, TemplateQuestion] = {
    "age_band": AGE_BAND_QUESTION,
    "gender": GENDER_QUESTION,
}

ANNUAL = SurveyTemplate(
    id="annual",
    builtin=True,
    title=_t("Youth survey", "Anketa za mlade", "Nuorisokysely", "Ungdomsenkät"),
    languages=list(CORE_LANGUAGES),
    questions=[
        _scale("safety_1", "safety", _t(
            "I feel safe here.",
            "Tukaj se počutim varno.",
            "Tunnen oloni täällä turvalliseksi.",
            "Jag känner mig trygg här.")),
        _scale("safety_2", "safety", _t(
            "I can be here without worrying about being bullied or laughed at.",
            "Tukaj me ni strah, da bi me kdo zbadal ali se mi posmehoval.",
            "Täällä minun ei tarvitse pelätä, että minua kiusataan tai minulle nauretaan.",
            "Här behöver jag inte vara rädd för att bli mobbad eller utskrattad.")),
        _scale("belonging_1", "belonging", _t(
            "I feel welcome here.",
            "Tukaj me lepo sprejmejo.",
            "Tunnen itseni täällä tervetulleeksi.",
            "Jag känner mig välkommen här.")),
        _scale("belonging_2", "belonging", _t(
            "There are people here I get along with.",
            "Tukaj imam ljudi, s katerimi se dobro razumem.",
            "Täällä on ihmisiä, joiden kanssa tulen hyvin toimeen.",
            "Här finns folk som jag kommer bra överens med.")),
        _scale("identity_1", "identity", _t(
            "I can be myself here.",
            "Tukaj sem lahko to, kar sem.",
            "Voin olla täällä oma itseni.",
            "Jag kan vara mig själv här.")),
        _scale("identity_2", "identity", _t(
            "Coming here helps me figure out what matters to me.",
            "Ko prihajam sem, lažje ugotovim, kaj mi je pomembno.",
            "Täällä käyminen auttaa minua miettimään, mikä on minulle tärkeää.",
            "Att vara här hjälper mig att förstå vad som är viktigt för mig.")),
        _scale("self_expression_1", "self_expression", _t(
            "Here I can show what I'm good at.",
            "Tukaj lahko pokažem, kaj znam.",
            "Täällä voin näyttää, missä olen hyvä.",
            "Här kan jag visa vad jag är bra på.")),
        _scale("self_expression_2", "self_expression", _t(
            "I can share my ideas and opinions here.",
            "Tukaj lahko povem svoje ideje in mnenja.",
            "Voin kertoa täällä omia ideoitani ja mielipiteitäni.",
            "Jag kan säga vad jag tycker och dela mina idéer här.")),
        _scale("future_1", "future", _t(
            "I feel hopeful about my future.",
            "V svojo prihodnost gledam z upanjem.",
            "Suhtaudun tulevaisuuteeni toiveikkaasti.",
            "Jag ser ljust på min framtid.")),
        _scale("future_2", "future", _t(
            "Here I learn things that will help me later in life.",
            "Tukaj se naučim stvari, ki mi bodo koristile v življenju.",
            "Opin täällä asioita, joista on minulle hyötyä myöhemmin elämässä.",
            "Här lär jag mig saker som jag har nytta av senare i livet.")),
        _scale("influence_1", "influence", _t(
            "I can have a say in what happens here.",
            "Lahko soodločam o tem, kaj se tukaj dogaja.",
            "Voin vaikuttaa siihen, mitä täällä tehdään.",
            "Jag kan vara med och bestämma vad som händer här.")),
        _scale("influence_2", "influence", _t(
            "The youth workers listen to my ideas.",
            "Mladinski delavci prisluhnejo mojim idejam.",
            "Nuorisotyöntekijät kuuntelevat ideoitani.",
            "Personalen lyssnar på mina idéer.")),
        _scale("responsibility_1", "responsibility", _t(
            "I get to take on tasks and responsibility here.",
            "Tukaj lahko prevzamem naloge in odgovornost.",
            "Saan täällä tehtäviä ja vastuuta.",
            "Jag får ta ansvar och hjälpa till med saker här.")),
        _scale("responsibility_2", "responsibility", _t(
            "I help make this a good place for others too.",
            "Pomagam, da je tukaj lepo tudi drugim.",
            "Autan tekemään tästä hyvän paikan myös muille.",
            "Jag hjälper till så att det är bra här för andra också.")),
        _scale("fairness_1", "fairness", _t(
            "Everyone is treated fairly here.",
            "Tukaj z vsemi ravnajo pošteno.",
            "Täällä kaikkia kohdellaan reilusti.",
            "Alla blir rättvist behandlade här.")),
        _scale("fairness_2", "fairness", _t(
            "Nobody is left out here because of who they are or where they come from.",
            "Tukaj nihče ni izključen zaradi tega, kdo je ali od kod prihaja.",
            "Täällä ketään ei jätetä ulkopuolelle sen takia, kuka hän on tai mistä hän tulee.",
            "Här blir ingen utfryst för den de är eller var de kommer ifrån.")),
        AGE_BAND_QUESTION,
        GENDER_QUESTION,
        TemplateQuestion(id="comment", type="text", text=_t(
            "Anything else you want to tell us? Please don't write your name.",
            "Nam želiš še kaj sporočiti? Prosimo, ne piši svojega imena.",
            "Haluatko kertoa meille vielä jotain? Älä kirjoita nimeäsi.",
            "Vill du berätta något mer för oss? Skriv inte ditt namn.")),
    ],
)  # fmt: skip

FEEDBACK = SurveyTemplate(
    id="feedback",
    builtin=True,
    title=_t("How was it?", "Kako je bilo?", "Millaista oli?", "Hur var det?"),
    languages=list(CORE_LANGUAGES),
    questions=[
        _scale("safety", "safety", _t(
            "I felt safe during the activity.",
            "Pri tej dejavnosti mi je bilo prijetno in varno.",
            "Tunsin oloni turvalliseksi toiminnan aikana.",
            "Jag kände mig trygg under aktiviteten.")),
        _scale("belonging", "belonging", _t(
            "I felt part of the group.",
            "Skupina me je lepo sprejela.",
            "Tunsin kuuluvani porukkaan.",
            "Jag kände mig som en del av gruppen.")),
        _scale("influence", "influence", _t(
            "I could have a say in how we did things.",
            "Moje mnenje je štelo pri tem, kako smo stvari izpeljali.",
            "Sain vaikuttaa siihen, miten asioita tehtiin.",
            "Jag fick vara med och bestämma hur vi gjorde.")),
        # No indicator: it is asked for the youth workers, not for the statistics.
        _scale("enjoyed", None, _t(
            "I enjoyed it.",
            "Bilo mi je všeč.",
            "Minulla oli kivaa.",
            "Jag tyckte att det var roligt.")),
    ],
)  # fmt: skip

BUILTIN_TEMPLATES: dict[str, SurveyTemplate] = {ANNUAL.id: ANNUAL, FEEDBACK.id: FEEDBACK}

CHECKIN_TITLE = _t("Check in", "Prijava", "Kirjaudu sisään", "Checka in")
# What a check-in asks besides the nickname (which never leaves the phone unhashed).
CHECKIN_QUESTIONS: list[TemplateQuestion] = [AGE_BAND_QUESTION, GENDER_QUESTION]
IDEAS_TITLE = _t(
    "Your ideas for next year's survey",
    "Tvoje ideje za anketo prihodnje leto",
    "Sinun ideasi ensi vuoden kyselyyn",
    "Dina idéer till nästa års enkät",
)


# ------------------------------------------------------------------ organisation templates
Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
QuestionText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
]
LangTexts = Annotated[dict[Lang, QuestionText], Field(min_length=1, max_length=30)]
ShortTexts = Annotated[dict[Lang, ShortText], Field(min_length=1, max_length=30)]


class OptionIn(StrictInput):
    value: Name
    text: LangTexts


class QuestionIn(StrictInput):
    """A question of an organisation's template. ``age_band`` and ``gender`` are the
    standard questions: give only their id and type ``choice``."""

    id: Name
    type: QuestionType
    indicator: Name | None = None
    text: LangTexts | None = None
    options: Annotated[list[OptionIn], Field(max_length=20)] | None = None
    from_idea: IdeaId | None = Field(
        default=None,
        description="An approved proposal of young people (an ideas point of this"
        " organisation): the question asks its text, in every language it has",
    )


class IndicatorIn(StrictInput):
    id: Name
    name: ShortTexts


class SurveyTemplateIn(StrictInput):
    """An organisation's own template; ``extends`` starts from a built-in one's questions."""

    title: ShortTexts
    extends: Literal["annual", "feedback"] | None = None
    indicators: Annotated[list[IndicatorIn], Field(max_length=20)] = Field(default_factory=list)
    scale_labels: Annotated[
        dict[Lang, Annotated[list[ShortText], Field(min_length=5, max_length=5)]],
        Field(max_length=30),
    ] = Field(
        default_factory=dict,
        description="Labels of 1..5 for languages beyond the built-in en, sl, fi, sv",
    )
    questions: Annotated[list[QuestionIn], Field(max_length=80)] = Field(default_factory=list)

    @field_validator("questions")
    @classmethod
    def _unique_ids(cls, questions: list[QuestionIn]) -> list[QuestionIn]:
        ids = [q.id for q in questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        return questions


def build_org_template(
    data: SurveyTemplateIn,
    *,
    template_id: str,
    org_id: str,
    created_by: str,
    created_at: str,
    idea_texts: dict[str, dict[str, str]] | None = None,
) -> SurveyTemplate:
    """Check an organisation's template and complete it; InvalidInput names each problem.

    ``idea_texts`` holds the texts of the proposals questions are adopted from (by
    proposal id): such a question asks the proposal's text in each of its languages,
    and the question's own ``text`` may add languages the proposal lacks.
    """
    idea_texts = idea_texts or {}
    problems: list[FieldProblem] = []
    base = BUILTIN_TEMPLATES[data.extends] if data.extends else None
    questions: list[TemplateQuestion] = list(base.questions) if base else []
    taken = {q.id for q in questions}
    declared = {ind.id for ind in data.indicators}
    for ind in data.indicators:
        if ind.id in INDICATORS:
            problems.append(FieldProblem("indicators", f"{ind.id} is a default indicator already"))
    known_indicators = set(INDICATORS) | declared
    for index, q in enumerate(data.questions):
        where = f"questions.{index}"
        if q.id in taken:
            problems.append(
                FieldProblem(f"{where}.id", f"{q.id} is already a question of {data.extends}")
            )
            continue
        if q.id in STANDARD_QUESTIONS:
            if q.type != "choice" or q.text or q.options or q.indicator:
                problems.append(
                    FieldProblem(
                        where, f"{q.id} is a standard question: give only its id and type choice"
                    )
                )
            else:
                questions.append(STANDARD_QUESTIONS[q.id])
            continue
        text = dict(q.text or {})
        if q.from_idea:
            if q.from_idea not in idea_texts:
                problems.append(
                    FieldProblem(f"{where}.from_idea", f"no approved proposal {q.from_idea}")
                )
                continue
            if q.type != "scale" or not q.indicator:
                problems.append(
                    FieldProblem(
                        f"{where}.from_idea",
                        "an adopted proposal is a scale question mapped to an indicator",
                    )
                )
            if not idea_texts[q.from_idea] and not text:
                problems.append(
                    FieldProblem(
                        f"{where}.text",
                        "the proposal was sent without its language: give its text here",
                    )
                )
                continue
            text.update(idea_texts[q.from_idea])
        if not text:
            problems.append(FieldProblem(f"{where}.text", "is required"))
            continue
        if q.type != "scale" and q.indicator:
            problems.append(
                FieldProblem(f"{where}.indicator", "only scale questions map to an indicator")
            )
        if q.indicator and q.indicator not in known_indicators:
            problems.append(
                FieldProblem(
                    f"{where}.indicator",
                    f"unknown indicator {q.indicator}; declare it in indicators",
                )
            )
        if q.type == "choice":
            values = [o.value for o in q.options or []]
            if len(values) < 2:
                problems.append(
                    FieldProblem(f"{where}.options", "a choice question needs at least 2 options")
                )
            elif len(set(values)) != len(values):
                problems.append(FieldProblem(f"{where}.options", "option values must be unique"))
        elif q.options:
            problems.append(FieldProblem(f"{where}.options", f"a {q.type} question has no options"))
        questions.append(
            TemplateQuestion(
                id=q.id,
                type=q.type,
                indicator=q.indicator,
                text=text,
                options=[Option(value=o.value, text=dict(o.text)) for o in q.options]
                if q.type == "choice" and q.options
                else None,
                from_idea=q.from_idea,
            )
        )
    if not questions:
        problems.append(FieldProblem("questions", "a template needs at least one question"))
    if problems:
        raise InvalidInput("; ".join(f"{p.field}: {p.problem}" for p in problems), errors=problems)
    template = SurveyTemplate(
        id=template_id, org_id=org_id, builtin=False, title=dict(data.title), languages=[],
        indicators=[IndicatorDef(id=i.id, name=dict(i.name)) for i in data.indicators],
        scale_labels={lang: list(labels) for lang, labels in data.scale_labels.items()},
        questions=questions, created_by=created_by, created_at=created_at,
    )  # fmt: skip
    languages = template_languages(template)
    if not languages:
        raise InvalidInput.field(
            "title",
            "no language has every text (title, questions, options, indicator names"
            " and, for other languages than en, sl, fi, sv, scale_labels)",
        )
    return template.model_copy(update={"languages": languages})


def template_languages(template: SurveyTemplate) -> list[str]:
    """The languages in which every text of ``template`` exists, core languages first."""
    langs = set(template.title)
    for q in template.questions:
        langs &= set(q.text)
        for option in q.options or []:
            langs &= set(option.text)
    for ind in template.indicators:
        langs &= set(ind.name)
    if any(q.type == "scale" for q in template.questions):
        langs &= set(SCALE_LABELS) | set(template.scale_labels)
    core = [lang for lang in CORE_LANGUAGES if lang in langs]
    return core + sorted(langs - set(core))


def pick_language(requested: str | None, available: list[str]) -> str:
    """``requested`` if the template has it (also from ``sv-FI``), else English, else the first."""
    if requested:
        base = requested.lower().split("-")[0]
        if base in available:
            return base
    return "en" if "en" in available else available[0]


def localised_questions(
    questions: list[TemplateQuestion], lang: str, scale_labels: dict[str, list[str]] | None = None
) -> list[dict[str, Any]]:
    """Questions as the survey page shows them: text and options in ``lang``."""
    labels = {**SCALE_LABELS, **(scale_labels or {})}
    shown: list[dict[str, Any]] = []
    for q in questions:
        item: dict[str, Any] = {"id": q.id, "type": q.type, "text": q.text[lang]}
        if q.indicator:
            item["indicator"] = q.indicator
        if q.type == "scale":
            item["options"] = [
                {"value": value, "text": label}
                for value, label in zip(SCALE_VALUES, labels[lang], strict=True)
            ]
        elif q.type == "choice":
            item["options"] = [{"value": o.value, "text": o.text[lang]} for o in q.options or []]
        else:
            item["max_length"] = MAX_TEXT_ANSWER
        shown.append(item)
    return shown


# ------------------------------------------------------------------ answers
@dataclass(frozen=True)
class CheckedAnswers:
    """Answers that passed the template's rules, by kind."""

    scale: dict[str, int] = field(default_factory=dict)
    choices: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.scale or self.choices or self.texts)


def check_answers(template: SurveyTemplate, answers: dict[str, Any]) -> CheckedAnswers:
    """Check answers against the template; InvalidInput names every bad one.

    ``None`` and empty text mean "skipped" (every question is optional: a young
    person may always pass). At least one answer is needed.
    """
    problems: list[FieldProblem] = []
    checked = CheckedAnswers()
    for question_id, value in answers.items():
        where = f"answers.{question_id}"
        question = template.question(question_id)
        if question is None:
            problems.append(FieldProblem(where, "is not a question of this survey"))
            continue
        if value is None:
            continue
        if question.type == "scale":
            # bool is an int in Python; true is not an answer on a 1–5 scale.
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append(FieldProblem(where, "must be a whole number from 1 to 5"))
            elif value not in SCALE_VALUES:
                problems.append(FieldProblem(where, f"{value} is out of range 1–5"))
            else:
                checked.scale[question_id] = value
        elif question.type == "choice":
            values = [o.value for o in question.options or []]
            if not isinstance(value, str):
                problems.append(FieldProblem(where, "must be one of the options, as a string"))
            elif value not in values:
                problems.append(FieldProblem(where, f"must be one of: {', '.join(values)}"))
            else:
                checked.choices[question_id] = value
        else:
            if not isinstance(value, str):
                problems.append(FieldProblem(where, "must be text"))
            elif len(value) > MAX_TEXT_ANSWER:
                problems.append(FieldProblem(where, f"is longer than {MAX_TEXT_ANSWER} characters"))
            elif value.strip():
                checked.texts[question_id] = value.strip()
    if problems:
        raise InvalidInput("; ".join(f"{p.field}: {p.problem}" for p in problems), errors=problems)
    if checked.empty:
        raise InvalidInput.field("answers", "answer at least one question")
    return checked


def indicator_scores(template: SurveyTemplate, scale: dict[str, int]) -> dict[str, Decimal]:
    """Each indicator's score for one respondent: the mean of its items they answered.

    Indicators with no answered item are left out (not zero).
    """
    by_indicator: dict[str, list[int]] = {}
    for question_id, value in scale.items():
        question = template.question(question_id)
        if question is not None and question.indicator:
            by_indicator.setdefault(question.indicator, []).append(value)
    return {
        indicator: (Decimal(sum(values)) / Decimal(len(values))).quantize(
            SCORE_QUANTUM, rounding=ROUND_HALF_EVEN
        )
        for indicator, values in by_indicator.items()
    }


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


# ------------------------------------------------------------------ check-in
def periods_of(day: dt.date) -> list[str]:
    """The statistics periods a day falls in: ``YYYY``, ``YYYY-Qn``, ``YYYY-MM``."""
    return [
        f"{day.year:04d}",
        f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}",
        f"{day.year:04d}-{day.month:02d}",
    ]


def keyed_visitor(org_key: bytes, phone_hash: str) -> str:
    """What the server stores of a visitor: the phone's salted hash keyed again (HMAC-SHA256)
    with the organisation's secret check-in key.

    The salt is public, so ``sha256(salt + nickname)`` alone can be recomputed for any
    guessed nickname; without the key, which never leaves the server, it cannot be
    matched against stored markers (and through them against public counts).
    """
    return hmac.new(org_key, phone_hash.encode("ascii"), hashlib.sha256).hexdigest()


def period_end(period: str) -> dt.date:
    """The first day after ``period`` (a year, quarter or month)."""
    year = int(period[:4])
    if len(period) == 4:
        return dt.date(year + 1, 1, 1)
    last_month = int(period[6]) * 3 if period[5] == "Q" else int(period[5:7])
    return dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)


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
