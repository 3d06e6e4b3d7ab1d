"""The publish step the stream drives: exact aggregates in, public documents out.

After the aggregator has folded a batch into the exact aggregates, it hands this step
the (year, unit, organisation) of every item the batch touched. For each year:

1. register the units in the year's family and take a publication number
   (one UpdateItem);
2. read the family's inputs by key (BatchGetItem per 100 keys, consistent): every
   scope and period's activity part and published document, every unit month's live
   and released survey figures;
3. let the publication layer (``chalicelib.domain.publication``) release unit months
   that moved by at least ``k`` responses and make every document;
4. write the released unit months, and the documents that changed (a document carries
   the publication number; an older publication never overwrites a newer one).

So ``/public/stats`` stays one GetItem, and the work of complementary suppression is
done once per change rather than on every read.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from chalicelib.domain.publication import Thresholds, plan_publication
from chalicelib.observability import logger
from chalicelib.store.publication import PublicationStore


@dataclass
class PublishOutcome:
    """What one publish step did (for tests and the benchmark)."""

    families: int = 0
    released: int = 0
    documents_written: int = 0
    documents_unchanged: int = 0


class Publisher:
    """Publishes the families touched by a batch."""

    def __init__(
        self,
        store: PublicationStore,
        thresholds: Thresholds,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._thresholds = thresholds
        self._clock = clock

    def defer(self, members: Iterable[tuple[str, str, str]], now: int) -> int:
        """Note members to publish later; since when publications have been waiting."""
        return self._store.defer(members, now)

    def publish_with_deferred(self, members: Iterable[tuple[str, str, str]]) -> PublishOutcome:
        """Publish ``members`` and every deferred member; then clear what was deferred."""
        deferred = self._store.pending()
        outcome = self.publish(set(members) | deferred)
        self._store.published(deferred)
        return outcome

    def publish(self, members: Iterable[tuple[str, str, str]]) -> PublishOutcome:
        """Publish every year of ``(year, unit, org)`` afresh."""
        by_year: dict[str, set[tuple[str, str]]] = {}
        for year, unit, org in members:
            by_year.setdefault(year, set()).add((unit, org))
        outcome = PublishOutcome()
        for year in sorted(by_year):
            family, version = self._store.register(year, by_year[year])
            inputs = self._store.read_inputs(family)
            now = int(self._clock())
            plan = plan_publication(
                family,
                inputs.activity,
                inputs.live_survey,
                inputs.released,
                self._thresholds,
                now,
            )
            for (unit, month), figures in sorted(plan.releases.items()):
                self._store.put_released(unit, month, figures, now)
            for (scope, period), document in sorted(plan.documents.items()):
                text = json.dumps(document, separators=(",", ":"), sort_keys=True)
                if inputs.documents.get((scope, period)) == text:
                    outcome.documents_unchanged += 1
                    continue
                if self._store.put_document(scope, period, text, version):
                    outcome.documents_written += 1
            outcome.families += 1
            outcome.released += len(plan.releases)
            logger.info(
                "published %s: %d units, %d released, %d documents written",
                year,
                len(family.units),
                len(plan.releases),
                outcome.documents_written,
            )
        return outcome
