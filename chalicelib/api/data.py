"""Data in and out: whole-organisation packages, spreadsheet imports (docs/data.md).

Uploads are the raw request body (``application/zip``, ``text/csv`` or XLSX), not JSON:
each route checks the media type and the size itself and names the problem in the
usual error shape.

A package too large for a Lambda answer (6 MB, less after base64) goes to the export
bucket when the deployment has one, and the answer is a 302 to a signed URL valid for
five minutes; the local stage (no such limit) answers the file itself.

The app asks with ``?link=1``: the answer is then always 200 ``{"url", "expires_at"}``
(a signed URL in AWS, at any size; a local one in the local stage) and the app
navigates to it. A fetch with an Authorization header cannot follow a redirect to the
bucket (the CSP's connect-src, no CORS on the bucket); a navigation needs neither.
"""

from __future__ import annotations

from typing import Any, Literal

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, Field

from chalicelib.api.errors import json_response
from chalicelib.api.routing import endpoint
from chalicelib.api.surveys import api_base
from chalicelib.domain.access import Principal
from chalicelib.domain.activity_import import template_csv
from chalicelib.domain.errors import (
    FieldProblem,
    InvalidInput,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from chalicelib.services import get_services
from chalicelib.services.clock import iso_instant
from chalicelib.services.data import (
    XLSX_MEDIA_TYPE,
    ActivityImportResult,
    ImportResult,
)
from chalicelib.settings import get_settings

bp = Blueprint(__name__)

ZIP_MEDIA_TYPE = "application/zip"
# Windows browsers send a .zip as application/x-zip-compressed.
ZIP_UPLOADS = (ZIP_MEDIA_TYPE, "application/x-zip-compressed")
# What API Gateway passes to a Lambda (6 MB) less its base64 of binary bodies.
MAX_UPLOAD_BYTES = 4_400_000
MAX_INLINE_ANSWER_BYTES = 4_400_000
SIGNED_URL_SECONDS = 300
# An import writes for at most this long (the API function has 15 s), then answers 202.
IMPORT_SECONDS = 9.0


class ExportQuery(BaseModel):
    """``?link=1`` answers a link to the file instead of the file (what the app asks)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    link: Literal["0", "1"] = Field(
        default="0", description="1: answer 200 {url, expires_at} instead of the file"
    )


class ExportLink(BaseModel):
    """Where to download an export, for a few minutes, without signing in."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="A short-lived address of the file (signed in AWS)")
    expires_at: str = Field(description="When the address stops working (ISO 8601, UTC)")


class DryRunQuery(BaseModel):
    """``?dry_run=1`` checks everything and stores nothing."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    dry_run: Literal["0", "1", "true", "false"] = Field(
        default="0", description="1: check and report, store nothing"
    )

    @property
    def checking_only(self) -> bool:
        return self.dry_run in ("1", "true")


def upload_body(request: Any, allowed: tuple[str, ...]) -> tuple[bytes, str]:
    """The raw upload and its media type; 415 or 413 in the error shape otherwise."""
    media_type = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    if media_type not in allowed:
        problem = f"must be one of {', '.join(allowed)}, not {media_type[:100] or 'missing'}"
        raise UnsupportedMediaType(
            f"Content-Type: {problem}", errors=[FieldProblem("Content-Type", problem)]
        )
    raw = request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode()
    if len(raw) > MAX_UPLOAD_BYTES:
        problem = f"is larger than {MAX_UPLOAD_BYTES} bytes"
        raise PayloadTooLarge(f"body: {problem}", errors=[FieldProblem("body", problem)])
    if not raw:
        raise InvalidInput.field("body", "is empty: send the file as the request body")
    return raw, media_type


def file_answer(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body=content,
        status_code=200,
        headers={
            "Content-Type": media_type,
            "Content-Disposition": f'attachment; filename="{filename}"',
            # Members' e-mails and the diary are inside: never in a shared cache.
            "Cache-Control": "private, no-store",
        },
    )


def _expires_at() -> str:
    import datetime as dt

    moment = get_services().clock.now() + dt.timedelta(seconds=SIGNED_URL_SECONDS)
    return iso_instant(moment)


def _signed_url(content: bytes, key: str, filename: str) -> str:
    """Put ``content`` into the export bucket; a URL signed for a few minutes."""
    import boto3  # only this path needs S3

    settings = get_settings()
    s3 = boto3.client("s3", region_name=settings.region)
    s3.put_object(
        Bucket=settings.export_bucket,
        Key=key,
        Body=content,
        ContentType=ZIP_MEDIA_TYPE,
        ContentDisposition=f'attachment; filename="{filename}"',
    )
    url = s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.export_bucket, "Key": key},
        ExpiresIn=SIGNED_URL_SECONDS,
    )
    return str(url)


@endpoint(
    bp,
    "GET",
    "/orgs/{org_id}/export.zip",
    summary="The whole organisation as a Frictionless data package (organisation admins)",
    tag="data",
    content_type=ZIP_MEDIA_TYPE,
    json_alternative=ExportLink,
    query=ExportQuery,
    errors=(400, 401, 403, 404, 413),
)
def export_org_package(org_id: str, principal: Principal, query: ExportQuery) -> Any:
    import secrets

    package = get_services().org_packages.export_package(principal, org_id)
    settings = get_settings()
    large = len(package.content) > MAX_INLINE_ANSWER_BYTES
    key = f"exports/{org_id}/{secrets.token_hex(16)}/{package.filename}"
    if query.link == "1":
        # The app: a link it navigates to, whatever the size (see the module docstring).
        if settings.export_bucket:
            url = _signed_url(package.content, key, package.filename)
            return ExportLink(url=url, expires_at=_expires_at())
        if settings.is_local:
            from chalicelib.api.local_files import keep_local_export  # local stage only

            token = keep_local_export(package.content, package.filename)
            return ExportLink(url=f"{api_base()}/local/exports/{token}", expires_at=_expires_at())
        raise InvalidInput.field("link", "this deployment has no export bucket: ask without link=1")
    if large and settings.export_bucket:
        url = _signed_url(package.content, key, package.filename)
        return Response(
            body="",
            status_code=302,
            headers={"Location": url, "Cache-Control": "private, no-store"},
        )
    if large and not settings.is_local:
        raise PayloadTooLarge(
            "the package is too large to answer without an export bucket",
            errors=[FieldProblem("org_id", "export too large for this deployment")],
        )
    return file_answer(package.content, ZIP_MEDIA_TYPE, package.filename)


@endpoint(
    bp,
    "POST",
    "/orgs/{org_id}/import",
    summary="Import an organisation package (zip) into this organisation (organisation admins)",
    tag="data",
    query=DryRunQuery,
    response=ImportResult,
    errors=(400, 401, 403, 404, 413, 415),
    # Stable keys make a repeat store nothing; a key also replays the first answer.
    idempotent=True,
    uploads=ZIP_UPLOADS,
)
def import_org_package(org_id: str, query: DryRunQuery, principal: Principal) -> Response:
    service = get_services().org_packages
    service.require_admin(principal, org_id)  # who may, before what was sent
    raw, _ = upload_body(bp.current_request, ZIP_UPLOADS)
    result = service.import_package(
        principal, org_id, raw, dry_run=query.checking_only, time_budget=IMPORT_SECONDS
    )
    # 202: stored in part within this request's time; the same package again finishes it.
    return json_response(result.model_dump(mode="json"), 200 if result.complete else 202)


# ------------------------------------------------------------------ spreadsheet import
CSV_MEDIA_TYPES = ("text/csv", "application/csv", "text/plain", "application/vnd.ms-excel")


@endpoint(
    bp,
    "POST",
    "/units/{unit_id}/activities/import",
    summary="Import a unit's activities from CSV or XLSX (columns: docs/data.md);"
    " ?dry_run=1 only checks",
    tag="data",
    query=DryRunQuery,
    response=ActivityImportResult,
    status=201,
    errors=(400, 401, 403, 404, 413, 415),
    uploads=(*CSV_MEDIA_TYPES, XLSX_MEDIA_TYPE),
)
def import_unit_activities(unit_id: str, query: DryRunQuery, principal: Principal) -> Response:
    service = get_services().activity_import
    service.require_member(principal, unit_id)  # who may, before what was sent
    raw, media_type = upload_body(bp.current_request, (*CSV_MEDIA_TYPES, XLSX_MEDIA_TYPE))
    result = service.import_activities(
        principal, unit_id, raw, media_type, dry_run=query.checking_only
    )
    return json_response(result.model_dump(mode="json"), 200 if result.dry_run else 201)


@endpoint(
    bp,
    "GET",
    "/activity-import-template.csv",
    summary="The spreadsheet template of the activity import (header and one example row)",
    tag="data",
    public=True,
    content_type="text/csv",
)
def activity_import_template() -> Response:
    return Response(
        body=template_csv().decode("utf-8"),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="logbook-activities-template.csv"',
            "Cache-Control": "public, max-age=3600",
        },
    )
