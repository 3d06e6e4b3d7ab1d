"""Rules of proposals: text cleaning, ids, languages (pure)."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.ideas import base_language, clean_statement, idea_texts, text_in
from chalicelib.store.ideas import idea_id_for


def test_a_statement_is_one_clean_line() -> None:
    raw = "  I\u00a0feel\tsafe\r\nhere\u2028 \u200b when\u0000 it's late.  "
    assert clean_statement(raw, "text") == "I feel safe here when it's late."


def test_a_statement_is_stored_in_composed_form() -> None:
    assert clean_statement("Tu\u0301kaj", "text") == "Túkaj"


@pytest.mark.parametrize(("text", "problem"), [("a\u200bb", "at least 3"), ("é" * 201, "200")])
def test_bad_lengths_name_the_field(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as error:
        clean_statement(text, "translations.sl")
    assert error.value.errors[0].field == "translations.sl"
    assert problem in error.value.errors[0].problem


def test_exactly_200_characters_is_fine() -> None:
    assert len(clean_statement("é" * 200, "text")) == 200


def test_a_proposal_id_is_stable_and_not_the_submission_id() -> None:
    submission = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    assert idea_id_for(submission) == idea_id_for(submission)
    assert idea_id_for(submission) != idea_id_for("7c9e6679-7425-40de-944b-e07fc1f90ae8")
    assert submission.replace("-", "")[:20] != idea_id_for(submission)
    assert len(idea_id_for(submission)) == 20


def test_the_page_language_picks_a_translation_or_the_original() -> None:
    translations = {"en": "I am heard."}
    assert text_in("Slišijo me.", "sl", translations, "en") == "I am heard."
    assert text_in("Slišijo me.", "sl", translations, "sl") == "Slišijo me."
    assert text_in("Slišijo me.", "sl", translations, "fi") == "Slišijo me."
    assert idea_texts("Slišijo me.", "sl", translations) == {
        "en": "I am heard.",
        "sl": "Slišijo me.",
    }
    assert base_language("sv-FI") == "sv" and base_language(None) is None
