"""Conversions between DynamoDB items and plain Python values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

KEY_ATTRIBUTES = frozenset({"PK", "SK", "GSI1PK", "GSI1SK", "type", "expires_at"})


def plain(value: Any) -> Any:
    """Decimals become int (or float when fractional), recursively; sets become sorted lists."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [plain(inner) for inner in value]
    if isinstance(value, set):
        return sorted(plain(inner) for inner in value)
    return value


def without_keys(item: dict[str, Any]) -> dict[str, Any]:
    """The item's own fields, without table keys and bookkeeping attributes."""
    return {key: plain(value) for key, value in item.items() if key not in KEY_ATTRIBUTES}
