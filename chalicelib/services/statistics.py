"""The public statistics' read side: published documents by key, never aggregates.

Views parse their query and call this; it reads what the publish step stored
(``chalicelib.events.publish``) and finalises it for today (``unique_visitors`` only
once its period has ended). ``/public/stats`` is one GetItem; when nothing is
published yet, one GetItem on the data table tells an existing organisation or unit
(zeros) from an unknown one (404). ``/public/compare`` is one BatchGetItem per 100
keys (plus one for unknown scopes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.domain.publication import empty_document, finalise
from chalicelib.services.clock import Clock, SystemClock
from chalicelib.store.publication import PublicationStore

_KINDS = {
    "org": "organisation or unit",
    "unit": "organisation or unit",
    "network": "network",
    "country": "country (no organisation there)",
}


class StatisticsService:
    """Published statistics of one or many scopes and periods."""

    def __init__(
        self,
        store: PublicationStore,
        unknown_scopes: Callable[[Sequence[str]], list[str]],
        clock: Clock | None = None,
    ) -> None:
        self._store = store
        self._unknown_scopes = unknown_scopes
        self._clock = clock or SystemClock()

    def statistics(self, scope: str, period: str, by: str | None = None) -> dict[str, Any]:
        """The published document (with one grouping's groups when ``by`` is given:
        they are in the same document); NotFound for an unknown organisation or unit.

        A network's or country's document is made from its members' published documents
        without their groups: ``by`` there is refused (400 naming ``by``), never answered
        with empty groups."""
        if by is not None and scope.split(":", 1)[0] in ("network", "country"):
            raise InvalidInput.field(
                "query.by", "results by group are published for all, organisations and units"
            )
        stored = self._store.read_document(scope, period)
        if stored is None:
            self._require_known([scope], "scope")
            stored = empty_document(scope, period)
        return finalise(stored, self._clock.today(), by)

    def compare(
        self, scopes: Sequence[str], periods: Sequence[str], *, known: bool = False
    ) -> list[dict[str, Any]]:
        """Documents of every scope × period, scopes outer, periods inner. ``known``:
        the caller took the scopes from the directory, so none is looked up again."""
        cells = [(scope, period) for scope in scopes for period in periods]
        stored = self._store.read_documents(cells)
        with_figures = {scope for scope, _ in stored}
        if not known:
            self._require_known([s for s in scopes if s not in with_figures], "scopes")
        today = self._clock.today()
        return [finalise(stored.get(cell) or empty_document(*cell), today) for cell in cells]

    def _require_known(self, scopes: Sequence[str], field: str) -> None:
        unknown = self._unknown_scopes(scopes)
        if unknown:
            raise NotFound(
                f"no such organisation, unit, network or country: {', '.join(unknown)}",
                errors=[
                    FieldProblem(field, f"unknown {_KINDS[s.split(':')[0]]} {s}") for s in unknown
                ],
            )
