"""The Lambda package ships the bytecode a cold start needs (``infra/package.py``).

First on a small package built here (fast, every rule in isolation), then on what
``make synth`` produced: each function's cold start, run from the unpacked zip the way
Lambda runs it (read-only code, no bytecode written), compiles nothing, and the
stripped cryptography library still verifies a token.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from infra.package import LAMBDA_ENVIRONMENT, add_cold_start_bytecode, runtime_of_this_interpreter
from infra.synth import SynthResult

CACHE_TAG = sys.implementation.cache_tag


def _pyc(source: str) -> str:
    directory, _, name = source.rpartition("/")
    prefix = f"{directory}/" if directory else ""
    return f"{prefix}__pycache__/{name.removesuffix('.py')}.{CACHE_TAG}.pyc"


@pytest.fixture
def small_package(tmp_path: Path) -> Path:
    """A package zip: a handler importing a helper, an unused module, and droppable files."""
    files = {
        "handler.py": "from lib import helper\n\ndef handle(event, context):\n    return 1\n",
        "lib/__init__.py": "",
        "lib/helper.py": "VALUE = 1\n",
        "lib/unused.py": "raise RuntimeError('never imported at a cold start')\n",
        "lib/helper.pyi": "VALUE: int\n",
        "lib/native.h": "int f(void);\n",
        "aws_lambda_powertools/event_handler/openapi/swagger_ui/swagger-ui.js": "x",
        "lib/data.json": "{}",
    }
    path = tmp_path / "deployment.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 1, 12, 0, 0))
            info.external_attr = 0o100755 << 16 if name == "handler.py" else 0o100644 << 16
            archive.writestr(info, text)
    return path


def _finish(path: Path) -> list[str]:
    return add_cold_start_bytecode(
        path, ["handler.handle"], runtime_of_this_interpreter(), packages=()
    )


def test_bytecode_is_added_for_what_the_handler_imports_and_nothing_else(
    small_package: Path,
) -> None:
    added = _finish(small_package)

    expected = [_pyc("handler.py"), _pyc("lib/__init__.py"), _pyc("lib/helper.py")]
    assert added == sorted(expected)
    with zipfile.ZipFile(small_package) as archive:
        names = set(archive.namelist())
    assert set(expected) <= names
    assert _pyc("lib/unused.py") not in names


def test_bytecode_is_unchecked_hash_for_this_interpreter(small_package: Path) -> None:
    _finish(small_package)

    with zipfile.ZipFile(small_package) as archive:
        header = archive.read(_pyc("lib/helper.py"))[:8]
    assert header[:4] == importlib.util.MAGIC_NUMBER
    # PEP 552 flags: bit 0 = hash-based, bit 1 = check the source (off: valid whatever
    # the timestamps Lambda's unpacking leaves).
    assert int.from_bytes(header[4:8], "little") == 0b01


def test_files_no_function_reads_are_left_out_and_the_rest_kept_as_they_were(
    small_package: Path,
) -> None:
    with zipfile.ZipFile(small_package) as archive:
        before = {info.filename: info for info in archive.infolist()}

    _finish(small_package)

    with zipfile.ZipFile(small_package) as archive:
        after = {info.filename: info for info in archive.infolist()}
        assert (
            archive.read("lib/unused.py")
            == b"raise RuntimeError('never imported at a cold start')\n"
        )
    dropped = set(before) - set(after)
    assert dropped == {
        "lib/helper.pyi",
        "lib/native.h",
        "aws_lambda_powertools/event_handler/openapi/swagger_ui/swagger-ui.js",
    }
    for name in set(before) & set(after):
        assert after[name].external_attr == before[name].external_attr, name
        assert after[name].date_time == before[name].date_time, name
        assert after[name].compress_type == zipfile.ZIP_DEFLATED


def test_finishing_is_reproducible(small_package: Path, tmp_path: Path) -> None:
    twin = tmp_path / "twin.zip"
    shutil.copyfile(small_package, twin)

    _finish(small_package)
    _finish(twin)

    assert small_package.read_bytes() == twin.read_bytes()


def test_a_runtime_other_than_the_synthesizing_python_is_refused(small_package: Path) -> None:
    original = small_package.read_bytes()

    with pytest.raises(RuntimeError, match="bytecode would be ignored"):
        add_cold_start_bytecode(small_package, ["handler.handle"], "python3.9", packages=())
    assert small_package.read_bytes() == original


def test_a_handler_that_cannot_be_imported_stops_the_synth(small_package: Path) -> None:
    original = small_package.read_bytes()

    with pytest.raises(RuntimeError, match="No module named 'missing'"):
        add_cold_start_bytecode(
            small_package, ["missing.handle"], runtime_of_this_interpreter(), packages=()
        )
    assert small_package.read_bytes() == original


# ------------------------------------------------------------------ the synthesized package
@pytest.fixture(scope="module")
def unpacked(synth: SynthResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The prod package unpacked read-only, as ``/var/task`` is."""
    task = tmp_path_factory.mktemp("task")
    with zipfile.ZipFile(synth.packages["prod"]) as archive:
        archive.extractall(task)
    for path in task.rglob("*"):
        path.chmod(0o555 if path.is_dir() else 0o444)
    return task


def _handlers(synth: SynthResult) -> dict[str, str]:
    resources = json.loads(synth.templates["prod"].read_text())["Resources"]
    return {
        resource["Properties"]["FunctionName"]: resource["Properties"]["Handler"]
        for resource in resources.values()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def _run_in_task(task: Path, function: str, script: str) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh interpreter the way Lambda runs ``function``, verbosely."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(task),
        "PYTHONDONTWRITEBYTECODE": "1",
        **LAMBDA_ENVIRONMENT,
        "AWS_LAMBDA_FUNCTION_NAME": function,
    }
    return subprocess.run(
        [sys.executable, "-v", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=task,
        check=False,
        timeout=120,
    )


def _compiled_from_source(stderr: str, task: Path) -> list[str]:
    """Package modules that ``python -v`` reports compiling from their source."""
    prefix = f"# code object from {task}{os.sep}"
    return [line.removeprefix(prefix) for line in stderr.splitlines() if line.startswith(prefix)]


def _read_from_bytecode(stderr: str, task: Path) -> int:
    return sum(1 for line in stderr.splitlines() if line.startswith(f"# {task}{os.sep}"))


def test_each_function_cold_start_compiles_nothing(synth: SynthResult, unpacked: Path) -> None:
    handlers = _handlers(synth)
    assert len(handlers) == 3
    for function, handler in handlers.items():
        module, _, attribute = handler.rpartition(".")
        completed = _run_in_task(
            unpacked, function, f"import {module} as m; assert callable(m.{attribute})"
        )

        assert completed.returncode == 0, completed.stderr[-2000:]
        assert _compiled_from_source(completed.stderr, unpacked) == [], function
        assert _read_from_bytecode(completed.stderr, unpacked) > 0, function


def test_the_authorizer_verifies_a_token_with_the_shipped_libraries(
    synth: SynthResult, unpacked: Path
) -> None:
    # The first request of the authorizer: PyJWT and cryptography's (stripped) Rust
    # library check an RS256 signature — with bytecode shipped for all of it.
    script = textwrap.dedent(
        """
        import jwt, time
        from cryptography.hazmat.primitives.asymmetric import rsa
        from chalicelib.auth.tokens import InvalidToken, TokenVerifier
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        claims = {"iss": "issuer", "aud": "client", "sub": "s", "email": "a@b.si",
                  "exp": int(time.time()) + 60}
        token = jwt.encode(claims, key, algorithm="RS256")
        verifier = TokenVerifier("issuer", "client", lambda _token: key.public_key())
        assert verifier.verify(token).email == "a@b.si"
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        try:
            TokenVerifier("issuer", "client", lambda _token: other.public_key()).verify(token)
        except InvalidToken:
            print("refused a token signed by another key")
        import cryptography
        print(cryptography.__file__)
        """
    )
    completed = _run_in_task(unpacked, "logbook-prod-authorize", script)

    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "refused a token signed by another key" in completed.stdout
    assert completed.stdout.split()[-1].startswith(str(unpacked))
    assert _compiled_from_source(completed.stderr, unpacked) == []


def test_shipped_shared_libraries_carry_no_symbol_table(unpacked: Path) -> None:
    readelf = shutil.which("readelf")
    assert readelf, "binutils (make binutils) provides readelf and strip"
    libraries = sorted(unpacked.rglob("*.so"))
    assert any("cryptography" in str(path) for path in libraries)
    for library in libraries:
        sections = subprocess.run(
            [readelf, "--section-headers", "--wide", str(library)],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        assert ".dynsym" in sections, library  # what Python needs to load it stays
        assert " .symtab " not in sections, library
