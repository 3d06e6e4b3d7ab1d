"""Test data builders: data-table items and Lambda-shaped DynamoDB Streams events.

Shared by the tests, the benchmark and the admin tools (dev-only, not shipped).
Records look like what Lambda sends: DynamoDB-typed images (``TypeSerializer``),
``eventSourceARN``, epoch-seconds ``ApproximateCreationDateTime``; events carry
``shardId`` as tumbling-window invocations do.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeSerializer

STREAM_ARN = (
    "arn:aws:dynamodb:eu-north-1:000000000000:table/logbook-data/stream/2026-01-01T00:00:00.000"
)
_serializer = TypeSerializer()


def activity_item(
    activity_id: str,
    unit_id: str,
    org_id: str,
    date: str,
    *,
    version: int = 1,
    duration_minutes: int = 90,
    kind: str = "open",
    categories: Sequence[str] = ("socialising",),
    participants: Mapping[str, int] | None = None,
    age_bands: Mapping[str, int] | None = None,
    new_participants: int = 0,
    youth_led: bool = False,
    youth_leaders: int = 0,
    volunteers: int = 0,
    staff: int = 1,
    status: str | None = None,
    core_categories: Sequence[str] | None = None,
) -> dict[str, Any]:
    """An activity as the API stores it in the data table (flat attributes).

    ``status`` (``planned``/``done``) and ``core_categories`` (what own categories count
    under) are stored only when given, as for items written before they existed.
    """
    item: dict[str, Any] = {
        "PK": f"UNIT#{unit_id}",
        "SK": f"ACT#{activity_id}",
        "GSI1PK": f"UNIT#{unit_id}#ACT",
        "GSI1SK": f"{date}#~#{activity_id}",
        "type": "activity",
        "id": activity_id,
        "unit_id": unit_id,
        "org_id": org_id,
        "version": version,
        "created_by": "worker@logbook.local",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "date": date,
        "duration_minutes": duration_minutes,
        "kind": kind,
        "categories": list(categories),
        "title": "Open house",
        "participants": dict(
            participants or {"girls": 3, "boys": 4, "nonbinary": 0, "undisclosed": 1}
        ),
        "new_participants": new_participants,
        "youth_led": youth_led,
        "youth_leaders": youth_leaders,
        "volunteers": volunteers,
        "staff": staff,
        "goal_ids": [],
        "goal_ratings": {},
        "notes": "private diary text",
        "reflection": {"q1": "private reflection"},
    }
    if age_bands is not None:
        item["age_bands"] = dict(age_bands)
    if status is not None:
        item["status"] = status
    if core_categories is not None:
        item["core_categories"] = list(core_categories)
    return item


def response_item(
    response_id: str,
    unit_id: str,
    org_id: str,
    date: str,
    scores: Mapping[str, Decimal | int],
    template_id: str = "annual",
) -> dict[str, Any]:
    """A survey response: the respondent's score per indicator."""
    return {
        "PK": f"UNIT#{unit_id}",
        "SK": f"RESP#{response_id}",
        "type": "response",
        "id": response_id,
        "unit_id": unit_id,
        "org_id": org_id,
        "date": date,
        "template_id": template_id,
        "scores": {name: Decimal(str(value)) for name, value in scores.items()},
    }


def checkin_item(
    checkin_id: str,
    unit_id: str,
    org_id: str,
    date: str,
    *,
    gender: str | None = None,
    age_band: str | None = None,
    first_unit: Sequence[str] = (),
    first_org: Sequence[str] = (),
) -> dict[str, Any]:
    """A check-in, with the periods for which it is the visitor's first."""
    item: dict[str, Any] = {
        "PK": f"UNIT#{unit_id}",
        "SK": f"CHECKIN#{checkin_id}",
        "type": "checkin",
        "id": checkin_id,
        "unit_id": unit_id,
        "org_id": org_id,
        "date": date,
        "first_visit": {"unit": list(first_unit), "org": list(first_org)},
    }
    if gender:
        item["gender"] = gender
    if age_band:
        item["age_band"] = age_band
    return item


def serialize(item: Mapping[str, Any]) -> dict[str, Any]:
    """An item in DynamoDB's typed JSON."""
    return {name: _serializer.serialize(value) for name, value in item.items()}


def stream_record(
    sequence: int,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    *,
    created: int = 1_767_225_600,
    arn: str = STREAM_ARN,
) -> dict[str, Any]:
    """One Lambda DynamoDB Streams record for a change from ``old`` to ``new``."""
    if old is None and new is None:
        raise ValueError("a change needs an old or a new image")
    name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    image = new if new is not None else old
    assert image is not None
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": created,
        "Keys": {"PK": {"S": image["PK"]}, "SK": {"S": image["SK"]}},
        "SequenceNumber": str(sequence),
        "SizeBytes": 100,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new is not None:
        body["NewImage"] = serialize(new)
    if old is not None:
        body["OldImage"] = serialize(old)
    return {
        "eventID": uuid.uuid4().hex,
        "eventName": name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-north-1",
        "dynamodb": body,
        "eventSourceARN": arn,
    }


def stream_event(
    records: Sequence[Mapping[str, Any]], shard_id: str | None, arn: str = STREAM_ARN
) -> dict[str, Any]:
    """A Lambda event; with ``shard_id`` it has the tumbling-window fields."""
    event: dict[str, Any] = {"Records": [dict(record) for record in records]}
    if shard_id is not None:
        event.update(
            {
                "shardId": shard_id,
                "eventSourceARN": arn,
                "window": {"start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:01:00Z"},
                "state": {},
                "isFinalInvokeForWindow": False,
                "isWindowTerminatedEarly": False,
            }
        )
    return event
