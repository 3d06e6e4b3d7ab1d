"""Survey templates, collections, responses and check-ins in the data table.

Survey keys live here, beside ``keys.py`` (the lead's) and in the same style:

| item                | PK                                | SK                    | GSI1PK                 | GSI1SK            | TTL |
|---------------------|-----------------------------------|-----------------------|------------------------|-------------------|-----|
| org's template      | ORG#{org}                         | SURVEY_TEMPLATE#{id}  | -                      | -                 |     |
| check-in salt       | ORG#{org}                         | CHECKIN_SALT          | -                      | -                 |     |
| check-in key        | ORG#{org}                         | CHECKIN_KEY           | -                      | -                 |     |
| collection (QR)     | COLLECTION#{code}                 | COLLECTION            | UNIT#{unit}#COLL       | {created_at}#{code} |   |
| rate window         | COLLECTION#{code}                 | RATE#{window}         | -                      | -                 | yes |
| response            | RESPONSE#{submission}             | RESPONSE              | COLLECTION#{code}#IN   | {date}#{submission} |   |
| free-text answers   | RESPONSE#{submission}             | TEXT                  | -                      | -                 |     |
| check-in            | CHECKIN#{submission}              | CHECKIN               | COLLECTION#{code}#IN   | {date}#{submission} |   |
| first-visit marker  | SEEN#{scope}#{period}#{visitor}   | SEEN                  | -                      | -                 | yes |

``{visitor}`` in a marker is the phone's hash keyed with the organisation's check-in key
(HMAC, ``keyed`` = true); markers written before the key existed carry the phone's hash
itself (no ``keyed``) until ``rekey_legacy_markers`` moves them.

``type`` tells them apart: ``survey_template``, ``checkin_salt``, ``checkin_key``, ``collection``,
``rate_window``, ``response``, ``response_text``, ``checkin``, ``visit_marker``.
The stream consumer folds only ``response`` and ``checkin``; free text sits in its own
item so it never travels with what is aggregated or published.

Each answer is written under its submission id with a conditional put: whatever
the network does, a submission is stored once.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from chalicelib.domain.errors import NotFound
from chalicelib.domain.surveys import keyed_visitor
from chalicelib.store.directory import DataTableRepository, is_condition_failure
from chalicelib.store.items import without_keys

COLLECTION_SK: Final = "COLLECTION"
RESPONSE_SK: Final = "RESPONSE"
TEXT_SK: Final = "TEXT"
CHECKIN_SK: Final = "CHECKIN"
SEEN_SK: Final = "SEEN"
SALT_SK: Final = "CHECKIN_SALT"
KEY_SK: Final = "CHECKIN_KEY"
CHECKIN_KEY_BYTES: Final = 32
# Markers outlive their period by this much, then DynamoDB's TTL sweeps them.
MARKER_GRACE = dt.timedelta(days=7)
_MAX_MARKER_ROUNDS = 8
_CONFLICT: Final[set[int]] = {-1}


def org_pk(org_id: str) -> str:
    return f"ORG#{org_id}"


def template_sk(template_id: str) -> str:
    return f"SURVEY_TEMPLATE#{template_id}"


def collection_pk(code: str) -> str:
    return f"COLLECTION#{code}"


def collections_of_unit_pk(unit_id: str) -> str:
    return f"UNIT#{unit_id}#COLL"


def entries_of_collection_pk(code: str) -> str:
    return f"COLLECTION#{code}#IN"


def response_pk(submission_id: str) -> str:
    return f"RESPONSE#{submission_id}"


def checkin_pk(submission_id: str) -> str:
    return f"CHECKIN#{submission_id}"


def rate_sk(window: str) -> str:
    return f"RATE#{window}"


def marker_pk(scope: str, period: str, visitor: str) -> str:
    return f"SEEN#{scope}#{period}#{visitor}"


def parse_marker_pk(pk: str) -> tuple[str, str, str]:
    """(scope, period, visitor) of a marker's PK; scope is ``unit:{id}`` or ``org:{id}``."""
    _seen, scope, period, visitor = pk.split("#", 3)
    return scope, period, visitor


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


# The key of an organisation never changes once made: one read per process and org.
_checkin_keys: dict[tuple[str, str], bytes] = {}


def forget_checkin_keys() -> None:
    """Drop the keys cached in this process (tests recreate tables under the same name)."""
    _checkin_keys.clear()


@dataclass(frozen=True)
class RekeyResult:
    """What ``rekey_legacy_markers`` did: markers moved to their keyed form, and legacy
    markers dropped because their keyed form already existed."""

    moved: int = 0
    merged: int = 0


class SurveyRepository(DataTableRepository):
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

    # ------------------------------------------------------------ check-in salt
    def checkin_salt(self, org_id: str, new_salt: str) -> str:
        """The organisation's check-in salt; ``new_salt`` becomes it if it has none yet."""
        current = self._table.get_item(
            Key={"PK": org_pk(org_id), "SK": SALT_SK}, ConsistentRead=True
        ).get("Item")
        if current:
            return str(current["salt"])
        try:
            self._table.put_item(
                Item={
                    "PK": org_pk(org_id),
                    "SK": SALT_SK,
                    "type": "checkin_salt",
                    "org_id": org_id,
                    "salt": new_salt,
                },
                ConditionExpression="attribute_not_exists(PK)",
            )
            return new_salt
        except ClientError as error:
            if not is_condition_failure(error):
                raise
        # Someone else created it in between: theirs wins, for everyone.
        item = self._table.get_item(Key={"PK": org_pk(org_id), "SK": SALT_SK}, ConsistentRead=True)[
            "Item"
        ]
        return str(item["salt"])

    # ------------------------------------------------------------ check-in key
    def checkin_key(self, org_id: str) -> bytes:
        """The organisation's secret check-in key, made on first use.

        32 random bytes that only the server reads: no route answers with it, no export
        carries it (exports pick items by type). Concurrent first uses agree: the first
        conditional put wins and everyone reads that one.
        """
        cache_key = (self._table.name, org_id)
        cached = _checkin_keys.get(cache_key)
        if cached is not None:
            return cached
        key = self._stored_checkin_key(org_id)
        if key is None:
            try:
                self._table.put_item(
                    Item={
                        "PK": org_pk(org_id),
                        "SK": KEY_SK,
                        "type": "checkin_key",
                        "org_id": org_id,
                        "key": secrets.token_bytes(CHECKIN_KEY_BYTES),
                    },
                    ConditionExpression="attribute_not_exists(PK)",
                )
            except ClientError as error:
                if not is_condition_failure(error):
                    raise
            key = self._stored_checkin_key(org_id)
        if key is None:  # pragma: no cover - the put above or a racer created it
            raise RuntimeError(f"no check-in key for organisation {org_id}")
        _checkin_keys[cache_key] = key
        return key

    def _stored_checkin_key(self, org_id: str) -> bytes | None:
        item = self._table.get_item(
            Key={"PK": org_pk(org_id), "SK": KEY_SK}, ConsistentRead=True
        ).get("Item")
        return bytes(item["key"].value) if item else None

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
                    ":exp": _epoch(expires_at),
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
        (``SurveyService.response_for``) and are not stored yet (``stored_responses``).
        """
        with self._table.batch_writer() as batch:
            for response, texts in answers:
                for item in self._response_items(response, texts):
                    batch.put_item(Item=item)

    # ------------------------------------------------------------ check-ins
    def get_checkin(self, submission_id: str) -> dict[str, Any] | None:
        """A stored check-in (strongly consistent)."""
        item = self._table.get_item(
            Key={"PK": checkin_pk(submission_id), "SK": CHECKIN_SK}, ConsistentRead=True
        ).get("Item")
        return without_keys(item) if item else None

    def put_checkin(
        self,
        checkin: dict[str, Any],
        markers: Iterable[tuple[str, str, str]],
        markers_expire: dict[str, dt.datetime],
        legacy_visitor: str | None = None,
    ) -> dict[str, Any] | None:
        """Store a check-in once, deciding at write time which visits are first visits.

        ``checkin["visitor"]`` is the keyed visitor (``keyed_visitor``); it goes only
        into markers, never into the check-in. ``markers`` are (scope_kind, scope,
        period) with scope like ``unit:{id}``; a marker that does not exist yet is
        created in the same transaction as the check-in, so either both land or
        neither. ``legacy_visitor`` (the phone's own hash) also finds markers written
        before check-in keys existed, so counts stay right until they are re-keyed.
        Returns the stored check-in with ``first_visit`` filled in, or None if this
        submission was stored before.
        """
        visitor = checkin["visitor"]
        wanted = list(markers)
        keyed_pks = [marker_pk(scope, period, visitor) for _, scope, period in wanted]
        legacy_twins = (
            {
                marker_pk(scope, period, legacy_visitor): marker_pk(scope, period, visitor)
                for _, scope, period in wanted
            }
            if legacy_visitor
            else {}
        )
        found = self._existing_markers(keyed_pks + list(legacy_twins))
        # keyed marker PK -> the PK it was found under (itself, or its legacy twin)
        existing = {legacy_twins.get(pk, pk): pk for pk in found}
        for _ in range(_MAX_MARKER_ROUNDS):
            new = [m for m in wanted if marker_pk(m[1], m[2], visitor) not in existing]
            first_visit: dict[str, list[str]] = {"unit": [], "org": []}
            for kind, _scope, period in new:
                first_visit[kind].append(period)
            stored = {key: value for key, value in checkin.items() if key != "visitor"}
            stored["first_visit"] = first_visit
            item = {
                "PK": checkin_pk(checkin["submission_id"]),
                "SK": CHECKIN_SK,
                "GSI1PK": entries_of_collection_pk(checkin["collection_code"]),
                "GSI1SK": f"{checkin['date']}#{checkin['submission_id']}",
                "type": "checkin",
                **stored,
            }
            marker_items = [
                {
                    "PK": marker_pk(scope, period, visitor),
                    "SK": SEEN_SK,
                    "type": "visit_marker",
                    "keyed": True,
                    "expires_at": _epoch(markers_expire[period]),
                }
                for _kind, scope, period in new
            ]
            # Markers that exist are checked in the same transaction: every check-in
            # then has the same shape (and cost) whether or not it is a first visit,
            # so its answer time tells nothing about who visited before.
            seen = [existing[pk] for pk in keyed_pks if pk in existing]
            failed = self._transact_new([item, *marker_items], checks=seen)
            if failed is None:
                return stored
            if 0 in failed:
                return None
            for index in failed:
                if index <= len(marker_items):
                    # Another check-in of the same visitor claimed a marker meanwhile
                    # (or a legacy marker was re-keyed in between): that one is first.
                    pk = str(marker_items[index - 1]["PK"])
                    existing[pk] = pk
                else:
                    # A marker we saw is gone (a legacy one was re-keyed): look again.
                    gone = seen[index - 1 - len(marker_items)]
                    existing = {k: v for k, v in existing.items() if v != gone}
        raise RuntimeError("check-in markers kept changing; giving up")  # pragma: no cover

    # ------------------------------------------------------------ migration
    def legacy_markers(self) -> Iterator[dict[str, Any]]:
        """Markers written before check-in keys existed (a Scan: a one-off admin command)."""
        kwargs: dict[str, Any] = {
            "FilterExpression": Attr("type").eq("visit_marker") & Attr("keyed").not_exists(),
            "ConsistentRead": True,
        }
        while True:
            page = self._table.scan(**kwargs)
            yield from page.get("Items", [])
            if not page.get("LastEvaluatedKey"):
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def rekey_legacy_markers(self, org_of_scope: Callable[[str], str | None]) -> RekeyResult:
        """Replace every legacy marker by its keyed twin, each in one transaction.

        The twin keeps the marker's expiry; when it exists already (a check-in made the
        same visitor's keyed marker meanwhile), the legacy one is only deleted. Counts do
        not change: a marker says "seen", and it still does under its new key. Scopes
        whose organisation is gone (``org_of_scope`` None) are left as they are.
        """
        moved = merged = 0
        for marker in self.legacy_markers():
            scope, period, phone_hash = parse_marker_pk(str(marker["PK"]))
            org_id = org_of_scope(scope)
            if org_id is None:
                continue
            keyed_pk = marker_pk(scope, period, keyed_visitor(self.checkin_key(org_id), phone_hash))
            twin = {
                "PK": keyed_pk,
                "SK": SEEN_SK,
                "type": "visit_marker",
                "keyed": True,
                **({"expires_at": marker["expires_at"]} if "expires_at" in marker else {}),
            }
            if self._move_marker(str(marker["PK"]), twin):
                moved += 1
            else:
                merged += 1
        return RekeyResult(moved=moved, merged=merged)

    def _move_marker(self, legacy_pk: str, twin: dict[str, Any]) -> bool:
        """Put ``twin`` and delete the legacy marker atomically; False if the twin existed."""
        client = self._table.meta.client
        delete = {
            "Delete": {"TableName": self._table.name, "Key": {"PK": legacy_pk, "SK": SEEN_SK}}
        }
        put = {
            "Put": {
                "TableName": self._table.name,
                "Item": twin,
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }
        try:
            client.transact_write_items(TransactItems=[put, delete])
            return True
        except ClientError as error:
            reasons = error.response.get("CancellationReasons") or []
            if not any(reason.get("Code") == "ConditionalCheckFailed" for reason in reasons):
                raise
        self._table.delete_item(Key={"PK": legacy_pk, "SK": SEEN_SK})
        return False

    def _existing_markers(self, pks: list[str]) -> set[str]:
        # The resource's own client (un)marshals values like the Table does.
        client = self._table.meta.client
        found: set[str] = set()
        request = {
            self._table.name: {
                "Keys": [{"PK": pk, "SK": SEEN_SK} for pk in pks],
                "ProjectionExpression": "PK",
                "ConsistentRead": True,
            }
        }
        while request:
            answer = client.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(self._table.name, []):
                found.add(str(item["PK"]))
            request = answer.get("UnprocessedKeys") or {}
        return found

    # ------------------------------------------------------------ shared
    def _put_new(self, item: dict[str, Any]) -> bool:
        try:
            self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def _transact_new(
        self, items: list[dict[str, Any]], checks: Iterable[str] = ()
    ) -> set[int] | None:
        """Put every item if none exists yet, provided every marker PK in ``checks``
        still exists; None on success, else the failed indexes (items first, then checks)."""
        operations: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": item,
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            }
            for item in items
        ]
        operations += [
            {
                "ConditionCheck": {
                    "TableName": self._table.name,
                    "Key": {"PK": pk, "SK": SEEN_SK},
                    "ConditionExpression": "attribute_exists(PK)",
                }
            }
            for pk in checks
        ]
        for attempt in range(3):
            failed = self._transact_once(operations)
            if failed != _CONFLICT:
                return failed
            # Another transaction held one of the items (a double tap): try again shortly.
            time.sleep(0.05 * (attempt + 1))
        raise RuntimeError("transaction kept conflicting")

    def _transact_once(self, operations: list[dict[str, Any]]) -> set[int] | None:
        client = self._table.meta.client
        try:
            client.transact_write_items(TransactItems=operations)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
            failed = {
                index
                for index, reason in enumerate(reasons)
                if reason.get("Code") == "ConditionalCheckFailed"
            }
            if failed:
                return failed
            if any(reason.get("Code") == "TransactionConflict" for reason in reasons):
                return _CONFLICT
            raise

        return None
