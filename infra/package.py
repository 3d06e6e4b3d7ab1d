"""Finish the Lambda package Chalice builds: ship the bytecode a cold start needs.

``chalice package`` zips ``app.py``, ``chalicelib/`` and the dependencies as source only.
In Lambda ``/var/task`` is read-only, so without ``.pyc`` files every cold start
compiles every module it imports — measured by ``make bench-cold``, that alone put the
API's cold import at 3.7× ``import boto3`` (target ≤ 2×). Compiling the whole package
would push the zip past its 10 MB bound, so only what a cold start imports gets
bytecode:

* the modules loaded when each handler's module is imported as Lambda imports it, and
  when every ``chalicelib`` module is imported (what the first request reaches: the
  token verifier's PyJWT + cryptography, Powertools' logger). Libraries that a single
  route imports on demand (segno for QR codes, XlsxWriter for exports) stay source;
* as unchecked-hash ``.pyc`` files (PEP 552): valid whatever the files' timestamps
  after Lambda unpacks the zip, and the zip is byte-for-byte reproducible;
* compiled by the interpreter running the synth, which is also the one Chalice takes
  the Lambda runtime from (python3.11 here); a mismatch is refused, not shipped.

Files no function can use (the Swagger UI assets Powertools bundles for its own
resolver, type stubs, C headers) are left out, shared libraries shipped with their
symbol tables (cryptography's Rust extension: 14 MB) are stripped with binutils'
``strip --strip-unneeded`` (what ``strip`` does to any installed library; the dynamic
symbols Python loads stay), and the zip is recompressed at the highest level. Without a
GNU ``strip`` (e.g. on macOS) the libraries ship as they are and the package is
~0.5 MB larger.
"""

from __future__ import annotations

import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Final

#: The environment a deployed function sees, as far as importing it goes (no network
#: is used at import time; the values only have to be well formed).
LAMBDA_ENVIRONMENT: Final = {
    "LOGBOOK_STAGE": "prod",
    "LOGBOOK_REGION": "eu-north-1",
    "LOGBOOK_DATA_TABLE": "logbook-prod-data",
    "LOGBOOK_STATS_TABLE": "logbook-prod-stats",
    "LOGBOOK_SITE_URL": "https://example.cloudfront.net",
    "LOGBOOK_JWT_ISSUER": "https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_example",
    "LOGBOOK_JWT_AUDIENCE": "example-client",
    "LOGBOOK_JWKS_URL": (
        "https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_example/.well-known/jwks.json"
    ),
    "POWERTOOLS_SERVICE_NAME": "logbook",
    "POWERTOOLS_METRICS_NAMESPACE": "Logbook",
    "AWS_DEFAULT_REGION": "eu-north-1",
    "AWS_REGION": "eu-north-1",
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_EC2_METADATA_DISABLED": "true",
}

#: Path prefixes and suffixes of files no function reads.
UNUSED_PREFIXES: Final = ("aws_lambda_powertools/event_handler/openapi/swagger_ui/",)
UNUSED_SUFFIXES: Final = (".pyi", ".h")

#: Packages whose every module a first request may reach: all of them get bytecode, and
#: so does every module they import at their top level.
FIRST_REQUEST_PACKAGES: Final = ("chalicelib",)

# Run inside the unpacked package: import each handler module like Lambda does, then
# every module of the first-request packages, and print the source files loaded from
# the package. argv: package dir, handlers joined by commas, packages joined by commas.
_COLLECT = """
import importlib, os, pkgutil, sys
root = os.path.realpath(sys.argv[1])
for handler in filter(None, sys.argv[2].split(",")):
    module, _, attribute = handler.rpartition(".")
    getattr(importlib.import_module(module), attribute)
for name in filter(None, sys.argv[3].split(",")):
    package = importlib.import_module(name)
    for info in pkgutil.walk_packages(package.__path__, name + "."):
        importlib.import_module(info.name)
for module in list(sys.modules.values()):
    path = os.path.realpath(getattr(module, "__file__", None) or "")
    if path.endswith(".py") and path.startswith(root + os.sep):
        print(os.path.relpath(path, root))
"""


def runtime_of_this_interpreter() -> str:
    """The Lambda runtime matching the interpreter that compiles, e.g. ``python3.11``."""
    return f"python{sys.version_info.major}.{sys.version_info.minor}"


def cold_start_sources(
    package_dir: Path,
    handlers: Iterable[str],
    packages: Iterable[str] = FIRST_REQUEST_PACKAGES,
    environment: Mapping[str, str] | None = None,
) -> list[str]:
    """Package-relative paths of the ``.py`` files a cold start of ``handlers`` imports.

    ``handlers`` are Lambda handler strings (``"app.app"``); each is imported in the
    same fresh interpreter with the package first on ``PYTHONPATH`` and bytecode writing
    off, then every module of ``packages``.
    """
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(package_dir),
        "PYTHONDONTWRITEBYTECODE": "1",
        **(environment or LAMBDA_ENVIRONMENT),
    }
    completed = subprocess.run(
        [sys.executable, "-c", _COLLECT, str(package_dir), ",".join(handlers), ",".join(packages)],
        capture_output=True,
        text=True,
        env=env,
        cwd=package_dir,
        check=False,
        timeout=300,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"importing the Lambda handlers failed:\n{completed.stderr}")
    return sorted(set(completed.stdout.split()))


def _is_unused(name: str) -> bool:
    return name.startswith(UNUSED_PREFIXES) or name.endswith(UNUSED_SUFFIXES)


def _pyc_name(source: str) -> str:
    path = PurePosixPath(source)
    return str(path.parent / "__pycache__" / f"{path.stem}.{sys.implementation.cache_tag}.pyc")


def compile_sources(package_dir: Path, sources: Iterable[str]) -> dict[str, Path]:
    """Compile ``sources`` (package-relative) into unchecked-hash ``.pyc`` files.

    Returns the zip entry name of each ``.pyc`` → the compiled file on disk.
    """
    compiled: dict[str, Path] = {}
    for source in sources:
        entry = _pyc_name(source)
        target = package_dir / entry
        py_compile.compile(
            str(package_dir / source),
            cfile=str(target),
            dfile=source,
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        compiled[entry] = target
    return compiled


def _gnu_strip() -> str | None:
    """Path of a ``strip`` that handles Linux (ELF) libraries, if there is one."""
    strip = shutil.which("strip")
    if strip is None:
        return None
    completed = subprocess.run(
        [strip, "--version"], capture_output=True, text=True, check=False, timeout=30
    )
    return strip if "GNU" in completed.stdout else None


def _stripped(data: bytes, strip: str | None) -> bytes:
    """``data`` without the symbols a shared library does not need, when it is ELF."""
    if strip is None or not data.startswith(b"\x7fELF"):
        return data
    with tempfile.TemporaryDirectory(prefix="logbook-strip-") as tmp:
        library = Path(tmp) / "library.so"
        library.write_bytes(data)
        completed = subprocess.run(
            [strip, "--strip-unneeded", str(library)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        return library.read_bytes() if completed.returncode == 0 else data


def _is_shared_library(name: str) -> bool:
    return name.endswith(".so") or ".so." in PurePosixPath(name).name


def _rewrite(zip_path: Path, compiled: Mapping[str, Path]) -> None:
    """Rewrite ``zip_path`` without unused files, with stripped libraries and
    ``compiled`` added, at compression level 9."""
    strip = _gnu_strip()
    if strip is None:
        print("no GNU strip on this machine: shared libraries ship unstripped", file=sys.stderr)
    replacement = zip_path.with_suffix(".tmp")
    with (
        zipfile.ZipFile(zip_path) as source,
        zipfile.ZipFile(replacement, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            if info.is_dir() or _is_unused(info.filename):
                continue
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.external_attr = info.external_attr
            copy.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info)
            if _is_shared_library(info.filename):
                data = _stripped(data, strip)
            target.writestr(copy, data, compresslevel=9)
        for entry, path in sorted(compiled.items()):
            info = zipfile.ZipInfo(entry, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, path.read_bytes(), compresslevel=9)
    os.replace(replacement, zip_path)


def add_cold_start_bytecode(
    zip_path: Path,
    handlers: Iterable[str],
    runtime: str,
    packages: Iterable[str] = FIRST_REQUEST_PACKAGES,
) -> list[str]:
    """Add ``.pyc`` files for what ``handlers`` import at a cold start to ``zip_path``
    (and the rest of the finishing described in the module docstring).

    ``runtime`` is the functions' Lambda runtime; it must be this interpreter's version,
    because bytecode is only read by the version that wrote it. Returns the entries added.
    """
    if runtime != runtime_of_this_interpreter():
        raise RuntimeError(
            f"the functions run on {runtime} but the synth runs {runtime_of_this_interpreter()}:"
            " their bytecode would be ignored; synthesize with the runtime's Python"
        )
    with tempfile.TemporaryDirectory(prefix="logbook-package-") as tmp:
        package_dir = Path(tmp)
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(package_dir)
        sources = cold_start_sources(package_dir, handlers, packages)
        compiled = compile_sources(package_dir, sources)
        _rewrite(zip_path, compiled)
    return sorted(compiled)
