"""A unit's activities from a spreadsheet (CSV or XLSX): columns, parsing, row keys.

Pure. Each row becomes the very body ``POST /units/{unit_id}/activities`` takes and is
checked by the same model (``ActivityIn``) and the same rules; problems name the row
(as the spreadsheet numbers it: the header is row 1) and the column.

The columns are those of the activity export (``chalicelib.domain.exports``), so a
file exported from one unit can be imported into another; the export's own columns
(organisation, unit, hours, totals, ratings, reflections) are read past.

A row's key is a hash of the unit, the row's checked content and how many identical
rows came before it in the file: importing the same rows again lands on the same
activity ids and creates nothing, while two identical evenings in one file stay two.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from chalicelib.domain.activity import ActivityIn, activity_rule_problems
from chalicelib.domain.errors import FieldProblem
from chalicelib.domain.vocabulary import AGE_BANDS, GENDERS

MAX_ROWS = 5_000
LIST_SEPARATOR = ";"

COUNT_COLUMNS = (
    *(f"participants_{gender}" for gender in GENDERS),
    *(f"age_{band}" for band in AGE_BANDS),
    "new_participants",
    "youth_leaders",
    "volunteers",
    "staff",
)
#: The columns a file may have, in the template's order, with what each holds.
COLUMNS: dict[str, str] = {
    "date": "Day of the activity: YYYY-MM-DD (also D.M.YYYY); required",
    "start_time": "HH:MM, 24-hour clock; may be empty",
    "duration_minutes": "Whole minutes, 1-1440; required",
    "kind": "open, group, event, outreach or digital; required",
    "categories": "Category ids separated by ';': core (learning_support; socialising; ...)"
    " or the organisation's own",
    "title": "What it was; required",
    **{f"participants_{g}": f"Participants: {g} (whole number, empty = 0)" for g in GENDERS},
    **{
        f"age_{band}": f"Participants aged {band} (leave every age column empty when unknown)"
        for band in AGE_BANDS
    },
    "new_participants": "Participants who came for the first time",
    "youth_led": "yes or no (also true/false, 1/0)",
    "youth_leaders": "Young people who led it",
    "volunteers": "Volunteers",
    "staff": "Staff",
    "goals": "Goal titles or ids separated by ';' (goals of this unit)",
    "notes": "Diary; never public",
}
REQUIRED = ("date", "duration_minutes", "kind", "title")
# Columns of the activity export that an import reads past.
EXPORT_ONLY = frozenset(
    {
        "organisation",
        "unit",
        "activity_id",
        "hours",
        "category_names",
        "participants_total",
        "goal_ratings",
    }
)
_TRUE = {"yes", "true", "1", "y", "x"}
_FALSE = {"no", "false", "0", "n", ""}
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::\d{2})?$")


@dataclass(frozen=True)
class CheckedRow:
    """One valid row: its number in the file, the activity body and its stable key."""

    number: int
    activity: ActivityIn
    key: str


def template_csv() -> bytes:
    """The template to download: the header and one example row (UTF-8 with a BOM)."""
    example = {
        "date": "2026-03-13",
        "start_time": "17:00",
        "duration_minutes": "120",
        "kind": "open",
        "categories": "socialising; sport",
        "title": "Friday open house",
        "participants_girls": "5",
        "participants_boys": "7",
        "participants_nonbinary": "1",
        "participants_undisclosed": "0",
        "age_13_15": "6",
        "age_16_18": "5",
        "age_19_24": "2",
        "new_participants": "2",
        "youth_led": "yes",
        "youth_leaders": "2",
        "volunteers": "1",
        "staff": "2",
        "goals": "",
        "notes": "Table tennis tournament",
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(COLUMNS))
    writer.writerow([example.get(name, "") for name in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ------------------------------------------------------------------ reading files
def csv_records(data: bytes, problems: list[FieldProblem]) -> list[list[Any]]:
    """The rows of a CSV file (UTF-8, with or without BOM; comma or semicolon)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(FieldProblem("body", "is not UTF-8 text: save the file as CSV UTF-8"))
        return []
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in sl, fi and sv locales save CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    records: list[list[Any]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            records.append(record)
            if len(records) > MAX_ROWS + 1:
                problems.append(FieldProblem("body", f"has more than {MAX_ROWS} rows"))
                return []
    except csv.Error as error:
        problems.append(FieldProblem("body", f"is not readable CSV ({error})"))
        return []
    return records


def xlsx_records(data: bytes, problems: list[FieldProblem]) -> list[list[Any]]:
    """The rows of the first sheet of an XLSX workbook (values, not formulas)."""
    import openpyxl  # only this route needs it: keep it off the cold start

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is no workbook
        problems.append(FieldProblem("body", "is not an XLSX workbook"))
        return []
    try:
        sheet = workbook.worksheets[0]
        records: list[list[Any]] = []
        for row in sheet.iter_rows(values_only=True):
            records.append(["" if value is None else value for value in row])
            if len(records) > MAX_ROWS + 1:
                problems.append(FieldProblem("body", f"has more than {MAX_ROWS} rows"))
                return []
        return records
    finally:
        workbook.close()


# ------------------------------------------------------------------ checking rows
def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _text(value)
    dotted = _DOTTED_DATE.match(text)
    if dotted:
        day, month, year = (int(part) for part in dotted.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            raise ValueError(f"{text!r} is not a date") from None
    return text


def _time(value: Any) -> str | None:
    if isinstance(value, dt.time | dt.datetime):
        return f"{value.hour:02d}:{value.minute:02d}"
    text = _text(value)
    if not text:
        return None
    match = _TIME.match(text)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else text


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        raise ValueError("is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"{value} is not a whole number")
    text = _text(value)
    if not text:
        return None
    if not re.fullmatch(r"-?\d{1,9}", text):
        raise ValueError(f"{text[:40]!r} is not a whole number")
    return int(text)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{text[:40]!r} is not yes or no")


def _split(value: Any) -> list[str]:
    return [part.strip() for part in _text(value).split(LIST_SEPARATOR) if part.strip()]


def header_problems(header: Sequence[Any]) -> list[FieldProblem]:
    """Unknown, repeated or missing columns (nothing can be read then)."""
    names = [_text(name) for name in header]
    problems = []
    unknown = [
        name
        for name in names
        if name
        and name not in COLUMNS
        and name not in EXPORT_ONLY
        and not name.startswith("reflection: ")
    ]
    if unknown:
        problems.append(
            FieldProblem("header", f"unknown columns: {', '.join(n[:60] for n in unknown[:20])}")
        )
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        problems.append(FieldProblem("header", f"missing columns: {', '.join(missing)}"))
    if len({n for n in names if n}) != len([n for n in names if n]):
        problems.append(FieldProblem("header", "a column appears twice"))
    return problems


def row_body(cells: dict[str, Any], goal_ids_by_name: dict[str, str]) -> tuple[dict, list[str]]:
    """A row's cells as an activity body; also the problems of cells no model could read."""
    body: dict[str, Any] = {}
    bad: list[str] = []

    def read(name: str, convert: Any) -> Any:
        try:
            return convert(cells.get(name, ""))
        except ValueError as error:
            bad.append(f"{name}\t{error}")
            return None

    body["date"] = read("date", _date)
    body["start_time"] = read("start_time", _time)
    body["duration_minutes"] = read("duration_minutes", _count)
    body["kind"] = _text(cells.get("kind", ""))
    body["categories"] = _split(cells.get("categories", ""))
    body["title"] = _text(cells.get("title", ""))
    counts = {name: read(name, _count) for name in COUNT_COLUMNS}
    body["participants"] = {g: counts[f"participants_{g}"] or 0 for g in GENDERS}
    ages = {band: counts[f"age_{band}"] for band in AGE_BANDS}
    if any(value is not None for value in ages.values()):
        body["age_bands"] = {band: value or 0 for band, value in ages.items()}
    for name in ("new_participants", "youth_leaders", "volunteers", "staff"):
        body[name] = counts[name] or 0
    body["youth_led"] = read("youth_led", _flag)
    goals = []
    for goal in _split(cells.get("goals", "")):
        found = goal_ids_by_name.get(goal) or goal_ids_by_name.get(goal.casefold())
        if found is None:
            bad.append(f"goals\tno goal {goal[:60]!r} in this unit")
        elif found not in goals:
            goals.append(found)
    body["goal_ids"] = goals
    body["notes"] = _text(cells.get("notes", "")) if cells.get("notes") is not None else ""
    return {name: value for name, value in body.items() if value is not None}, bad


def check_rows(
    records: Sequence[Sequence[Any]],
    unit_id: str,
    goals: Iterable[dict[str, Any]],
    question_ids: set[str],
    problems: list[FieldProblem],
    own_categories: dict[str, dict[str, Any]] | None = None,
) -> list[CheckedRow]:
    """Every row checked as ``POST /units/{unit_id}/activities`` checks a body."""
    if not records:
        problems.append(FieldProblem("body", "has no header row"))
        return []
    header = [_text(name) for name in records[0]]
    found = header_problems(header)
    if found:
        problems.extend(found)
        return []
    goal_ids_by_name: dict[str, str] = {}
    for goal in goals:
        goal_ids_by_name[goal["id"]] = goal["id"]
        goal_ids_by_name.setdefault(goal["title"], goal["id"])
        goal_ids_by_name.setdefault(goal["title"].casefold(), goal["id"])
    known_goals = set(goal_ids_by_name.values())
    checked: list[CheckedRow] = []
    seen: dict[str, int] = {}
    for number, record in enumerate(records[1:], start=2):
        if not any(_text(cell) for cell in record):
            continue
        cells = {name: record[i] if i < len(record) else "" for i, name in enumerate(header)}
        body, bad = row_body(cells, goal_ids_by_name)
        named: set[str] = set()
        for entry in bad:
            column, problem = entry.split("\t", 1)
            named.add(column)
            problems.append(FieldProblem(f"row {number}: {column}", problem))
        try:
            activity = ActivityIn.model_validate_json(json.dumps(body))
        except ValidationError as error:
            for detail in error.errors(include_url=False, include_input=False):
                column = _column_of(".".join(str(part) for part in detail["loc"]))
                if column not in named:
                    named.add(column)
                    problems.append(
                        FieldProblem(f"row {number}: {column}", detail["msg"], detail["type"])
                    )
            continue
        if bad:
            continue
        rule_problems = activity_rule_problems(
            activity, known_goals, question_ids, own_categories or {}
        )
        for rule in rule_problems:
            problems.append(
                FieldProblem(f"row {number}: {_column_of(rule.field)}", rule.problem, rule.code)
            )
        if rule_problems:
            continue
        content = json.dumps(activity.model_dump(mode="json"), sort_keys=True)
        occurrence = seen.get(content, 0)
        seen[content] = occurrence + 1
        digest = hashlib.sha256(f"{unit_id}|{occurrence}|{content}".encode()).hexdigest()
        checked.append(CheckedRow(number, activity, digest[:16]))
    if len(records) > 1 and not checked and not problems:
        problems.append(FieldProblem("body", "has no activity rows"))
    if len(records) == 1:
        problems.append(FieldProblem("body", "has a header but no activity rows"))
    return checked


def _column_of(model_field: str) -> str:
    """The spreadsheet column a model field comes from (``participants.girls`` → …)."""
    head, _, rest = model_field.partition(".")
    if head == "participants" and rest:
        return f"participants_{rest}"
    if head == "age_bands":
        return f"age_{rest}" if rest else "age columns"
    if head in ("goal_ids", "goal_ratings"):
        return "goals"
    return head
