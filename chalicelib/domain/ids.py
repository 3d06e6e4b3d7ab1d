"""Identifiers and timestamps."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime


def new_id() -> str:
    """A random, URL-safe, unguessable identifier (16 lowercase hex characters)."""
    return secrets.token_hex(8)


def utc_now_iso() -> str:
    """Now in UTC, ISO 8601 with seconds and a ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
