"""The evaluation cycle's use cases: campaigns, targets and the team's analyses.

A campaign opens one survey QR point per unit through the same rules as a single
collection (the template must be the organisation's, the window must close in the
future, every point closes by itself at ``closes_at``), writes all of them and the
campaign in one transaction, and reports live progress to the organisation's members.
Targets and analyses are per organisation, year and scope; a PUT replaces the scope's
set, and the same PUT again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalicelib.domain.access import Principal
from chalicelib.domain.campaigns import (
    MAX_UNITS,
    Campaign,
    CampaignCollection,
    CampaignCreated,
    CampaignIn,
    days_left,
    scale_question_ids,
    tally_answers,
    unit_progress,
)
from chalicelib.domain.errors import InvalidInput, NotFound
from chalicelib.domain.ids import new_id
from chalicelib.domain.surveys import collection_status, new_collection_code
from chalicelib.domain.targets import (
    Analysis,
    AnalysisIn,
    Targets,
    TargetsIn,
    YearAnalyses,
    YearTargets,
    measure_problems,
)
from chalicelib.services.lookups import Lookups
from chalicelib.settings import Settings, get_settings
from chalicelib.store.campaigns import CampaignRepository, analysis_sk, targets_sk
from chalicelib.store.clients import data_table
from chalicelib.survey_answers import Clock, iso_instant
from chalicelib.survey_service import SurveyService


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


class EvaluationService:
    """Campaigns, targets and analyses over one data table."""

    def __init__(
        self,
        campaigns: CampaignRepository,
        surveys: SurveyService,
        settings: Settings,
        clock: Clock | None = None,
    ) -> None:
        self.campaigns = campaigns
        self.surveys = surveys
        self.directory = surveys.directory
        self.lookups = Lookups(self.directory)
        self.settings = settings
        self.clock = clock or surveys.clock

    @classmethod
    def from_table(
        cls, table: Any, settings: Settings, clock: Clock | None = None
    ) -> EvaluationService:
        """Services over one data table; ``clock`` as for ``SurveyService.from_table``."""
        surveys = SurveyService.from_table(table, settings, clock)
        return cls(CampaignRepository(table), surveys, settings)

    # ------------------------------------------------------------ campaigns
    def create_campaign(
        self, principal: Principal, org_id: str, data: CampaignIn, api_base: str
    ) -> CampaignCreated:
        """Open a QR point in every chosen unit (all units when none are named), at once.

        The organisation's admins may, and so may the coordinators of its networks."""
        self.lookups.org(org_id)
        principal.require_campaign_opener(org_id)
        units = {unit["id"]: unit for unit in self.directory.list_units(org_id)}
        if data.unit_ids is None:
            unit_ids = sorted(units, key=lambda unit_id: units[unit_id]["name"])
            if not unit_ids:
                raise InvalidInput.field("unit_ids", "the organisation has no units yet")
            if len(unit_ids) > MAX_UNITS:
                raise InvalidInput.field(
                    "unit_ids", f"the organisation has more than {MAX_UNITS} units: choose some"
                )
        else:
            foreign = [unit_id for unit_id in data.unit_ids if unit_id not in units]
            if foreign:
                raise InvalidInput.field(
                    "unit_ids", "not units of this organisation: " + ", ".join(foreign)
                )
            unit_ids = list(data.unit_ids)
        template = self.surveys.find_template(org_id, data.template_id)
        if template is None:
            raise InvalidInput.field(
                "template_id", f"no template {data.template_id} in this organisation"
            )
        now = self.clock()
        if data.closes_at <= now:
            raise InvalidInput.field("closes_at", "is in the past")
        created_at = iso_instant(now)
        campaign: dict[str, Any] = {
            "id": new_id(),
            "org_id": org_id,
            "title": data.title,
            "template_id": template.id,
            "opens_at": iso_instant(data.opens_at),
            "closes_at": iso_instant(data.closes_at),
            "created_by": principal.email,
            "created_at": created_at,
        }
        collections = [
            {
                "kind": "survey",
                "unit_id": unit_id,
                "org_id": org_id,
                "template_id": template.id,
                "campaign_id": campaign["id"],
                "opens_at": campaign["opens_at"],
                "closes_at": campaign["closes_at"],
                "created_by": principal.email,
                "created_at": created_at,
                "code": new_collection_code(),
            }
            for unit_id in unit_ids
        ]
        # A taken code (rare among 31^10) makes the whole transaction fail: draw again.
        for _ in range(5):
            campaign["units"] = [{"unit_id": c["unit_id"], "code": c["code"]} for c in collections]
            failed = self.campaigns.create_campaign(campaign, collections)
            if failed is None:
                view = self._campaign_view(campaign, api_base, with_progress=False)
                return CampaignCreated(**view.model_dump())
            if 0 in failed:  # pragma: no cover - ids are random 64-bit values
                raise RuntimeError("campaign id taken")
            for index in failed:
                collections[index - 1]["code"] = new_collection_code()
        raise RuntimeError("could not draw free collection codes")  # pragma: no cover

    def list_campaigns(self, principal: Principal, org_id: str, api_base: str) -> list[Campaign]:
        """The organisation's campaigns, newest window first, each with its progress."""
        self.lookups.reader_org(principal, org_id)
        items = sorted(
            self.campaigns.list_campaigns(org_id),
            key=lambda c: (c["opens_at"], c["created_at"]),
            reverse=True,
        )
        return [self._campaign_view(item, api_base) for item in items]

    def get_campaign(
        self, principal: Principal, org_id: str, campaign_id: str, api_base: str
    ) -> Campaign:
        """One campaign with its live progress per unit (members of the organisation and
        coordinators of its networks)."""
        self.lookups.reader_org(principal, org_id)
        item = self.campaigns.get_campaign(org_id, campaign_id)
        if item is None:
            raise NotFound(f"campaign {campaign_id} not found in organisation {org_id}")
        return self._campaign_view(item, api_base)

    def _campaign_view(
        self, item: dict[str, Any], api_base: str, *, with_progress: bool = True
    ) -> Campaign:
        now = self.clock()
        closes_at = _parse(item["closes_at"])
        template = self.surveys.find_template(item["org_id"], item["template_id"])
        scale_ids = scale_question_ids(template) if template else frozenset()
        minimum = self.settings.suppression_threshold
        names = {unit["id"]: unit["name"] for unit in self.directory.list_units(item["org_id"])}
        collections: list[CampaignCollection] = []
        units = []
        for entry in item["units"]:
            stored = self.campaigns.get_collection(entry["code"])
            if stored is None:  # pragma: no cover - written with the campaign
                continue
            tally = tally_answers(
                self.campaigns.answers_of(entry["code"]) if with_progress else (), scale_ids
            )
            view = self.surveys.collection_view(stored, api_base, tally.responses)
            collections.append(
                CampaignCollection(
                    unit_id=view.unit_id, code=view.code, url=view.url, poster_url=view.poster_url
                )
            )
            units.append(
                unit_progress(
                    tally,
                    minimum=minimum,
                    now=now,
                    closes_at=_parse(view.closes_at or item["closes_at"]),
                    unit_id=view.unit_id,
                    unit_name=names.get(view.unit_id, ""),
                    code=view.code,
                    url=view.url,
                    poster_url=view.poster_url,
                    status=view.status,
                )
            )
        status = collection_status(now, _parse(item["opens_at"]), closes_at, None)
        site = self.settings.site_url.rstrip("/")
        codes = ",".join(c.code for c in collections)
        return Campaign(
            id=item["id"],
            org_id=item["org_id"],
            title=item["title"],
            template_id=item["template_id"],
            opens_at=item["opens_at"],
            closes_at=item["closes_at"],
            status=status,
            days_left=0 if status == "closed" else days_left(now, closes_at),
            created_by=item["created_by"],
            created_at=item["created_at"],
            collections=collections,
            posters_url=f"{site}/s/poster.html?c={codes}",
            units=units,
            responses=sum(u.responses for u in units),
            units_with_minimum=sum(1 for u in units if u.minimum_reached),
        )

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
            "updated_at": iso_instant(self.clock()),
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
            "updated_at": iso_instant(self.clock()),
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
            for template in self.surveys.surveys.list_templates(org_id)
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


def get_evaluation_service(settings: Settings | None = None) -> EvaluationService:
    """The evaluation services over the configured data table (cheap; not cached)."""
    settings = settings or get_settings()
    return EvaluationService.from_table(data_table(settings), settings)
