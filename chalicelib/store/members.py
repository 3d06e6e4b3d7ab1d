"""Memberships, platform admins and sign-in subjects: who may do what (``account``)."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from chalicelib.domain.access import Account, Grant
from chalicelib.domain.errors import NotFound
from chalicelib.store import keys
from chalicelib.store.items import without_keys
from chalicelib.store.table import DataTableRepository, is_condition_failure


class MemberRecords(DataTableRepository):
    """People's records under their ``USER#`` partition: memberships, platform admin,
    the bound subject (and coordinators', written by ``store/networks.py``)."""

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
