"""Reading an uploaded zip without trusting it: bounded sizes, flat names, known files.

A zip names its own sizes, and a zip bomb lies about them: every member is read through
a cap on the bytes actually inflated, the whole archive through another. Names with a
directory part, ``..``, a drive or a backslash are refused rather than cleaned, and so
is any file the package does not declare.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from chalicelib.domain.errors import FieldProblem

_FLAT_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")


@dataclass(frozen=True)
class ZipLimits:
    """Bounds of one upload, checked on the inflated bytes."""

    max_files: int = 40
    max_file_bytes: int = 200 * 1024 * 1024
    max_total_bytes: int = 400 * 1024 * 1024
    # A deflated CSV shrinks ~5-20×; a bomb shrinks thousands of times.
    max_ratio: int = 200


def read_flat_zip(data: bytes, limits: ZipLimits, problems: list[FieldProblem]) -> dict[str, bytes]:
    """The files of a flat zip by name; every refusal lands in ``problems``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        problems.append(FieldProblem("body", "is not a zip archive"))
        return {}
    files: dict[str, bytes] = {}
    infos = archive.infolist()
    if len(infos) > limits.max_files:
        problems.append(FieldProblem("body", f"holds more than {limits.max_files} files"))
        return {}
    total = 0
    for info in infos:
        name = info.filename
        if info.is_dir() or not _FLAT_NAME.match(name) or ".." in name:
            problems.append(FieldProblem(name[:120], "nested or unsafe path refused"))
            continue
        if name in files:
            problems.append(FieldProblem(name, "appears twice in the archive"))
            continue
        if info.flag_bits & 0x1:
            problems.append(FieldProblem(name, "is encrypted"))
            continue
        budget = min(limits.max_file_bytes, limits.max_total_bytes - total)
        budget = min(budget, max(info.compress_size, 1024) * limits.max_ratio)
        try:
            with archive.open(info) as member:
                content = member.read(budget + 1)
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, RuntimeError) as error:
            problems.append(FieldProblem(name, f"cannot be read ({type(error).__name__})"))
            continue
        if len(content) > budget:
            problems.append(FieldProblem(name, "inflates beyond the size limit"))
            return files
        total += len(content)
        files[name] = content
    return files


def check_inflation(data: bytes, limits: ZipLimits, problems: list[FieldProblem]) -> None:
    """Inflate every member of a zip (an XLSX) into nothing, within the limits.

    Done before a library (openpyxl) inflates the same archive its own way, which trusts
    the sizes the archive states.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        problems.append(FieldProblem("body", "is not an XLSX workbook"))
        return
    infos = archive.infolist()
    if len(infos) > 10 * limits.max_files:
        problems.append(FieldProblem("body", "holds too many parts"))
        return
    total = 0
    for info in infos:
        budget = min(
            limits.max_total_bytes - total, max(info.compress_size, 1024) * limits.max_ratio
        )
        try:
            with archive.open(info) as member:
                while chunk := member.read(64 * 1024):
                    total += len(chunk)
                    budget -= len(chunk)
                    if budget < 0:
                        problems.append(FieldProblem("body", "inflates beyond the size limit"))
                        return
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, RuntimeError):
            problems.append(FieldProblem("body", "is not an XLSX workbook"))
            return
