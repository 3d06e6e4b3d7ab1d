"""The key schema of the stats table, in one place.

| item                              | PK                         | SK  |
|-----------------------------------|----------------------------|-----|
| activity/participation figures    | ``STATS#{scope}#{period}`` | ``A`` |
| survey figures (responses, indicators) | ``STATS#{scope}#{period}`` | ``S`` |
| survey figures by gender / by age band (unit months only; names ``g.girls|…``, ``a.13_15|…``) | ``STATS#unit:{id}#{YYYY-MM}`` | ``Sg`` / ``Sa`` |
| released survey figures (unit months only) | ``STATS#unit:{id}#{YYYY-MM}`` | ``R`` |
| published document (JSON in ``doc``, order ``_v``) | ``STATS#{scope}#{period}`` | ``P`` |
| family registry of a year (``u``: set of ``"unit org"``, ``v``: counter) | ``FAMILY#{year}`` | ``UNITS`` |
| an organisation's summary of a year for ``all`` (JSON in ``doc``: released survey figures, responses, the ``all`` cells its certificates need; order ``_v``) | ``FAMILY#{year}`` | ``ORG#{org id}`` |
| every year with a family (``y``: set of years; for rebuilding networks) | ``PUBLISH#YEARS`` | ``YEARS`` |
| publications deferred while catching up (``m``: set of ``"year unit org"``, ``t``: since) | ``PUBLISH#PENDING`` | ``MEMBERS`` |

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
# The publication number of a published document (``P``); underscored like every
# bookkeeping attribute, because ``v`` is a figure (volunteers).
PUBLICATION_VERSION: Final = "_v"
BOOKKEEPING: Final = frozenset({"PK", "SK", WATERMARKS, UPDATED_AT, PUBLICATION_VERSION})
RELEASED: Final = "R"
PUBLISHED: Final = "P"
DOCUMENT: Final = "doc"
SUMMARY_PREFIX: Final = "ORG#"
AGGREGATE_PARTS: Final = frozenset(get_args(Part))


def pending_key() -> tuple[str, str]:
    """The families whose publication a full stream batch deferred (``m``, since ``t``)."""
    return "PUBLISH#PENDING", "MEMBERS"


def years_key() -> tuple[str, str]:
    """Every year that has a family (networks are rebuilt for each when members change)."""
    return "PUBLISH#YEARS", "YEARS"


def family_key(year: str) -> tuple[str, str]:
    """The registry of a year's family: which units, of which organisations."""
    return f"FAMILY#{year}", "UNITS"


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
