"""static_site/shared/vocabulary.js is what tools/gen_vocabulary.py writes from the Python."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.domain import vocabulary
from tools import gen_vocabulary


def test_the_checked_in_module_matches_the_python() -> None:
    # Given the words and limits as the Python defines them
    expected = gen_vocabulary.render()
    # When the checked-in module is read
    actual = gen_vocabulary.TARGET.read_text(encoding="utf-8")
    # Then it is exactly what the generator writes (else: run `make vocabulary`)
    assert actual == expected, "static_site/shared/vocabulary.js drifted: run `make vocabulary`"


def test_a_changed_word_changes_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a kind renamed in the Python
    monkeypatch.setattr(
        vocabulary, "KINDS", ("open", "group", "event", "outreach", "online", "individual")
    )
    # When the module is generated
    text = gen_vocabulary.render()
    # Then it differs from the checked-in one, which the drift test would catch
    assert '"online"' in text
    assert text != gen_vocabulary.TARGET.read_text(encoding="utf-8")


def test_check_mode_fails_on_a_stale_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a checked-in module with one word changed by hand
    stale = tmp_path / "vocabulary.js"
    stale.write_text(gen_vocabulary.render().replace('"fairness"', '"equality"'), encoding="utf-8")
    monkeypatch.setattr(gen_vocabulary, "TARGET", stale)
    monkeypatch.setattr(gen_vocabulary, "ROOT", tmp_path)
    # When the check runs, then it fails and says how to fix it
    assert gen_vocabulary.main(["--check"]) == 1
    assert "make vocabulary" in capsys.readouterr().err


def test_the_pages_label_kinds_and_categories_as_the_api_does() -> None:
    # Given the pages' shared labels, one file per language
    shared = gen_vocabulary.ROOT / "static_site" / "shared" / "i18n"
    for language in vocabulary.LANGUAGES:
        labels = json.loads((shared / f"common.{language}.json").read_text(encoding="utf-8"))
        # Then every kind and core category reads the same as in GET /orgs/{id}/vocabulary
        for kind in vocabulary.KINDS:
            assert labels[f"kind.{kind}"] == vocabulary.KIND_LABELS[kind][language], (
                language,
                kind,
            )
        for category in vocabulary.CATEGORIES:
            assert (
                labels[f"category.{category}"] == vocabulary.CATEGORY_LABELS[category][language]
            ), (
                language,
                category,
            )
