"""The static site server of the local stack, standing in for S3 + CloudFront.

Serves ``static_site/`` with the MIME types browsers insist on for ES modules, gzip
for text, ``index.html`` for directory URLs (``/app/``, ``/s/?c=X``, ``/stats/``),
and answers ``/config.js`` itself with the local API's address. In AWS the deploy
writes a real ``config.js`` of the same shape next to the pages.
"""

from __future__ import annotations

import gzip
import json
import mimetypes
import posixpath
import threading
import urllib.parse
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CONFIG_PATH = "/config.js"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".xml": "application/xml",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
}
_COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
    "application/xml",
)
# Below this, gzip's header costs more than it saves.
_GZIP_MIN_BYTES = 512


def config_script(api_url: str, stage: str) -> bytes:
    """The ``config.js`` the pages load first: where the API is."""
    config = {"apiUrl": api_url, "stage": stage}
    return f"window.LOGBOOK_CONFIG = {json.dumps(config)};\n".encode()


def content_type(path: Path) -> str:
    """The Content-Type for a file, with explicit answers for what browsers check."""
    known = CONTENT_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


class SiteRequestHandler(BaseHTTPRequestHandler):
    """GET/HEAD of files under the site root, never anything outside it."""

    server_version = "LogbookLocalSite/1"
    root: Path
    config_body: bytes
    quiet: bool = False

    def do_GET(self) -> None:
        """Serve a file, a directory's index.html, or the generated config.js."""
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        """Like GET without the body."""
        self._serve(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Request log on stderr unless quiet (tests)."""
        if not self.quiet:
            super().log_message(format, *args)

    def _serve(self, send_body: bool) -> None:
        url_path = urllib.parse.urlsplit(self.path).path
        if url_path == CONFIG_PATH:
            self._respond(
                HTTPStatus.OK,
                "text/javascript; charset=utf-8",
                self.config_body,
                send_body,
                cache="no-store",
            )
            return
        target = self._resolve(url_path)
        if target is None:
            self._not_found(send_body)
            return
        if target.is_dir():
            if not url_path.endswith("/"):
                # Relative links in index.html need the trailing slash, as on S3 websites.
                query = urllib.parse.urlsplit(self.path).query
                location = url_path + "/" + (f"?{query}" if query else "")
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            target = target / "index.html"
            if not target.is_file():
                self._not_found(send_body)
                return
        try:
            body = target.read_bytes()
        except OSError:
            self._not_found(send_body)
            return
        self._respond(
            HTTPStatus.OK,
            content_type(target),
            body,
            send_body,
            cache="no-cache",
            modified=target.stat().st_mtime,
        )

    def _resolve(self, url_path: str) -> Path | None:
        # Normalise like a URL, then refuse anything that escapes the root.
        clean = posixpath.normpath(urllib.parse.unquote(url_path))
        relative = clean.lstrip("/")
        candidate = (self.root / relative).resolve() if relative not in ("", ".") else self.root
        if candidate != self.root and self.root not in candidate.parents:
            return None
        return candidate if candidate.exists() else None

    def _not_found(self, send_body: bool) -> None:
        body = b"<!doctype html><title>Not found</title><h1>Not found</h1>\n"
        self._respond(
            HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body, send_body, cache="no-store"
        )

    def _respond(
        self,
        status: HTTPStatus,
        mime: str,
        body: bytes,
        send_body: bool,
        *,
        cache: str,
        modified: float | None = None,
    ) -> None:
        encoding = None
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if accepts_gzip and len(body) >= _GZIP_MIN_BYTES and mime.startswith(_COMPRESSIBLE):
            body = gzip.compress(body, compresslevel=6)
            encoding = "gzip"
        self.send_response(status)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("X-Content-Type-Options", "nosniff")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        if modified is not None:
            self.send_header("Last-Modified", formatdate(modified, usegmt=True))
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class SiteServer(ThreadingHTTPServer):
    """A threading HTTP server for the static site; threads die with the process."""

    daemon_threads = True
    allow_reuse_address = True


def make_site_server(
    root: Path, host: str, port: int, api_url: str, stage: str = "local", quiet: bool = False
) -> SiteServer:
    """Bind the static site server (not yet serving; call ``serve_forever``)."""
    handler = type(
        "BoundSiteRequestHandler",
        (SiteRequestHandler,),
        {"root": root.resolve(), "config_body": config_script(api_url, stage), "quiet": quiet},
    )
    return SiteServer((host, port), handler)


def serve_in_thread(server: SiteServer) -> threading.Thread:
    """Run ``server`` in a daemon thread; stop it with ``server.shutdown()``."""
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    return thread
