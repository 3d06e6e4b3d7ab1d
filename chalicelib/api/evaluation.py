"""The evaluation cycle: campaigns (many QR points at once), targets and analyses."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import endpoint
from chalicelib.api.surveys import api_base
from chalicelib.domain.access import Principal
from chalicelib.domain.campaigns import Campaign, CampaignCreated, CampaignIn
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.models import Items
from chalicelib.domain.targets import (
    Analysis,
    AnalysisIn,
    Targets,
    TargetsIn,
    YearAnalyses,
    YearTargets,
    check_year,
)
from chalicelib.services import get_services

bp = Blueprint(__name__)
READ = (400, 401, 403, 404)
WRITE = (400, 401, 403, 404, 413)


def _year(value: str) -> int:
    try:
        return check_year(value)
    except ValueError as error:
        raise InvalidInput.field("year", str(error)) from None


# ------------------------------------------------------------------ campaigns
@endpoint(
    bp,
    "POST",
    "/orgs/{org_id}/campaigns",
    summary="Open a survey campaign: one QR point per unit (all units, or those named)",
    tag="evaluation",
    body=CampaignIn,
    response=CampaignCreated,
    status=201,
    errors=WRITE,
)
def create_campaign(org_id: str, body: CampaignIn, principal: Principal) -> CampaignCreated:
    return get_services().campaigns.create_campaign(principal, org_id, body, api_base())


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}/campaigns",
    summary="The organisation's campaigns with each unit's progress (members only)",
    tag="evaluation",
    response=Items[Campaign],
    errors=READ,
)
def list_campaigns(org_id: str, principal: Principal) -> Items[Campaign]:
    return Items[Campaign](
        items=get_services().campaigns.list_campaigns(principal, org_id, api_base())
    )


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}/campaigns/{campaign_id}",
    summary="A campaign's live progress per unit: answers, minimum reached, gender split",
    tag="evaluation",
    response=Campaign,
    errors=READ,
)
def get_campaign(org_id: str, campaign_id: str, principal: Principal) -> Campaign:
    return get_services().campaigns.get_campaign(principal, org_id, campaign_id, api_base())


# ------------------------------------------------------------------ targets and analyses
@endpoint(
    bp,
    "PUT",
    "/orgs/{org_id}/targets/{year}",
    summary="Set the year's targets of the organisation or one unit (replaces that set)",
    tag="evaluation",
    body=TargetsIn,
    response=Targets,
    errors=WRITE,
)
def put_targets(org_id: str, year: str, body: TargetsIn, principal: Principal) -> Targets:
    return get_services().targets.put_targets(principal, org_id, _year(year), body)


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}/targets/{year}",
    summary="The year's targets of the organisation and its units (members only)",
    tag="evaluation",
    response=YearTargets,
    errors=READ,
)
def get_targets(org_id: str, year: str, principal: Principal) -> YearTargets:
    return get_services().targets.year_targets(principal, org_id, _year(year))


@endpoint(
    bp,
    "PUT",
    "/orgs/{org_id}/analyses/{year}",
    summary="Write the team's analysis of the year (public or not) for the org or a unit",
    tag="evaluation",
    body=AnalysisIn,
    response=Analysis,
    errors=WRITE,
)
def put_analysis(org_id: str, year: str, body: AnalysisIn, principal: Principal) -> Analysis:
    return get_services().targets.put_analysis(principal, org_id, _year(year), body)


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}/analyses/{year}",
    summary="The team's analyses of the year, public or not (members only)",
    tag="evaluation",
    response=YearAnalyses,
    errors=READ,
)
def get_analyses(org_id: str, year: str, principal: Principal) -> YearAnalyses:
    return get_services().targets.year_analyses(principal, org_id, _year(year))
