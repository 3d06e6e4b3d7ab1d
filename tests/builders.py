"""Test data builders: valid inputs by default, changed only where a test says so."""

from __future__ import annotations

import copy
from typing import Any

ACTIVITY: dict[str, Any] = {
    "date": "2026-03-13",
    "start_time": "17:00",
    "duration_minutes": 120,
    "kind": "open",
    "categories": ["socialising", "sport"],
    "title": "Friday open house",
    "participants": {"girls": 5, "boys": 7, "nonbinary": 1, "undisclosed": 0},
    "age_bands": {"under_13": 0, "13_15": 6, "16_18": 5, "19_24": 2, "25_29": 0, "over_29": 0},
    "new_participants": 2,
    "youth_led": True,
    "youth_leaders": 2,
    "volunteers": 1,
    "staff": 2,
    "notes": "Quiet evening, table tennis tournament.",
}


def activity(**changes: Any) -> dict[str, Any]:
    """A valid activity body; keyword arguments replace fields (None removes one)."""
    body = copy.deepcopy(ACTIVITY)
    for name, value in changes.items():
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    return body
