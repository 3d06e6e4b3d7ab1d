"""Averages of members (``/public/averages``) and the annual report (``/public/report``).

Both read only what the public may see: the publication layer's documents (by key:
one BatchGetItem per 100 documents through ``StatisticsService.compare``), the public
listing of organisations and units (one Query), the members' key figures (one
BatchGetItem per 100 organisations, for a year's key figures only) and, for a report,
the organisation's year of targets and *public* analyses (one Query). Rules are in
``chalicelib.domain.averages``; docs/evaluation.md describes the answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.averages import average, default_level, has_figures, target_results
from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.domain.key_figures import derived_figures, year_problem
from chalicelib.services.clock import Clock, SystemClock

# level=unit reads one document per unit: a bounded number of reads per request.
MAX_UNIT_MEMBERS = 200
MAX_ORG_MEMBERS = 1000
# A warm instance keeps an answer this long (the CDN keeps it as long): a burst of
# requests that miss the CDN costs one set of reads per instance and minute.
KEPT_SECONDS = 60.0
KEPT_ANSWERS = 256


def known_network(members_of: Callable[[str], list[str] | None]) -> Callable[[str], list[str]]:
    """A network's organisation ids by ``members_of`` (``NetworkService.network_members``,
    the one place networks are resolved: docs/networks.md); an unknown network is a 404
    naming ``group``."""

    def members(network_id: str) -> list[str]:
        found = members_of(network_id)
        if found is None:
            raise NotFound(
                f"unknown network {network_id}",
                errors=[FieldProblem("group", f"unknown network network:{network_id}")],
            )
        return found

    return members


@dataclass(frozen=True)
class Listing:
    """The public listing: organisations by id, units by id (public fields only)."""

    orgs: dict[str, dict[str, Any]]
    units: dict[str, dict[str, Any]]

    def units_of(self, org_ids: Sequence[str]) -> list[str]:
        wanted = set(org_ids)
        return sorted(unit for unit, entry in self.units.items() if entry["org_id"] in wanted)


class AveragesService:
    """Averages of a group's members and the annual report of a scope."""

    def __init__(
        self,
        statistics: Any,
        directory: Any,
        public_year: Callable[[str, int], dict[str, Any]],
        resolve_network: Callable[[str], list[str]],
        clock: Clock | None = None,
    ) -> None:
        self._statistics = statistics
        self._directory = directory
        self._public_year = public_year
        self._resolve_network = resolve_network
        self._clock = clock or SystemClock()
        self._kept: dict[tuple[str, str, str], tuple[float, dict[str, Any]]] = {}

    # ------------------------------------------------------------------ averages

    def averages(
        self, group: str, level: str | None, period: str, listing: Listing | None = None
    ) -> dict[str, Any]:
        """``{"group", "level", "period", "members", "measures"}`` (docs/evaluation.md);
        ``listing`` when the caller has already read it."""
        level = level or default_level(group)
        key = (group, level, period)
        now = self._clock.monotonic()
        kept = self._kept.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        answer = self._averages(group, level, period, listing or self._listing())
        if len(self._kept) >= KEPT_ANSWERS:
            self._kept.clear()
        self._kept[key] = (now + KEPT_SECONDS, answer)
        return answer

    def _averages(self, group: str, level: str, period: str, listing: Listing) -> dict[str, Any]:
        orgs = self._group_orgs(group, listing)
        if level == "org":
            if group.startswith("org:"):
                raise InvalidInput.field(
                    "level", "an organisation's members are its units: use level=unit"
                )
            if len(orgs) > MAX_ORG_MEMBERS:
                raise InvalidInput.field(
                    "level", f"the group has {len(orgs)} organisations; at most {MAX_ORG_MEMBERS}"
                )
            documents = self._documents([f"org:{org}" for org in orgs], period)
            documents = self._with_key_figures(documents, listing, period)
        else:
            units = listing.units_of(orgs)
            if len(units) > MAX_UNIT_MEMBERS:
                raise InvalidInput.field(
                    "level",
                    f"the group has {len(units)} units; level=unit takes at most "
                    f"{MAX_UNIT_MEMBERS} (ask per organisation: group=org:ID)",
                )
            documents = self._documents([f"unit:{unit}" for unit in units], period)
        return {"group": group, "level": level, "period": period, **average(documents)}

    def _group_orgs(self, group: str, listing: Listing) -> list[str]:
        kind, _, identifier = group.partition(":")
        if kind == "all":
            return sorted(listing.orgs)
        if kind == "country":
            return sorted(o for o, entry in listing.orgs.items() if entry["country"] == identifier)
        if kind == "org":
            if identifier not in listing.orgs:
                raise NotFound(
                    f"no such organisation: {identifier}",
                    errors=[FieldProblem("group", f"unknown organisation {group}")],
                )
            return [identifier]
        members = self._resolve_network(identifier)
        return sorted(org for org in members if org in listing.orgs)

    def _documents(self, scopes: list[str], period: str) -> list[dict[str, Any]]:
        if not scopes:
            return []
        # Members come from the public listing: no scope is looked up again.
        return list(self._statistics.compare(scopes, [period], known=True))

    def _with_key_figures(
        self, documents: list[dict[str, Any]], listing: Listing, period: str
    ) -> list[dict[str, Any]]:
        """Organisations' documents of a year with their derived key figures (as
        ``/public/stats`` answers them); other periods have none."""
        if year_problem(period) or not documents:
            return documents
        org_ids = [str(d["scope"]).removeprefix("org:") for d in documents]
        key_figures = self._directory.key_figures_of(org_ids, int(period))
        return [
            {
                **document,
                **derived_figures(
                    document,
                    key_figures.get(org_id),
                    listing.orgs[org_id].get("youth_population"),
                ),
            }
            for org_id, document in zip(org_ids, documents, strict=True)
        ]

    def _listing(self) -> Listing:
        orgs, units = self._directory.public_listing()
        return Listing(
            orgs={org["id"]: org for org in orgs}, units={unit["id"]: unit for unit in units}
        )

    # ------------------------------------------------------------------ report

    def report(self, scope: str, year: str) -> dict[str, Any]:
        """The annual report of a scope: ``{"scope", "year", "figures", "previous",
        "averages", "targets", "analysis", "has_data"}``; ``averages`` are the peers'
        (an organisation's: its country's organisations; a unit's: its organisation's
        units), ``None`` for other scopes."""
        number = int(year)  # checked by the route (2000 to this year)
        listing = self._listing()
        kind, _, identifier = scope.partition(":")
        org_id: str | None = None
        peers: tuple[str, str] | None = None
        if kind == "org":
            org = listing.orgs.get(identifier)
            if org is None:
                raise _unknown_scope(scope)
            org_id, peers = identifier, (f"country:{org['country']}", "org")
        elif kind == "unit":
            unit = listing.units.get(identifier)
            if unit is None:
                raise _unknown_scope(scope)
            org_id, peers = unit["org_id"], (f"org:{unit['org_id']}", "unit")
        last_year = str(number - 1)
        # all, and an organisation or unit found in the listing, need no second look-up.
        known = kind in ("all", "org", "unit")
        this, previous = self._statistics.compare([scope], [year, last_year], known=known)
        if kind == "org":
            this = self._with_key_figures([this], listing, year)[0]
            previous = self._with_key_figures([previous], listing, last_year)[0]
        averages = None
        if peers is not None:
            group, level = peers
            averages = self.averages(group, level, year, listing)
        targets: dict[str, Any] = {}
        analysis = None
        if org_id is not None:
            year_items = self._public_year(org_id, number)
            targets = target_results(year_items["targets"].get(scope, {}), this)
            analysis = year_items["analyses"].get(scope)
        return {
            "scope": scope,
            "year": year,
            "has_data": has_figures(this),
            "figures": this,
            "previous": previous,
            "averages": averages,
            "targets": targets,
            "analysis": analysis,
        }


def _unknown_scope(scope: str) -> NotFound:
    return NotFound(
        f"no such organisation or unit: {scope}",
        errors=[FieldProblem("scope", f"unknown organisation or unit {scope}")],
    )
