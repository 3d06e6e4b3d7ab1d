"""Organisations, units, memberships, goals and reflection questions in the data table."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from chalicelib.domain.access import Account, Grant
from chalicelib.domain.errors import Conflict, NotFound, TooManyRequests
from chalicelib.store import keys
from chalicelib.store.items import without_keys


def is_condition_failure(error: ClientError) -> bool:
    """True when DynamoDB refused a write because its condition did not hold."""
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


PUBLIC_ORG_FIELDS = ("id", "name", "country", "youth_population", "municipality_code")
PUBLIC_UNIT_FIELDS = ("id", "name", "org_id")


def listing_entry(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """The public listing entry of an organisation or unit: public fields only."""
    fields: tuple[str, ...]
    if kind == "org":
        sk = keys.org_sk(record["id"])
        fields = PUBLIC_ORG_FIELDS
    else:
        sk = f"UNIT#{record['org_id']}#{record['id']}"
        fields = PUBLIC_UNIT_FIELDS
    entry = {name: record[name] for name in fields if record.get(name) is not None}
    return {"PK": keys.PUBLIC_LISTING_PK, "SK": sk, "type": f"{kind}_listing", **entry}


class DataTableRepository:
    """Shared item operations on the data table (given as a boto3 Table resource)."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def _create(
        self, item: dict[str, Any], what: str, listing: dict[str, Any] | None = None
    ) -> None:
        try:
            if listing is None:
                self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
            else:
                self._put_with_listing(item, "attribute_not_exists(PK)", listing)
        except ClientError as error:
            if is_condition_failure(error):
                raise Conflict(f"{what} already exists") from error
            raise

    def _replace(
        self, item: dict[str, Any], what: str, listing: dict[str, Any] | None = None
    ) -> None:
        try:
            if listing is None:
                self._table.put_item(Item=item, ConditionExpression="attribute_exists(PK)")
            else:
                self._put_with_listing(item, "attribute_exists(PK)", listing)
        except ClientError as error:
            if is_condition_failure(error):
                raise NotFound(f"{what} not found") from error
            raise

    def _put_with_listing(
        self, item: dict[str, Any], condition: str, listing: dict[str, Any]
    ) -> None:
        """The item, then its public listing entry (two writes, the item first).

        Not one transaction: DynamoDB Local (``make dev``) writes a transaction to disk
        some moments after answering, so a stack killed right after creating an
        organisation lost it (tests/e2e/test_devstack_smoke.py). The item first: a
        crash between the two leaves the entry missing (the next edit or
        ``make rebuild`` writes it), never a public entry without its organisation.
        """
        self._table.put_item(Item=item, ConditionExpression=condition)
        self._table.put_item(Item=listing)

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        item = self._table.get_item(Key={"PK": pk, "SK": sk}).get("Item")
        return without_keys(item) if item else None

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        while True:
            page = self._table.query(**kwargs)
            yield from page.get("Items", [])
            start = page.get("LastEvaluatedKey")
            if not start:
                return
            kwargs["ExclusiveStartKey"] = start


class DirectoryRepository(DataTableRepository):
    """Who and what an organisation is made of."""

    # ------------------------------------------------------------ organisations
    def create_org(self, org: dict[str, Any]) -> None:
        """Store a new organisation (and its public listing entry)."""
        self._create(self._org_item(org), "organisation", listing_entry("org", org))

    def replace_org(self, org: dict[str, Any]) -> None:
        """Overwrite an existing organisation (and its public listing entry)."""
        self._replace(self._org_item(org), "organisation", listing_entry("org", org))

    @staticmethod
    def _org_item(org: dict[str, Any]) -> dict[str, Any]:
        return {
            "PK": keys.org_pk(org["id"]),
            "SK": "ORG",
            "GSI1PK": keys.ORGS_INDEX_PK,
            "GSI1SK": keys.org_sk(org["id"]),
            "type": "org",
            **org,
        }

    def get_org(self, org_id: str) -> dict[str, Any] | None:
        """One organisation, or None."""
        return self._get(keys.org_pk(org_id), "ORG")

    def list_orgs(self) -> list[dict[str, Any]]:
        """Every organisation."""
        items = self._query(
            IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq(keys.ORGS_INDEX_PK)
        )
        return [without_keys(item) for item in items]

    # ------------------------------------------------------------ units
    def create_unit(self, unit: dict[str, Any]) -> None:
        """Store a new unit (and its public listing entry)."""
        self._create(self._unit_item(unit), "unit", listing_entry("unit", unit))

    def replace_unit(self, unit: dict[str, Any]) -> None:
        """Overwrite an existing unit (and its public listing entry)."""
        self._replace(self._unit_item(unit), "unit", listing_entry("unit", unit))

    # ------------------------------------------------------------ public listing
    def public_listing(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Every organisation and unit's public fields: one Query on one partition
        (1 MB per page: one read for thousands of units), whatever their number."""
        orgs: list[dict[str, Any]] = []
        units: list[dict[str, Any]] = []
        for item in self._query(KeyConditionExpression=Key("PK").eq(keys.PUBLIC_LISTING_PK)):
            if item["SK"].startswith("NETWORK#"):
                continue  # networks' entries (chalicelib/store/networks.py)
            entry = without_keys(item)
            entry.pop("type", None)
            (orgs if item["SK"].startswith("ORG#") else units).append(entry)
        return orgs, units

    def unknown_scopes(self, scopes: Sequence[str]) -> list[str]:
        """The ``org:``/``unit:``/``network:`` scopes with no such organisation, unit or
        network (BatchGetItem, a bounded number of retries of unprocessed keys), and the
        ``country:`` scopes without any organisation (one Query of the public listing)."""
        wanted: dict[tuple[str, str], str] = {}
        countries: list[str] = []
        for scope in scopes:
            kind, _, identifier = scope.partition(":")
            if kind == "org":
                wanted[(keys.org_pk(identifier), "ORG")] = scope
            elif kind == "unit":
                wanted[(keys.unit_pk(identifier), "UNIT")] = scope
            elif kind == "network":
                wanted[(f"NETWORK#{identifier}", "NETWORK")] = scope
            elif kind == "country":
                countries.append(scope)
        unknown_countries: list[str] = []
        if countries:
            orgs, _ = self.public_listing()
            present = {f"country:{org.get('country')}" for org in orgs}
            unknown_countries = [scope for scope in countries if scope not in present]
        found = self._batch_get(list(wanted), "PK, SK")
        return [scope for key, scope in wanted.items() if key not in found] + unknown_countries

    def _batch_get(
        self, wanted: Sequence[tuple[str, str]], projection: str | None = None
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """Items by key: BatchGetItem per 100 keys, a bounded number of retries of
        unprocessed keys (then 429)."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        pending = [{"PK": pk, "SK": sk} for pk, sk in dict.fromkeys(wanted)]
        for start in range(0, len(pending), 100):
            keys_and_projection: dict[str, Any] = {"Keys": pending[start : start + 100]}
            if projection:
                keys_and_projection["ProjectionExpression"] = projection
            request = {self._table.name: keys_and_projection}
            for attempt in range(6):
                answer = self._table.meta.client.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self._table.name, []):
                    found[(item["PK"], item["SK"])] = item
                request = answer.get("UnprocessedKeys") or {}
                if not request:
                    break
                time.sleep(min(0.05 * 2**attempt, 1.0))
            else:
                raise TooManyRequests("the directory is busy; try again", retry_after=1)
        return found

    @staticmethod
    def _unit_item(unit: dict[str, Any]) -> dict[str, Any]:
        return {
            "PK": keys.unit_pk(unit["id"]),
            "SK": "UNIT",
            "GSI1PK": keys.org_pk(unit["org_id"]),
            "GSI1SK": keys.unit_in_org_sk(unit["id"]),
            "type": "unit",
            **unit,
        }

    def get_unit(self, unit_id: str) -> dict[str, Any] | None:
        """One unit, or None."""
        return self._get(keys.unit_pk(unit_id), "UNIT")

    def list_units(self, org_id: str) -> list[dict[str, Any]]:
        """The units of one organisation."""
        items = self._query(
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(keys.org_pk(org_id))
            & Key("GSI1SK").begins_with("UNIT#"),
        )
        return [without_keys(item) for item in items]

    def list_all_units(self) -> list[dict[str, Any]]:
        """Every unit of every organisation (one query per organisation)."""
        return [unit for org in self.list_orgs() for unit in self.list_units(org["id"])]

    # ------------------------------------------------------------ members
    def put_member(self, member: dict[str, Any], *, create: bool) -> None:
        """Store a membership; ``create`` refuses to overwrite an existing one."""
        item = {
            "PK": keys.user_pk(member["email"]),
            "SK": keys.org_sk(member["org_id"]),
            "GSI1PK": keys.org_pk(member["org_id"]),
            "GSI1SK": keys.member_in_org_sk(member["email"]),
            "type": "member",
            **member,
        }
        if create:
            self._create(item, "member")
        else:
            self._replace(item, "member")

    def get_member(self, org_id: str, email: str) -> dict[str, Any] | None:
        """One membership, or None."""
        return self._get(keys.user_pk(email), keys.org_sk(org_id))

    def delete_member(self, org_id: str, email: str) -> None:
        """Remove a membership; NotFound if there is none."""
        try:
            self._table.delete_item(
                Key={"PK": keys.user_pk(email), "SK": keys.org_sk(org_id)},
                ConditionExpression="attribute_exists(PK)",
            )
        except ClientError as error:
            if is_condition_failure(error):
                raise NotFound("member not found") from error
            raise

    def list_members(self, org_id: str) -> list[dict[str, Any]]:
        """The members of one organisation."""
        items = self._query(
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(keys.org_pk(org_id))
            & Key("GSI1SK").begins_with("MEMBER#"),
        )
        return [without_keys(item) for item in items]

    def put_platform_admin(self, email: str, created_at: str) -> None:
        """Make ``email`` a platform admin (idempotent)."""
        self._table.put_item(
            Item={
                "PK": keys.user_pk(email),
                "SK": keys.PLATFORM,
                "GSI1PK": keys.PLATFORM,
                "GSI1SK": keys.user_pk(email),
                "type": "platform_admin",
                "email": email,
                "created_at": created_at,
            }
        )

    def grants_for(self, email: str) -> tuple[bool, dict[str, Grant]]:
        """Everything ``email`` may do: (platform admin?, grants by organisation)."""
        account = self.account(email)
        return account.platform_admin, account.grants

    def account(self, email: str) -> Account:
        """Everything stored about ``email`` in one query: rights and bound subject."""
        platform_admin = False
        grants: dict[str, Grant] = {}
        subject = None
        networks: set[str] = set()
        for item in self._query(KeyConditionExpression=Key("PK").eq(keys.user_pk(email))):
            if item["type"] == "coordinator":
                networks.add(str(item["network_id"]))
            elif item["type"] == "platform_admin":
                platform_admin = True
            elif item["type"] == "member":
                grants[item["org_id"]] = Grant(
                    org_id=item["org_id"],
                    role=item["role"],
                    unit_ids=frozenset(item.get("unit_ids") or ()),
                )
            elif item["type"] == "subject":
                subject = str(item["sub"])
        return Account(
            platform_admin=platform_admin,
            grants=grants,
            subject=subject,
            networks=frozenset(networks),
        )

    def bind_subject(self, email: str, subject: str, bound_at: str) -> str:
        """Bind ``email`` to ``subject`` unless it is bound already; the subject that holds.

        A conditional write: of two first sign-ins racing, exactly one binds, and the
        other learns whom the address belongs to.
        """
        try:
            self._table.put_item(
                Item={
                    "PK": keys.user_pk(email),
                    "SK": keys.SUBJECT,
                    "type": "subject",
                    "email": email,
                    "sub": subject,
                    "bound_at": bound_at,
                },
                ConditionExpression="attribute_not_exists(PK)",
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            item = self._table.get_item(
                Key={"PK": keys.user_pk(email), "SK": keys.SUBJECT}, ConsistentRead=True
            ).get("Item")
            # Unbound in between (the person left every organisation): bind nobody now.
            return str(item["sub"]) if item else ""
        return subject

    def unbind_subject(self, email: str) -> None:
        """Forget the subject bound to ``email`` (when they have no role left anywhere)."""
        self._table.delete_item(Key={"PK": keys.user_pk(email), "SK": keys.SUBJECT})

    # ------------------------------------------------------------ goals, questions
    def put_goal(self, goal: dict[str, Any], *, create: bool) -> None:
        """Store a goal of an organisation."""
        self._put_org_child(goal, keys.goal_sk(goal["id"]), "goal", create)

    def put_question(self, question: dict[str, Any], *, create: bool) -> None:
        """Store a reflection question of an organisation."""
        self._put_org_child(question, keys.question_sk(question["id"]), "question", create)

    def _put_org_child(self, child: dict[str, Any], sk: str, kind: str, create: bool) -> None:
        item = {"PK": keys.org_pk(child["org_id"]), "SK": sk, "type": kind, **child}
        if create:
            self._create(item, kind)
        else:
            self._replace(item, kind)

    def get_goal(self, org_id: str, goal_id: str) -> dict[str, Any] | None:
        """One goal, or None."""
        return self._get(keys.org_pk(org_id), keys.goal_sk(goal_id))

    def get_question(self, org_id: str, question_id: str) -> dict[str, Any] | None:
        """One reflection question, or None."""
        return self._get(keys.org_pk(org_id), keys.question_sk(question_id))

    def list_goals(self, org_id: str) -> list[dict[str, Any]]:
        """The goals of one organisation."""
        return self._org_children(org_id, "GOAL#")

    def list_questions(self, org_id: str) -> list[dict[str, Any]]:
        """The reflection questions of one organisation."""
        return self._org_children(org_id, "QUESTION#")

    def _org_children(self, org_id: str, prefix: str) -> list[dict[str, Any]]:
        items = self._query(
            KeyConditionExpression=Key("PK").eq(keys.org_pk(org_id)) & Key("SK").begins_with(prefix)
        )
        return [without_keys(item) for item in items]

    def goals_and_questions(self, org_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """An organisation's goals and reflection questions in one query."""
        goals, questions, _ = self.activity_context(org_id)
        return goals, questions

    def activity_context(
        self, org_id: str
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any] | None]:
        """What an activity is checked against, in one query: goals, questions, vocabulary."""
        goals: list[dict[str, Any]] = []
        questions: list[dict[str, Any]] = []
        vocabulary = None
        for item in self._query(
            KeyConditionExpression=Key("PK").eq(keys.org_pk(org_id))
            & Key("SK").between("GOAL#", "VOCABULARY")
        ):
            if item["type"] == "goal":
                goals.append(without_keys(item))
            elif item["type"] == "question":
                questions.append(without_keys(item))
            elif item["type"] == "vocabulary":
                vocabulary = without_keys(item)
        return goals, questions, vocabulary

    # ------------------------------------------------------------ vocabulary
    def get_vocabulary(self, org_id: str) -> dict[str, Any] | None:
        """An organisation's own categories (``{"categories": [...], ...}``), or None."""
        return self._get(keys.org_pk(org_id), keys.VOCABULARY)

    def put_vocabulary(
        self, org_id: str, categories: list[dict[str, Any]], updated_at: str
    ) -> None:
        """Replace an organisation's own categories."""
        self._table.put_item(
            Item={
                "PK": keys.org_pk(org_id),
                "SK": keys.VOCABULARY,
                "type": "vocabulary",
                "org_id": org_id,
                "categories": categories,
                "updated_at": updated_at,
            }
        )

    # ------------------------------------------------------------ key figures
    def get_key_figures(self, org_id: str, year: int) -> dict[str, Any] | None:
        """An organisation's key figures of one year, or None."""
        return self._get(keys.org_pk(org_id), keys.key_figures_sk(year))

    def put_key_figures(self, figures: dict[str, Any]) -> None:
        """Store (or replace) an organisation's key figures of one year."""
        self._table.put_item(
            Item={
                "PK": keys.org_pk(figures["org_id"]),
                "SK": keys.key_figures_sk(figures["year"]),
                "type": "key_figures",
                **{name: value for name, value in figures.items() if value is not None},
            }
        )

    def key_figures_of(self, org_ids: Sequence[str], year: int) -> dict[str, dict[str, Any]]:
        """Many organisations' key figures of one year, by organisation (BatchGetItem
        per 100; organisations that reported none are absent)."""
        wanted = [(keys.org_pk(org_id), keys.key_figures_sk(year)) for org_id in org_ids]
        return {
            item["org_id"]: without_keys(item)
            for item in self._batch_get(wanted).values()
            if "org_id" in item
        }

    def list_key_figures(self, org_id: str) -> list[dict[str, Any]]:
        """Every year's key figures of an organisation, oldest first."""
        return self._org_children(org_id, "KEYFIG#")
