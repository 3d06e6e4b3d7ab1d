"""The key schema of the stats table, in one place.

| item                              | PK                         | SK  |
|-----------------------------------|----------------------------|-----|
| activity/participation figures    | ``STATS#{scope}#{period}`` | ``A`` |
| survey figures (responses, indicators) | ``STATS#{scope}#{period}`` | ``S`` |

Both parts of one scope and period share a partition, so the public read is one Query.
Besides the figures (short attribute names, see ``chalicelib.domain.stats``) each item
carries two bookkeeping attributes whose names cannot clash with figure names:

* ``_w`` — map of stream shard token → ``"{sequence number}@{epoch seconds}"``: the
  highest sequence number of that shard already folded into this item, and when that
  record was written (for pruning shards idle longer than the stream retention);
* ``_t`` — epoch seconds of the last write (published as ``updated_at``).
"""

from __future__ import annotations

from typing import Final, get_args

from chalicelib.domain.stats import Part, StatsKey

PREFIX: Final = "STATS#"
WATERMARKS: Final = "_w"
UPDATED_AT: Final = "_t"
BOOKKEEPING: Final = frozenset({"PK", "SK", WATERMARKS, UPDATED_AT})


def stats_pk(scope: str, period: str) -> str:
    return f"{PREFIX}{scope}#{period}"


def key_attributes(key: StatsKey) -> dict[str, str]:
    """The primary key of an aggregate as plain strings."""
    return {"PK": stats_pk(key.scope, key.period), "SK": key.part}


def parse_key(pk: str, sk: str) -> StatsKey:
    """The aggregate a stored primary key belongs to."""
    if not pk.startswith(PREFIX) or sk not in get_args(Part):
        raise ValueError(f"not a stats key: {pk!r} {sk!r}")
    scope, _, period = pk[len(PREFIX) :].rpartition("#")
    return StatsKey(scope, period, sk)  # type: ignore[arg-type]
