"""Structured logs and CloudWatch metrics for the API and the stream consumer (Powertools).

Logs are JSON lines that carry the Lambda request id and whether the call was a cold
start. Metrics leave in CloudWatch's embedded metric format, printed to the same log
stream: no PutMetricData call, no extra permission, nothing to wait for. They are few on
purpose — every metric name × dimension set is a custom metric (10 are free, then $0.30
a month each): what the service is doing (activities and answers stored, stream records
read) and what should stay at zero (statistics retried, unreadable stream records).

Locally (``POWERTOOLS_DEV=true`` in the dev stack) logs are indented and metrics are not
printed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

SERVICE_NAME: Final = "logbook"
METRICS_NAMESPACE: Final = "Logbook"

logger = Logger(service=SERVICE_NAME)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)


class Counter(StrEnum):
    """The metrics Logbook publishes (all counts, per invocation)."""

    ACTIVITIES_RECORDED = "ActivitiesRecorded"
    SURVEY_RESPONSES_STORED = "SurveyResponsesStored"
    CHECKINS_STORED = "CheckinsStored"
    #: A phone sent an answer again (lost acknowledgement, retry): stored once anyway.
    DUPLICATE_SUBMISSIONS = "DuplicateSubmissions"
    STREAM_RECORDS_READ = "StreamRecordsRead"
    #: Statistics items that could not be written; the batch is retried from them.
    STATS_KEYS_RETRIED = "StatsKeysRetried"
    #: Stream records the consumer could not read; the batch stops there and retries.
    UNREADABLE_STREAM_RECORDS = "UnreadableStreamRecords"


def count(counter: Counter, value: int = 1) -> None:
    """Add ``value`` to ``counter`` for this invocation (published by ``publish_metrics``)."""
    if value:
        metrics.add_metric(name=counter.value, unit=MetricUnit.Count, value=value)


def publish_metrics(stage: str | None) -> None:
    """Print this invocation's metrics (with a ``stage`` dimension), then forget them.

    Nothing is printed when nothing was counted, unlike Powertools' ``log_metrics``,
    which warns on every such invocation (most API calls are reads).
    """
    if metrics.metric_set:
        metrics.add_dimension(name="stage", value=stage or "unset")
        metrics.flush_metrics()
    # flush_metrics keeps them when metrics are disabled (local stage): drop them anyway.
    metrics.clear_metrics()
