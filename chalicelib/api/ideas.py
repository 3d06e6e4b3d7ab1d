"""Ideas points: young people's proposals and votes, their moderation, what was adopted."""

from __future__ import annotations

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, Field

from chalicelib.api.errors import json_response
from chalicelib.api.routing import endpoint
from chalicelib.domain.access import Principal
from chalicelib.domain.ideas import AdoptedStatement, Idea, IdeaIn, IdeaModerationIn, VoteIn
from chalicelib.domain.models import Items
from chalicelib.domain.sender_limits import source_address
from chalicelib.domain.surveys import SubmissionAck
from chalicelib.observability import Counter, count
from chalicelib.services import get_services

bp = Blueprint(__name__)
READ = (400, 401, 403, 404)
WRITE = (400, 401, 403, 404, 409, 413)
PUBLIC_WRITE = (400, 404, 410, 413, 429)


class YearQuery(BaseModel):
    """``?year=``: the year whose templates are read."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    year: int = Field(ge=2000, le=2999, description="e.g. 2026")


def _ack(ack: SubmissionAck) -> Response:
    # 201 the first time; 200 when the very same submission comes again.
    if ack.status == "duplicate":
        count(Counter.DUPLICATE_SUBMISSIONS)
    return json_response(ack.model_dump(mode="json"), 201 if ack.status == "stored" else 200)


# ------------------------------------------------------------------ public
@endpoint(
    bp,
    "POST",
    "/public/ideas",
    summary="Propose a statement for the survey (201; the same submission again: 200)",
    tag="public",
    body=IdeaIn,
    response=SubmissionAck,
    status=201,
    public=True,
    errors=PUBLIC_WRITE,
)
def submit_idea(body: IdeaIn) -> Response:
    return _ack(get_services().ideas.submit_idea(body, source_address(bp.current_request.context)))


@endpoint(
    bp,
    "POST",
    "/public/votes",
    summary="Vote for 1–3 approved proposals (201; the same submission again: 200)",
    tag="public",
    body=VoteIn,
    response=SubmissionAck,
    status=201,
    public=True,
    errors=PUBLIC_WRITE,
)
def vote(body: VoteIn) -> Response:
    return _ack(get_services().ideas.vote(body, source_address(bp.current_request.context)))


# ------------------------------------------------------------------ workers
@endpoint(
    bp,
    "GET",
    "/units/{unit_id}/collections/{code}/ideas",
    summary="An ideas point's proposals with their votes, most votes first",
    tag="surveys",
    response=Items[Idea],
    errors=READ,
)
def list_ideas(unit_id: str, code: str, principal: Principal) -> Items[Idea]:
    return Items[Idea](items=get_services().ideas.list_ideas(principal, unit_id, code))


@endpoint(
    bp,
    "PUT",
    "/units/{unit_id}/collections/{code}/ideas/{idea_id}",
    summary="Approve or reject a proposal (with translations, when approving)",
    tag="surveys",
    body=IdeaModerationIn,
    response=Idea,
    errors=WRITE,
)
def moderate_idea(
    unit_id: str, code: str, idea_id: str, body: IdeaModerationIn, principal: Principal
) -> Idea:
    return get_services().ideas.moderate(principal, unit_id, code, idea_id, body)


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}/adopted-ideas",
    summary="Statements young people proposed that the organisation's templates of a year ask",
    tag="surveys",
    query=YearQuery,
    response=Items[AdoptedStatement],
    errors=READ,
)
def adopted_ideas(org_id: str, query: YearQuery, principal: Principal) -> Items[AdoptedStatement]:
    return Items[AdoptedStatement](
        items=get_services().ideas.adopted_statements(principal, org_id, query.year)
    )
