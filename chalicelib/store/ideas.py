"""Proposals and votes of ideas points in the data table.

Keys, in the style of ``keys.py`` and ``store/surveys/keys.py``:

| item     | PK                  | SK    | GSI1PK               | GSI1SK              |
|----------|---------------------|-------|----------------------|---------------------|
| proposal | IDEA#{idea}         | IDEA  | COLLECTION#{code}#IN | {created_at}#{idea} |
| vote     | VOTE#{submission}   | VOTE  | -                    | -                   |

``type`` is ``idea`` or ``idea_vote``; the stream consumer folds neither. A proposal's
id is derived from its submission id (a one-way hash), so one conditional put stores
a submission once and nothing else links the two. Proposals sit in the collection's
entries index (``count_entries`` counts them as what the point received). A vote
and the counts it adds are one transaction: a submission is counted exactly once, and
only for proposals that are approved at that moment.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.store.items import without_keys
from chalicelib.store.surveys import entries_of_collection_pk, org_pk, template_sk
from chalicelib.store.table import DataTableRepository, is_condition_failure

IDEA_SK: Final = "IDEA"
VOTE_SK: Final = "VOTE"
_TRANSACTION_RETRIES = 3


def idea_id_for(submission_id: str) -> str:
    """The proposal id a submission gets: stable across retries, and not reversible."""
    return hashlib.sha256(f"logbook-idea:{submission_id}".encode()).hexdigest()[:20]


def idea_pk(idea_id: str) -> str:
    return f"IDEA#{idea_id}"


def vote_pk(submission_id: str) -> str:
    return f"VOTE#{submission_id}"


def _cancellation_codes(error: ClientError) -> list[str]:
    return [
        str(reason.get("Code") or "None")
        for reason in error.response.get("CancellationReasons", [])
    ]


class IdeaRepository(DataTableRepository):
    """Stores proposals, their moderation, votes and adoptions."""

    # ------------------------------------------------------------ proposals
    def put_idea(self, idea: dict[str, Any]) -> bool:
        """Store a new proposal once; False if this submission is already stored."""
        item = {
            "PK": idea_pk(idea["id"]),
            "SK": IDEA_SK,
            "GSI1PK": entries_of_collection_pk(idea["collection_code"]),
            "GSI1SK": f"{idea['created_at']}#{idea['id']}",
            "type": "idea",
            "votes": 0,
            **{name: value for name, value in idea.items() if value is not None},
        }
        try:
            self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def get_idea(self, idea_id: str) -> dict[str, Any] | None:
        """One proposal (strongly consistent), or None."""
        item = self._table.get_item(
            Key={"PK": idea_pk(idea_id), "SK": IDEA_SK}, ConsistentRead=True
        ).get("Item")
        return without_keys(item) if item else None

    def list_ideas(self, code: str) -> list[dict[str, Any]]:
        """Every proposal of an ideas point, newest first."""
        items = self._query(
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(entries_of_collection_pk(code)),
            ScanIndexForward=False,
        )
        return [without_keys(item) for item in items if item.get("type") == "idea"]

    def moderate(
        self,
        idea_id: str,
        code: str,
        status: str,
        moderated_at: str,
        moderated_by: str,
        translations: dict[str, str] | None,
    ) -> dict[str, Any]:
        """Set a proposal's status (and translations); returns it.

        An adopted proposal stays approved: its text is asked in a survey already.
        """
        names = {"#status": "status"}
        values: dict[str, Any] = {
            ":status": status,
            ":at": moderated_at,
            ":by": moderated_by,
            ":code": code,
        }
        update = "SET #status = :status, moderated_at = :at, moderated_by = :by"
        if translations is not None:
            update += ", translations = :translations"
            values[":translations"] = translations
        condition = "attribute_exists(PK) AND collection_code = :code"
        if status != "approved":
            condition += " AND attribute_not_exists(adopted)"
        try:
            answer = self._table.update_item(
                Key={"PK": idea_pk(idea_id), "SK": IDEA_SK},
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            current = self.get_idea(idea_id)
            if current is None or current.get("collection_code") != code:
                raise NotFound(f"proposal {idea_id} not found in collection {code}") from error
            places = ", ".join(a["template_id"] for a in current.get("adopted", []))
            problem = f"proposal {idea_id} is a question of template {places}; it stays approved"
            raise Conflict(
                f"status: {problem}", errors=[FieldProblem("status", problem)]
            ) from error
        return without_keys(answer["Attributes"])

    # ------------------------------------------------------------ votes
    def get_vote(self, submission_id: str) -> dict[str, Any] | None:
        """A stored vote (strongly consistent: a retry must see the first write)."""
        item = self._table.get_item(
            Key={"PK": vote_pk(submission_id), "SK": VOTE_SK}, ConsistentRead=True
        ).get("Item")
        return without_keys(item) if item else None

    def put_vote(self, vote: dict[str, Any]) -> bool:
        """Store a vote and add it to each proposal's count, all or nothing.

        False if this submission was stored before. A proposal that is not (or no
        longer) approved in this collection → InvalidInput naming it, nothing stored.
        """
        client = self._table.meta.client
        vote_item = {
            "PK": vote_pk(vote["submission_id"]),
            "SK": VOTE_SK,
            "type": "idea_vote",
            **vote,
        }
        operations: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": vote_item,
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            }
        ]
        for idea_id in vote["idea_ids"]:
            operations.append(
                {
                    "Update": {
                        "TableName": self._table.name,
                        "Key": {"PK": idea_pk(idea_id), "SK": IDEA_SK},
                        "UpdateExpression": "ADD votes :one",
                        "ConditionExpression": "#status = :approved AND collection_code = :code",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": {
                            ":one": 1,
                            ":approved": "approved",
                            ":code": vote["collection_code"],
                        },
                    }
                }
            )
        for _ in range(_TRANSACTION_RETRIES):
            try:
                client.transact_write_items(TransactItems=operations)
                return True
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                codes = _cancellation_codes(error)
                if codes and codes[0] == "ConditionalCheckFailed":
                    return False
                refused = [
                    vote["idea_ids"][index - 1]
                    for index, code in enumerate(codes)
                    if index > 0 and code == "ConditionalCheckFailed"
                ]
                if refused:
                    raise InvalidInput.field(
                        "idea_ids", f"not an approved proposal of this point: {', '.join(refused)}"
                    ) from error
                if "TransactionConflict" not in codes:
                    raise
        raise RuntimeError("vote transaction kept conflicting")  # pragma: no cover

    # ------------------------------------------------------------ adoption
    def create_template_adopting(
        self, template: dict[str, Any], adoptions: dict[str, dict[str, Any]]
    ) -> None:
        """Store an organisation's template and record each adoption on its proposal.

        One transaction: a template never names a proposal that does not know it, and a
        proposal rejected in between makes the whole write fail (InvalidInput).
        """
        client = self._table.meta.client
        org_id = template["org_id"]
        operations: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": {
                        "PK": org_pk(org_id),
                        "SK": template_sk(template["id"]),
                        "type": "survey_template",
                        **template,
                    },
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            }
        ]
        idea_ids = list(adoptions)
        for idea_id in idea_ids:
            operations.append(
                {
                    "Update": {
                        "TableName": self._table.name,
                        "Key": {"PK": idea_pk(idea_id), "SK": IDEA_SK},
                        "UpdateExpression": "SET adopted = list_append("
                        "if_not_exists(adopted, :none), :adoption)",
                        "ConditionExpression": "#status = :approved AND org_id = :org",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": {
                            ":none": [],
                            ":adoption": [adoptions[idea_id]],
                            ":approved": "approved",
                            ":org": org_id,
                        },
                    }
                }
            )
        for _ in range(_TRANSACTION_RETRIES):
            try:
                client.transact_write_items(TransactItems=operations)
                return
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                codes = _cancellation_codes(error)
                if codes and codes[0] == "ConditionalCheckFailed":
                    raise Conflict("survey template already exists") from error
                refused = [
                    idea_ids[index - 1]
                    for index, code in enumerate(codes)
                    if index > 0 and code == "ConditionalCheckFailed"
                ]
                if refused:
                    raise InvalidInput.field(
                        "questions.from_idea",
                        f"no longer an approved proposal: {', '.join(refused)}",
                    ) from error
                if "TransactionConflict" not in codes:
                    raise
        raise RuntimeError("template transaction kept conflicting")  # pragma: no cover
