"""The privacy audit's linear programs: unknowns (the suppressed cells) with bounds, the
public relations between them, and the exact feasible range of one unknown, solved
with HiGHS (``scipy.optimize.linprog``) on the unknown's independent component only.
``tools/privacy_audit.py`` builds the models and reads the ranges."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

Key = tuple[str, str, str]


class LinearModel:
    """Unknowns with bounds and the public relations between them, for one quantity.

    Published figures are constants: they move to the right-hand side, so each linear
    program has only the suppressed cells as variables.
    """

    def __init__(self) -> None:
        self.index: dict[Key, int] = {}
        self.constants: dict[Key, float] = {}
        self.bounds: list[tuple[float, float | None]] = []
        self.equalities: list[tuple[list[tuple[int, float]], float]] = []
        self.upper: list[tuple[list[tuple[int, float]], float]] = []
        self._components: dict[int, tuple[list[int], tuple[Any, Any, Any, Any]]] | None = None
        # Every value each unknown took in a solution found so far (see solve_range).
        self.seen: dict[int, tuple[float, float]] = {}
        self._floored: set[int] = set()  # groups whose least total was solved
        self.programs = 0

    def var(self, key: Key, low: float = 0.0, high: float | None = None) -> None:
        if high is not None and low == high:
            self.constants[key] = low
        elif key not in self.index:
            self.index[key] = len(self.bounds)
            self.bounds.append((low, high))

    def relation(self, parent: Key, children: Iterable[Key], *, at_most: bool = False) -> None:
        """``parent = Σ children`` (``at_most``: ``Σ children ≤ parent``)."""
        row: list[tuple[int, float]] = []
        right = 0.0
        for key, sign in [(parent, -1.0), *((c, 1.0) for c in children)]:
            if key in self.index:
                row.append((self.index[key], sign))
            else:
                right -= sign * self.constants.get(key, 0.0)
        if row:
            (self.upper if at_most else self.equalities).append((row, right))

    def _component_of(self, target: int) -> tuple[list[int], tuple[Any, Any, Any, Any]]:
        """The variables linked to ``target`` through some relation, and their constraints.

        Published figures split the unknowns into independent groups (an organisation's
        small cells rarely touch another's): each linear program needs only its group.
        """
        if self._components is None:
            parent = list(range(len(self.bounds)))

            def find(i: int) -> int:
                while parent[i] != i:
                    parent[i] = parent[parent[i]]
                    i = parent[i]
                return i

            for row, _ in [*self.equalities, *self.upper]:
                first = find(row[0][0])
                for column, _value in row[1:]:
                    other = find(column)
                    if other != first:
                        parent[other] = first
            groups: dict[int, list[int]] = {}
            for i in range(len(self.bounds)):
                groups.setdefault(find(i), []).append(i)
            self._components = {}
            for members in groups.values():
                slot = {variable: position for position, variable in enumerate(members)}
                eq = [r for r in self.equalities if r[0][0][0] in slot]
                ub = [r for r in self.upper if r[0][0][0] in slot]
                built = (*_matrix(eq, slot), *_matrix(ub, slot))
                for variable in members:
                    self._components[variable] = (members, built)
        return self._components[target]

    def solve_range(self, key: Key, floor: float | None = None) -> tuple[float, float]:
        """The exact feasible range of one unknown (two linear programs at most).

        Every solution found is a feasible point for every other unknown of its group:
        an unknown already seen at two values at least one apart is not pinned down,
        and its programs are skipped (``seen``; the answer is then that wider range).
        """
        target = self.index[key]
        members, (a_eq, b_eq, a_ub, b_ub) = self._component_of(target)
        bounds = [self.bounds[v] for v in members]
        if floor is not None and members[0] not in self._floored:
            # One program for the whole group first: the least total. Most unknowns
            # are at their least there, and an unknown seen at or below ``floor`` in
            # any feasible table needs no program of its own.
            self._floored.add(members[0])
            answer = linprog(
                np.ones(len(members)),
                A_eq=a_eq,
                b_eq=b_eq,
                A_ub=a_ub,
                b_ub=b_ub,
                bounds=bounds,
                method="highs",
            )
            self.programs += 1
            if answer.status == 0:
                self._remember(members, answer.x)
        seen = self.seen.get(target)
        if seen is not None and math.floor(seen[1] + 1e-6) - math.ceil(seen[0] - 1e-6) >= 1:
            return seen
        if seen is not None and floor is not None and seen[0] <= floor:
            return seen[0], math.inf
        position = members.index(target)
        result: list[float] = []
        for sign in (1.0, -1.0):
            if sign < 0 and floor is not None and result[0] <= floor:
                # Its least value says it is no small group: its greatest is not needed.
                return result[0], math.inf
            objective = np.zeros(len(members))
            objective[position] = sign
            answer = linprog(
                objective,
                A_eq=a_eq,
                b_eq=b_eq,
                A_ub=a_ub,
                b_ub=b_ub,
                bounds=bounds,
                method="highs",
            )
            self.programs += 1
            if answer.status == 3:  # unbounded
                result.append(-math.inf if sign > 0 else math.inf)
            elif answer.status != 0:
                raise RuntimeError(f"linear program for {key} failed: {answer.message}")
            else:
                result.append(sign * answer.fun)
                self._remember(members, answer.x)
        return result[0], result[1]

    def _remember(self, members: list[int], values: Any) -> None:
        for variable, value in zip(members, values, strict=True):
            low, high = self.seen.get(variable, (value, value))
            self.seen[variable] = (min(low, value), max(high, value))


def _matrix(
    rows: list[tuple[list[tuple[int, float]], float]], slot: Mapping[int, int]
) -> tuple[Any, Any]:
    if not rows:
        return None, None
    matrix = lil_matrix((len(rows), len(slot)))
    for r, (row, _) in enumerate(rows):
        for column, value in row:
            matrix[r, slot[column]] += value
    return matrix.tocsr(), np.array([right for _, right in rows])


def pinned(low: float, high: float) -> bool:
    if math.isinf(high):
        return False
    return math.floor(high + 1e-6) - math.ceil(low - 1e-6) < 1
