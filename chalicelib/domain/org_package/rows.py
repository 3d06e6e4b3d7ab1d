"""Stored items as the package's rows, and an activity row back as the API's body. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chalicelib.domain.activity import ActivityIn
from chalicelib.domain.datapackage import Table
from chalicelib.domain.org_package.tables import ACTIVITIES
from chalicelib.domain.vocabulary import (
    GENDERS,
)


# ------------------------------------------------------------------ items → rows
def activity_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """A stored activity as a row of ``activities``."""
    participants = item.get("participants") or {}
    row = {column.name: item.get(column.name) for column in ACTIVITIES.columns}
    for gender in GENDERS:
        row[f"participants_{gender}"] = participants.get(gender, 0)
    return row


def activity_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """An ``activities`` row as the activity body the API takes (``ActivityIn``)."""
    # Every field the API takes that has a column (a new field needs only its column).
    body = {
        name: row[name]
        for name in ActivityIn.model_fields
        if name != "participants" and name in row
    }
    body["participants"] = {gender: row[f"participants_{gender}"] for gender in GENDERS}
    return {name: value for name, value in body.items() if value is not None}


def rows_of(table: Table, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stored items as rows (plain tables: one column per stored field)."""
    if table is ACTIVITIES:
        return [activity_row(item) for item in items]
    return [{column.name: item.get(column.name) for column in table.columns} for item in items]
