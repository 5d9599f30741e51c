"""An attacker on the published figures: how far integer programming narrows withheld cells.

Everything the report files show is one system of published tables (issue 10): for each
report (group, period) the responses and, per item, the valid answers `n`, and where the
item is shown its answer counts; each comparison row adds the compared group's (or its
rest's) `n` and top-two count. The attacker knows that a group's figures are the sum of
its centres', that a period's are the sum of the day ranges between ALL period boundaries
it has seen (weeks, months, the review windows), and that counts are non-negative
integers. The unknowns, per item, are the answer counts of every centre in every such
day range ("piece"); each published number is one linear equation in them. The attacker
also knows the disclosure rule (`pipelines.figures.disclosure`): a group's cell counts its
centres' shown cells only, and a centre's month or review leaves out the weeks its cell
names (`left_out`), so each cell is the sum of exactly the day ranges it counts.

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

from pipelines.core import periods, registry

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
    # code -> {"n": int, "counts": {answer: count} or None when withheld, optionally
    # "spans": the (centre, first day, last day) ranges the cell counts, when not all of
    # the group's centres over the whole period}
    items: Mapping[str, Mapping]
    # extra published sums: (who, item, answers, value), e.g. a comparison's rest; `who`
    # names centres (over the table's period) or (centre, first day, last day) spans
    sums: tuple[tuple[frozenset, str, frozenset[str], int], ...] = ()

    def spans(self, who: Iterable) -> list[tuple[str, dt.date, dt.date]]:
        return [w if isinstance(w, tuple) else (w, self.start, self.end) for w in who]


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
    """The day ranges between all period boundaries (and those of the cells' spans)."""
    spans = [(t.start, t.end) for t in tables]
    spans += [(a, b) for t in tables for cell in t.items.values() for _, a, b in cell.get("spans") or ()]
    spans += [(w[1], w[2]) for t in tables for s in t.sums for w in s[0] if isinstance(w, tuple)]
    cuts = sorted({a for a, _ in spans} | {b + dt.timedelta(days=1) for _, b in spans})
    return [(a, b - dt.timedelta(days=1)) for a, b in zip(cuts, cuts[1:], strict=False)]


def _covering(start: dt.date, end: dt.date, pieces: Sequence[tuple[dt.date, dt.date]]) -> list[int]:
    return [k for k, (a, b) in enumerate(pieces) if a >= start and b <= end]


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
        self._reduced: _Reduced | None = None  # built once, for all targets

    def expression(
        self, centres: Iterable[str], pieces: Iterable[int], answers: Iterable[str]
    ) -> dict[int, float]:
        ks = list(pieces)
        return {self.index[(c, k, a)]: 1.0 for c in centres for k in ks for a in answers}

    def over(self, spans: Iterable[tuple[str, Sequence[int]]], answers: Iterable[str]) -> dict[int, float]:
        """The sum over (centre, its pieces) spans."""
        answers = list(answers)
        return {self.index[(c, k, a)]: 1.0 for c, ks in spans for k in ks for a in answers}

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
        free = sorted(set(self.index.values()) - set(fixed))
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
        out = []
        for sign in (1.0, -1.0):
            res = milp(sign * cost, constraints=[reduced.constraint] if reduced.constraint else [],
                       integrality=np.ones(len(cost)), bounds=Bounds(0, UNBOUNDED),
                       options={"mip_rel_gap": 0})  # fmt: skip
            if res.status != 0:
                return None  # infeasible: the tables contradict each other
            out.append(round(constant + sign * res.fun))
        return out[0], out[1]


@dataclass
class _Reduced:
    fixed: dict[int, int]
    column: dict[int, int]  # free unknown -> its column
    constraint: LinearConstraint | None
    feasible: bool


def attack(
    tables: Sequence[Table],
    members: Mapping[str, Sequence[str]],
    scale_items: Iterable[str] = (),
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    within: tuple[dt.date, dt.date] | None = None,
) -> Report:
    """Narrowed withheld cells of `tables`. `members`: group -> its centres (a centre maps
    to itself); `scale_items`: the items whose top-two count is the target (the others
    are categorical: every answer's count is); `first_day`, `last_day`: the survey's first
    and last day (the attacker knows that nothing was answered before or after them);
    `within`: attack only the cells and days of tables overlapping these dates (the
    period being published: what lies elsewhere was audited with its own period)."""
    scale = frozenset(scale_items)
    pieces = _pieces(tables)
    before = [
        k
        for k, (a, b) in enumerate(pieces)
        if (first_day is not None and b < first_day) or (last_day is not None and a > last_day)
    ]
    cover = {id(t): _covering(t.start, t.end, pieces) for t in tables}

    def spans(t: Table, who: Iterable) -> list[tuple[str, list[int]]]:
        return [(c, _covering(a, b, pieces)) for c, a, b in t.spans(who)]

    centres = sorted(
        {c for t in tables for c in members[t.group]}
        | {w[0] if isinstance(w, tuple) else w for t in tables for s in t.sums for w in s[0]}
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

        def wanted(start: dt.date, end: dt.date) -> bool:
            return within is None or (start <= within[1] and within[0] <= end)

        for t in tables:
            ks, who = cover[id(t)], members[t.group]
            if code == RESPONSES:
                if t.responses is not None:
                    program.equal(program.expression(who, ks, answers), t.responses)
                continue
            for group_members, item, subset, value in t.sums:
                if item == code:
                    program.equal(program.over(spans(t, group_members), subset), value)
            cell = t.items.get(code)
            if cell is None:
                continue
            counted = spans(t, cell["spans"]) if cell.get("spans") is not None else [(c, ks) for c in who]
            program.equal(program.over(counted, answers), cell["n"])
            counts = cell.get("counts")
            if counts is not None:
                for a in answers:
                    program.equal(program.over(counted, [a]), int(counts.get(a, 0)))
            elif cell["n"] and wanted(t.start, t.end):
                if code in scale:
                    targets.append((t, "top2", program.over(counted, TOP_TWO), cell["n"]))
                else:
                    for a in answers:
                        targets.append((t, a, program.over(counted, [a]), cell["n"]))
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
                    if (c, (k,)) in shown or k in before or not wanted(a, b):
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
    group, when `"against": "rest"`). Following the disclosure rule, a group's cell (and
    a comparison's rest) counts the centres whose own report of the period shows the
    item, each over its period minus the weeks it leaves out.
    """
    docs = list(docs)
    if parts is None:
        reg = registry.registry()
        parts = {reg.city_code: sorted({c.district for c in reg.centres})}
        for c in reg.centres:
            parts.setdefault(c.district, []).append(c.code)

    def leaves(group: str) -> list[str]:
        if group not in parts:
            return [group]
        return [leaf for p in parts[group] for leaf in leaves(p)]

    def dates(doc: dict) -> tuple[dt.date, dt.date]:
        p = doc["period"]
        return dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"])

    by_period = {(d["centre"], *dates(d)): d for d in docs}

    def weeks_of(leaf: str, start: dt.date, end: dt.date, cell: dict) -> list[tuple[str, dt.date, dt.date]]:
        """The spans a centre's cell counts: its period minus the weeks it leaves out."""
        out, day = [], start
        for key in sorted((cell.get("left_out") or {}).get("weeks") or []):
            monday = periods.week_monday(key)
            if monday > day:
                out.append((leaf, day, monday - dt.timedelta(days=1)))
            day = max(day, monday + dt.timedelta(days=7))
        if day <= end:
            out.append((leaf, day, end))
        return out

    def spans(who: Iterable[str], doc: dict, code: str, n: int) -> frozenset:
        """What a sum over centres counts: their shown cells when these add up to the
        published n (the rule), else all of them (a publication that does not follow it).
        A centre without a report of the period was not open then: it counts nothing."""
        start, end = dates(doc)
        present = [(leaf, by_period[(leaf, start, end)]) for leaf in who if (leaf, start, end) in by_period]
        out, total = set(), 0
        for leaf, own in present:
            cell = (own.get("items") or {}).get(code)
            if cell is not None and not cell.get("suppressed"):
                out.update(weeks_of(leaf, start, end, cell))
                total += int(cell.get("n") or 0)
        if total == n:
            return frozenset(out)
        return frozenset((leaf, start, end) for leaf, _ in present)

    district_of = {leaf: d for d in parts for leaf in parts[d] if leaf not in parts}
    city = next((g for g in parts if all(p in parts for p in parts[g])), None)
    tables, members = [], {}
    for doc in docs:
        group = doc["centre"]
        members[group] = leaves(group)
        items = {}
        for code, cell in (doc.get("items") or {}).items():
            counts = None if cell.get("suppressed") else cell.get("counts")
            entry = {"n": int(cell.get("n") or 0), "counts": counts}
            if group in parts:
                entry["spans"] = tuple(sorted(spans(members[group], doc, code, entry["n"])))
            elif (cell.get("left_out") or {}).get("weeks"):
                entry["spans"] = tuple(weeks_of(group, *dates(doc), cell))
            items[code] = entry
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
                counted_spans = spans(sorted(who), doc, code, int(row["n"]))
                sums.append((counted_spans, code, TOP_TWO, int(row["top2_count"])))
                sums.append((counted_spans, code, frozenset(SCALE_CATEGORIES), int(row["n"])))
        start, end = dates(doc)
        tables.append(
            Table(
                group=group,
                start=start,
                end=end,
                responses=(doc.get("responses") or {}).get("total"),
                items=items,
                sums=tuple(sums),
            )
        )
    for leaf in {w[0] for t in tables for s in t.sums for w in s[0]}:
        members.setdefault(leaf, [leaf])
    return tables, members
