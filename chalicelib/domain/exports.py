"""Activity exports: the rows of a municipality's annual report, as CSV or XLSX.

Pure: the caller passes activities, goals, questions and whether the reader may see
the diary; this module decides the columns and renders the bytes.

Who sees notes and reflections (the diary is never public, docs/privacy.md): the
organisation's admins, and the workers of the unit; partners only see (and so
export) their own activities, with their own notes. Platform admins operate the
platform and are not part of the organisation's team, so their exports carry
figures only. Everyone else cannot export at all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from chalicelib.domain.access import UnitRole
from chalicelib.domain.csv_cells import csv_safe_cell
from chalicelib.domain.vocabulary import AGE_BANDS, GENDERS

ExportFormat = Literal["csv", "xlsx"]
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLES_SEEING_NOTES: frozenset[UnitRole] = frozenset({"org_admin", "worker", "partner"})


def may_see_notes(role: UnitRole) -> bool:
    """Whether someone with ``role`` in a unit may export its diary notes and reflections."""
    return role in ROLES_SEEING_NOTES


@dataclass(frozen=True)
class ExportTable:
    """A header and rows of plain values, ready for any format."""

    header: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class UnitExport:
    """One unit's share of an export: its activities and whether notes go along."""

    org_name: str
    unit_name: str
    activities: Sequence[dict[str, Any]]
    include_notes: bool


FIGURE_COLUMNS = [
    "organisation",
    "unit",
    "activity_id",
    "date",
    "start_time",
    "duration_minutes",
    "hours",
    "kind",
    "categories",
    "category_names",
    "title",
    *(f"participants_{gender}" for gender in GENDERS),
    "participants_total",
    *(f"age_{band}" for band in AGE_BANDS),
    "new_participants",
    "youth_led",
    "youth_leaders",
    "volunteers",
    "staff",
    "goals",
    "goal_ratings",
]


def activity_table(
    units: Iterable[UnitExport],
    goal_titles: dict[str, str],
    questions: Sequence[tuple[str, str]],
    category_names: dict[str, str] | None = None,
) -> ExportTable:
    """The export table of some units' activities, oldest first.

    ``category_names`` gives the organisation's own name of each category (else its id):
    ``categories`` keeps the ids (for machines and re-imports), ``category_names`` the
    words the organisation uses.

    ``questions`` are (id, text) of the organisation's reflection questions; each gets a
    column when any unit's notes are included. Rows of units without notes leave those
    cells empty rather than dropping columns, so one file keeps one shape.
    """
    units = list(units)
    with_notes = any(unit.include_notes for unit in units)
    header = list(FIGURE_COLUMNS)
    if with_notes:
        header += ["notes", *(f"reflection: {text}" for _, text in questions)]
    rows: list[list[Any]] = []
    for unit in units:
        ordered = sorted(
            unit.activities, key=lambda a: (a["date"], a.get("start_time") or "", a["id"])
        )
        for activity in ordered:
            row = _figure_cells(unit, activity, goal_titles, category_names or {})
            if with_notes:
                reflection = activity.get("reflection") or {}
                if unit.include_notes:
                    row.append(activity.get("notes") or "")
                    row += [reflection.get(question_id, "") for question_id, _ in questions]
                else:
                    row += [""] * (1 + len(questions))
            rows.append(row)
    return ExportTable(header=header, rows=rows)


def _figure_cells(
    unit: UnitExport,
    activity: dict[str, Any],
    goal_titles: dict[str, str],
    category_names: dict[str, str],
) -> list[Any]:
    participants = activity.get("participants") or {}
    ages = activity.get("age_bands") or {}
    goal_ids = activity.get("goal_ids") or []
    ratings = activity.get("goal_ratings") or {}
    return [
        unit.org_name,
        unit.unit_name,
        activity["id"],
        activity["date"],
        activity.get("start_time") or "",
        activity["duration_minutes"],
        round(activity["duration_minutes"] / 60, 2),
        activity["kind"],
        "; ".join(activity.get("categories") or []),
        "; ".join(category_names.get(c, c) for c in activity.get("categories") or []),
        activity["title"],
        *(participants.get(gender, 0) for gender in GENDERS),
        sum(participants.get(gender, 0) for gender in GENDERS),
        # Empty, not 0, when the age bands were not recorded: unknown is not none.
        *(ages.get(band, 0) if activity.get("age_bands") else "" for band in AGE_BANDS),
        activity.get("new_participants", 0),
        "yes" if activity.get("youth_led") else "no",
        activity.get("youth_leaders", 0),
        activity.get("volunteers", 0),
        activity.get("staff", 0),
        "; ".join(goal_titles.get(goal_id, goal_id) for goal_id in goal_ids),
        "; ".join(
            f"{goal_titles.get(goal_id, goal_id)}: {rating}" for goal_id, rating in ratings.items()
        ),
    ]


def render_csv(table: ExportTable) -> bytes:
    """UTF-8 CSV with a byte-order mark, so spreadsheet programs read č, ä and å right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([csv_safe_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_xlsx(table: ExportTable, sheet_title: str = "Activities") -> bytes:
    """An XLSX workbook with one sheet; text is written as text, never as formulas."""
    buffer = io.BytesIO()
    import xlsxwriter  # only this route needs it: keep it off the cold start

    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    sheet = workbook.add_worksheet(_sheet_name(sheet_title))
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, table.header, bold)
    sheet.freeze_panes(1, 0)
    for index, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(index, column, value)
            elif isinstance(value, bool):
                sheet.write_boolean(index, column, value)
            else:
                sheet.write_number(index, column, value)
    if table.rows:
        sheet.autofilter(0, 0, len(table.rows), len(table.header) - 1)
    workbook.close()
    return buffer.getvalue()


def _sheet_name(title: str) -> str:
    # Excel forbids these characters in sheet names and allows at most 31 characters.
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Activities")[:31]


def render(table: ExportTable, export_format: ExportFormat, sheet_title: str) -> bytes:
    """The table in ``export_format``."""
    if export_format == "xlsx":
        return render_xlsx(table, sheet_title)
    return render_csv(table)
