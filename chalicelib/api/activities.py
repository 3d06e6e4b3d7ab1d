"""Activities of a unit."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from chalice import Blueprint
from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.api.routing import endpoint
from chalicelib.domain.access import Principal
from chalicelib.domain.activity import Activity, ActivityIn, ActivityPage, ActivityUpdate
from chalicelib.observability import Counter, count
from chalicelib.services import MAX_PAGE, get_services, strip_server_fields

bp = Blueprint(__name__)
WRITE = (400, 401, 403, 404, 409, 413)


class ActivityQuery(BaseModel):
    """Query parameters of the activity list."""

    model_config = ConfigDict(extra="forbid", defer_build=True, populate_by_name=True)

    date_from: dt.date | None = Field(
        default=None, alias="from", description="First day, YYYY-MM-DD"
    )
    date_to: dt.date | None = Field(default=None, alias="to", description="Last day, YYYY-MM-DD")
    cursor: str | None = Field(default=None, max_length=2048)
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    status: Literal["planned", "done"] | None = Field(
        default=None, description="Only planned (upcoming, not yet logged) or done activities"
    )

    @model_validator(mode="after")
    def _ordered(self) -> ActivityQuery:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("'from' is after 'to'")
        return self


def _for_create(body: dict) -> dict:
    return strip_server_fields(body)


def _for_update(body: dict) -> dict:
    return strip_server_fields(body, keep_version=True)


@endpoint(
    bp,
    "POST",
    "/units/{unit_id}/activities",
    summary="Record an activity",
    tag="activities",
    body=ActivityIn,
    prepare_body=_for_create,
    response=Activity,
    status=201,
    errors=WRITE,
)
def record_activity(unit_id: str, body: ActivityIn, principal: Principal) -> Activity:
    activity = get_services().activities.record_activity(principal, unit_id, body)
    count(Counter.ACTIVITIES_RECORDED)
    return activity


@endpoint(
    bp,
    "GET",
    "/units/{unit_id}/activities",
    summary="The unit's activities, newest first",
    tag="activities",
    query=ActivityQuery,
    response=ActivityPage,
    errors=(400, 401, 403, 404),
)
def list_activities(unit_id: str, query: ActivityQuery, principal: Principal) -> ActivityPage:
    return get_services().activities.list_activities(
        principal,
        unit_id,
        date_from=query.date_from.isoformat() if query.date_from else None,
        date_to=query.date_to.isoformat() if query.date_to else None,
        cursor=query.cursor,
        limit=query.limit,
        status=query.status,
    )


@endpoint(
    bp,
    "GET",
    "/units/{unit_id}/activities/{activity_id}",
    summary="One activity",
    tag="activities",
    response=Activity,
    errors=(401, 403, 404),
)
def get_activity(unit_id: str, activity_id: str, principal: Principal) -> Activity:
    return get_services().activities.get_activity(principal, unit_id, activity_id)


@endpoint(
    bp,
    "PUT",
    "/units/{unit_id}/activities/{activity_id}",
    summary="Replace an activity (send the version you read)",
    tag="activities",
    body=ActivityUpdate,
    prepare_body=_for_update,
    response=Activity,
    errors=WRITE,
    # The app's outbox resends an edit whose answer was lost: the key answers it once
    # (without it, the resend would meet its own new version as a conflict).
    idempotent=True,
)
def update_activity(
    unit_id: str, activity_id: str, body: ActivityUpdate, principal: Principal
) -> Activity:
    return get_services().activities.update_activity(principal, unit_id, activity_id, body)


@endpoint(
    bp,
    "DELETE",
    "/units/{unit_id}/activities/{activity_id}",
    summary="Delete an activity",
    tag="activities",
    status=204,
    errors=(401, 403, 404),
)
def delete_activity(unit_id: str, activity_id: str, principal: Principal) -> None:
    get_services().activities.delete_activity(principal, unit_id, activity_id)
