"""An organisation's own templates (built from ``SurveyTemplateIn``, optionally extending a
built-in one) and the languages a template is served in. Pure."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.ideas import IdeaId
from chalicelib.domain.models import ShortText, StrictInput
from chalicelib.domain.surveys.builtin import BUILTIN_TEMPLATES, SCALE_LABELS, STANDARD_QUESTIONS
from chalicelib.domain.surveys.templates import (
    CORE_LANGUAGES,
    MAX_TEXT_ANSWER,
    SCALE_VALUES,
    IndicatorDef,
    Option,
    QuestionType,
    SurveyTemplate,
    TemplateQuestion,
)
from chalicelib.domain.vocabulary import INDICATORS

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
