"""Route declaration: parse, authorise, call, answer — and document for OpenAPI.

``endpoint`` wraps a Chalice route so that views stay thin: the body is parsed with
its pydantic model, query parameters with theirs, the caller is loaded, domain
errors are mapped in one place (Chalice middleware does not see view exceptions),
and every route lands in the registry that ``/openapi.json`` is built from.
"""

from __future__ import annotations

import decimal
import functools
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import ClientError
from chalice import Blueprint, CORSConfig, Response
from pydantic import BaseModel, TypeAdapter, ValidationError

from chalicelib.api import idempotency
from chalicelib.api.errors import (
    domain_error_response,
    error_body,
    json_response,
    validation_error_response,
)
from chalicelib.api.json_input import decode_json_body
from chalicelib.domain.access import Principal, SignedIn
from chalicelib.domain.errors import (
    DomainError,
    FieldProblem,
    Forbidden,
    PayloadTooLarge,
    Unauthenticated,
)
from chalicelib.domain.models import Email
from chalicelib.observability import logger
from chalicelib.services import get_services
from chalicelib.settings import get_settings

CORS = CORSConfig(
    allow_origin="*",
    allow_headers=["Authorization", "Content-Type", idempotency.HEADER],
    max_age=600,
)
_PATH_PARAM = re.compile(r"^[A-Za-z0-9_.@+-]{1,254}$")
JSON_MEDIA_TYPE = "application/json"
# Chalice would answer other media types with its own 415 body, which names no field:
# routes take any Content-Type and ``endpoint`` refuses the wrong ones in the error shape.
_ANY_MEDIA_TYPE = ["*/*"]


def is_json_media_type(content_type: str | None) -> bool:
    """``application/json`` (any parameters, e.g. charset) or no Content-Type at all."""
    media_type = (content_type or JSON_MEDIA_TYPE).split(";", 1)[0].strip().lower()
    return media_type == JSON_MEDIA_TYPE


def _unsupported_media_type(content_type: str) -> Response:
    problem = f"must be {JSON_MEDIA_TYPE}, not {content_type[:100]}"
    return json_response(
        error_body(
            "unsupported_media_type",
            f"Content-Type: {problem}",
            [{"field": "Content-Type", "problem": problem}],
        ),
        415,
    )


@dataclass(frozen=True)
class RouteDoc:
    """What ``/openapi.json`` says about one route."""

    method: str
    path: str
    summary: str
    tag: str
    public: bool
    status: int
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    content_type: str = "application/json"
    # A file route's other answer when asked for it (e.g. ``?link=1``): JSON of this model.
    json_alternative: type[BaseModel] | None = None
    errors: tuple[int, ...] = field(default_factory=tuple)
    # Honours an Idempotency-Key header (every creating POST does).
    idempotent: bool = False
    # Media types of a file taken as the raw body (imports), for OpenAPI.
    uploads: tuple[str, ...] = ()


ROUTES: list[RouteDoc] = []


def _authorizer() -> Any:
    # Imported on first use so that importing routing stays cheap.
    from chalicelib.api.authorizer import authorize

    return authorize


def current_principal(request: Any) -> Principal:
    """The caller the authorizer vouched for, with their rights loaded."""
    context = (request.context or {}).get("authorizer") or {}
    subject, email = context.get("principalId"), context.get("email")
    if not subject or not email:
        raise Unauthenticated("no verified identity on this request")
    signed_in = SignedIn(
        subject=str(subject),
        email=str(email),
        email_verified=str(context.get("email_verified")) == "true",
    )
    principal = get_services().identity.principal_for(signed_in)
    if not principal.known:
        raise Forbidden("you have no role in Logbook yet; ask your organisation's admin")
    return principal


@functools.cache
def _email_adapter() -> TypeAdapter[str]:
    # Built on first use: importing routing stays cheap for a cold start.
    return TypeAdapter(Email)


def _member_email(value: str) -> str:
    """A path's e-mail by the very rule that admitted the member (any address it accepts)."""
    try:
        return str(_email_adapter().validate_python(value))
    except ValidationError:
        raise _BadPathParam("email", "is not a valid e-mail address") from None


def _clean_path_params(params: dict[str, str]) -> dict[str, str]:
    """Path parameters, percent-decoded once (API Gateway passes them as sent).

    A member's e-mail may hold any character the e-mail rule accepts (``'``, ``#``,
    ``/`` as ``%2F``, ``%`` as ``%25``): it is checked by that rule, not the id rule.
    """
    cleaned = {}
    for name, value in params.items():
        try:
            value = unquote(value, errors="strict")
        except UnicodeDecodeError:
            raise _BadPathParam(name, "is not UTF-8 once percent-decoded") from None
        if name == "email":
            cleaned[name] = _member_email(value)
        elif _PATH_PARAM.match(value):
            cleaned[name] = value
        else:
            raise _BadPathParam(name)
    return cleaned


class _BadPathParam(Exception):
    def __init__(self, name: str, problem: str = "is not a valid identifier") -> None:
        super().__init__(name)
        self.name = name
        self.problem = problem


def parse_body(
    raw: bytes | str | None, model: type[BaseModel], prepare: Callable | None
) -> BaseModel:
    """Validate a JSON body against ``model`` (strictly); ``prepare`` may filter it first.

    The body is decoded once by ``decode_json_body`` whatever the route, so nesting,
    numbers and strings no code could take are refused there, naming the field.
    """
    limit = get_settings().max_body_bytes
    if raw is not None and len(raw) > limit:
        problem = f"is larger than {limit} bytes"
        raise PayloadTooLarge(f"body: {problem}", errors=[FieldProblem("body", problem)])
    text = raw or b""
    if isinstance(text, str):
        text = text.encode()
    decoded = decode_json_body(text)
    if prepare is not None and isinstance(decoded, dict):
        text = json.dumps(prepare(decoded)).encode()
    return model.model_validate_json(text)


def _answer(result: Any, status: int) -> Response:
    """A view's return value as the HTTP answer."""
    if isinstance(result, Response):
        return result
    if result is None:
        return Response(body="", status_code=204, headers={"Cache-Control": "no-store"})
    return json_response(result.model_dump(mode="json"), status)


def _keyed_request(request: Any, key: str, kwargs: dict[str, Any]) -> idempotency.KeyedRequest:
    """The parts of a keyed request that a repeat must match (the body as parsed)."""
    principal = kwargs.get("principal")
    parsed = kwargs.get("body")
    return idempotency.KeyedRequest(
        owner=idempotency.owner_of(principal) if principal is not None else "anyone",
        key=key,
        method=request.method,
        # The route with its parameters: the same key on another unit is another request.
        path=request.path.format_map(kwargs),
        body=parsed.model_dump(mode="json") if parsed is not None else _upload_digest(request),
    )


def _upload_digest(request: Any) -> dict[str, str] | None:
    """What identifies a raw upload (a file, not JSON) for an Idempotency-Key: its hash."""
    raw = request.raw_body
    if not raw:
        return None
    data = raw.encode() if isinstance(raw, str) else raw
    return {"sha256": hashlib.sha256(data).hexdigest()}


def _lambda_context(bp: Blueprint) -> Any:
    """The real Lambda context in AWS (its time left bounds an in-progress key), else None."""
    if get_settings().is_local:
        return None
    try:
        return bp.lambda_context
    except Exception:  # not registered yet, or not running in Lambda
        return None


def endpoint(
    bp: Blueprint,
    method: str,
    path: str,
    *,
    summary: str,
    tag: str,
    body: type[BaseModel] | None = None,
    prepare_body: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    response: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    status: int = 200,
    public: bool = False,
    content_type: str = "application/json",
    json_alternative: type[BaseModel] | None = None,
    errors: tuple[int, ...] = (),
    idempotent: bool | None = None,
    uploads: tuple[str, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn`` as a route; see the module docstring.

    The view receives the path parameters, then ``body=`` (a model instance),
    ``query=`` (a model instance) and ``principal=`` as configured, and returns a
    pydantic model (answered as JSON with ``status``), ``None`` (204) or a Response.
    A creating POST (201, signed in) — or any route with ``idempotent=True`` — answers
    a repeated ``Idempotency-Key`` once (``chalicelib/api/idempotency.py``).
    """
    keyed = (
        idempotent
        if idempotent is not None
        else (method == "POST" and status == 201 and not public)
    )

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def view(**path_params: str) -> Response:
            request = bp.current_request
            try:
                kwargs: dict[str, Any] = _clean_path_params(path_params)
                if body is not None:
                    content_type = request.headers.get("content-type")
                    if not is_json_media_type(content_type):
                        return _unsupported_media_type(str(content_type))
                    try:
                        kwargs["body"] = parse_body(request.raw_body, body, prepare_body)
                    except ValidationError as error:
                        return validation_error_response(error)
                if query is not None:
                    try:
                        kwargs["query"] = query.model_validate(dict(request.query_params or {}))
                    except ValidationError as error:
                        return validation_error_response(error, prefix="query")
                if not public:
                    kwargs["principal"] = current_principal(request)
                key = idempotency.key_from_headers(request.headers) if keyed else None
                if key is not None:
                    return idempotency.answer_once(
                        _keyed_request(request, key, kwargs),
                        lambda: _answer(fn(**kwargs), status),
                        _lambda_context(bp),
                    )
                result = fn(**kwargs)
            except _BadPathParam as error:
                return json_response(
                    error_body(
                        "invalid_input",
                        f"{error.name}: {error.problem}",
                        [{"field": error.name, "problem": error.problem}],
                    ),
                    400,
                )
            except DomainError as error:
                return domain_error_response(error)
            except (RecursionError, OverflowError, decimal.DecimalException) as error:
                # Input no rule caught reached arithmetic or storage: still the client's
                # input, so 4xx; logged, so the missing rule gets written.
                logger.warning(
                    "input beyond a limit reached the code", extra={"error": repr(error)}
                )
                return json_response(
                    error_body(
                        "invalid_input",
                        "body: a value is out of range",
                        [{"field": "body", "problem": "a value is out of range"}],
                    ),
                    400,
                )
            except ClientError as error:
                # A request DynamoDB refuses as malformed is bad input that slipped past
                # validation: answer 4xx, and log it so the gap gets closed. This stays
                # here, the one place every store call passes: the store's 40-odd boto3
                # calls have no common wrapper to translate it in (docs/architecture.md).
                if error.response.get("Error", {}).get("Code") != "ValidationException":
                    raise
                logger.warning("DynamoDB refused a request", extra={"error": str(error)})
                return json_response(
                    error_body("invalid_input", "the request cannot be processed", []), 400
                )
            return _answer(result, status)

        bp.route(
            path,
            methods=[method],
            authorizer=None if public else _authorizer(),
            cors=CORS,
            content_types=_ANY_MEDIA_TYPE,
        )(view)
        ROUTES.append(
            RouteDoc(
                method=method,
                path=path,
                summary=summary,
                tag=tag,
                public=public,
                status=status,
                body=body,
                response=response,
                query=query,
                content_type=content_type,
                json_alternative=json_alternative,
                errors=errors,
                idempotent=keyed,
                uploads=uploads,
            )
        )
        return fn

    return decorate
