"""Integer programs over answer counts: the unknowns and equations of one item, and the
least and greatest value a target can take (scipy's `milp`, HiGHS).

The unknowns are x[centre, piece, answer]: the answer counts of a centre in a day range
("piece"); every published number is one linear equation in them, and counts are
non-negative integers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.optimize import LinearConstraint

UNBOUNDED = 10**9  # an upper bound for every count: where nothing published bounds one, it comes out so


@dataclass
class _Reduced:
    fixed: dict[int, int]
    column: dict[int, int]  # free unknown -> its column
    constraint: LinearConstraint | None
    feasible: bool


class Program:
    """The unknowns x[centre, piece, answer] of one item and the published equations."""

    def __init__(self, centres: Sequence[str], pieces: Sequence, answers: Sequence[str]):
        self.answers = list(answers)
        # x[centre, piece, answer] is unknown number (centre * pieces + piece) * answers + answer:
        # worked out, not looked up (the audit builds millions of equation terms)
        width = len(self.answers)
        self.size = len(centres) * len(pieces) * width
        self._centre = {c: i * len(pieces) * width for i, c in enumerate(centres)}
        self._answer = {a: i for i, a in enumerate(self.answers)}
        self._width = width
        self.rows: list[dict[int, float]] = []
        self.values: list[int] = []
        self._reduced: _Reduced | None = None  # built once, for all targets

    def expression(
        self, centres: Iterable[str], pieces: Iterable[int], answers: Iterable[str]
    ) -> dict[int, float]:
        return self.over([(c, list(pieces)) for c in centres], answers)

    def over(self, spans: Iterable[tuple[str, Sequence[int]]], answers: Iterable[str]) -> dict[int, float]:
        """The sum over (centre, its pieces) spans."""
        offsets = [self._answer[a] for a in answers]
        width, centre = self._width, self._centre
        return {centre[c] + k * width + o: 1.0 for c, ks in spans for k in ks for o in offsets}

    def equal(self, row: dict[int, float], value: int) -> None:
        if row:
            self.rows.append(row)
            self.values.append(int(value))
            self._reduced = None

    def _reduce(self) -> _Reduced:
        """Substitute every count a single equation fixes (a shown centre's week fixes
        each of its answer counts), repeatedly: what is left is the small system of the
        withheld counts, solved once per target. Exact: counts are integers, so a fixed
        value that is negative or not whole means the tables contradict each other."""
        if self._reduced is not None:
            return self._reduced
        fixed: dict[int, int] = {}
        rows_of: dict[int, list[int]] = {}
        for r, row in enumerate(self.rows):
            for c in row:
                rows_of.setdefault(c, []).append(r)
        free_count = [len(row) for row in self.rows]
        queue = [r for r, k in enumerate(free_count) if k == 1]
        feasible = True
        while queue and feasible:
            r = queue.pop()
            if free_count[r] != 1:
                continue
            row = self.rows[r]
            (c,) = [k for k in row if k not in fixed]
            rest = self.values[r] - sum(v * fixed[k] for k, v in row.items() if k in fixed)
            value = rest / row[c]
            if value < 0 or value != int(value):
                feasible = False
                break
            fixed[c] = int(value)
            for other in rows_of[c]:
                free_count[other] -= 1
                if free_count[other] == 1:
                    queue.append(other)
        free = [c for c in range(self.size) if c not in fixed]
        column = {c: i for i, c in enumerate(free)}
        data, ri, ci, values = [], [], [], []
        for r, row in enumerate(self.rows):
            rest = self.values[r] - sum(v * fixed[k] for k, v in row.items() if k in fixed)
            left = {k: v for k, v in row.items() if k not in fixed}
            if not left:
                feasible = feasible and rest == 0
                continue
            for k, v in left.items():
                ri.append(len(values))
                ci.append(column[k])
                data.append(v)
            values.append(rest)
        constraint = None
        if free and values:
            # (SciPy only here: importing it costs every process that loads the definitions 0.5 s)
            from scipy import sparse
            from scipy.optimize import LinearConstraint

            a = sparse.csr_array((data, (ri, ci)), shape=(len(values), len(free)))
            constraint = LinearConstraint(a, np.array(values, float), np.array(values, float))
        self._reduced = _Reduced(fixed, column, constraint, feasible)
        return self._reduced

    def bounds(self, target: dict[int, float]) -> tuple[int, int] | None:
        reduced = self._reduce()
        if not reduced.feasible:
            return None  # the tables contradict each other
        constant = sum(v * reduced.fixed[c] for c, v in target.items() if c in reduced.fixed)
        cost = np.zeros(len(reduced.column))
        for c, v in target.items():
            if c in reduced.column:
                cost[reduced.column[c]] = v
        if not cost.any():
            return round(constant), round(constant)
        from scipy.optimize import Bounds, milp

        out = []
        for sign in (1.0, -1.0):
            res = milp(sign * cost, constraints=[reduced.constraint] if reduced.constraint else [],
                       integrality=np.ones(len(cost)), bounds=Bounds(0, UNBOUNDED),
                       options={"mip_rel_gap": 0})  # fmt: skip
            if res.status != 0:
                return None  # infeasible: the tables contradict each other
            out.append(round(constant + sign * res.fun))
        return out[0], out[1]
