"""Survey templates, QR collections, and the public routes young people answer through."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, Field

from chalicelib.api.errors import json_response
from chalicelib.api.routing import endpoint
from chalicelib.domain.access import Principal
from chalicelib.domain.models import Items
from chalicelib.domain.sender_limits import source_address
from chalicelib.domain.surveys import (
    CheckinIn,
    Collection,
    CollectionIn,
    PublicCollection,
    ResponseIn,
    SubmissionAck,
    SurveyTemplate,
    SurveyTemplateIn,
)
from chalicelib.observability import Counter, count
from chalicelib.services import get_services

bp = Blueprint(__name__)
READ = (401, 403, 404)
WRITE = (400, 401, 403, 404, 413)
PUBLIC_WRITE = (400, 404, 410, 413, 429)


class LangQuery(BaseModel):
    """``?lang=``: the page's language; the template's nearest one is used."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    lang: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
        description="A language tag such as fi or sv-FI",
    )


def api_base() -> str:
    """This API's own address, for links to its routes (the QR code's SVG)."""
    request = bp.current_request
    headers: Any = request.headers or {}
    host = headers.get("host", "localhost")
    proto = headers.get("x-forwarded-proto", "http")
    stage = (request.context or {}).get("stage")
    # API Gateway's own domain carries the stage in the path; a custom domain does not.
    prefix = f"/{stage}" if stage and host.endswith(".amazonaws.com") else ""
    return f"{proto}://{host}{prefix}"


def sender() -> str:
    """Who sent this anonymous request, for the per-sender limits only (never stored)."""
    return source_address(bp.current_request.context)


def _ack(ack: SubmissionAck, stored: Counter) -> Response:
    # 201 the first time; 200 when the very same submission comes again.
    count(stored if ack.status == "stored" else Counter.DUPLICATE_SUBMISSIONS)
    return json_response(ack.model_dump(mode="json"), 201 if ack.status == "stored" else 200)


# ------------------------------------------------------------------ members
@endpoint(
    bp,
    "GET",
    "/survey-templates",
    summary="Survey templates: the built-in ones and my organisations' own",
    tag="surveys",
    response=Items[SurveyTemplate],
    errors=(401, 403),
)
def list_templates(principal: Principal) -> Items[SurveyTemplate]:
    return Items[SurveyTemplate](items=get_services().surveys.list_templates(principal))


@endpoint(
    bp,
    "POST",
    "/orgs/{org_id}/survey-templates",
    summary="Add an organisation's own survey template (items and indicators)",
    tag="surveys",
    body=SurveyTemplateIn,
    response=SurveyTemplate,
    status=201,
    errors=WRITE,
)
def create_template(org_id: str, body: SurveyTemplateIn, principal: Principal) -> SurveyTemplate:
    return get_services().surveys.create_template(principal, org_id, body)


@endpoint(
    bp,
    "POST",
    "/units/{unit_id}/collections",
    summary="Open a QR point for a survey or a check-in",
    tag="surveys",
    body=CollectionIn,
    response=Collection,
    status=201,
    errors=WRITE,
)
def create_collection(unit_id: str, body: CollectionIn, principal: Principal) -> Collection:
    return get_services().surveys.create_collection(principal, unit_id, body, api_base())


@endpoint(
    bp,
    "GET",
    "/units/{unit_id}/collections",
    summary="The unit's QR points, newest first",
    tag="surveys",
    response=Items[Collection],
    errors=READ,
)
def list_collections(unit_id: str, principal: Principal) -> Items[Collection]:
    return Items[Collection](
        items=get_services().surveys.list_collections(principal, unit_id, api_base())
    )


@endpoint(
    bp,
    "POST",
    "/units/{unit_id}/collections/{code}/close",
    summary="Close a QR point: it takes no more answers",
    tag="surveys",
    response=Collection,
    errors=READ,
)
def close_collection(unit_id: str, code: str, principal: Principal) -> Collection:
    return get_services().surveys.close_collection(principal, unit_id, code, api_base())


# ------------------------------------------------------------------ public
@endpoint(
    bp,
    "GET",
    "/public/collections/{code}",
    summary="A survey or check-in as the page shows it, in one language",
    tag="public",
    query=LangQuery,
    response=PublicCollection,
    public=True,
    errors=(404, 410),
)
def public_collection(code: str, query: LangQuery) -> Response:
    answer = get_services().survey_points.public_collection(code, query.lang)
    body: dict[str, Any] = answer.model_dump(mode="json", exclude_none=True)
    # Short caching: a closed survey stops being offered within a minute. An ideas point
    # is read afresh: a proposal a worker just approved is there to vote on at once.
    cache = "no-cache" if answer.kind == "ideas" else "public, max-age=60"
    return json_response(body, 200, {"Cache-Control": cache})


@endpoint(
    bp,
    "GET",
    "/public/collections/{code}/qr.svg",
    summary="The QR code of a collection's survey page, as SVG",
    tag="public",
    public=True,
    content_type="image/svg+xml",
    errors=(404,),
)
def collection_qr(code: str) -> Response:
    svg = get_services().survey_points.qr_code(code)
    return Response(
        body=svg,
        status_code=200,
        headers={"Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400"},
    )


@endpoint(
    bp,
    "POST",
    "/public/responses",
    summary="Send a young person's answers (201; the same submission again: 200)",
    tag="public",
    body=ResponseIn,
    response=SubmissionAck,
    status=201,
    public=True,
    errors=PUBLIC_WRITE,
)
def submit_response(body: ResponseIn) -> Response:
    return _ack(
        get_services().survey_answers.submit_response(body, sender()),
        Counter.SURVEY_RESPONSES_STORED,
    )


@endpoint(
    bp,
    "POST",
    "/public/checkins",
    summary="Check in with a hashed nickname (201; the same submission again: 200)",
    tag="public",
    body=CheckinIn,
    response=SubmissionAck,
    status=201,
    public=True,
    errors=PUBLIC_WRITE,
)
def check_in(body: CheckinIn) -> Response:
    return _ack(get_services().survey_answers.check_in(body, sender()), Counter.CHECKINS_STORED)
