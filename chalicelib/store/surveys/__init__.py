"""Survey templates, collections, responses and check-ins in the data table.

| module | what |
|---|---|
| ``keys`` | every survey item's keys and types (the table of them is its docstring) |
| ``base`` | conditional puts and transactions that store an item once |
| ``checkins`` | ``CheckinRepository``: check-ins, first-visit markers, salt and key |
| ``repository`` | ``SurveyRepository``: templates, collections, rate windows, responses (and, |
|  | inherited, check-ins) — the one object the survey service uses |

Every public name stays importable from ``chalicelib.store.surveys``.
"""

from __future__ import annotations

from chalicelib.store.surveys.base import (
    SurveyTableRepository,
)
from chalicelib.store.surveys.checkins import (
    CheckinRepository,
    RekeyResult,
    forget_checkin_keys,
)
from chalicelib.store.surveys.keys import (
    CHECKIN_KEY_BYTES,
    CHECKIN_SK,
    COLLECTION_SK,
    KEY_SK,
    MARKER_GRACE,
    RESPONSE_SK,
    SALT_SK,
    SEEN_SK,
    TEXT_SK,
    checkin_pk,
    collection_pk,
    collections_of_unit_pk,
    entries_of_collection_pk,
    epoch_seconds,
    marker_pk,
    org_pk,
    parse_marker_pk,
    rate_sk,
    response_pk,
    template_sk,
)
from chalicelib.store.surveys.repository import (
    SurveyRepository,
)

__all__ = [
    "CHECKIN_KEY_BYTES",
    "CHECKIN_SK",
    "COLLECTION_SK",
    "KEY_SK",
    "MARKER_GRACE",
    "RESPONSE_SK",
    "SALT_SK",
    "SEEN_SK",
    "TEXT_SK",
    "CheckinRepository",
    "RekeyResult",
    "SurveyRepository",
    "SurveyTableRepository",
    "checkin_pk",
    "collection_pk",
    "collections_of_unit_pk",
    "entries_of_collection_pk",
    "epoch_seconds",
    "forget_checkin_keys",
    "marker_pk",
    "org_pk",
    "parse_marker_pk",
    "rate_sk",
    "response_pk",
    "template_sk",
]
