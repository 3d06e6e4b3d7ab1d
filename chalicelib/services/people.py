"""An organisation's people and what they work towards: members, goals, reflection questions."""

from __future__ import annotations

from chalicelib.domain.access import Principal
from chalicelib.domain.errors import Conflict, InvalidInput, NotFound
from chalicelib.domain.ids import new_id
from chalicelib.domain.models import (
    Goal,
    GoalIn,
    Member,
    MemberIn,
    MemberUpdate,
    Question,
    QuestionIn,
)
from chalicelib.services.clock import Clock
from chalicelib.services.lookups import Lookups
from chalicelib.store.accounts import SignInAccounts
from chalicelib.store.directory import DirectoryRepository


class People:
    """Members and their sign-ins (org admins), goals and reflection questions."""

    def __init__(
        self,
        lookups: Lookups,
        directory: DirectoryRepository,
        accounts: SignInAccounts,
        clock: Clock,
    ) -> None:
        self.lookups = lookups
        self.directory = directory
        self.accounts = accounts
        self.clock = clock

    # ------------------------------------------------------------ members
    def add_member(self, principal: Principal, org_id: str, data: MemberIn) -> Member:
        self.lookups.admin_org(principal, org_id)
        member = self._member(org_id, data.email, data.role, data.unit_ids, created_at=None)
        if self.directory.get_member(org_id, member.email) is not None:
            raise Conflict(f"{member.email} is already a member; change their role instead")
        # The sign-in first: should it fail, nothing is stored and adding again works.
        invited = self.accounts.invite(member.email)
        self.directory.put_member(member.model_dump(), create=True)
        if not invited:
            # Their sign-in existed: a removal from their last other organisation may
            # have disabled it between the two steps above (see remove_member).
            self.accounts.enable(member.email)
        return member

    def update_member(
        self, principal: Principal, org_id: str, email: str, data: MemberUpdate
    ) -> Member:
        self.lookups.admin_org(principal, org_id)
        current = self.directory.get_member(org_id, email.lower())
        if current is None:
            raise NotFound("member not found")
        member = self._member(
            org_id, email.lower(), data.role, data.unit_ids, current["created_at"]
        )
        self.directory.put_member(member.model_dump(), create=False)
        return member

    def remove_member(self, principal: Principal, org_id: str, email: str) -> None:
        """Remove a membership; someone left with no role anywhere loses their sign-in.

        Their sign-in is disabled before the membership goes (should that fail, nothing
        changed and removing again works), and their bound subject is forgotten, so an
        invitation later binds afresh. Should another organisation add them meanwhile,
        the check afterwards enables the sign-in again (as ``add_member`` does).
        """
        self.lookups.admin_org(principal, org_id)
        email = email.lower()
        account = self.directory.account(email)
        if org_id not in account.grants:
            raise NotFound("member not found")
        last_role = not account.platform_admin and set(account.grants) == {org_id}
        if last_role:
            self.accounts.disable(email)
        self.directory.delete_member(org_id, email)
        if last_role:
            if self.directory.account(email).has_rights:
                self.accounts.enable(email)
            else:
                self.directory.unbind_subject(email)

    def list_members(self, principal: Principal, org_id: str) -> list[Member]:
        self.lookups.admin_org(principal, org_id)
        members = [Member(**item) for item in self.directory.list_members(org_id)]
        return sorted(members, key=lambda member: member.email)

    def _member(
        self, org_id: str, email: str, role: str, unit_ids: list[str], created_at: str | None
    ) -> Member:
        if len(set(unit_ids)) != len(unit_ids):
            raise InvalidInput.field("unit_ids", "contains duplicates")
        if role in ("worker", "partner") and not unit_ids:
            raise InvalidInput.field(
                "unit_ids", f"a {role} needs at least one unit", "units_needed"
            )
        self.lookups.check_units_of_org(org_id, unit_ids, "unit_ids")
        now = self.clock.iso()
        return Member(
            email=email,
            org_id=org_id,
            role=role,
            unit_ids=[] if role == "org_admin" else sorted(unit_ids),
            created_at=created_at or now,
            updated_at=now,
        )

    # ------------------------------------------------------------ goals
    def create_goal(self, principal: Principal, org_id: str, data: GoalIn) -> Goal:
        self.lookups.admin_org(principal, org_id)
        self._check_goal_units(org_id, data)
        now = self.clock.iso()
        goal = Goal(id=new_id(), org_id=org_id, created_at=now, updated_at=now, **data.model_dump())
        self.directory.put_goal(goal.model_dump(), create=True)
        return goal

    def update_goal(self, principal: Principal, org_id: str, goal_id: str, data: GoalIn) -> Goal:
        self.lookups.admin_org(principal, org_id)
        current = self.directory.get_goal(org_id, goal_id)
        if current is None:
            raise NotFound("goal not found")
        self._check_goal_units(org_id, data)
        goal = Goal(**{**current, **data.model_dump(), "updated_at": self.clock.iso()})
        self.directory.put_goal(goal.model_dump(), create=False)
        return goal

    def list_goals(self, principal: Principal, org_id: str) -> list[Goal]:
        self.lookups.member_org(principal, org_id)
        return sorted(
            (Goal(**item) for item in self.directory.list_goals(org_id)), key=lambda g: g.title
        )

    def _check_goal_units(self, org_id: str, data: GoalIn) -> None:
        if data.unit_ids:
            if len(set(data.unit_ids)) != len(data.unit_ids):
                raise InvalidInput.field("unit_ids", "contains duplicates")
            self.lookups.check_units_of_org(org_id, data.unit_ids, "unit_ids")

    # ------------------------------------------------------------ reflection questions
    def create_question(self, principal: Principal, org_id: str, data: QuestionIn) -> Question:
        self.lookups.admin_org(principal, org_id)
        now = self.clock.iso()
        question = Question(
            id=new_id(), org_id=org_id, created_at=now, updated_at=now, **data.model_dump()
        )
        self.directory.put_question(question.model_dump(), create=True)
        return question

    def update_question(
        self, principal: Principal, org_id: str, question_id: str, data: QuestionIn
    ) -> Question:
        self.lookups.admin_org(principal, org_id)
        current = self.directory.get_question(org_id, question_id)
        if current is None:
            raise NotFound("reflection question not found")
        question = Question(**{**current, **data.model_dump(), "updated_at": self.clock.iso()})
        self.directory.put_question(question.model_dump(), create=False)
        return question

    def list_questions(self, principal: Principal, org_id: str) -> list[Question]:
        self.lookups.member_org(principal, org_id)
        return sorted(
            (Question(**item) for item in self.directory.list_questions(org_id)),
            key=lambda q: q.created_at,
        )
