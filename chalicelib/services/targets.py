"""Targets and the team's analyses of a year (the evaluation cycle's last steps).

Targets and analyses are per organisation, year and scope; a PUT replaces the scope's
set, and the same PUT again changes nothing. ``public_year`` is what the public annual
report may read of them (docs/evaluation.md).
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.access import Principal
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.targets import (
    Analysis,
    AnalysisIn,
    Targets,
    TargetsIn,
    YearAnalyses,
    YearTargets,
    measure_problems,
)
from chalicelib.services.clock import Clock
from chalicelib.services.lookups import Lookups
from chalicelib.store.campaigns import CampaignRepository, analysis_sk, targets_sk
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.surveys import SurveyRepository


class TargetService:
    """Targets and analyses by organisation, year and scope, with every access check."""

    def __init__(
        self,
        lookups: Lookups,
        campaigns: CampaignRepository,
        surveys: SurveyRepository,
        directory: DirectoryRepository,
        clock: Clock,
    ) -> None:
        self.lookups = lookups
        self.campaigns = campaigns
        self.surveys = surveys
        self.directory = directory
        self.clock = clock

    # ------------------------------------------------------------ targets and analyses
    def put_targets(self, principal: Principal, org_id: str, year: int, data: TargetsIn) -> Targets:
        """Set one scope's targets for a year (replacing its earlier set)."""
        self.lookups.admin_org(principal, org_id)
        self._check_scope(org_id, data.scope)
        problems = measure_problems(data.targets, self._own_indicators(org_id))
        if problems:
            raise InvalidInput(
                "; ".join(f"{p.field}: {p.problem}" for p in problems), errors=problems
            )
        sk = targets_sk(year, data.scope)
        current = self.campaigns.get_year_item(org_id, sk)
        if current is not None and current["targets"] == data.targets:
            return Targets(**current)  # the same PUT again: nothing changes
        stored = {
            "org_id": org_id,
            "year": year,
            "scope": data.scope,
            "targets": data.targets,
            "updated_by": principal.email,
            "updated_at": self.clock.iso(),
        }
        self.campaigns.put_year_item(org_id, sk, "targets", _decimals(stored))
        return Targets(**stored)

    def year_targets(self, principal: Principal, org_id: str, year: int) -> YearTargets:
        """Every scope's targets for a year (members of the organisation)."""
        items = self._year_items(principal, org_id, year, "targets")
        return YearTargets(org_id=org_id, year=year, items=[Targets(**i) for i in items])

    def put_analysis(
        self, principal: Principal, org_id: str, year: int, data: AnalysisIn
    ) -> Analysis:
        """Write (or rewrite) the team's analysis of one scope's year."""
        self.lookups.admin_org(principal, org_id)
        self._check_scope(org_id, data.scope)
        sk = analysis_sk(year, data.scope)
        current = self.campaigns.get_year_item(org_id, sk)
        if current is not None and (current["text"], current["public"]) == (
            data.text,
            data.public,
        ):
            return Analysis(**current)
        stored = {
            "org_id": org_id,
            "year": year,
            "scope": data.scope,
            "text": data.text,
            "public": data.public,
            "updated_by": principal.email,
            "updated_at": self.clock.iso(),
        }
        self.campaigns.put_year_item(org_id, sk, "analysis", stored)
        return Analysis(**stored)

    def year_analyses(self, principal: Principal, org_id: str, year: int) -> YearAnalyses:
        """Every scope's analysis of a year (members of the organisation)."""
        items = self._year_items(principal, org_id, year, "analysis")
        return YearAnalyses(org_id=org_id, year=year, items=[Analysis(**i) for i in items])

    def public_year(self, org_id: str, year: int) -> dict[str, Any]:
        """What the public annual report may read of an organisation's year (one query):
        ``targets`` by scope, and ``analyses`` by scope, only those marked public."""
        targets: dict[str, dict[str, float]] = {}
        analyses: dict[str, str] = {}
        for item in self.campaigns.year_items(org_id, year):
            if item["kind"] == "targets":
                targets[item["scope"]] = item["targets"]
            elif item["kind"] == "analysis" and item.get("public"):
                analyses[item["scope"]] = item["text"]
        return {"targets": targets, "analyses": analyses}

    def _year_items(
        self, principal: Principal, org_id: str, year: int, kind: str
    ) -> list[dict[str, Any]]:
        self.lookups.member_org(principal, org_id)
        items = [i for i in self.campaigns.year_items(org_id, year) if i["kind"] == kind]
        return sorted(items, key=lambda i: (not i["scope"].startswith("org:"), i["scope"]))

    def _check_scope(self, org_id: str, scope: str) -> None:
        kind, _, scope_id = scope.partition(":")
        if kind == "org" and scope_id != org_id:
            raise InvalidInput.field("scope", f"must be org:{org_id} or a unit of it")
        if kind == "unit":
            unit = self.directory.get_unit(scope_id)
            if unit is None or unit["org_id"] != org_id:
                raise InvalidInput.field("scope", f"no unit {scope_id} in this organisation")

    def _own_indicators(self, org_id: str) -> frozenset[str]:
        return frozenset(
            indicator["id"]
            for template in self.surveys.list_templates(org_id)
            for indicator in template.get("indicators", [])
        )


def _decimals(value: Any) -> Any:
    """Floats as DynamoDB numbers (boto3 refuses Python floats)."""
    from decimal import Decimal

    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _decimals(v) for k, v in value.items()}
    return value
