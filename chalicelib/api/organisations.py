"""Organisations, units, members, goals and reflection questions."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import endpoint
from chalicelib.domain.access import Principal
from chalicelib.domain.key_figures import KeyFigures, KeyFiguresIn
from chalicelib.domain.models import (
    Goal,
    GoalIn,
    Items,
    Me,
    Member,
    MemberIn,
    MemberUpdate,
    Org,
    OrgIn,
    PublicOrg,
    Question,
    QuestionIn,
    Unit,
    UnitIn,
)
from chalicelib.domain.vocabulary import Vocabulary, VocabularyIn
from chalicelib.services import get_services

bp = Blueprint(__name__)
READ = (401, 403, 404)
WRITE = (400, 401, 403, 404, 409, 413)


@endpoint(
    bp,
    "GET",
    "/me",
    summary="Who am I, and where may I work",
    tag="identity",
    response=Me,
    errors=(401, 403),
)
def me(principal: Principal) -> Me:
    return get_services().identity.me(principal)


@endpoint(
    bp,
    "POST",
    "/orgs",
    summary="Create an organisation",
    tag="organisations",
    body=OrgIn,
    response=Org,
    status=201,
    errors=WRITE,
)
def create_org(body: OrgIn, principal: Principal) -> Org:
    return get_services().organisations.create_org(principal, body)


@endpoint(
    bp,
    "GET",
    "/orgs",
    summary="Organisations I may see",
    tag="organisations",
    response=Items[Org],
    errors=READ,
)
def list_orgs(principal: Principal) -> Items[Org]:
    return Items[Org](items=get_services().organisations.list_orgs(principal))


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}",
    summary="One organisation",
    tag="organisations",
    response=Org,
    errors=READ,
)
def get_org(org_id: str, principal: Principal) -> Org:
    return get_services().organisations.get_org(principal, org_id)


@endpoint(
    bp,
    "PUT",
    "/orgs/{org_id}",
    summary="Update an organisation",
    tag="organisations",
    body=OrgIn,
    response=Org,
    errors=WRITE,
)
def update_org(org_id: str, body: OrgIn, principal: Principal) -> Org:
    return get_services().organisations.update_org(principal, org_id, body)


@endpoint(
    bp,
    "POST",
    "/orgs/{org_id}/units",
    summary="Create a unit (youth centre)",
    tag="units",
    body=UnitIn,
    response=Unit,
    status=201,
    errors=WRITE,
)
def create_unit(org_id: str, body: UnitIn, principal: Principal) -> Unit:
    return get_services().organisations.create_unit(principal, org_id, body)


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}/units",
    summary="The organisation's units",
    tag="units",
    response=Items[Unit],
    errors=READ,
)
def list_units(org_id: str, principal: Principal) -> Items[Unit]:
    return Items[Unit](items=get_services().organisations.list_units(principal, org_id))


@endpoint(
    bp, "GET", "/units/{unit_id}", summary="One unit", tag="units", response=Unit, errors=READ
)
def get_unit(unit_id: str, principal: Principal) -> Unit:
    return get_services().organisations.get_unit(principal, unit_id)


@endpoint(
    bp,
    "PUT",
    "/units/{unit_id}",
    summary="Update a unit",
    tag="units",
    body=UnitIn,
    response=Unit,
    errors=WRITE,
)
def update_unit(unit_id: str, body: UnitIn, principal: Principal) -> Unit:
    return get_services().organisations.update_unit(principal, unit_id, body)


@endpoint(
    bp,
    "POST",
    "/orgs/{org_id}/members",
    summary="Add a member",
    tag="members",
    body=MemberIn,
    response=Member,
    status=201,
    errors=WRITE,
)
def add_member(org_id: str, body: MemberIn, principal: Principal) -> Member:
    return get_services().people.add_member(principal, org_id, body)


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}/members",
    summary="The organisation's members",
    tag="members",
    response=Items[Member],
    errors=READ,
)
def list_members(org_id: str, principal: Principal) -> Items[Member]:
    return Items[Member](items=get_services().people.list_members(principal, org_id))


@endpoint(
    bp,
    "PUT",
    "/orgs/{org_id}/members/{email}",
    summary="Change a member's role or units",
    tag="members",
    body=MemberUpdate,
    response=Member,
    errors=WRITE,
)
def update_member(org_id: str, email: str, body: MemberUpdate, principal: Principal) -> Member:
    return get_services().people.update_member(principal, org_id, email, body)


@endpoint(
    bp,
    "DELETE",
    "/orgs/{org_id}/members/{email}",
    summary="Remove a member",
    tag="members",
    status=204,
    errors=READ,
)
def remove_member(org_id: str, email: str, principal: Principal) -> None:
    get_services().people.remove_member(principal, org_id, email)


@endpoint(
    bp,
    "POST",
    "/orgs/{org_id}/goals",
    summary="Add a goal",
    tag="goals",
    body=GoalIn,
    response=Goal,
    status=201,
    errors=WRITE,
)
def create_goal(org_id: str, body: GoalIn, principal: Principal) -> Goal:
    return get_services().people.create_goal(principal, org_id, body)


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}/goals",
    summary="The organisation's goals",
    tag="goals",
    response=Items[Goal],
    errors=READ,
)
def list_goals(org_id: str, principal: Principal) -> Items[Goal]:
    return Items[Goal](items=get_services().people.list_goals(principal, org_id))


@endpoint(
    bp,
    "PUT",
    "/orgs/{org_id}/goals/{goal_id}",
    summary="Update a goal",
    tag="goals",
    body=GoalIn,
    response=Goal,
    errors=WRITE,
)
def update_goal(org_id: str, goal_id: str, body: GoalIn, principal: Principal) -> Goal:
    return get_services().people.update_goal(principal, org_id, goal_id, body)


@endpoint(
    bp,
    "POST",
    "/orgs/{org_id}/reflection-questions",
    summary="Add a reflection question",
    tag="goals",
    body=QuestionIn,
    response=Question,
    status=201,
    errors=WRITE,
)
def create_question(org_id: str, body: QuestionIn, principal: Principal) -> Question:
    return get_services().people.create_question(principal, org_id, body)


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}/reflection-questions",
    summary="The organisation's reflection questions",
    tag="goals",
    response=Items[Question],
    errors=READ,
)
def list_questions(org_id: str, principal: Principal) -> Items[Question]:
    return Items[Question](items=get_services().people.list_questions(principal, org_id))


@endpoint(
    bp,
    "PUT",
    "/orgs/{org_id}/reflection-questions/{question_id}",
    summary="Update a reflection question",
    tag="goals",
    body=QuestionIn,
    response=Question,
    errors=WRITE,
)
def update_question(
    org_id: str, question_id: str, body: QuestionIn, principal: Principal
) -> Question:
    return get_services().people.update_question(principal, org_id, question_id, body)


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}/vocabulary",
    summary="Kinds and categories: the core ones and the organisation's own",
    tag="vocabulary",
    response=Vocabulary,
    errors=READ,
)
def get_vocabulary(org_id: str, principal: Principal) -> Vocabulary:
    return get_services().vocabulary.get_vocabulary(principal, org_id)


@endpoint(
    bp,
    "PUT",
    "/orgs/{org_id}/vocabulary",
    summary="Replace the organisation's own categories (each mapped onto a core one)",
    tag="vocabulary",
    body=VocabularyIn,
    response=Vocabulary,
    errors=WRITE,
)
def put_vocabulary(org_id: str, body: VocabularyIn, principal: Principal) -> Vocabulary:
    return get_services().vocabulary.put_vocabulary(principal, org_id, body)


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}/key-figures",
    summary="Every reported year's key figures",
    tag="key figures",
    response=Items[KeyFigures],
    errors=READ,
)
def list_key_figures(org_id: str, principal: Principal) -> Items[KeyFigures]:
    return Items[KeyFigures](items=get_services().key_figures.list_key_figures(principal, org_id))


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}/key-figures/{year}",
    summary="One year's key figures (all null until reported)",
    tag="key figures",
    response=KeyFigures,
    errors=(400, 401, 403, 404),
)
def get_key_figures(org_id: str, year: str, principal: Principal) -> KeyFigures:
    return get_services().key_figures.get_key_figures(principal, org_id, year)


@endpoint(
    bp,
    "PUT",
    "/orgs/{org_id}/key-figures/{year}",
    summary="Report one year's costs, open weeks, staff and young residents",
    tag="key figures",
    body=KeyFiguresIn,
    response=KeyFigures,
    errors=WRITE,
)
def put_key_figures(org_id: str, year: str, body: KeyFiguresIn, principal: Principal) -> KeyFigures:
    return get_services().key_figures.put_key_figures(principal, org_id, year, body)


@endpoint(
    bp,
    "GET",
    "/public/orgs",
    summary="Organisations and their units (public names and ids)",
    tag="public",
    response=Items[PublicOrg],
    public=True,
)
def public_orgs() -> Items[PublicOrg]:
    return Items[PublicOrg](items=get_services().organisations.public_orgs())
