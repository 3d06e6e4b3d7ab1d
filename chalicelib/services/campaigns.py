"""Campaigns: one survey QR point per unit, opened at once, with live progress.

A campaign opens its points through the same rules as a single collection (the template
must be the organisation's, the window must close in the future, every point closes by
itself at ``closes_at``), writes all of them and the campaign in one transaction, and
reports live progress to the organisation's members (docs/evaluation.md).
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
from chalicelib.services.clock import Clock, iso_instant
from chalicelib.services.lookups import Lookups
from chalicelib.services.survey_points import SurveyPoints
from chalicelib.settings import Settings
from chalicelib.store.campaigns import CampaignRepository
from chalicelib.store.directory import DirectoryRepository


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


class CampaignService:
    """Campaigns of an organisation, with every access check."""

    def __init__(
        self,
        lookups: Lookups,
        campaigns: CampaignRepository,
        points: SurveyPoints,
        directory: DirectoryRepository,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self.lookups = lookups
        self.campaigns = campaigns
        self.points = points
        self.directory = directory
        self.settings = settings
        self.clock = clock

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
        template = self.points.template(org_id, data.template_id)
        if template is None:
            raise InvalidInput.field(
                "template_id", f"no template {data.template_id} in this organisation"
            )
        now = self.clock.now()
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
        now = self.clock.now()
        closes_at = _parse(item["closes_at"])
        template = self.points.template(item["org_id"], item["template_id"])
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
            view = self.points.view(stored, api_base, tally.responses)
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
