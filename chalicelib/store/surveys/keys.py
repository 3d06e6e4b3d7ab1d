"""The data table's survey items: their keys and types.

In the style of ``store/keys.py``:

| item                | PK                                | SK                    | GSI1PK                 | GSI1SK            | TTL |
|---------------------|-----------------------------------|-----------------------|------------------------|-------------------|-----|
| org's template      | ORG#{org}                         | SURVEY_TEMPLATE#{id}  | -                      | -                 |     |
| check-in salt       | ORG#{org}                         | CHECKIN_SALT          | -                      | -                 |     |
| check-in key        | ORG#{org}                         | CHECKIN_KEY           | -                      | -                 |     |
| collection (QR)     | COLLECTION#{code}                 | COLLECTION            | UNIT#{unit}#COLL       | {created_at}#{code} |   |
| rate window         | COLLECTION#{code}                 | RATE#{window}         | -                      | -                 | yes |
| response            | RESPONSE#{submission}             | RESPONSE              | COLLECTION#{code}#IN   | {date}#{submission} |   |
| free-text answers   | RESPONSE#{submission}             | TEXT                  | -                      | -                 |     |
| check-in            | CHECKIN#{submission}              | CHECKIN               | COLLECTION#{code}#IN   | {date}#{submission} |   |
| first-visit marker  | SEEN#{scope}#{period}#{visitor}   | SEEN                  | -                      | -                 | yes |

``{visitor}`` in a marker is the phone's hash keyed with the organisation's check-in key
(HMAC, ``keyed`` = true); markers written before the key existed carry the phone's hash
itself (no ``keyed``) until ``rekey_legacy_markers`` moves them.

``type`` tells them apart: ``survey_template``, ``checkin_salt``, ``checkin_key``, ``collection``,
``rate_window``, ``response``, ``response_text``, ``checkin``, ``visit_marker``.
The stream consumer folds only ``response`` and ``checkin``; free text sits in its own
item so it never travels with what is aggregated or published.

Each answer is written under its submission id with a conditional put: whatever
the network does, a submission is stored once.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

COLLECTION_SK: Final = "COLLECTION"
RESPONSE_SK: Final = "RESPONSE"
TEXT_SK: Final = "TEXT"
CHECKIN_SK: Final = "CHECKIN"
SEEN_SK: Final = "SEEN"
SALT_SK: Final = "CHECKIN_SALT"
KEY_SK: Final = "CHECKIN_KEY"
CHECKIN_KEY_BYTES: Final = 32
# Markers outlive their period by this much, then DynamoDB's TTL sweeps them.
MARKER_GRACE = dt.timedelta(days=7)


def org_pk(org_id: str) -> str:
    return f"ORG#{org_id}"


def template_sk(template_id: str) -> str:
    return f"SURVEY_TEMPLATE#{template_id}"


def collection_pk(code: str) -> str:
    return f"COLLECTION#{code}"


def collections_of_unit_pk(unit_id: str) -> str:
    return f"UNIT#{unit_id}#COLL"


def entries_of_collection_pk(code: str) -> str:
    return f"COLLECTION#{code}#IN"


def response_pk(submission_id: str) -> str:
    return f"RESPONSE#{submission_id}"


def checkin_pk(submission_id: str) -> str:
    return f"CHECKIN#{submission_id}"


def rate_sk(window: str) -> str:
    return f"RATE#{window}"


def marker_pk(scope: str, period: str, visitor: str) -> str:
    return f"SEEN#{scope}#{period}#{visitor}"


def parse_marker_pk(pk: str) -> tuple[str, str, str]:
    """(scope, period, visitor) of a marker's PK; scope is ``unit:{id}`` or ``org:{id}``."""
    _seen, scope, period, visitor = pk.split("#", 3)
    return scope, period, visitor


def epoch_seconds(moment: dt.datetime) -> int:
    return int(moment.timestamp())
