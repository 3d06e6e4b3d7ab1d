"""Stream records and the context object as a Lambda function receives them, made from
what DynamoDB Local's ``GetRecords`` gives (the stream pump's half of being Lambda)."""

from __future__ import annotations

import base64
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def _base64(value: bytes | bytearray | str) -> str:
    return value if isinstance(value, str) else base64.b64encode(value).decode("ascii")


def lambda_attribute_value(value: dict[str, Any]) -> dict[str, Any]:
    """An AttributeValue as Lambda's JSON has it: binary as base64 text, types intact.

    DynamoDB Local's GetRecords writes an empty map as ``{}`` instead of ``{"M": {}}``
    (an empty list keeps its ``{"L": []}``); AWS keeps the type, so restore it here.
    """
    if not value:
        return {"M": {}}
    kind, inner = next(iter(value.items()))
    if kind == "M":
        return {"M": {name: lambda_attribute_value(item) for name, item in inner.items()}}
    if kind == "L":
        return {"L": [lambda_attribute_value(item) for item in inner]}
    if kind == "B":
        return {"B": _base64(inner)}
    if kind == "BS":
        return {"BS": [_base64(item) for item in inner]}
    return {kind: inner}


def _lambda_image(image: dict[str, Any]) -> dict[str, Any]:
    return {name: lambda_attribute_value(value) for name, value in image.items()}


def to_lambda_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """Turn a ``GetRecords`` record into the record a Lambda event carries.

    ``GetRecords`` (through boto3) gives ``ApproximateCreationDateTime`` as a datetime
    and binary values as bytes, and no ``eventSourceARN``; Lambda gives epoch seconds,
    base64 text and the stream ARN.
    """
    stream = dict(record.get("dynamodb", {}))
    created = stream.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        stream["ApproximateCreationDateTime"] = int(created.timestamp())
    for image in ("Keys", "NewImage", "OldImage"):
        if image in stream:
            stream[image] = _lambda_image(stream[image])
    shaped: dict[str, Any] = {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": record.get("eventSource", "aws:dynamodb"),
        "awsRegion": region,
        "dynamodb": stream,
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in record:  # TTL deletions say who deleted
        shaped["userIdentity"] = record["userIdentity"]
    return shaped


@dataclass
class LocalLambdaContext:
    """The parts of the Lambda context object handlers (and Powertools) read."""

    function_name: str = "logbook-local-aggregate"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    timeout_seconds: float = 60.0
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/logbook-local-aggregate"
    log_stream_name: str = "local"
    invoked_function_arn: str = (
        "arn:aws:lambda:eu-north-1:000000000000:function:logbook-local-aggregate"
    )
    _started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before a Lambda with this timeout would be stopped."""
        left = self.timeout_seconds - (time.monotonic() - self._started)
        return max(0, int(left * 1000))
