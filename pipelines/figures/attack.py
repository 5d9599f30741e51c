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

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pipelines.core import periods, registry
from pipelines.figures.programs import Program

RESPONSES = "responses"  # the pseudo-item of the responses per report


class _ScaleAnswers:
    """A scale item's valid answers and its top-two answers (as the counts spell them),
    from the questionnaire: once per item (the audit asks thousands of times)."""

    def __init__(self):
        self.questionnaire = registry.questionnaire()
        self.known: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}

    def __call__(self, code: str) -> tuple[tuple[str, ...], frozenset[str]]:
        if code not in self.known:
            item = self.questionnaire.items[code]
            self.known[code] = tuple(str(v) for v in item.valid), frozenset(str(v) for v in item.top_two)
        return self.known[code]


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
    # (a set: the same spans recur in many cells)
    spans = {(t.start, t.end) for t in tables}
    spans |= {(a, b) for t in tables for cell in t.items.values() for _, a, b in cell.get("spans") or ()}
    spans |= {(w[1], w[2]) for t in tables for s in t.sums for w in s[0] if isinstance(w, tuple)}
    cuts = sorted({a for a, _ in spans} | {b + dt.timedelta(days=1) for _, b in spans})
    return [(a, b - dt.timedelta(days=1)) for a, b in zip(cuts, cuts[1:], strict=False)]


class _Cover:
    """The pieces lying inside a day range. Pieces are sorted and disjoint, so those are
    consecutive: found by bisection, once per range (the audit asks for the same ranges
    very often)."""

    def __init__(self, pieces: Sequence[tuple[dt.date, dt.date]]):
        self.starts = [a for a, _ in pieces]
        self.ends = [b for _, b in pieces]
        self.known: dict[tuple[dt.date, dt.date], list[int]] = {}

    def __call__(self, start: dt.date, end: dt.date) -> list[int]:
        got = self.known.get((start, end))
        if got is None:
            first = bisect.bisect_left(self.starts, start)
            stop = bisect.bisect_right(self.ends, end)
            got = self.known[(start, end)] = list(range(first, max(first, stop)))
        return got


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
    return _Attack(tables, members, frozenset(scale_items), first_day, last_day, within).run()


class _Attack:
    """One attack: the day pieces of everything published, then one program per item."""

    def __init__(self, tables, members, scale, first_day, last_day, within):
        self.tables, self.members, self.scale, self.within = tables, members, scale, within
        self.pieces = _pieces(tables)
        self.outside = [
            k
            for k, (a, b) in enumerate(self.pieces)
            if (first_day is not None and b < first_day) or (last_day is not None and a > last_day)
        ]
        self.covering = _Cover(self.pieces)
        self.scale_answers = _ScaleAnswers()
        self.cover = {id(t): self.covering(t.start, t.end) for t in tables}
        self.centres = sorted(
            {c for t in tables for c in members[t.group]}
            | {w[0] if isinstance(w, tuple) else w for t in tables for s in t.sums for w in s[0]}
        )
        self.report = Report()

    def run(self) -> Report:
        codes = sorted(
            {c for t in self.tables for c in t.items} | {s[1] for t in self.tables for s in t.sums}
        )
        for code in [RESPONSES, *codes]:
            answers = self._answers(code)
            if not answers:
                continue
            program = Program(self.centres, self.pieces, answers)
            if self.outside:
                program.equal(program.expression(self.centres, self.outside, answers), 0)
            if code == RESPONSES:
                self._responses(program, answers)
            else:
                self._narrow(program, code, self._item(program, code, answers))
        return self.report

    def _answers(self, code: str) -> list[str]:
        if code == RESPONSES:
            return ["r"]
        if code in self.scale:
            return list(self.scale_answers(code)[0])
        return sorted({a for t in self.tables for a in ((t.items.get(code) or {}).get("counts") or {})})

    def _wanted(self, start: dt.date, end: dt.date) -> bool:
        return self.within is None or (start <= self.within[1] and self.within[0] <= end)

    def _spans(self, t: Table, who: Iterable) -> list[tuple[str, list[int]]]:
        return [(c, self.covering(a, b)) for c, a, b in t.spans(who)]

    def _item(self, program: Program, code: str, answers: list[str]) -> list[tuple[Table, str, dict, int]]:
        """Every published number of one item as an equation; returns the withheld targets."""
        targets = []
        for t in self.tables:
            ks, who = self.cover[id(t)], self.members[t.group]
            for group_members, item, subset, value in t.sums:
                if item == code:
                    program.equal(program.over(self._spans(t, group_members), subset), value)
            cell = t.items.get(code)
            if cell is None:
                continue
            counted = (
                self._spans(t, cell["spans"]) if cell.get("spans") is not None else [(c, ks) for c in who]
            )
            program.equal(program.over(counted, answers), cell["n"])
            counts = cell.get("counts")
            if counts is not None:
                for a in answers:
                    program.equal(program.over(counted, [a]), int(counts.get(a, 0)))
            elif cell["n"] and self._wanted(t.start, t.end):
                if code in self.scale:
                    targets.append((t, "top2", program.over(counted, self.scale_answers(code)[1]), cell["n"]))
                else:
                    targets += [(t, a, program.over(counted, [a]), cell["n"]) for a in answers]
        return targets

    def _narrow(self, program: Program, code: str, targets: list[tuple[Table, str, dict, int]]) -> None:
        for t, what, expression, n in targets:
            self.report.targets += 1
            self.report.programs += 2
            got = program.bounds(expression)
            if got is None:
                self.report.inconsistent += 1
                continue
            if got[1] - got[0] + 1 < min(n, 3):
                self.report.findings.append(Finding(t.group, f"{t.start}..{t.end}", code, what, *got, n=n))

    def _responses(self, program: Program, answers: list[str]) -> None:
        """The published responses, then the responses of a centre in a piece that no
        report shows on its own: pinned to 1..4, they single out a few visitors."""
        for t in self.tables:
            if t.responses is not None:
                program.equal(
                    program.expression(self.members[t.group], self.cover[id(t)], answers), t.responses
                )
        shown = {
            (c, tuple(self.cover[id(t)]))
            for t in self.tables
            for c in self.members[t.group]
            if len(self.members[t.group]) == 1
        }
        for c in self.centres:
            for k, (a, b) in enumerate(self.pieces):
                if (c, (k,)) in shown or k in self.outside or not self._wanted(a, b):
                    continue
                self.report.targets += 1
                self.report.programs += 2
                got = program.bounds(program.expression([c], [k], answers))
                self.report.inconsistent += got is None
                if got and got[0] >= 1 and got[1] <= 4:
                    self.report.findings.append(
                        Finding(c, f"{a}..{b}", RESPONSES, "responses", *got, n=got[1])
                    )


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
    published = _Published(docs, parts if parts is not None else _registry_parts())
    tables, members = [], {}
    for doc in docs:
        group = doc["centre"]
        members[group] = published.leaves(group)
        start, end = _dates(doc)
        tables.append(
            Table(
                group=group,
                start=start,
                end=end,
                responses=(doc.get("responses") or {}).get("total"),
                items=published.items(doc, members[group]),
                sums=tuple(published.comparison_sums(doc, members[group])),
            )
        )
    for leaf in {w[0] for t in tables for s in t.sums for w in s[0]}:
        members.setdefault(leaf, [leaf])
    return tables, members


def _registry_parts() -> dict[str, list[str]]:
    reg = registry.registry()
    parts = {reg.city_code: sorted({c.district for c in reg.centres})}
    for c in reg.centres:
        parts.setdefault(c.district, []).append(c.code)
    return parts


def _dates(doc: dict) -> tuple[dt.date, dt.date]:
    p = doc["period"]
    return dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"])


def _weeks_of(leaf: str, start: dt.date, end: dt.date, cell: dict) -> list[tuple[str, dt.date, dt.date]]:
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


class _Published:
    """What the documents, read together, say a group's cells count."""

    def __init__(self, docs: list[dict], parts: Mapping[str, Sequence[str]]):
        self.parts = parts
        self.by_period = {(d["centre"], *_dates(d)): d for d in docs}
        self.district_of = {leaf: d for d in parts for leaf in parts[d] if leaf not in parts}
        self.city = next((g for g in parts if all(p in parts for p in parts[g])), None)
        self.scale_answers = _ScaleAnswers()
        self._leaves: dict[str, list[str]] = {}
        self._cells: dict[tuple, tuple[list, int] | None] = {}

    def leaves(self, group: str) -> list[str]:
        if group not in self.parts:
            return [group]
        if group not in self._leaves:
            self._leaves[group] = [leaf for p in self.parts[group] for leaf in self.leaves(p)]
        return list(self._leaves[group])

    def spans(self, who: Iterable[str], doc: dict, code: str, n: int) -> frozenset:
        """What a sum over centres counts: their shown cells when these add up to the
        published n (the rule), else all of them (a publication that does not follow it).
        A centre without a report of the period was not open then: it counts nothing."""
        start, end = _dates(doc)
        present = [leaf for leaf in who if (leaf, start, end) in self.by_period]
        out, total = set(), 0
        for leaf in present:
            shown = self._shown(leaf, start, end, code)
            if shown is not None:
                out.update(shown[0])
                total += shown[1]
        if total == n:
            return frozenset(out)
        return frozenset((leaf, start, end) for leaf in present)

    def _shown(self, leaf: str, start: dt.date, end: dt.date, code: str) -> tuple[list, int] | None:
        """(the spans, n) of a centre's shown cell in its own report of the period; None when
        withheld or absent. Once per cell: every comparison of its district and city asks."""
        key = (leaf, start, end, code)
        if key not in self._cells:
            cell = (self.by_period[(leaf, start, end)].get("items") or {}).get(code)
            self._cells[key] = (
                (_weeks_of(leaf, start, end, cell), int(cell.get("n") or 0))
                if cell is not None and not cell.get("suppressed")
                else None
            )
        return self._cells[key]

    def items(self, doc: dict, members: list[str]) -> dict[str, dict]:
        group, items = doc["centre"], {}
        for code, cell in (doc.get("items") or {}).items():
            counts = None if cell.get("suppressed") else cell.get("counts")
            entry = {"n": int(cell.get("n") or 0), "counts": counts}
            if group in self.parts:
                entry["spans"] = tuple(sorted(self.spans(members, doc, code, entry["n"])))
            elif (cell.get("left_out") or {}).get("weeks"):
                entry["spans"] = tuple(_weeks_of(group, *_dates(doc), cell))
            items[code] = entry
        return items

    def comparison_sums(self, doc: dict, members: list[str]):
        group = doc["centre"]
        for name, block in (doc.get("comparisons") or {}).items():
            other = {"district": self.district_of.get(group), "city": self.city}.get(name)
            if other is None:
                continue  # previous periods and running averages repeat published tables
            for code, row in (block.get("items") or {}).items():
                if row.get("top2_count") is None:
                    continue
                who = set(self.leaves(other))
                if row.get("against") == "rest":
                    who -= set(members)
                counted_spans = self.spans(sorted(who), doc, code, int(row["n"]))
                valid, top_two = self.scale_answers(code)
                yield counted_spans, code, top_two, int(row["top2_count"])
                yield counted_spans, code, frozenset(valid), int(row["n"])
