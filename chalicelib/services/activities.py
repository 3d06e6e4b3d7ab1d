"""Activities: what a unit did, with whom, recorded by its members (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.access import Principal
from chalicelib.domain.activity import (
    SERVER_FIELDS,
    Activity,
    ActivityIn,
    ActivityPage,
    ActivityUpdate,
    activity_rule_problems,
)
from chalicelib.domain.errors import Forbidden, InvalidInput, NotFound
from chalicelib.domain.ids import new_id
from chalicelib.domain.models import Unit
from chalicelib.domain.vocabulary import core_categories, own_categories
from chalicelib.services.clock import Clock
from chalicelib.services.lookups import Lookups
from chalicelib.store.activities import ActivityRepository
from chalicelib.store.directory import DirectoryRepository

MAX_PAGE = 200


def strip_server_fields(body: dict[str, Any], *, keep_version: bool = False) -> dict[str, Any]:
    """Drop fields the server owns from a client's body (they are not the client's to set)."""
    return {
        name: value
        for name, value in body.items()
        if name not in SERVER_FIELDS or (keep_version and name == "version")
    }


class Activities:
    """Record, read, change and delete a unit's activities; partners touch only their own."""

    def __init__(
        self,
        lookups: Lookups,
        directory: DirectoryRepository,
        store: ActivityRepository,
        clock: Clock,
    ) -> None:
        self.lookups = lookups
        self.directory = directory
        self.store = store
        self.clock = clock

    def record_activity(self, principal: Principal, unit_id: str, data: ActivityIn) -> Activity:
        """Record a new activity in a unit the caller belongs to."""
        unit, _ = self.lookups.member_unit(principal, unit_id)
        core = self._check_activity(unit, data)
        now = self.clock.iso()
        activity = Activity(
            id=new_id(),
            unit_id=unit_id,
            org_id=unit.org_id,
            version=1,
            created_by=principal.email,
            created_at=now,
            updated_at=now,
            core_categories=core,
            **data.model_dump(mode="json"),
        )
        self.store.create(activity.model_dump())
        return activity

    def get_activity(self, principal: Principal, unit_id: str, activity_id: str) -> Activity:
        _, role = self.lookups.member_unit(principal, unit_id)
        activity = self._activity(unit_id, activity_id)
        if not principal.may_touch_activity(role, activity.created_by):
            raise Forbidden("partners see only the activities they recorded")
        return activity

    def update_activity(
        self, principal: Principal, unit_id: str, activity_id: str, data: ActivityUpdate
    ) -> Activity:
        """Replace an activity, if nobody changed it since ``data.version`` (else 409)."""
        unit, role = self.lookups.member_unit(principal, unit_id)
        current = self._activity(unit_id, activity_id)
        if not principal.may_touch_activity(role, current.created_by):
            raise Forbidden("partners change only the activities they recorded")
        if data.status is None:
            data = data.model_copy(update={"status": current.status})
        if current.status == "done" and data.status == "planned":
            raise InvalidInput.field(
                "status", "a done activity cannot become a plan again; plan a new session"
            )
        core = self._check_activity(unit, data)
        fields = data.model_dump(mode="json", exclude={"version"})
        activity = current.model_copy(
            update={
                **fields,
                "core_categories": core,
                "version": data.version + 1,
                "updated_at": self.clock.iso(),
            }
        )
        self.store.replace(activity.model_dump(), expected_version=data.version)
        return activity

    def delete_activity(self, principal: Principal, unit_id: str, activity_id: str) -> None:
        _, role = self.lookups.member_unit(principal, unit_id)
        current = self._activity(unit_id, activity_id)
        if not principal.may_touch_activity(role, current.created_by):
            raise Forbidden("partners delete only the activities they recorded")
        self.store.delete(unit_id, activity_id)

    def list_activities(
        self,
        principal: Principal,
        unit_id: str,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        cursor: str | None = None,
        limit: int = 50,
        status: str | None = None,
    ) -> ActivityPage:
        """A page of the unit's activities, newest first; partners see only their own.

        ``status`` keeps only planned or only done activities.
        """
        _, role = self.lookups.member_unit(principal, unit_id)
        items, next_cursor = self.store.list_page(
            unit_id,
            date_from=date_from,
            date_to=date_to,
            cursor=cursor,
            limit=max(1, min(limit, MAX_PAGE)),
            created_by=principal.email if role == "partner" else None,
            status=status,
        )
        return ActivityPage(items=[Activity(**item) for item in items], next=next_cursor)

    def _activity(self, unit_id: str, activity_id: str) -> Activity:
        item = self.store.get(unit_id, activity_id)
        if item is None:
            raise NotFound(f"activity {activity_id} not found in unit {unit_id}")
        return Activity(**item)

    def _check_activity(self, unit: Unit, data: ActivityIn) -> list[str]:
        """Check an activity against its organisation; answer the core categories it counts under."""
        goals, questions, vocabulary = self.directory.activity_context(unit.org_id)
        goal_ids = {
            goal["id"] for goal in goals if not goal.get("unit_ids") or unit.id in goal["unit_ids"]
        }
        question_ids = {question["id"] for question in questions}
        own = own_categories(vocabulary)
        problems = activity_rule_problems(data, goal_ids, question_ids, own)
        if problems:
            raise InvalidInput(
                "; ".join(f"{p.field}: {p.problem}" for p in problems), errors=problems
            )
        return core_categories(data.categories, own)
