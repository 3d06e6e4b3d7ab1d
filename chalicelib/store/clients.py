"""boto3 factories, cached per process so a warm Lambda reuses its connections."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.settings import Settings, get_settings

_BOTO_CONFIG = Config(retries={"max_attempts": 5, "mode": "adaptive"}, connect_timeout=3)


@lru_cache(maxsize=4)
def dynamodb_resource(settings: Settings | None = None) -> Any:
    """The DynamoDB service resource for these settings (DynamoDB Local when configured)."""
    settings = settings or get_settings()
    return boto3.resource(
        "dynamodb",
        region_name=settings.region,
        endpoint_url=settings.dynamodb_endpoint,
        config=_BOTO_CONFIG,
    )


@lru_cache(maxsize=4)
def dynamodb_client(settings: Settings | None = None) -> Any:
    """The low-level DynamoDB client (Powertools' idempotency layer speaks its wire format)."""
    settings = settings or get_settings()
    return boto3.client(
        "dynamodb",
        region_name=settings.region,
        endpoint_url=settings.dynamodb_endpoint,
        config=_BOTO_CONFIG,
    )


def data_table(settings: Settings | None = None) -> Any:
    """The data table resource."""
    settings = settings or get_settings()
    return dynamodb_resource(settings).Table(settings.data_table)


def stats_table(settings: Settings | None = None) -> Any:
    """The stats table resource."""
    settings = settings or get_settings()
    return dynamodb_resource(settings).Table(settings.stats_table)


@lru_cache(maxsize=2)
def cognito_client(settings: Settings | None = None) -> Any:
    """The Cognito user pools client (created on first use: only adding members needs it)."""
    settings = settings or get_settings()
    return boto3.client("cognito-idp", region_name=settings.region, config=_BOTO_CONFIG)
