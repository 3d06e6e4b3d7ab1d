"""Survey templates, collections (QR points), rate windows and responses in the data
table; check-ins come from ``CheckinRepository``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from chalicelib.domain.errors import NotFound
from chalicelib.store.items import without_keys
from chalicelib.store.surveys.checkins import CheckinRepository
from chalicelib.store.surveys.keys import (
    COLLECTION_SK,
    RESPONSE_SK,
    TEXT_SK,
    collection_pk,
    collections_of_unit_pk,
    entries_of_collection_pk,
    epoch_seconds,
    org_pk,
    rate_sk,
    response_pk,
    template_sk,
)
from chalicelib.store.table import is_condition_failure


class SurveyRepository(CheckinRepository):
    """Stores survey templates, collections and what young people send."""

    # ------------------------------------------------------------ templates
    def create_template(self, template: dict[str, Any]) -> None:
        """Store an organisation's new template (templates are never changed afterwards)."""
        item = {
            "PK": org_pk(template["org_id"]),
            "SK": template_sk(template["id"]),
            "type": "survey_template",
            **template,
        }
        self._create(item, "survey template")

    def get_template(self, org_id: str, template_id: str) -> dict[str, Any] | None:
        """One organisation's template, or None."""
        return self._get(org_pk(org_id), template_sk(template_id))

    def list_templates(self, org_id: str) -> list[dict[str, Any]]:
        """An organisation's own templates."""
        items = self._query(
            KeyConditionExpression=Key("PK").eq(org_pk(org_id))
            & Key("SK").begins_with("SURVEY_TEMPLATE#")
        )
        return [without_keys(item) for item in items]

    # ------------------------------------------------------------ collections
    @staticmethod
    def collection_item(collection: dict[str, Any]) -> dict[str, Any]:
        """A collection as stored (keys and ``type``; absent fields left out)."""
        return {
            "PK": collection_pk(collection["code"]),
            "SK": COLLECTION_SK,
            "GSI1PK": collections_of_unit_pk(collection["unit_id"]),
            "GSI1SK": f"{collection['created_at']}#{collection['code']}",
            "type": "collection",
            **{name: value for name, value in collection.items() if value is not None},
        }

    def create_collection(self, collection: dict[str, Any]) -> bool:
        """Store a new collection; False if its code is taken (the caller draws again)."""
        item = self.collection_item(collection)
        try:
            self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def get_collection(self, code: str) -> dict[str, Any] | None:
        """One collection, or None."""
        return self._get(collection_pk(code), COLLECTION_SK)

    def list_collections(self, unit_id: str) -> list[dict[str, Any]]:
        """A unit's collections, newest first."""
        items = self._query(
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(collections_of_unit_pk(unit_id)),
            ScanIndexForward=False,
        )
        return [without_keys(item) for item in items]

    def close_collection(self, code: str, closed_at: str) -> dict[str, Any]:
        """Mark a collection closed (the first close time stays); returns it."""
        try:
            answer = self._table.update_item(
                Key={"PK": collection_pk(code), "SK": COLLECTION_SK},
                UpdateExpression="SET closed_at = if_not_exists(closed_at, :now)",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues={":now": closed_at},
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if is_condition_failure(error):
                raise NotFound(f"collection {code} not found") from error
            raise
        return without_keys(answer["Attributes"])

    def count_entries(self, code: str) -> int:
        """How many responses or check-ins a collection has received."""
        total = 0
        kwargs: dict[str, Any] = {
            "IndexName": "GSI1",
            "KeyConditionExpression": Key("GSI1PK").eq(entries_of_collection_pk(code)),
            "Select": "COUNT",
        }
        while True:
            page = self._table.query(**kwargs)
            total += int(page.get("Count", 0))
            if not page.get("LastEvaluatedKey"):
                return total
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # ------------------------------------------------------------ rate limits
    def count_in_window(self, code: str, window: str, limit: int, expires_at: dt.datetime) -> bool:
        """Count one request in a fixed window; False (and no count) once ``limit`` is reached."""
        try:
            self._table.update_item(
                Key={"PK": collection_pk(code), "SK": rate_sk(window)},
                UpdateExpression="ADD n :one SET #type = :type, expires_at = :exp",
                ConditionExpression="attribute_not_exists(n) OR n < :limit",
                ExpressionAttributeNames={"#type": "type"},
                ExpressionAttributeValues={
                    ":one": 1,
                    ":limit": limit,
                    ":type": "rate_window",
                    ":exp": epoch_seconds(expires_at),
                },
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    # ------------------------------------------------------------ responses
    def get_response(self, submission_id: str) -> dict[str, Any] | None:
        """A stored response (strongly consistent: a retry must see the first write)."""
        item = self._table.get_item(
            Key={"PK": response_pk(submission_id), "SK": RESPONSE_SK}, ConsistentRead=True
        ).get("Item")
        return without_keys(item) if item else None

    def put_response(self, response: dict[str, Any], texts: dict[str, str]) -> bool:
        """Store a response once; False if this submission is already stored.

        Free text goes to its own item in the same transaction, so a response is
        never stored without its text, nor text without its response.
        """
        items = self._response_items(response, texts)
        if len(items) == 1:
            return self._put_new(items[0])
        reasons = self._transact_new(items)
        return reasons is None

    @staticmethod
    def _response_items(response: dict[str, Any], texts: dict[str, str]) -> list[dict[str, Any]]:
        """A response as stored, and its free texts' item when there are any."""
        item = {
            "PK": response_pk(response["submission_id"]),
            "SK": RESPONSE_SK,
            "GSI1PK": entries_of_collection_pk(response["collection_code"]),
            "GSI1SK": f"{response['date']}#{response['submission_id']}",
            "type": "response",
            **response,
        }
        if not texts:
            return [item]
        text_item = {
            "PK": response_pk(response["submission_id"]),
            "SK": TEXT_SK,
            "type": "response_text",
            "unit_id": response["unit_id"],
            "org_id": response["org_id"],
            "collection_code": response["collection_code"],
            "date": response["date"],
            "texts": texts,
        }
        return [item, text_item]

    def stored_responses(self, submission_ids: list[str]) -> set[str]:
        """Which of these submissions are stored already (BatchGetItem, 100 keys a call)."""
        found: set[str] = set()
        for first in range(0, len(submission_ids), 100):
            keys: list[dict[str, Any]] = [
                {"PK": response_pk(sid), "SK": RESPONSE_SK}
                for sid in submission_ids[first : first + 100]
            ]
            request: dict[str, Any] = {
                self._table.name: {"Keys": keys, "ProjectionExpression": "submission_id"}
            }
            while request:
                answer = self._table.meta.client.batch_get_item(RequestItems=request)
                found |= {
                    str(item["submission_id"])
                    for item in answer["Responses"].get(self._table.name, [])
                }
                request = answer.get("UnprocessedKeys") or {}
        return found

    def put_responses_in_batches(
        self, answers: list[tuple[dict[str, Any], dict[str, str]]]
    ) -> None:
        """Store many new responses (and their texts) with batch writes, 25 items a call.

        Unconditional: for the demo seed, whose answers were checked by the service
        (``SurveyAnswers.response_for``) and are not stored yet (``stored_responses``).
        """
        with self._table.batch_writer() as batch:
            for response, texts in answers:
                for item in self._response_items(response, texts):
                    batch.put_item(Item=item)
