"""Application services: the use cases behind the routes, with every access check.

Views parse input and call these; the local stack's seeding calls the very same
methods, so demo data goes through the same rules as real data.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from chalicelib.domain.access import Principal, SignedIn
from chalicelib.domain.activity import (
    SERVER_FIELDS,
    Activity,
    ActivityIn,
    ActivityPage,
    ActivityUpdate,
    activity_rule_problems,
)
from chalicelib.domain.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from chalicelib.domain.ids import new_id, utc_now_iso
from chalicelib.domain.key_figures import KeyFigures, KeyFiguresIn, derived_figures, year_problem
from chalicelib.domain.models import (
    Goal,
    GoalIn,
    Me,
    Member,
    MemberIn,
    Membership,
    MemberUpdate,
    Org,
    OrgIn,
    PublicOrg,
    PublicUnit,
    Question,
    QuestionIn,
    Unit,
    UnitIn,
)
from chalicelib.domain.vocabulary import (
    CATEGORIES,
    Vocabulary,
    VocabularyIn,
    core_categories,
    own_categories,
    vocabulary_view,
)
from chalicelib.settings import Settings, get_settings
from chalicelib.store.accounts import CognitoAccounts, LocalAccounts, SignInAccounts
from chalicelib.store.activities import ActivityRepository
from chalicelib.store.clients import cognito_client, data_table
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.networks import NetworkRepository

MAX_PAGE = 200


def strip_server_fields(body: dict[str, Any], *, keep_version: bool = False) -> dict[str, Any]:
    """Drop fields the server owns from a client's body (they are not the client's to set)."""
    return {
        name: value
        for name, value in body.items()
        if name not in SERVER_FIELDS or (keep_version and name == "version")
    }


# How long a warm instance keeps the inputs of an organisation-year's derived figures,
# and for how many organisation-years at most.
DERIVED_INPUTS_SECONDS = 60.0
DERIVED_INPUTS_KEPT = 4096


class Logbook:
    """Every use case of organisations, their people and their activities."""

    def __init__(
        self,
        directory: DirectoryRepository,
        activities: ActivityRepository,
        accounts: SignInAccounts | None = None,
        networks: NetworkRepository | None = None,
    ) -> None:
        self.directory = directory
        self.activities = activities
        self.networks = networks
        self.accounts = accounts or LocalAccounts()
        self.clock: Callable[[], float] = time.monotonic
        # (org id, year) → (kept until, the organisation's youth population, key figures)
        self._derived_inputs: dict[
            tuple[str, int], tuple[float, int | None, dict[str, Any] | None]
        ] = {}

    @classmethod
    def from_table(cls, table: Any, accounts: SignInAccounts | None = None) -> Logbook:
        """Services over one data table (a boto3 Table resource)."""
        return cls(
            DirectoryRepository(table),
            ActivityRepository(table),
            accounts,
            NetworkRepository(table),
        )

    # ------------------------------------------------------------ identity
    def principal(self, email: str) -> Principal:
        """Load what ``email`` may do (trusted callers: seeding, tools, local sign-in).

        Requests go through ``principal_for``, which also checks who the token is.
        Unknown people get a principal with no rights.
        """
        account = self.directory.account(email)
        return Principal(
            email=email,
            platform_admin=account.platform_admin,
            grants=account.grants,
            networks=self._coordinated(account.networks),
        )

    def _coordinated(self, network_ids: frozenset[str]) -> dict[str, frozenset[str]]:
        """The member organisations of the networks someone coordinates (a GetItem each:
        only coordinators pay it)."""
        coordinated: dict[str, frozenset[str]] = {}
        for network_id in sorted(network_ids):
            members = self.networks.network_members(network_id) if self.networks else None
            if members is not None:
                coordinated[network_id] = frozenset(members)
        return coordinated

    def principal_for(self, signed_in: SignedIn) -> Principal:
        """What the person behind a verified token may do (docs/identity.md).

        An invitation names an address; the first sign-in with that address, verified
        and written as stored, binds it to the token's subject. From then on only that
        subject has the address's rights: another subject, an unverified address or the
        address in other letter case gets a principal with no rights.
        """
        nobody = Principal(email=signed_in.email)
        email = signed_in.member_email()
        if email is None:
            return nobody
        account = self.directory.account(email)
        if not account.has_rights:
            return nobody
        bound = account.subject or self.directory.bind_subject(
            email, signed_in.subject, utc_now_iso()
        )
        if bound != signed_in.subject:
            return nobody
        return Principal(
            email=email,
            platform_admin=account.platform_admin,
            grants=account.grants,
            networks=self._coordinated(account.networks),
        )

    def me(self, principal: Principal) -> Me:
        """The caller and their memberships."""
        memberships = []
        for grant in principal.grants.values():
            org = self.directory.get_org(grant.org_id)
            memberships.append(
                Membership(
                    org_id=grant.org_id,
                    org_name=org["name"] if org else None,
                    role=grant.role,
                    unit_ids=sorted(grant.unit_ids),
                )
            )
        return Me(
            email=principal.email,
            platform_admin=principal.platform_admin,
            memberships=sorted(memberships, key=lambda m: m.org_name or ""),
            networks=sorted(principal.networks),
        )

    def add_platform_admin(self, email: str) -> None:
        """Make someone a platform admin (bootstrap and seeding only; no route does it)."""
        self.directory.put_platform_admin(email.lower(), utc_now_iso())

    # ------------------------------------------------------------ organisations
    def create_org(self, principal: Principal, data: OrgIn) -> Org:
        principal.require_platform_admin()
        self._check_org(data)
        now = utc_now_iso()
        org = Org(id=new_id(), created_at=now, updated_at=now, **data.model_dump())
        self.directory.create_org(org.model_dump())
        return org

    def get_org(self, principal: Principal, org_id: str) -> Org:
        org = self._org(org_id)
        principal.require_org_reader(org_id)
        return org

    def update_org(self, principal: Principal, org_id: str, data: OrgIn) -> Org:
        current = self._org(org_id)
        principal.require_org_admin(org_id)
        self._check_org(data)
        org = current.model_copy(update={**data.model_dump(), "updated_at": utc_now_iso()})
        self.directory.replace_org(org.model_dump())
        self._forget_derived_inputs(org_id)
        return org

    def list_orgs(self, principal: Principal) -> list[Org]:
        """Platform admins see every organisation; others their own."""
        if principal.platform_admin:
            orgs = [Org(**item) for item in self.directory.list_orgs()]
        else:
            orgs = [self._org(org_id) for org_id in principal.grants]
        return sorted(orgs, key=lambda org: org.name)

    def public_orgs(self) -> list[PublicOrg]:
        """Every organisation with its units: public fields only, one Query in all."""
        orgs, units = self.directory.public_listing()
        by_org: dict[str, list[PublicUnit]] = {}
        for unit in units:
            by_org.setdefault(unit["org_id"], []).append(
                PublicUnit(id=unit["id"], name=unit["name"])
            )
        result = [
            PublicOrg(
                id=org["id"],
                name=org["name"],
                country=org["country"],
                municipality_code=org.get("municipality_code"),
                youth_population=org.get("youth_population"),
                units=sorted(by_org.get(org["id"], []), key=lambda unit: unit.name),
            )
            for org in orgs
        ]
        return sorted(result, key=lambda org: (org.country, org.name))

    @staticmethod
    def _check_org(data: OrgIn) -> None:
        problem = data.municipality_code_problem()
        if problem:
            raise InvalidInput.field("municipality_code", problem)

    # ------------------------------------------------------------ vocabulary
    def get_vocabulary(self, principal: Principal, org_id: str) -> Vocabulary:
        """The core kinds and categories and the organisation's own (members)."""
        self._org(org_id)
        principal.require_org_member(org_id)
        stored = self.directory.get_vocabulary(org_id)
        return vocabulary_view(
            org_id, own_categories(stored), stored.get("updated_at") if stored else None
        )

    def put_vocabulary(self, principal: Principal, org_id: str, data: VocabularyIn) -> Vocabulary:
        """Replace the organisation's own categories (org admins).

        A category that activities use cannot be removed, nor moved onto another core
        category (their statistics were counted under the old one): 409 with the counts.
        """
        self._org(org_id)
        principal.require_org_admin(org_id)
        current = own_categories(self.directory.get_vocabulary(org_id))
        wanted = {category.id: category for category in data.categories}
        touched = {
            category_id
            for category_id, entry in current.items()
            if category_id not in CATEGORIES
            and (category_id not in wanted or wanted[category_id].maps_to != entry["maps_to"])
        }
        if touched:
            unit_ids = [unit["id"] for unit in self.directory.list_units(org_id)]
            in_use = {
                category_id: used
                for category_id, used in self.activities.count_using_categories(
                    unit_ids, touched
                ).items()
                if used
            }
            if in_use:
                described = ", ".join(
                    f"{category_id} ({used} activities)" for category_id, used in in_use.items()
                )
                raise Conflict(
                    f"categories in use cannot be removed or mapped elsewhere: {described}",
                    errors=[
                        FieldProblem(
                            "categories",
                            f"{category_id} is used by {used} activities",
                        )
                        for category_id, used in in_use.items()
                    ],
                    in_use=in_use,
                )
        now = utc_now_iso()
        categories = [category.model_dump() for category in data.categories]
        self.directory.put_vocabulary(org_id, categories, now)
        return vocabulary_view(org_id, {c["id"]: c for c in categories}, now)

    # ------------------------------------------------------------ key figures
    def get_key_figures(self, principal: Principal, org_id: str, year: str) -> KeyFigures:
        """One year's key figures (members); all null until an admin reports them."""
        self._org(org_id)
        principal.require_org_member(org_id)
        number = self._year(year)
        stored = self.directory.get_key_figures(org_id, number)
        return KeyFigures(**stored) if stored else KeyFigures(org_id=org_id, year=number)

    def list_key_figures(self, principal: Principal, org_id: str) -> list[KeyFigures]:
        """Every reported year's key figures, oldest first (members)."""
        self._org(org_id)
        principal.require_org_member(org_id)
        return [KeyFigures(**item) for item in self.directory.list_key_figures(org_id)]

    def put_key_figures(
        self, principal: Principal, org_id: str, year: str, data: KeyFiguresIn
    ) -> KeyFigures:
        """Report (or correct) one year's key figures (org admins); PUT replaces them all."""
        self._org(org_id)
        principal.require_org_admin(org_id)
        number = self._year(year)
        figures = KeyFigures(
            org_id=org_id, year=number, updated_at=utc_now_iso(), **data.model_dump()
        )
        stored = {
            name: Decimal(str(value)) if isinstance(value, float) else value
            for name, value in figures.model_dump().items()
        }
        self.directory.put_key_figures(stored)
        self._forget_derived_inputs(org_id)
        return figures

    def with_derived_figures(self, statistics: dict[str, Any]) -> dict[str, Any]:
        """A public statistics document of an organisation's year, with its derived figures.

        Other scopes and periods are answered unchanged. The rule is
        ``domain.key_figures.derived_figures``; its inputs (the organisation's youth
        population and the year's key figures: two key lookups) are kept by a warm
        instance for ``DERIVED_INPUTS_SECONDS``, so a public read stays one GetItem of
        the published document however many requests bust the CDN's cache, and a
        change through this instance is seen at once (others within the minute).
        """
        scope, period = str(statistics.get("scope", "")), str(statistics.get("period", ""))
        if not scope.startswith("org:") or year_problem(period):
            return statistics
        inputs = self._inputs_of_derived_figures(scope.removeprefix("org:"), int(period))
        if inputs is None:
            return statistics
        population, figures = inputs
        return {**statistics, **derived_figures(statistics, figures, population)}

    def _inputs_of_derived_figures(
        self, org_id: str, year: int
    ) -> tuple[int | None, dict[str, Any] | None] | None:
        now = self.clock()
        kept = self._derived_inputs.get((org_id, year))
        if kept is not None and kept[0] > now:
            return kept[1], kept[2]
        org = self.directory.get_org(org_id)
        if org is None:
            return None  # an unknown organisation is not kept: it may be created
        figures = self.directory.get_key_figures(org_id, year)
        if len(self._derived_inputs) >= DERIVED_INPUTS_KEPT:
            self._derived_inputs.clear()
        self._derived_inputs[(org_id, year)] = (
            now + DERIVED_INPUTS_SECONDS,
            org.get("youth_population"),
            figures,
        )
        return org.get("youth_population"), figures

    def _forget_derived_inputs(self, org_id: str) -> None:
        for key in [key for key in self._derived_inputs if key[0] == org_id]:
            del self._derived_inputs[key]

    @staticmethod
    def _year(year: str) -> int:
        problem = year_problem(year)
        if problem:
            raise InvalidInput.field("year", problem)
        return int(year)

    def _org(self, org_id: str) -> Org:
        item = self.directory.get_org(org_id)
        if item is None:
            raise NotFound(f"organisation {org_id} not found")
        return Org(**item)

    # ------------------------------------------------------------ units
    def create_unit(self, principal: Principal, org_id: str, data: UnitIn) -> Unit:
        self._org(org_id)
        principal.require_org_admin(org_id)
        now = utc_now_iso()
        unit = Unit(id=new_id(), org_id=org_id, created_at=now, updated_at=now, **data.model_dump())
        self.directory.create_unit(unit.model_dump())
        return unit

    def list_units(self, principal: Principal, org_id: str) -> list[Unit]:
        self._org(org_id)
        principal.require_org_reader(org_id)
        units = [Unit(**item) for item in self.directory.list_units(org_id)]
        return sorted(units, key=lambda unit: unit.name)

    def get_unit(self, principal: Principal, unit_id: str) -> Unit:
        unit = self._unit(unit_id)
        principal.require_org_reader(unit.org_id)
        return unit

    def update_unit(self, principal: Principal, unit_id: str, data: UnitIn) -> Unit:
        current = self._unit(unit_id)
        principal.require_org_admin(current.org_id)
        unit = current.model_copy(update={**data.model_dump(), "updated_at": utc_now_iso()})
        self.directory.replace_unit(unit.model_dump())
        return unit

    def _unit(self, unit_id: str) -> Unit:
        item = self.directory.get_unit(unit_id)
        if item is None:
            raise NotFound(f"unit {unit_id} not found")
        return Unit(**item)

    def _check_units_of_org(self, org_id: str, unit_ids: list[str], field: str) -> None:
        known = {unit["id"] for unit in self.directory.list_units(org_id)}
        unknown = [unit_id for unit_id in unit_ids if unit_id not in known]
        if unknown:
            raise InvalidInput.field(
                field, f"no such unit in this organisation: {', '.join(unknown)}"
            )

    # ------------------------------------------------------------ members
    def add_member(self, principal: Principal, org_id: str, data: MemberIn) -> Member:
        self._org(org_id)
        principal.require_org_admin(org_id)
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
        self._org(org_id)
        principal.require_org_admin(org_id)
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
        self._org(org_id)
        principal.require_org_admin(org_id)
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
        self._org(org_id)
        principal.require_org_admin(org_id)
        members = [Member(**item) for item in self.directory.list_members(org_id)]
        return sorted(members, key=lambda member: member.email)

    def _member(
        self, org_id: str, email: str, role: str, unit_ids: list[str], created_at: str | None
    ) -> Member:
        if len(set(unit_ids)) != len(unit_ids):
            raise InvalidInput.field("unit_ids", "contains duplicates")
        if role in ("worker", "partner") and not unit_ids:
            raise InvalidInput.field("unit_ids", f"a {role} needs at least one unit")
        self._check_units_of_org(org_id, unit_ids, "unit_ids")
        now = utc_now_iso()
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
        self._org(org_id)
        principal.require_org_admin(org_id)
        self._check_goal_units(org_id, data)
        now = utc_now_iso()
        goal = Goal(id=new_id(), org_id=org_id, created_at=now, updated_at=now, **data.model_dump())
        self.directory.put_goal(goal.model_dump(), create=True)
        return goal

    def update_goal(self, principal: Principal, org_id: str, goal_id: str, data: GoalIn) -> Goal:
        self._org(org_id)
        principal.require_org_admin(org_id)
        current = self.directory.get_goal(org_id, goal_id)
        if current is None:
            raise NotFound("goal not found")
        self._check_goal_units(org_id, data)
        goal = Goal(**{**current, **data.model_dump(), "updated_at": utc_now_iso()})
        self.directory.put_goal(goal.model_dump(), create=False)
        return goal

    def list_goals(self, principal: Principal, org_id: str) -> list[Goal]:
        self._org(org_id)
        principal.require_org_member(org_id)
        return sorted(
            (Goal(**item) for item in self.directory.list_goals(org_id)), key=lambda g: g.title
        )

    def _check_goal_units(self, org_id: str, data: GoalIn) -> None:
        if data.unit_ids:
            if len(set(data.unit_ids)) != len(data.unit_ids):
                raise InvalidInput.field("unit_ids", "contains duplicates")
            self._check_units_of_org(org_id, data.unit_ids, "unit_ids")

    # ------------------------------------------------------------ reflection questions
    def create_question(self, principal: Principal, org_id: str, data: QuestionIn) -> Question:
        self._org(org_id)
        principal.require_org_admin(org_id)
        now = utc_now_iso()
        question = Question(
            id=new_id(), org_id=org_id, created_at=now, updated_at=now, **data.model_dump()
        )
        self.directory.put_question(question.model_dump(), create=True)
        return question

    def update_question(
        self, principal: Principal, org_id: str, question_id: str, data: QuestionIn
    ) -> Question:
        self._org(org_id)
        principal.require_org_admin(org_id)
        current = self.directory.get_question(org_id, question_id)
        if current is None:
            raise NotFound("reflection question not found")
        question = Question(**{**current, **data.model_dump(), "updated_at": utc_now_iso()})
        self.directory.put_question(question.model_dump(), create=False)
        return question

    def list_questions(self, principal: Principal, org_id: str) -> list[Question]:
        self._org(org_id)
        principal.require_org_member(org_id)
        return sorted(
            (Question(**item) for item in self.directory.list_questions(org_id)),
            key=lambda q: q.created_at,
        )

    # ------------------------------------------------------------ activities
    def record_activity(self, principal: Principal, unit_id: str, data: ActivityIn) -> Activity:
        """Record a new activity in a unit the caller belongs to."""
        unit = self._unit(unit_id)
        principal.unit_role(unit.org_id, unit_id)
        core = self._check_activity(unit, data)
        now = utc_now_iso()
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
        self.activities.create(activity.model_dump())
        return activity

    def get_activity(self, principal: Principal, unit_id: str, activity_id: str) -> Activity:
        unit = self._unit(unit_id)
        role = principal.unit_role(unit.org_id, unit_id)
        activity = self._activity(unit_id, activity_id)
        if not principal.may_touch_activity(role, activity.created_by):
            raise Forbidden("partners see only the activities they recorded")
        return activity

    def update_activity(
        self, principal: Principal, unit_id: str, activity_id: str, data: ActivityUpdate
    ) -> Activity:
        """Replace an activity, if nobody changed it since ``data.version`` (else 409)."""
        unit = self._unit(unit_id)
        role = principal.unit_role(unit.org_id, unit_id)
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
                "updated_at": utc_now_iso(),
            }
        )
        self.activities.replace(activity.model_dump(), expected_version=data.version)
        return activity

    def delete_activity(self, principal: Principal, unit_id: str, activity_id: str) -> None:
        unit = self._unit(unit_id)
        role = principal.unit_role(unit.org_id, unit_id)
        current = self._activity(unit_id, activity_id)
        if not principal.may_touch_activity(role, current.created_by):
            raise Forbidden("partners delete only the activities they recorded")
        self.activities.delete(unit_id, activity_id)

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
        unit = self._unit(unit_id)
        role = principal.unit_role(unit.org_id, unit_id)
        items, next_cursor = self.activities.list_page(
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
        item = self.activities.get(unit_id, activity_id)
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


@lru_cache(maxsize=2)
def get_logbook(settings: Settings | None = None) -> Logbook:
    """The services of this process, over the configured data table and user pool."""
    settings = settings or get_settings()
    accounts: SignInAccounts = LocalAccounts()
    if settings.user_pool_id:
        accounts = CognitoAccounts(lambda: cognito_client(settings), settings.user_pool_id)
    return Logbook.from_table(data_table(settings), accounts)
