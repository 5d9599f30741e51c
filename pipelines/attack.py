"""An attacker on the published figures: how far integer programming narrows withheld cells.

Everything the report files show is one system of published tables (issue 10): for each
report (group, period) the responses and, per item, the valid answers `n`, and where the
item is shown its answer counts; each comparison row adds the compared group's (or its
rest's) `n` and top-two count. The attacker knows that a group's figures are the sum of
its centres', that a period's are the sum of the day ranges between ALL period boundaries
it has seen (weeks, months, the review windows), and that counts are non-negative
integers. The unknowns, per item, are the answer counts of every centre in every such
day range ("piece"); each published number is one linear equation in them.

For every withheld cell the attacker solves two integer programs (scipy's `milp`, HiGHS):
the least and the greatest top-two count (scale items) or count of each answer
(categorical items) consistent with everything published. The cell is narrowed when
fewer than min(n, 3) values remain. For the responses of a centre in a piece that is not
itself a published period (the days of a week cut off by a month boundary) it reports a
count pinned to between 1 and 4.

Pure logic: no Dagster, no database. `from_documents` turns JSON twins into the
published tables; `attack` runs the programs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from pipelines import registry

RESPONSES = "responses"  # the pseudo-item of the responses per report
UNBOUNDED = 10**9  # an upper bound for every count: where nothing published bounds one, it comes out so
SCALE_CATEGORIES = ("1", "2", "3", "4", "5")
TOP_TWO = frozenset({"1", "2"})


@dataclass(frozen=True)
class Table:
    """One published report table: a group's figures for a period (inclusive dates)."""

    group: str
    start: dt.date
    end: dt.date
    responses: int | None
    # code -> {"n": int, "counts": {answer: count} or None when withheld}
    items: Mapping[str, Mapping]
    # extra published sums: (members, item, answers, value), e.g. a comparison's rest
    sums: tuple[tuple[frozenset[str], str, frozenset[str], int], ...] = ()


@dataclass
class Finding:
    group: str
    period: str  # "start..end"
    item: str
    answers: str  # "top2", an answer code, or "responses"
    low: int
    high: int
    n: int

    def __str__(self) -> str:  # names the cell, never its value
        return f"{self.group} {self.period} {self.item} ({self.answers}): narrowed to {self.high - self.low + 1} values"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    targets: int = 0
    programs: int = 0
    inconsistent: int = 0  # targets whose programs had no solution: the tables contradict each other


def _pieces(tables: Sequence[Table]) -> list[tuple[dt.date, dt.date]]:
    """The day ranges between all period boundaries."""
    cuts = sorted({t.start for t in tables} | {t.end + dt.timedelta(days=1) for t in tables})
    return [(a, b - dt.timedelta(days=1)) for a, b in zip(cuts, cuts[1:], strict=False)]


def _covering(table: Table, pieces: Sequence[tuple[dt.date, dt.date]]) -> list[int]:
    return [k for k, (a, b) in enumerate(pieces) if a >= table.start and b <= table.end]


class _Program:
    """The unknowns x[centre, piece, answer] of one item and the published equations."""

    def __init__(self, centres: Sequence[str], pieces: Sequence, answers: Sequence[str]):
        self.answers = list(answers)
        self.index = {
            (c, k, a): i
            for i, (c, k, a) in enumerate(
                (c, k, a) for c in centres for k in range(len(pieces)) for a in self.answers
            )
        }
        self.rows: list[dict[int, float]] = []
        self.values: list[int] = []
        self._constraint: LinearConstraint | None = None  # built once, for all targets

    def expression(
        self, centres: Iterable[str], pieces: Iterable[int], answers: Iterable[str]
    ) -> dict[int, float]:
        ks = list(pieces)
        return {self.index[(c, k, a)]: 1.0 for c in centres for k in ks for a in answers}

    def equal(self, row: dict[int, float], value: int) -> None:
        if row:
            self.rows.append(row)
            self.values.append(int(value))
            self._constraint = None

    def constraint(self) -> LinearConstraint:
        if self._constraint is None:
            data, ri, ci = [], [], []
            for r, row in enumerate(self.rows):
                for c, v in row.items():
                    ri.append(r)
                    ci.append(c)
                    data.append(v)
            a = sparse.csr_array((data, (ri, ci)), shape=(len(self.rows), len(self.index)))
            values = np.array(self.values, dtype=float)
            self._constraint = LinearConstraint(a, values, values)
        return self._constraint

    def bounds(self, target: dict[int, float]) -> tuple[int, int] | None:
        size = len(self.index)
        constraint = self.constraint()
        cost = np.zeros(size)
        for c, v in target.items():
            cost[c] = v
        out = []
        for sign in (1.0, -1.0):
            res = milp(sign * cost, constraints=[constraint], integrality=np.ones(size),
                       bounds=Bounds(0, UNBOUNDED), options={"mip_rel_gap": 0})  # fmt: skip
            if res.status != 0:
                return None  # infeasible: the tables contradict each other
            out.append(round(sign * res.fun))
        return out[0], out[1]


def attack(
    tables: Sequence[Table],
    members: Mapping[str, Sequence[str]],
    scale_items: Iterable[str] = (),
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
) -> Report:
    """Narrowed withheld cells of `tables`. `members`: group -> its centres (a centre maps
    to itself); `scale_items`: the items whose top-two count is the target (the others
    are categorical: every answer's count is); `first_day`, `last_day`: the survey's first
    and last day (the attacker knows that nothing was answered before or after them)."""
    scale = frozenset(scale_items)
    pieces = _pieces(tables)
    before = [
        k
        for k, (a, b) in enumerate(pieces)
        if (first_day is not None and b < first_day) or (last_day is not None and a > last_day)
    ]
    cover = {id(t): _covering(t, pieces) for t in tables}
    centres = sorted(
        {c for t in tables for c in members[t.group]} | {c for t in tables for s in t.sums for c in s[0]}
    )
    report = Report()
    codes = sorted({c for t in tables for c in t.items} | {s[1] for t in tables for s in t.sums})
    for code in [RESPONSES, *codes]:
        if code == RESPONSES:
            answers = ["r"]
        elif code in scale:
            answers = list(SCALE_CATEGORIES)
        else:
            answers = sorted({a for t in tables for a in ((t.items.get(code) or {}).get("counts") or {})})
            if not answers:
                continue
        program = _Program(centres, pieces, answers)
        if before:
            program.equal(program.expression(centres, before, answers), 0)
        targets: list[tuple[Table, str, dict[int, float], int]] = []
        for t in tables:
            ks, who = cover[id(t)], members[t.group]
            if code == RESPONSES:
                if t.responses is not None:
                    program.equal(program.expression(who, ks, answers), t.responses)
                continue
            for group_members, item, subset, value in t.sums:
                if item == code:
                    program.equal(program.expression(group_members, ks, subset), value)
            cell = t.items.get(code)
            if cell is None:
                continue
            program.equal(program.expression(who, ks, answers), cell["n"])
            counts = cell.get("counts")
            if counts is not None:
                for a in answers:
                    program.equal(program.expression(who, ks, [a]), int(counts.get(a, 0)))
            elif cell["n"]:
                if code in scale:
                    targets.append((t, "top2", program.expression(who, ks, TOP_TWO), cell["n"]))
                else:
                    for a in answers:
                        targets.append((t, a, program.expression(who, ks, [a]), cell["n"]))
        if code == RESPONSES:
            # the responses of a centre in a piece that no report shows on its own
            shown = {
                (c, tuple(cover[id(t)]))
                for t in tables
                for c in members[t.group]
                if len(members[t.group]) == 1
            }
            for c in centres:
                for k, (a, b) in enumerate(pieces):
                    if (c, (k,)) in shown or k in before:
                        continue
                    report.targets += 1
                    report.programs += 2
                    got = program.bounds(program.expression([c], [k], answers))
                    report.inconsistent += got is None
                    if got and got[0] >= 1 and got[1] <= 4:
                        report.findings.append(
                            Finding(c, f"{a}..{b}", RESPONSES, "responses", *got, n=got[1])
                        )
            continue
        for t, what, expression, n in targets:
            report.targets += 1
            report.programs += 2
            got = program.bounds(expression)
            if got is None:
                report.inconsistent += 1
                continue
            if got[1] - got[0] + 1 < min(n, 3):
                report.findings.append(Finding(t.group, f"{t.start}..{t.end}", code, what, *got, n=n))
    return report


# --------------------------------------------------------------------------- from the twins


def from_documents(
    docs: Iterable[dict], parts: Mapping[str, Sequence[str]] | None = None
) -> tuple[list[Table], dict[str, list[str]]]:
    """The published tables of report documents (JSON twins) and the members of each group.

    `parts`: group -> its direct parts (city -> districts, district -> centres), as
    `disclosure.group_parts` gives them; defaults to the registry's. A comparison row
    with the compared group's `n` and `top2_count` adds their sums (of the rest of the
    group, when `"against": "rest"`).
    """
    if parts is None:
        reg = registry.registry()
        parts = {reg.city_code: sorted({c.district for c in reg.centres})}
        for c in reg.centres:
            parts.setdefault(c.district, []).append(c.code)

    def leaves(group: str) -> list[str]:
        if group not in parts:
            return [group]
        return [leaf for p in parts[group] for leaf in leaves(p)]

    district_of = {leaf: d for d in parts for leaf in parts[d] if leaf not in parts}
    city = next((g for g in parts if all(p in parts for p in parts[g])), None)
    tables, members = [], {}
    for doc in docs:
        group = doc["centre"]
        members[group] = leaves(group)
        items = {}
        for code, cell in (doc.get("items") or {}).items():
            counts = None if cell.get("suppressed") else cell.get("counts")
            items[code] = {"n": int(cell.get("n") or 0), "counts": counts}
        sums = []
        for name, block in (doc.get("comparisons") or {}).items():
            other = {"district": district_of.get(group), "city": city}.get(name)
            if other is None:
                continue  # previous periods and running averages repeat published tables
            for code, row in (block.get("items") or {}).items():
                if row.get("top2_count") is None:
                    continue
                who = set(leaves(other))
                if row.get("against") == "rest":
                    who -= set(members[group])
                sums.append((frozenset(who), code, TOP_TWO, int(row["top2_count"])))
                sums.append((frozenset(who), code, frozenset(SCALE_CATEGORIES), int(row["n"])))
        period = doc["period"]
        tables.append(
            Table(
                group=group,
                start=dt.date.fromisoformat(period["start"]),
                end=dt.date.fromisoformat(period["end"]),
                responses=(doc.get("responses") or {}).get("total"),
                items=items,
                sums=tuple(sums),
            )
        )
    for leaf in {c for t in tables for s in t.sums for c in s[0]}:
        members.setdefault(leaf, [leaf])
    return tables, members
