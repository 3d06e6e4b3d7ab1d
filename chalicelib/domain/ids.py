"""Identifiers (the domain reads no clock: the services stamp records with theirs)."""

from __future__ import annotations

import secrets


def new_id() -> str:
    """A random, URL-safe, unguessable identifier (16 lowercase hex characters)."""
    return secrets.token_hex(8)
