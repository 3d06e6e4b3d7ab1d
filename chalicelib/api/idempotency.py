"""Creating POSTs answered once per ``Idempotency-Key`` (IETF httpapi draft).

A client that lost the answer to a save sends the same request again with the same
key: it gets the first answer back (same status, same ``id``) and nothing is stored
twice. The same key with another request (body, method or path) is a 422; the same key
while the first request still runs is a 409 "in progress" — never a second write.

Powertools' idempotency utility does the bookkeeping in its own DynamoDB table
(``IDEMPOTENCY_TABLE`` in ``chalicelib/store/schema.py``): a conditional put marks the
key in progress, the answer is stored on success, the record is deleted when the view
raises, and a stored hash of the request detects a reused key. Only successful (2xx)
answers are kept: a refused request may be corrected and sent again with its key.
Keys belong to the signed-in person (two people never share a record) and are kept
for ``KEEP_SECONDS``. Powertools is imported on the first keyed request only, so the
Lambda cold start does not pay for it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from chalice import Response

from chalicelib.api.errors import error_body, json_response
from chalicelib.domain.access import Principal
from chalicelib.domain.errors import InvalidInput
from chalicelib.settings import Settings, get_settings
from chalicelib.store.schema import IDEMPOTENCY_TABLE, TTL_ATTRIBUTE

HEADER = "Idempotency-Key"
# At least the 24 h the contract promises, with room for a phone that was off for a day.
KEEP_SECONDS = 48 * 3600
# Outside Lambda (local stack, tests) a crashed request frees its key after this long.
LOCAL_REQUEST_SECONDS = 30
# Printable ASCII without quote and backslash: a UUID, a ULID, or any opaque token.
_KEY = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]{1,255}$")
REPLAYED_HEADER = "Idempotent-Replayed"


def owner_of(principal: Principal) -> str:
    """Whose keys these are: the principal's stable identity (``sub`` once bound)."""
    return principal.email


def key_from_headers(headers: Mapping[str, str]) -> str | None:
    """The request's key (plain or as a quoted structured-field string), or None.

    Raises ``InvalidInput`` naming the header when it is there but unusable.
    """
    raw = headers.get(HEADER.lower())
    if raw is None:
        return None
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not _KEY.match(value):
        raise InvalidInput.field(HEADER, "must be 1 to 255 printable ASCII characters, e.g. a UUID")
    return value


@dataclass(frozen=True)
class KeyedRequest:
    """What identifies a keyed request (owner and key) and what must match on a repeat."""

    owner: str
    key: str
    method: str
    path: str
    body: Any

    def as_payload(self) -> dict[str, Any]:
        return {
            "owner": self.owner,
            "key": self.key,
            "method": self.method,
            "path": self.path,
            "body": self.body,
        }


class _NotKept(Exception):
    """A non-2xx answer: given to the caller, but its key stays free for a retry."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class _Deadline:
    """A Lambda-context look-alike for Powertools outside Lambda (a fixed time budget)."""

    def __init__(self, seconds: float) -> None:
        self._ends = time.monotonic() + seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._ends - time.monotonic()) * 1000))


@lru_cache(maxsize=2)
def idempotency_store(settings: Settings | None = None) -> Any:
    """Powertools' DynamoDB persistence layer on the idempotency table (one per process)."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    from chalicelib.store.clients import dynamodb_client

    settings = settings or get_settings()
    return DynamoDBPersistenceLayer(
        table_name=settings.idempotency_table_name,
        key_attr=IDEMPOTENCY_TABLE.partition_key,
        expiry_attr=TTL_ATTRIBUTE,
        boto3_client=dynamodb_client(settings),
    )


def _serialise(response: Response) -> dict[str, Any]:
    body = response.body
    if isinstance(body, bytes):
        body = body.decode()
    elif not isinstance(body, str):
        body = json.dumps(body)
    return {"status": response.status_code, "body": body, "headers": dict(response.headers)}


def _mark_replayed(response: Any, idempotent_data: Any) -> Any:
    # Powertools' response hook: runs only when the stored answer is given again.
    return {**response, "headers": {**response["headers"], REPLAYED_HEADER: "true"}}


def answer_once(
    request: KeyedRequest, produce: Callable[[], Response], lambda_context: Any = None
) -> Response:
    """``produce()``'s answer the first time; the stored answer for a repeat of ``request``.

    Exceptions from ``produce`` pass through (and free the key), as do Powertools'
    own when its table cannot be reached: nothing is written without a record.
    """
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    config = IdempotencyConfig(
        event_key_jmespath="[owner, key]",
        payload_validation_jmespath="[method, path, body]",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=KEEP_SECONDS,
        hash_function="sha256",
        lambda_context=cast(Any, lambda_context or _Deadline(LOCAL_REQUEST_SECONDS)),
        response_hook=_mark_replayed,
    )

    def first_answer(request: dict[str, Any]) -> dict[str, Any]:
        response = produce()
        if not 200 <= response.status_code < 300:
            raise _NotKept(response)
        return _serialise(response)

    once = idempotent_function(
        first_answer,
        data_keyword_argument="request",
        persistence_store=idempotency_store(),
        config=config,
        key_prefix="logbook-api",
    )
    try:
        answer = once(request=request.as_payload())
    except _NotKept as refused:
        return refused.response
    except IdempotencyValidationError:
        problem = "was already used for another request; send a new key for a new request"
        return json_response(
            error_body(
                "idempotency_key_reused",
                f"{HEADER}: {problem}",
                [{"field": HEADER, "problem": problem}],
            ),
            422,
        )
    except IdempotencyAlreadyInProgressError:
        problem = "a request with this key is still in progress; try again in a moment"
        return json_response(
            error_body(
                "in_progress", f"{HEADER}: {problem}", [{"field": HEADER, "problem": problem}]
            ),
            409,
            {"Retry-After": "1"},
        )
    return Response(body=answer["body"], status_code=answer["status"], headers=answer["headers"])
