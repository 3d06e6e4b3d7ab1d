"""Survey templates as stored and served: languages, question kinds, the models. Pure."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.domain.models import Output

# ------------------------------------------------------------------ vocabulary
# Every built-in text exists in these; a template may carry more.
CORE_LANGUAGES: tuple[str, ...] = ("en", "sl", "fi", "sv")
SCALE_VALUES: tuple[int, ...] = (1, 2, 3, 4, 5)
MAX_TEXT_ANSWER = 1000

QuestionType = Literal["scale", "choice", "text"]
CollectionKind = Literal["survey", "checkin", "ideas"]
CollectionStatus = Literal["scheduled", "open", "closed"]
Texts = dict[str, str]


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
