"""What every network and country document must be: the sum of its organisations'.

Shared by the moto tests (tests/functional/test_network_publication.py) and the
DynamoDB Local ones (tests/integration/test_network_publication_dynamodb_local.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

COUNTS = ("visits", "girls", "boys", "nonbinary", "undisclosed", "unique_visitors")
ALWAYS_SUMMED = ("new", "volunteers", "youth_leaders", "checkins")


def _sum_or_none(values: Sequence[Any]) -> Any:
    return None if any(v is None for v in values) else sum(values)


def _sum_maps(maps: Sequence[Mapping[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for figures in maps:
        for name, value in figures.items():
            total[name] = total.get(name, 0) + value
    return {name: value for name, value in total.items() if value}


def group_problems(group: Mapping[str, Any], members: Sequence[Mapping[str, Any]]) -> list[str]:
    """How ``group`` differs from the sum of ``members`` (published documents)."""
    problems: list[str] = []

    def check(where: str, got: Any, want: Any) -> None:
        if got != want:
            problems.append(f"{where}: {got!r} != {want!r}")

    activities = [m["activities"] for m in members]
    for name in ("count", "youth_led"):
        check(name, group["activities"][name], sum(a[name] for a in activities))
    if abs(group["activities"]["hours"] - sum(a["hours"] for a in activities)) > 0.011:
        problems.append("hours")
    for name in ("by_kind", "by_category"):
        check(name, group["activities"][name], _sum_maps([a[name] for a in activities]))
    participation = [m["participation"] for m in members]
    for name in COUNTS:
        check(name, group["participation"][name], _sum_or_none([p[name] for p in participation]))
    for name in ALWAYS_SUMMED:
        check(name, group["participation"][name], sum(p[name] for p in participation))
    bands = {band for p in participation for band in p["age_bands"]}
    for band in bands:
        want = _sum_or_none([p["age_bands"].get(band, 0) for p in participation])
        check(f"age_bands.{band}", group["participation"]["age_bands"].get(band, 0), want)
    check("responses", group["responses"], sum(m["responses"] for m in members))
    for indicator, figures in group["indicators"].items():
        parts = [
            m["indicators"].get(indicator, {"suppressed": True, "reason": "no_respondents"})
            for m in members
        ]
        hidden = [p for p in parts if p.get("suppressed") and p["reason"] != "no_respondents"]
        if hidden:
            check(f"{indicator} suppressed", figures.get("suppressed"), True)
            continue
        n = sum(p.get("n", 0) for p in parts)
        if n == 0:
            check(f"{indicator} empty", figures.get("suppressed"), True)
            continue
        check(f"{indicator}.n", figures.get("n"), n)
        mean = sum(p["mean"] * p["n"] for p in parts if p.get("n")) / n
        if abs(figures["mean"] - mean) > 0.01:
            problems.append(f"{indicator}.mean {figures['mean']} != {mean}")
        distribution = _sum_maps([p.get("distribution", {}) for p in parts])
        check(
            f"{indicator}.distribution",
            {k: v for k, v in figures["distribution"].items() if v},
            distribution,
        )
    return problems
