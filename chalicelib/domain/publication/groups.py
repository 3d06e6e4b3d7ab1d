"""Survey groups (``by=``): a grouping's figures per group and its pending part. Pure.

A survey figure by gender or age band (``/public/stats?by=``) is published under the
same rules as the total. Respondents who skipped the question form the group
``not_answered``, so the groups of a grouping add up to all respondents. Groups are
released in their own steps (``release.release_figures``): a group's figures move only
with at least ``k`` new answers of that group; answers of a group not released yet
are *pending* — a hidden part of the total (``~``), never published, which the
suppression treats as one more group (a small pending part is protected like a
small group). In the suppression problem a group's indicator is the measure
``i:{indicator}|{axis}.{group}`` (``i:safety|g.girls``, ``i:safety|a.~``).
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.domain.stats import (
    GROUP_SEPARATOR,
    GROUPINGS,
    Figures,
    Number,
    add_into,
    group_prefix,
    without_zeros,
)

NOT_ANSWERED = "not_answered"
PENDING = "~"


def groups_of(by: str) -> tuple[str, ...]:
    """The published groups of a grouping (``gender``, ``age_band``)."""
    return (*GROUPINGS[by][2], NOT_ANSWERED)


def group_key(by: str, group: str) -> str:
    return group_prefix(by, group)[:-1]  # "g.girls"


def total_figures(figures: Mapping[str, Number]) -> Figures:
    return {name: value for name, value in figures.items() if GROUP_SEPARATOR not in name}


def split_groups(
    figures: Mapping[str, Number], by: str, *, live: bool = False
) -> dict[str, Figures]:
    """One grouping's figures per group, and the pending part (``~``).

    ``live`` figures (the aggregates) keep no ``not_answered`` group: it is the total
    minus the answered groups there. Released and published figures keep it, and
    their pending part is the total minus every group.
    """
    split: dict[str, Figures] = {}
    for group in GROUPINGS[by][2] if live else groups_of(by):
        prefix = group_prefix(by, group)
        split[group] = {
            name[len(prefix) :]: value for name, value in figures.items() if name.startswith(prefix)
        }
    rest = total_figures(figures)
    for part in split.values():
        add_into(rest, part, -1)
    if live:
        split[NOT_ANSWERED] = without_zeros(rest)
    else:
        split[PENDING] = without_zeros(rest)
    return split
