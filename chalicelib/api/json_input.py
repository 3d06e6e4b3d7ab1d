"""Decoding a JSON request body safely: hostile shapes are named 400s, never crashes.

Python's ``json`` happily decodes what later code cannot take: nesting deep enough to
exhaust the interpreter's stack, integers DynamoDB cannot store (38 digits) or that
take seconds to convert (``int("9" * 10**6)``), ``NaN``/``Infinity`` (not JSON at
all), ``1e400`` (a float infinity) and lone UTF-16 surrogates (which no encoder can
write back). Every request body passes ``decode_json_body`` first, so each of these
becomes an ``InvalidInput`` naming the field, whatever route or model follows.
"""

from __future__ import annotations

import json
import math
from typing import Any

from chalicelib.domain.errors import FieldProblem, InvalidInput

# Deeper than any body Logbook takes (an activity is 3 levels), far below the stack.
MAX_DEPTH = 32
# The largest integer every client can hold exactly (JavaScript's Number.MAX_SAFE_INTEGER);
# DynamoDB's 38 digits and Python's conversion limits are far beyond it.
MAX_SAFE_INTEGER = 2**53 - 1
_MAX_INTEGER_DIGITS = len(str(MAX_SAFE_INTEGER))
_MAX_PROBLEMS = 10


class _Refused:
    """A number the decoder kept as text because it cannot be accepted."""

    def __init__(self, problem: str) -> None:
        self.problem = problem


def _parse_int(text: str) -> int | _Refused:
    digits = text.lstrip("-")
    if len(digits) > _MAX_INTEGER_DIGITS or abs(int(text)) > MAX_SAFE_INTEGER:
        return _Refused(f"is out of range (at most {MAX_SAFE_INTEGER} in size)")
    return int(text)


def _parse_float(text: str) -> float | _Refused:
    value = float(text)
    if not math.isfinite(value):
        return _Refused("is out of range (not a finite number)")
    return value


def _parse_constant(text: str) -> _Refused:
    return _Refused(f"is not a number ({text} is not JSON)")


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _child_path(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def find_problems(document: Any) -> list[FieldProblem]:
    """Every refused value of a decoded document, with its dotted path (at most a few)."""
    problems: list[FieldProblem] = []
    stack: list[tuple[Any, str, int]] = [(document, "", 1)]
    while stack and len(problems) < _MAX_PROBLEMS:
        value, path, depth = stack.pop()
        field = path or "body"
        if isinstance(value, _Refused):
            problems.append(FieldProblem(field, value.problem))
        elif isinstance(value, str):
            if _has_lone_surrogate(value):
                problems.append(FieldProblem(field, "contains an unpaired surrogate (\\ud800)"))
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                problems.append(FieldProblem(field, f"is nested too deeply (over {MAX_DEPTH})"))
                continue
            items = value.items() if isinstance(value, dict) else enumerate(value)
            children = []
            for key, inner in items:
                if isinstance(key, str) and _has_lone_surrogate(key):
                    problems.append(FieldProblem(field, "has a key with an unpaired surrogate"))
                    continue
                children.append((inner, _child_path(path, key), depth + 1))
            stack.extend(reversed(children))
    return problems


def decode_json_body(raw: bytes) -> Any:
    """The decoded body, or ``InvalidInput`` naming each field no code could take.

    Syntax errors are left to the model's own JSON parser (its message names the
    position); an empty or undecodable body decodes to ``None``.
    """
    try:
        document = json.loads(
            raw,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
        )
    except RecursionError:
        problem = f"is nested too deeply (over {MAX_DEPTH})"
        raise InvalidInput(f"body: {problem}", errors=[FieldProblem("body", problem)]) from None
    except ValueError:
        return None
    problems = find_problems(document)
    if problems:
        message = "; ".join(f"{p.field}: {p.problem}" for p in problems)
        raise InvalidInput(message, errors=problems)
    return document
