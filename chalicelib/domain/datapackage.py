"""Frictionless data packages: tables declared once, written and read as CSV.

Pure Python (csv and json only: the Lambda package stays small). A table is one
``Table`` declaration — its columns with types, constraints and descriptions, its
primary key and foreign keys — and the same declaration writes the CSV, describes it in
``datapackage.json`` (Table Schema) and reads it back, naming every bad cell.

Cells: empty means "no value" (``None``) for a nullable column and ``""`` for text that
is always present (a diary may be empty). ``object`` and ``array`` columns hold JSON.
Free text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab,
carriage return) is written with a leading ``'``, and so is text that starts with
``'`` itself: reading drops exactly one leading ``'``, so the escape is reversible and
a round trip returns the very text that was stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from chalicelib.domain.csv_cells import FORMULA_STARTS
from chalicelib.domain.errors import FieldProblem

FieldType = Literal["string", "integer", "number", "boolean", "date", "datetime", "object", "array"]
PROFILE = "tabular-data-package"
CSV_DIALECT = {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "header": True}
# Field size limit of the csv module: a diary (10 000 characters) fits many times over.
csv.field_size_limit(1_000_000)


@dataclass(frozen=True)
class Column:
    """One column of a table (a Table Schema field)."""

    name: str
    type: FieldType
    description: str
    required: bool = False
    # Empty cell → None (nullable) or "" (text that is always there, possibly empty).
    nullable: bool = True
    free_text: bool = False
    constraints: Mapping[str, Any] = field(default_factory=dict)

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type}
        out["description"] = self.description
        if self.type == "boolean":
            out["trueValues"], out["falseValues"] = ["true"], ["false"]
        constraints = dict(self.constraints)
        if self.required:
            constraints["required"] = True
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True)
class ForeignKey:
    """``fields`` of this table refer to ``reference_fields`` of ``resource``."""

    fields: str
    resource: str
    reference_fields: str


@dataclass(frozen=True)
class Table:
    """One CSV resource of a package."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    def descriptor(self) -> dict[str, Any]:
        """The resource in ``datapackage.json``."""
        schema: dict[str, Any] = {"fields": [column.descriptor() for column in self.columns]}
        if self.primary_key:
            schema["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {
                    "fields": key.fields,
                    "reference": {"resource": key.resource, "fields": key.reference_fields},
                }
                for key in self.foreign_keys
            ]
        return {
            "name": self.name,
            "path": self.path,
            "title": self.title,
            "description": self.description,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": dict(CSV_DIALECT),
            "schema": schema,
        }


# ------------------------------------------------------------------ writing
def _cell(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.type in ("object", "array"):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if column.type == "boolean":
        return "true" if value else "false"
    text = str(value)
    if column.free_text and text.startswith((*FORMULA_STARTS, "'")):
        return "'" + text
    return text


def write_csv(table: Table, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The rows as UTF-8 CSV with the table's header (no byte-order mark: it is data)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in rows:
        writer.writerow([_cell(column, row.get(column.name)) for column in table.columns])
    return buffer.getvalue().encode("utf-8")


# ------------------------------------------------------------------ reading
class CellError(ValueError):
    """A cell that does not hold a value of its column's type."""


def _parse_cell(column: Column, text: str) -> Any:
    if text == "":
        if column.required:
            raise CellError("is required")
        return None if column.nullable else ""
    kind = column.type
    if kind == "string":
        return text[1:] if column.free_text and text.startswith("'") else text
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise CellError(f"{text[:40]!r} is not a whole number") from None
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            raise CellError(f"{text[:40]!r} is not a number") from None
    if kind == "boolean":
        if text in ("true", "false"):
            return text == "true"
        raise CellError(f"{text[:40]!r} is not true or false")
    if kind == "date":
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise CellError(f"{text[:40]!r} is not a date YYYY-MM-DD") from None
    if kind == "datetime":
        try:
            dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise CellError(f"{text[:40]!r} is not a date and time") from None
        return text
    try:
        value = json.loads(text)
    except ValueError:
        raise CellError(f"is not JSON ({kind})") from None
    expected = dict if kind == "object" else list
    if not isinstance(value, expected):
        raise CellError(f"is not a JSON {kind}")
    return value


def read_csv(
    table: Table, data: bytes, problems: list[FieldProblem], max_rows: int
) -> list[dict[str, Any]]:
    """The rows of ``data`` as dicts of typed values; every bad cell lands in ``problems``.

    Fields are named ``{table}.csv: row N, column C`` (row 1 is the header, as a
    spreadsheet shows it). Columns may come in any order; unknown columns are refused.
    """
    where = table.path
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(FieldProblem(where, "is not UTF-8 text"))
        return []
    try:
        records = list(_bounded_rows(csv.reader(io.StringIO(text, newline="")), max_rows + 1))
    except (csv.Error, _TooManyRows) as error:
        problems.append(FieldProblem(where, str(error)))
        return []
    if not records:
        problems.append(FieldProblem(where, "has no header row"))
        return []
    header = records[0]
    known = {column.name: column for column in table.columns}
    unknown = [name for name in header if name not in known]
    missing = [name for name in known if name not in header]
    if unknown:
        problems.append(FieldProblem(where, f"unknown columns: {', '.join(unknown[:20])}"))
    if missing:
        problems.append(FieldProblem(where, f"missing columns: {', '.join(missing)}"))
    if len(set(header)) != len(header):
        problems.append(FieldProblem(where, "a column appears twice"))
    if unknown or missing or len(set(header)) != len(header):
        return []
    rows: list[dict[str, Any]] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(record):
            continue
        if len(record) != len(header):
            problems.append(
                FieldProblem(
                    f"{where}: row {number}", f"has {len(record)} cells, not {len(header)}"
                )
            )
            continue
        row: dict[str, Any] = {}
        for name, text in zip(header, record, strict=True):
            try:
                row[name] = _parse_cell(known[name], text)
            except CellError as error:
                problems.append(FieldProblem(f"{where}: row {number}, {name}", str(error)))
        rows.append(row)
    _check_unique(table, rows, problems)
    return rows


class _TooManyRows(Exception):
    pass


def _bounded_rows(reader: Iterator[list[str]], limit: int) -> Iterator[list[str]]:
    for index, row in enumerate(reader):
        if index >= limit:
            raise _TooManyRows(f"has more than {limit - 1} rows")
        yield row


def _check_unique(
    table: Table, rows: Sequence[Mapping[str, Any]], problems: list[FieldProblem]
) -> None:
    if not table.primary_key:
        return
    seen: dict[tuple[Any, ...], int] = {}
    for index, row in enumerate(rows, start=2):
        key = tuple(row.get(name) for name in table.primary_key)
        if key in seen:
            problems.append(
                FieldProblem(
                    f"{table.path}: row {index}",
                    f"repeats the key {', '.join(map(str, key))} of row {seen[key]}",
                )
            )
        else:
            seen[key] = index


def package_descriptor(
    *, name: str, title: str, description: str, tables: Sequence[Table], **extra: Any
) -> dict[str, Any]:
    """``datapackage.json`` for ``tables`` (Frictionless Data Package, tabular profile)."""
    return {
        "profile": PROFILE,
        "name": name,
        "title": title,
        "description": description,
        **extra,
        "resources": [table.descriptor() for table in tables],
    }
