"""Release in steps: what a unit month's survey figures may move to now. Pure.

A unit's month publishes its answers only in steps of at least ``k`` responses, its
totals and each group on its own (docs/privacy.md, rule 3), so a published survey
figure moves only when at least ``k`` new answers stand behind the move.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.domain.publication.groups import (
    NOT_ANSWERED,
    groups_of,
    split_groups,
    total_figures,
)
from chalicelib.domain.stats import (
    GROUPINGS,
    Figures,
    Number,
    add_into,
    group_prefix,
    without_zeros,
)


def release(live: Mapping[str, Number], released: Mapping[str, Number] | None, k: int) -> bool:
    """Whether a unit month's survey figures move to their live state now.

    Only when at least ``k`` responses stand between what is published and what is
    live (``r`` counts responses), so every published move is one of at least ``k``.
    """
    before = int((released or {}).get("r", 0))
    return abs(int(live.get("r", 0)) - before) >= k


def _group_count(figures: Mapping[str, Number], by: str, group: str) -> int:
    return int(figures.get(group_prefix(by, group) + "r", 0))


def _live_group_counts(live: Mapping[str, Number], by: str) -> dict[str, int]:
    counts = {group: _group_count(live, by, group) for group in GROUPINGS[by][2]}
    counts[NOT_ANSWERED] = int(live.get("r", 0)) - sum(counts.values())
    return counts


def release_figures(
    live: Mapping[str, Number], released: Mapping[str, Number] | None, k: int
) -> Figures | None:
    """What a unit month releases now (None: nothing moves), totals and groups.

    The totals move as :func:`release` says. Each group moves to its live state only
    when at least ``k`` of its responses stand between (else it keeps what was
    released, and the difference stays pending), with the totals or on its own — as
    long as pending stays at least zero: a group can then catch up on a total released
    earlier (or before groups existed), never run ahead of it. If pending would go
    below zero while the totals move (answers were deleted), every group of that
    grouping moves with them.
    """
    before = released or {}
    moved = release(live, released, k)
    if not moved and not any(
        abs(now - _group_count(before, by, group)) >= k
        for by in GROUPINGS
        for group, now in _live_group_counts(live, by).items()
    ):
        return None  # the common case, checked on the counts alone
    totals = total_figures(live) if moved else total_figures(before)
    result: Figures = dict(totals)
    for by in GROUPINGS:
        now, then = split_groups(live, by, live=True), split_groups(before, by)
        chosen = {
            group: now[group]
            if abs(int(now[group].get("r", 0)) - int(then[group].get("r", 0))) >= k
            else then[group]
            for group in groups_of(by)
        }
        pending = dict(totals)
        for figures in chosen.values():
            add_into(pending, figures, -1)
        if any(value < 0 for value in pending.values()):
            chosen = {group: (now if moved else then)[group] for group in groups_of(by)}
        for group, figures in chosen.items():
            prefix = group_prefix(by, group)
            result.update({prefix + name: value for name, value in figures.items()})
    result = without_zeros(result)
    if not moved and result == without_zeros(before):
        return None
    return result
