"""Test-wide safety: fake AWS credentials and no real endpoint, before boto3 is used."""

from __future__ import annotations

import os

# Set before any boto3 client exists (and before moto is imported by test modules).
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-north-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "AWS_EC2_METADATA_DISABLED": "true",
        "LOGBOOK_STAGE": "local",
        "LOGBOOK_REGION": "eu-north-1",
    }
)
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("LOGBOOK_DYNAMODB_ENDPOINT", None)
