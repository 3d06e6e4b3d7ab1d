"""Check-ins in the data table: the organisation's salt and key, a check-in with its
first-visit markers, and the one-off move of markers stored before check-in keys."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from chalicelib.domain.surveys import keyed_visitor
from chalicelib.store.items import without_keys
from chalicelib.store.surveys.base import SurveyTableRepository
from chalicelib.store.surveys.keys import (
    CHECKIN_KEY_BYTES,
    CHECKIN_SK,
    KEY_SK,
    SALT_SK,
    SEEN_SK,
    checkin_pk,
    entries_of_collection_pk,
    epoch_seconds,
    marker_pk,
    org_pk,
    parse_marker_pk,
)
from chalicelib.store.table import is_condition_failure

# Rounds of reading markers and writing a check-in before giving up (markers kept changing).
_MAX_MARKER_ROUNDS = 8

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


class CheckinRepository(SurveyTableRepository):
    """Check-ins, their first-visit markers, and each organisation's salt and key."""

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
                    "expires_at": epoch_seconds(markers_expire[period]),
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
