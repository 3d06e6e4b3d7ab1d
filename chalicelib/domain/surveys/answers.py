"""A respondent's answers checked against the template, and their indicator scores. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.surveys.templates import MAX_TEXT_ANSWER, SCALE_VALUES, SurveyTemplate

# Scores are stored with four decimals: exact for the means of up to a few items,
# and sums over many respondents stay well inside DynamoDB's 38 digits.
STORED_SCORE_QUANTUM = Decimal("0.0001")


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
            STORED_SCORE_QUANTUM, rounding=ROUND_HALF_EVEN
        )
        for indicator, values in by_indicator.items()
    }
