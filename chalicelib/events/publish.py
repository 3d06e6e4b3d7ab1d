"""The publish step the stream drives: exact aggregates in, public documents out.

After the aggregator has folded a batch into the exact aggregates, it hands this step
the (year, unit, organisation) of every item the batch touched. For each year:

1. register the units in the year's family and take a publication number
   (one UpdateItem); read every organisation's summary (one Query);
2. for each organisation the batch touched: read its inputs by key (BatchGetItem per
   100 keys, consistent: its scopes' activity and documents, ``all``'s activity, its
   unit months' live and released survey figures), let the publication layer
   (``chalicelib.domain.publication``) release unit months that moved by at least
   ``k`` responses and solve the organisation's suppression, and write the released
   unit months, the documents that changed and its summary;
3. take a newer publication number, read the summaries again and ``all``'s activity,
   and publish ``all``: it suppresses what the organisations' certificates need of it.
   An organisation whose certificate through ``all`` no longer holds (another
   organisation's figures moved that cell) is solved again first.

Documents carry the publication number; an older publication never overwrites a newer
one. So a change costs in proportion to its organisation (about 70 documents for
an organisation of three units), not to the platform; ``/public/stats`` stays one
GetItem, and the work of complementary suppression is done once per change rather than
on every read.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.publication import (
    Family,
    OrgSummary,
    Thresholds,
    org_family,
    plan_org,
    plan_top,
)
from chalicelib.observability import logger
from chalicelib.store.publication import PublicationStore

# Rounds of "solve organisations, then all" per publish step: a second one only when a
# certificate through ``all`` broke because another organisation's figures moved it.
MAX_ROUNDS = 3


@dataclass
class PublishOutcome:
    """What one publish step did (for tests and the benchmark)."""

    families: int = 0
    organisations: int = 0
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
        """Publish the organisations of ``(year, unit, org)`` afresh, then ``all``."""
        by_year: dict[str, set[tuple[str, str]]] = {}
        for year, unit, org in members:
            by_year.setdefault(year, set()).add((unit, org))
        outcome = PublishOutcome()
        for year in sorted(by_year):
            self._publish_year(year, by_year[year], outcome)
        return outcome

    def _publish_year(
        self, year: str, members: set[tuple[str, str]], outcome: PublishOutcome
    ) -> None:
        started = time.perf_counter()
        family, version = self._store.register(year, members)
        summaries = self._store.read_summaries(year)
        # Organisations without a summary (published before summaries existed) join in.
        todo = {org for _, org in members} | (set(family.orgs) - set(summaries))
        solved: set[str] = set()
        for _ in range(MAX_ROUNDS):
            for org in sorted(todo):
                summaries[org] = self._publish_org(family, org, summaries, version, outcome)
            solved |= todo
            # A newer number for ``all``, taken after this step's summaries are stored:
            # of two steps running at once, the later number has read both summaries.
            family, version = self._store.register(year, ())
            summaries = self._store.read_summaries(year)
            inputs = self._store.read_all_scope(year)
            activity = {period: stamped for (_, period), stamped in inputs.activity.items()}
            documents, recheck = plan_top(year, activity, summaries, self._thresholds)
            todo = recheck
            if not todo:
                break
            logger.info("certificates through all changed: solving %s again", sorted(todo))
        self._write_documents(documents, inputs.documents, version, outcome)
        outcome.families += 1
        outcome.organisations += len(solved)
        logger.info(
            "published %s: %d of %d organisations in %.2f s, %d released, %d documents written",
            year,
            len(solved),
            len(family.orgs),
            time.perf_counter() - started,
            outcome.released,
            outcome.documents_written,
        )

    def _publish_org(
        self,
        family: Family,
        org: str,
        summaries: Mapping[str, OrgSummary],
        version: int,
        outcome: PublishOutcome,
    ) -> OrgSummary:
        part = org_family(family, org)
        inputs = self._store.read_inputs(part)
        now = int(self._clock())
        plan = plan_org(
            part,
            inputs.activity,
            inputs.live_survey,
            inputs.released,
            summaries,
            self._thresholds,
            now,
        )
        for (unit, month), figures in sorted(plan.releases.items()):
            self._store.put_released(unit, month, figures, now)
        self._write_documents(plan.documents, inputs.documents, version, outcome)
        assert plan.summary is not None
        self._store.put_summary(family.year, org, plan.summary, version)
        outcome.released += len(plan.releases)
        return plan.summary

    def _write_documents(
        self,
        documents: Mapping[tuple[str, str], Mapping[str, Any]],
        stored: Mapping[tuple[str, str], str],
        version: int,
        outcome: PublishOutcome,
    ) -> None:
        for (scope, period), document in sorted(documents.items()):
            text = json.dumps(document, separators=(",", ":"), sort_keys=True)
            if stored.get((scope, period)) == text:
                outcome.documents_unchanged += 1
                continue
            if self._store.put_document(scope, period, text, version):
                outcome.documents_written += 1
