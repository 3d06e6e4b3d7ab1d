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

4. publish the documents of every network containing an organisation it solved, and
   of those organisations' countries: sums of the organisations' published documents
   (``chalicelib.domain.networks``, docs/networks.md). A network whose members change
   is rebuilt for every year (:meth:`Publisher.rebuild_groups`, driven by the stream).

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

from chalicelib.domain.networks import group_document, group_members, group_scopes
from chalicelib.domain.publication import (
    Family,
    OrgSummary,
    Thresholds,
    org_family,
    periods_of_year,
    plan_org,
    plan_top,
)
from chalicelib.observability import logger
from chalicelib.store.publication import PublicationStore

# Rounds of "solve organisations, then all" per publish step: a second one only when a
# certificate through ``all`` broke because another organisation's figures moved it.
MAX_ROUNDS = 3

# Every network's member organisations and every organisation's country (one Query of
# the data table's public listing: chalicelib.store.networks.NetworkRepository.groups).
Groups = tuple[Mapping[str, Iterable[str]], Mapping[str, str]]


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
        groups: Callable[[], Groups] | None = None,
    ) -> None:
        self._store = store
        self._thresholds = thresholds
        self._clock = clock
        self._groups = groups

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
        if self._groups is not None:
            # After ``all``: the newest number, taken after every organisation's
            # documents of this step were written, so a later step reads them all; and
            # the memberships read after taking it, so a network change this read
            # misses is rebuilt from the stream under a newer number.
            networks, countries = self._groups()
            scopes = group_scopes(sorted(solved), networks, countries)
            self._publish_group_scopes(
                year, scopes, networks, countries, summaries, version, outcome
            )
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

    def rebuild_groups(self, scopes: Iterable[str]) -> PublishOutcome:
        """Publish ``network:``/``country:`` scopes afresh for every year (a network's
        members or an organisation's country changed). Idempotent."""
        outcome = PublishOutcome()
        wanted = sorted(set(scopes))
        if self._groups is None or not wanted:
            return outcome
        networks, countries = self._groups()
        members = {org for scope in wanted for org in group_members(scope, networks, countries)}
        for year in self._store.published_years():
            _, version = self._store.register(year, ())
            summaries = self._store.read_org_summaries(year, sorted(members))
            self._publish_group_scopes(
                year, wanted, networks, countries, summaries, version, outcome
            )
            outcome.families += 1
        logger.info("rebuilt %s: %d documents written", wanted, outcome.documents_written)
        return outcome

    def _publish_group_scopes(
        self,
        year: str,
        scopes: Iterable[str],
        networks: Mapping[str, Iterable[str]],
        countries: Mapping[str, str],
        summaries: Mapping[str, OrgSummary],
        version: int,
        outcome: PublishOutcome | None = None,
    ) -> None:
        """Each scope's documents of a year: sums of its organisations' published ones."""
        members_of = {scope: group_members(scope, networks, countries) for scope in scopes}
        if not members_of:
            return
        periods = periods_of_year(year)
        orgs = sorted({org for members in members_of.values() for org in members})
        # Consistent: the organisations' documents this step has just written.
        published = self._store.read_documents(
            [(f"org:{o}", p) for o in orgs for p in periods], consistent=True
        )
        stored = self._store.read_documents(
            [(s, p) for s in members_of for p in periods], consistent=True
        )
        empty = OrgSummary()
        documents = {
            (scope, period): group_document(
                scope,
                period,
                [
                    (
                        published.get((f"org:{org}", period)),
                        summaries.get(org, empty).survey.get(period, {}),
                    )
                    for org in members
                ],
            )
            for scope, members in members_of.items()
            for period in periods
        }
        texts = {key: _text(document) for key, document in stored.items()}
        self._write_documents(documents, texts, version, outcome or PublishOutcome())

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
            text = _text(document)
            if stored.get((scope, period)) == text:
                outcome.documents_unchanged += 1
                continue
            if self._store.put_document(scope, period, text, version):
                outcome.documents_written += 1


def _text(document: Mapping[str, Any]) -> str:
    """A document as stored (compact, sorted keys: equal documents, equal texts)."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True)
