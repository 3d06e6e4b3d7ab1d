"""Logs and metrics as CloudWatch would read them from the functions' output (moto).

Metrics leave as embedded-metric-format JSON lines on stdout; logs as JSON lines with
the request's ids. Each test reads what one call printed.
"""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.events import aggregate as aggregate_module
from chalicelib.events.blueprint import aggregate
from chalicelib.observability import METRICS_NAMESPACE, logger
from tests.builders import activity
from tests.functional.world import World, survey_world
from tools.stream_events import activity_item, stream_event, stream_record


class FakeContext:
    """What Lambda passes as ``context`` (the fields Powertools' logger reads)."""

    function_name = "logbook-test-aggregate"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-north-1:123456789012:function:logbook-test-aggregate"
    aws_request_id = "c0ffee00-0000-4000-8000-000000000001"


def _json_lines(text: str) -> list[dict[str, Any]]:
    lines = []
    for line in text.splitlines():
        try:
            parsed = json.loads(line)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            lines.append(parsed)
    return lines


def published(capsys: pytest.CaptureFixture[str]) -> dict[str, float]:
    """Metric name → value summed over the EMF documents printed since the last read."""
    totals: dict[str, float] = {}
    for document in _json_lines(capsys.readouterr().out):
        if "_aws" not in document:
            continue
        (directive,) = document["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == METRICS_NAMESPACE
        assert sorted(directive["Dimensions"][0]) == ["service", "stage"]
        assert document["stage"] == "local" and document["service"] == "logbook"
        for metric in directive["Metrics"]:
            value = document[metric["Name"]]
            totals[metric["Name"]] = totals.get(metric["Name"], 0) + sum(
                value if isinstance(value, list) else [value]
            )
    return totals


@pytest.fixture
def world(api: Any) -> World:
    return survey_world(api)


@pytest.fixture
def quiet(capsys: pytest.CaptureFixture[str], world: World) -> World:
    """The world, with what setting it up printed already read."""
    capsys.readouterr()
    return world


def test_recording_an_activity_counts_it(quiet: World, capsys: pytest.CaptureFixture[str]) -> None:
    answer = quiet.api.call("POST", f"/units/{quiet.unit}/activities", activity(), quiet.worker)

    assert answer.status == 201
    assert published(capsys) == {"ActivitiesRecorded": 1}


def test_refused_and_read_requests_publish_nothing(
    quiet: World, capsys: pytest.CaptureFixture[str]
) -> None:
    refused = quiet.api.call(
        "POST", f"/units/{quiet.unit}/activities", activity(title=""), quiet.worker
    )
    listed = quiet.api.call("GET", f"/units/{quiet.unit}/activities", token=quiet.worker)

    assert (refused.status, listed.status) == (400, 200)
    assert published(capsys) == {}


def test_an_answer_sent_twice_counts_once_as_stored_and_once_as_duplicate(
    quiet: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code = quiet.collection()
    capsys.readouterr()
    sid = str(uuid.uuid4())

    assert quiet.respond(code, {"safety_1": 4}, sid).status == 201
    assert quiet.respond(code, {"safety_1": 4}, sid).status == 200

    assert published(capsys) == {"SurveyResponsesStored": 1, "DuplicateSubmissions": 1}


def test_a_checkin_counts(quiet: World, capsys: pytest.CaptureFixture[str]) -> None:
    code = quiet.collection({"kind": "checkin"})
    capsys.readouterr()

    assert quiet.check_in(code, "mojca").status == 201

    assert published(capsys) == {"CheckinsStored": 1}


@pytest.fixture
def stream_consumer(aws: None) -> Iterator[None]:
    aggregate_module.get_aggregator.cache_clear()
    yield
    aggregate_module.get_aggregator.cache_clear()


def test_the_stream_consumer_counts_records_read(
    stream_consumer: None, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [
        stream_record(index, None, activity_item(f"a{index}", "u1", "o1", "2026-03-14"))
        for index in range(1, 4)
    ]

    response = aggregate(stream_event(records, "shardId-1"), FakeContext())

    assert response["batchItemFailures"] == []
    assert published(capsys) == {"StreamRecordsRead": 3}


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What the Powertools logger writes (to stdout as it was at import, in Lambda)."""
    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    original = handler.setStream(buffer)
    yield buffer
    handler.setStream(original)


def test_an_unreadable_record_is_counted_and_logged_with_the_request_id(
    stream_consumer: None, capsys: pytest.CaptureFixture[str], log_output: io.StringIO
) -> None:
    good = stream_record(1, None, activity_item("a1", "u1", "o1", "2026-03-14"))
    broken = stream_record(2, None, activity_item("a2", "u1", "o1", "2026-03-14"))
    broken["eventName"] = "MODIFY"  # without an old image: cannot be folded
    broken["dynamodb"].pop("OldImage", None)

    response = aggregate(stream_event([good, broken], "shardId-1"), FakeContext())

    assert response["batchItemFailures"] == [
        {"itemIdentifier": broken["dynamodb"]["SequenceNumber"]}
    ]
    (logged,) = [line for line in _json_lines(log_output.getvalue()) if line["level"] == "ERROR"]
    assert logged["message"] == "stream record 2 could not be parsed; retrying from it"
    assert logged["function_request_id"] == FakeContext.aws_request_id
    assert logged["service"] == "logbook" and logged["cold_start"] in (True, False)
    assert published(capsys) == {"StreamRecordsRead": 1, "UnreadableStreamRecords": 1}
