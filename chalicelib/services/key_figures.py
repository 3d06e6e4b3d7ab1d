"""An organisation's key figures by year, and the public figures derived from them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chalicelib.domain.access import Principal
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.key_figures import KeyFigures, KeyFiguresIn, derived_figures, year_problem
from chalicelib.services.clock import Clock
from chalicelib.services.lookups import Lookups
from chalicelib.store.directory import DirectoryRepository

# How long a warm instance keeps the inputs of an organisation-year's derived figures,
# and for how many organisation-years at most.
DERIVED_INPUTS_SECONDS = 60.0
DERIVED_INPUTS_KEPT = 4096


def year_number(year: str) -> int:
    """A year from a path (400 naming ``year`` unless it is one)."""
    problem = year_problem(year)
    if problem:
        raise InvalidInput.field("year", problem)
    return int(year)


class KeyFiguresService:
    """Key figures (members read, org admins report) and derived public figures.

    ``clock``'s monotonic seconds age the kept inputs of derived figures.
    """

    def __init__(self, lookups: Lookups, directory: DirectoryRepository, clock: Clock) -> None:
        self.lookups = lookups
        self.directory = directory
        self.clock = clock
        # (org id, year) → (kept until, the organisation's youth population, key figures)
        self._derived_inputs: dict[
            tuple[str, int], tuple[float, int | None, dict[str, Any] | None]
        ] = {}

    def get_key_figures(self, principal: Principal, org_id: str, year: str) -> KeyFigures:
        """One year's key figures (members); all null until an admin reports them."""
        self.lookups.member_org(principal, org_id)
        number = year_number(year)
        stored = self.directory.get_key_figures(org_id, number)
        return KeyFigures(**stored) if stored else KeyFigures(org_id=org_id, year=number)

    def list_key_figures(self, principal: Principal, org_id: str) -> list[KeyFigures]:
        """Every reported year's key figures, oldest first (members)."""
        self.lookups.member_org(principal, org_id)
        return [KeyFigures(**item) for item in self.directory.list_key_figures(org_id)]

    def put_key_figures(
        self, principal: Principal, org_id: str, year: str, data: KeyFiguresIn
    ) -> KeyFigures:
        """Report (or correct) one year's key figures (org admins); PUT replaces them all."""
        self.lookups.admin_org(principal, org_id)
        number = year_number(year)
        figures = KeyFigures(
            org_id=org_id, year=number, updated_at=self.clock.iso(), **data.model_dump()
        )
        stored = {
            name: Decimal(str(value)) if isinstance(value, float) else value
            for name, value in figures.model_dump().items()
        }
        self.directory.put_key_figures(stored)
        self.forget_derived_inputs(org_id)
        return figures

    def with_derived_figures(self, statistics: dict[str, Any]) -> dict[str, Any]:
        """A public statistics document of an organisation's year, with its derived figures.

        Other scopes and periods are answered unchanged. The rule is
        ``domain.key_figures.derived_figures``; its inputs (the organisation's youth
        population and the year's key figures: two key lookups) are kept by a warm
        instance for ``DERIVED_INPUTS_SECONDS``, so a public read stays one GetItem of
        the published document however many requests bust the CDN's cache, and a
        change through this instance is seen at once (others within the minute).
        """
        scope, period = str(statistics.get("scope", "")), str(statistics.get("period", ""))
        if not scope.startswith("org:") or year_problem(period):
            return statistics
        inputs = self._inputs_of_derived_figures(scope.removeprefix("org:"), int(period))
        if inputs is None:
            return statistics
        population, figures = inputs
        return {**statistics, **derived_figures(statistics, figures, population)}

    def _inputs_of_derived_figures(
        self, org_id: str, year: int
    ) -> tuple[int | None, dict[str, Any] | None] | None:
        now = self.clock.monotonic()
        kept = self._derived_inputs.get((org_id, year))
        if kept is not None and kept[0] > now:
            return kept[1], kept[2]
        org = self.directory.get_org(org_id)
        if org is None:
            return None  # an unknown organisation is not kept: it may be created
        figures = self.directory.get_key_figures(org_id, year)
        if len(self._derived_inputs) >= DERIVED_INPUTS_KEPT:
            self._derived_inputs.clear()
        self._derived_inputs[(org_id, year)] = (
            now + DERIVED_INPUTS_SECONDS,
            org.get("youth_population"),
            figures,
        )
        return org.get("youth_population"), figures

    def forget_derived_inputs(self, org_id: str) -> None:
        """Drop what this instance keeps of an organisation (its population or figures changed)."""
        for key in [key for key in self._derived_inputs if key[0] == org_id]:
            del self._derived_inputs[key]
