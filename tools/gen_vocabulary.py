"""Write static_site/shared/vocabulary.js from the Python that defines the words.

The pages need the same words and bounds as the API: activity kinds, categories,
genders, age bands, indicators and their scale, the groups a survey figure is split
by, the reason codes of a suppressed figure, the period pattern and the limits the API
enforces. They are generated here so they cannot drift; ``make vocabulary`` writes the
file, ``make lint`` and tests/unit/test_vocabulary_js.py fail when the checked-in file
differs from what this script writes.

    python -m tools.gen_vocabulary           # write the file
    python -m tools.gen_vocabulary --check   # exit 1 when the file is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, get_args

from chalicelib.api.data import MAX_UPLOAD_BYTES
from chalicelib.api.public_compare import MAX_CELLS
from chalicelib.domain import activity, campaigns, ideas, models, stats_table, vocabulary
from chalicelib.domain.periods import PERIOD_PATTERN
from chalicelib.domain.publication import family
from chalicelib.domain.stats import GROUPINGS
from chalicelib.domain.surveys.templates import MAX_TEXT_ANSWER, SCALE_VALUES

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "static_site" / "shared" / "vocabulary.js"
SOURCES = (
    "chalicelib/domain/vocabulary.py",
    "activity.py",
    "periods.py",
    "stats.py",
    "stats_table.py",
    "publication/family.py",
    "surveys/templates.py",
    "campaigns.py",
    "ideas.py",
    "models.py",
    "chalicelib/api/public_compare.py",
    "data.py",
)
LINE_WIDTH = 120  # Biome's lineWidth (biome.json): the file is already formatted


def _max_length(annotated: Any) -> int:
    """The ``max_length`` of an ``Annotated[str, StringConstraints(...)]``."""
    for meta in getattr(annotated, "__metadata__", ()):
        if getattr(meta, "max_length", None) is not None:
            return int(meta.max_length)
    raise ValueError(f"{annotated!r} has no max_length")


def _status_order() -> tuple[str, ...]:
    """Activity statuses, the default (an activity that happened) first, as the form offers them."""
    default = str(activity.ActivityIn.model_fields["status"].default)
    return (default, *(status for status in get_args(activity.Status) if status != default))


def constants() -> list[tuple[str, str, Any]]:
    """(name, comment, value) of every export, in the file's order."""
    return [
        ("KINDS", "Activity kinds (vocabulary.Kind).", list(vocabulary.KINDS)),
        ("CATEGORIES", "Core categories (vocabulary.Category).", list(vocabulary.CATEGORIES)),
        ("GENDERS", "Participants by gender (vocabulary.Gender).", list(vocabulary.GENDERS)),
        ("AGE_BANDS", "Participants by age band (vocabulary.AgeBand).", list(vocabulary.AGE_BANDS)),
        (
            "INDICATORS",
            "The default indicator framework (vocabulary.Indicator).",
            list(vocabulary.INDICATORS),
        ),
        (
            "LANGUAGES",
            "The languages the app and the statistics speak.",
            list(vocabulary.LANGUAGES),
        ),
        (
            "STATUSES",
            "An activity's status, the default first (activity.Status).",
            list(_status_order()),
        ),
        (
            "SCALE_VALUES",
            "The answers of a 1–5 survey item (surveys.templates).",
            list(SCALE_VALUES),
        ),
        (
            "GROUPINGS",
            "/public/stats?by=…: the groups a survey figure is split by (stats.GROUPINGS).",
            {by: list(groups) for by, (_part, _axis, groups) in GROUPINGS.items()},
        ),
        (
            "CSV_COLUMNS",
            "The statistics' CSV columns, the page's download and /public/stats.csv (stats_table).",
            list(stats_table.TIDY_COLUMNS),
        ),
        (
            "SUMMARY_MEASURES",
            "The summary's measures in order, on the page and in the CSV (stats_table).",
            list(stats_table.SUMMARY_MEASURES),
        ),
        (
            "SUPPRESSION_REASONS",
            'The "reason" codes of a suppressed figure (publication.family).',
            [*family.REASONS, family.PERIOD_NOT_ENDED],
        ),
        (
            "THRESHOLDS",
            "Default disclosure thresholds (a deployment setting; publication.family.Thresholds).",
            {
                "respondents": family.Thresholds().respondents,
                "participation": family.Thresholds().participation,
            },
        ),
        (
            "CAMPAIGN_MINIMUM",
            "Complete answers a centre's campaign results need (campaigns).",
            campaigns.DEFAULT_MINIMUM,
        ),
        (
            "MAX_COUNT",
            "Largest count of one activity field (activity.MAX_COUNT).",
            activity.MAX_COUNT,
        ),
        (
            "MAX_REFLECTION",
            "Longest reflection or plan text (activity.MAX_REFLECTION).",
            activity.MAX_REFLECTION,
        ),
        (
            "MAX_TITLE",
            "Longest title of an activity, goal or campaign (models.Title).",
            _max_length(models.Title),
        ),
        (
            "MAX_IDEA_TEXT",
            "Longest proposal or translation of one (ideas.MAX_IDEA_TEXT).",
            ideas.MAX_IDEA_TEXT,
        ),
        (
            "MAX_TEXT_ANSWER",
            "Longest free-text survey answer (surveys.templates).",
            MAX_TEXT_ANSWER,
        ),
        (
            "MAX_COMPARE_CELLS",
            "Cells in one /public/compare request (api.public_compare).",
            MAX_CELLS,
        ),
        ("MAX_UPLOAD_BYTES", "Largest spreadsheet or package upload (api.data).", MAX_UPLOAD_BYTES),
    ]


def _flat(value: Any) -> str:
    """``value`` on one line, as Biome writes it (objects with spaces inside the braces)."""
    if isinstance(value, dict):
        inner = ", ".join(f"{key}: {_flat(item)}" for key, item in value.items())
        return "{ " + inner + " }" if value else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_flat(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _literal(value: Any, indent: int, room: int) -> str:
    """``value`` as Biome formats it: on one line when it fits in ``room``, else one item a line."""
    flat = _flat(value)
    if len(flat) <= room or not isinstance(value, list | dict):
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, list):
        items = [pad + _literal(item, indent + 2, LINE_WIDTH - indent - 3) + "," for item in value]
        return "[\n" + "\n".join(items) + "\n" + " " * indent + "]"
    items = [
        f"{pad}{key}: " + _literal(item, indent + 2, LINE_WIDTH - indent - 5 - len(key)) + ","
        for key, item in value.items()
    ]
    return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"


def render() -> str:
    """The whole module's text."""
    lines = [
        "// generated by tools/gen_vocabulary.py from chalicelib/domain/… — do not edit.",
        "// Sources: " + ", ".join(SOURCES) + ".",
        "// `make vocabulary` writes it again; tests/unit/test_vocabulary_js.py fails when it drifts.",
        "",
    ]
    for name, comment, value in constants():
        prefix = f"export const {name} = "
        lines.append(f"// {comment}")
        lines.append(prefix + _literal(value, 0, LINE_WIDTH - len(prefix) - 1) + ";")
    lines.append("// A period the API takes: YYYY, YYYY-Qn or YYYY-MM (periods.PERIOD_PATTERN).")
    lines.append(f"export const PERIOD_PATTERN = /{PERIOD_PATTERN.pattern}/;")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(
                f"{TARGET.relative_to(ROOT)} is out of date: run `make vocabulary`", file=sys.stderr
            )
            return 1
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
