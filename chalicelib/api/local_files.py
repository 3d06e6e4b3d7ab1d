"""The local stage's stand-in for the export bucket; ``app.py`` registers it only locally.

``GET /orgs/{org_id}/export.zip?link=1`` answers a link in every stage; in AWS it is a
signed S3 URL, here it is ``/local/exports/{token}`` on the local API: the file kept in
a temporary directory, served without sign-in to whoever holds the unguessable token,
for as long as a signed URL would work (``SIGNED_URL_SECONDS``).
"""

from __future__ import annotations

import re
import secrets
import tempfile
import time
from pathlib import Path

from chalice import Blueprint, Response

from chalicelib.api.routing import endpoint
from chalicelib.domain.errors import NotFound

local_files_bp = Blueprint(__name__)

LINK_SECONDS = 300
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_FILENAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


def _folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "logbook-local-exports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def keep_local_export(content: bytes, filename: str) -> str:
    """Keep a file for a few minutes; the token of its link."""
    if not _FILENAME.match(filename):
        raise ValueError(f"unexpected export file name {filename!r}")
    now = time.time()
    for old in _folder().glob("*"):  # what has expired goes
        if now - old.stat().st_mtime > LINK_SECONDS:
            for inner in old.glob("*"):
                inner.unlink(missing_ok=True)
            old.rmdir()
    token = secrets.token_hex(16)
    place = _folder() / token
    place.mkdir(mode=0o700)
    (place / filename).write_bytes(content)
    return token


@endpoint(
    local_files_bp,
    "GET",
    "/local/exports/{token}",
    summary="An export kept for a few minutes (local stage only; in AWS a signed S3 URL)",
    tag="data",
    content_type="application/zip",
    public=True,
    errors=(404,),
)
def local_export(token: str) -> Response:
    place = _folder() / token if _TOKEN.match(token) else None
    files = sorted(place.glob("*")) if place is not None and place.is_dir() else []
    if not files or time.time() - files[0].stat().st_mtime > LINK_SECONDS:
        raise NotFound("no such export, or its link has expired")
    return Response(
        body=files[0].read_bytes(),
        status_code=200,
        headers={
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="{files[0].name}"',
            "Cache-Control": "private, no-store",
        },
    )
