"""Anonymous surveys and self check-in: templates, answer rules, scores. Pure, no I/O.

A *template* is a list of questions with texts in several languages. A 1–5
``scale`` question may map to one indicator (docs/surveys.md); a respondent's indicator
score is the mean of that indicator's items they answered. ``choice`` questions
take one of their option values; ``text`` questions take free text, which is
never public and never aggregated.

Two templates are built in (``annual``, ``feedback``); organisations add their own.
A *collection* is a QR point for one unit: a ``survey`` (answers to a template), a
``checkin`` (a visit, counted once per visitor and period through a salted hash) or an
``ideas`` point (young people propose and vote on statements; ``domain/ideas.py``).

The package's modules, by seam:

| module | what |
|---|---|
| ``templates`` | languages, question kinds, the template models |
| ``builtin`` | the built-in texts and the ``annual`` and ``feedback`` templates |
| ``org_templates`` | an organisation's own templates; the languages a template is served in |
| ``answers`` | a respondent's answers checked, their indicator scores |
| ``collection`` | QR points: codes, opening and closing, check-in keys, API models |

Periods (which a check-in counts in) are ``chalicelib.domain.periods``. Every public name
stays importable from ``chalicelib.domain.surveys``.
"""

from __future__ import annotations

from chalicelib.domain.surveys.answers import (
    STORED_SCORE_QUANTUM,
    CheckedAnswers,
    check_answers,
    indicator_scores,
)
from chalicelib.domain.surveys.builtin import (
    AGE_BAND_QUESTION,
    ANNUAL,
    BUILTIN_TEMPLATES,
    CHECKIN_QUESTIONS,
    CHECKIN_TITLE,
    FEEDBACK,
    GENDER_QUESTION,
    IDEAS_TITLE,
    SCALE_LABELS,
    STANDARD_QUESTIONS,
)
from chalicelib.domain.surveys.collection import (
    CODE_ALPHABET,
    CODE_LENGTH,
    DEFAULT_OPEN_FOR,
    AnswerKey,
    CheckinIn,
    Collection,
    CollectionCode,
    CollectionIn,
    LangTag,
    PublicCollection,
    PublicOption,
    PublicQuestion,
    ResponseIn,
    SubmissionAck,
    collection_status,
    default_closes_at,
    is_collection_code,
    keyed_visitor,
    new_collection_code,
)
from chalicelib.domain.surveys.org_templates import (
    IndicatorIn,
    Lang,
    LangTexts,
    Name,
    OptionIn,
    QuestionIn,
    QuestionText,
    ShortTexts,
    SurveyTemplateIn,
    build_org_template,
    localised_questions,
    pick_language,
    template_languages,
)
from chalicelib.domain.surveys.templates import (
    CORE_LANGUAGES,
    MAX_TEXT_ANSWER,
    SCALE_VALUES,
    CollectionKind,
    CollectionStatus,
    IndicatorDef,
    Option,
    QuestionType,
    SurveyTemplate,
    TemplateQuestion,
    Texts,
)
from chalicelib.domain.vocabulary import INDICATORS

__all__ = [
    "AGE_BAND_QUESTION",
    "ANNUAL",
    "BUILTIN_TEMPLATES",
    "CHECKIN_QUESTIONS",
    "CHECKIN_TITLE",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CORE_LANGUAGES",
    "DEFAULT_OPEN_FOR",
    "FEEDBACK",
    "GENDER_QUESTION",
    "IDEAS_TITLE",
    "INDICATORS",
    "MAX_TEXT_ANSWER",
    "SCALE_LABELS",
    "SCALE_VALUES",
    "STANDARD_QUESTIONS",
    "STORED_SCORE_QUANTUM",
    "AnswerKey",
    "CheckedAnswers",
    "CheckinIn",
    "Collection",
    "CollectionCode",
    "CollectionIn",
    "CollectionKind",
    "CollectionStatus",
    "IndicatorDef",
    "IndicatorIn",
    "Lang",
    "LangTag",
    "LangTexts",
    "Name",
    "Option",
    "OptionIn",
    "PublicCollection",
    "PublicOption",
    "PublicQuestion",
    "QuestionIn",
    "QuestionText",
    "QuestionType",
    "ResponseIn",
    "ShortTexts",
    "SubmissionAck",
    "SurveyTemplate",
    "SurveyTemplateIn",
    "TemplateQuestion",
    "Texts",
    "build_org_template",
    "check_answers",
    "collection_status",
    "default_closes_at",
    "indicator_scores",
    "is_collection_code",
    "keyed_visitor",
    "localised_questions",
    "new_collection_code",
    "pick_language",
    "template_languages",
]
