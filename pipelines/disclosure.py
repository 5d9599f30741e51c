"""Disclosure rules: which figures and comments a report may show.

Thresholds are data (config/disclosure.yaml). The functions take figure documents of
`pipelines.figures.group_figures` and return new documents (the input is not changed):

- `suppress_small`: primary suppression of items with too few valid answers,
- `complementary`: secondary suppression along "total = sum of parts" relations
  (district = its centres, city = its districts, a week-tiled period = its weeks), so a
  suppressed cell cannot be recovered by subtraction,
- `complementary_temporal`: the same for a month (or review) exactly tiled by weeks that
  were already sent: the month's cell is suppressed instead,
- `protect`: all of the above for the groups of one period together, to a fixed point
  (what the report builder should call),
- `recoverable`: an audit that finds suppressed cells still determined by the relations,
- `comments_allowed`: whether a group's comments may be shown.

A cell is one item of one group. A suppressed cell keeps `n` (and `cannot_judge`), so a
suppressed cell with n = 0 hides nothing (its counts are all zero); such cells neither
need protection nor protect others.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipelines import registry

_HIDDEN_KEYS = ("counts", "mean", "top2", "top2_ci")


@dataclass(frozen=True)
class Rules:
    min_valid_answers: int
    min_responses_for_comments: int


def load_rules(directory: Path | None = None) -> Rules:
    """The thresholds of config/disclosure.yaml (or `directory`/disclosure.yaml)."""
    path = (directory or registry.config_dir()) / "disclosure.yaml"
    data = registry._load("disclosure.yaml", directory)
    values = {}
    for key in ("min_valid_answers", "min_responses_for_comments"):
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise registry.RegistryError(f"{path}: {key} must be a whole number >= 1, got {value!r}")
        values[key] = value
    return Rules(**values)


def comment_language(language: str | None, figures: dict, rules: Rules) -> str | None:
    """A comment's language label, or None where fewer than `min_valid_answers` of the
    group's respondents used that language: the label would point at one of a few people."""
    counts = figures.get("by_language") or {}
    return language if language and counts.get(language, 0) >= rules.min_valid_answers else None


def comments_allowed(figures: dict, rules: Rules) -> bool:
    """Comments of a group and period may be shown when enough questionnaires count."""
    return figures["responses"]["total"] >= rules.min_responses_for_comments


# --------------------------------------------------------------------------- cells


def _hide(cell: dict, reason: str) -> None:
    for key in _HIDDEN_KEYS:
        if key in cell:
            cell[key] = None
    cell["suppressed"] = True
    cell["suppression"] = reason


def _hidden(cell: dict | None) -> bool:
    """A suppressed cell that actually hides something (n > 0)."""
    return bool(cell) and bool(cell.get("suppressed")) and bool(cell.get("n"))


def _shown(cell: dict | None) -> bool:
    return bool(cell) and not cell.get("suppressed")


def suppress_small(figures: dict, rules: Rules) -> dict:
    """Primary suppression: items with n < min_valid_answers get `suppressed: true`,
    `suppression: "primary"` and counts/mean/top2/top2_ci = None; n and cannot_judge
    stay. Returns a new document."""
    out = copy.deepcopy(figures)
    for cell in out.get("items", {}).values():
        if not cell.get("suppressed") and cell["n"] < rules.min_valid_answers:
            _hide(cell, "primary")
    return out


# --------------------------------------------------------------------------- complementary


Relations = Mapping[str, Sequence[str]] | Iterable[tuple[str, Sequence[str]]]


def _relations(parts_of: Relations) -> list[tuple[str, list[str]]]:
    pairs = parts_of.items() if isinstance(parts_of, Mapping) else parts_of
    return [(parent, list(parts)) for parent, parts in pairs if parts]


def _check_sums(cells: Mapping[str, dict], relations: list[tuple[str, list[str]]]) -> None:
    names = {parent for parent, _ in relations} | {p for _, parts in relations for p in parts}
    unknown = sorted(names - set(cells))
    if unknown:
        raise KeyError(f"complementary: no figures for {unknown}")
    for parent, parts in relations:
        for code, top in cells[parent].get("items", {}).items():
            total = sum(cells[p].get("items", {}).get(code, {}).get("n", 0) for p in parts)
            if top["n"] != total:
                raise ValueError(
                    f"complementary: {parent} is not the sum of {parts} for {code} (n {top['n']} != {total})"
                )


def _complement(cells: dict[str, dict], relations: list[tuple[str, list[str]]], locked: set[str]) -> None:
    """The rule engine of `complementary`, in place on `cells`."""
    codes = list(dict.fromkeys(c for fig in cells.values() for c in fig.get("items", {})))

    def cell(group: str, code: str) -> dict | None:
        return cells[group].get("items", {}).get(code)

    def pinned(group: str, code: str) -> bool:
        """Determined by locked, shown cells alone (a relation whose other cells all are)."""
        for parent, parts in relations:
            members = [parent, *parts]
            if group not in members:
                continue
            others = [m for m in members if m != group and cell(m, code) is not None]
            if all(m in locked and (_shown(cell(m, code)) or not cell(m, code).get("n")) for m in others):
                return True
        return False

    def pick(candidates: list[str], code: str) -> str | None:
        free = [g for g in candidates if g not in locked and _shown(cell(g, code)) and cell(g, code).get("n")]
        preferred = [g for g in free if not pinned(g, code)] or free
        return min(preferred, key=lambda g: (cell(g, code)["n"], g)) if preferred else None

    changed = True
    while changed:
        changed = False
        for parent, parts in relations:
            for code in codes:
                if cell(parent, code) is None:
                    continue
                members = [m for m in (parent, *parts) if cell(m, code) is not None]
                hidden = [m for m in members if _hidden(cell(m, code))]
                if len(hidden) >= 2 and len(parts) > 1 and _narrow(cell, parent, parts, hidden, code):
                    # several hidden parts of a shown whole, but their known sum and small
                    # n leave one of them fewer than min(n, 3) possible counts: one more
                    # part, where that widens the range enough (not where the whole is at
                    # 0 or 100 %: there no part can help, and the whole stays shown)
                    free = [p for p in parts if p in members and p not in hidden]
                    while (choice := pick(free, code)) is not None:  # smallest first that widens it
                        if not _narrow(cell, parent, parts, [*hidden, choice], code):
                            _hide(cell(choice, code), "complementary")
                            changed = True
                            break
                        free.remove(choice)
                    continue
                if len(hidden) != 1:
                    continue
                if len(parts) == 1:
                    choice = pick([m for m in members if m not in hidden], code)
                else:
                    choice = pick([p for p in parts if p in members and p not in hidden], code)
                    if choice is None and parent not in hidden:
                        choice = pick([parent], code)
                if choice is not None:
                    _hide(cell(choice, code), "complementary")
                    changed = True


def _answer_groups(cell: dict) -> list[tuple[str, ...]]:
    """What a cell's counts tell: the top-two count of a scale item, each answer's count of
    a categorical one."""
    counts = cell.get("counts") or {}
    if "top2" in cell:
        return [("1", "2")]
    return [(a,) for a in counts]


def _narrow(cell, parent: str, parts: Sequence[str], hidden: Sequence[str], code: str) -> bool:
    """Whether the hidden parts of a shown whole leave one of them fewer than min(n, 3)
    possible counts: their sum S is the whole minus the shown parts, so a hidden part h
    lies in [max(0, S - n of the other hidden), min(n_h, S)] (non-negative integers)."""
    whole = cell(parent, code)
    if parent in hidden or not _shown(whole) or not whole.get("counts"):
        return False
    # (`hidden` may name a shown part, to try it: only the counts of the others are read)
    shown = [p for p in parts if p not in hidden and cell(p, code) is not None and cell(p, code).get("n")]
    if any(not cell(p, code).get("counts") for p in shown):
        return False
    n = {h: cell(h, code)["n"] for h in hidden}
    for answers in _answer_groups(whole):
        total = sum(whole["counts"].get(a, 0) for a in answers)
        total -= sum((cell(p, code).get("counts") or {}).get(a, 0) for p in shown for a in answers)
        for h in hidden:
            low, high = max(0, total - (sum(n.values()) - n[h])), min(n[h], total)
            if high - low + 1 < min(n[h], 3):
                return True
    return False


def complementary(
    groups: Mapping[str, dict],
    parts_of: Relations,
    rules: Rules | None = None,
    *,
    locked: Collection[str] = (),
) -> dict[str, dict]:
    """Complementary suppression along relations "parent = sum of its parts".

    `groups` maps a name to its figures (with `rules` given, primary suppression is
    applied first; it is idempotent), `parts_of` maps a parent name to the names of its
    parts, e.g. {"Altona": ["altona", "blankenese"], "hamburg": [<all districts>]} (or
    is a list of (parent, parts) pairs, for a parent in several relations); every
    relation must hold exactly (the parent's n of an item is the sum of its parts' n,
    else ValueError), so pass figures of one period computed from the same rows. Rules
    per item and relation, repeated until nothing changes:

    - if exactly ONE part is hiding the item while the parent shows it, parent minus
      the shown parts would give it away: also suppress the shown part with the next
      smallest n (ties by name), `suppression: "complementary"`;
    - likewise if the parent hides the item (after complementary suppression further
      up) while all its parts show it: suppress the part with the smallest n;
    - a parent with a single part is the same figure: both are shown or both hidden.

    `locked` names groups already published (weekly reports sent before the monthly
    one): they are never newly suppressed, and a cell that locked cells determine is not
    chosen as a complement. When no candidate is left the parent itself is suppressed if
    possible. This is the classic heuristic, not an optimal solver: run `recoverable`
    on the result to audit it. For a month or review whose weeks were already sent use
    `protect`, which adds those relations.
    """
    relations = _relations(parts_of)
    _check_sums(groups, relations)
    if rules is not None:
        out = {name: suppress_small(fig, rules) for name, fig in groups.items()}
    else:
        out = {name: copy.deepcopy(fig) for name, fig in groups.items()}
    _complement(out, relations, set(locked))
    return out


def _period_dates(figures: dict) -> tuple[dt.date, dt.date]:
    p = figures["period"]
    return dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"])


def _tiles(total: dict, parts: Sequence[dict]) -> bool:
    """The parts' periods are contiguous and cover exactly the total's period."""
    if not parts:
        return False
    spans = sorted(_period_dates(p) for p in parts)
    start, end = _period_dates(total)
    contiguous = all(b[0] == a[1] + dt.timedelta(days=1) for a, b in zip(spans, spans[1:], strict=False))
    return contiguous and spans[0][0] == start and spans[-1][1] == end


def complementary_temporal(month: dict, weeks: Sequence[dict]) -> dict:
    """Protect weeks already sent when the month's figures are computed.

    Weekly reports go out before the monthly one, so the weeks cannot be changed any
    more. If the month (or any period: a mid-term or final review works the same way)
    is exactly tiled by the given weeks (contiguous, first Monday = period start, last
    Sunday = period end) and exactly ONE week hides an item, month minus the other
    weeks would give it away: the MONTH's item is suppressed instead
    (`suppression: "complementary"`). Returns a new month document; for a month not
    tiled by the weeks (most months) nothing changes.
    """
    out = copy.deepcopy(month)
    if not _tiles(month, weeks):
        return out
    for code, cell in out.get("items", {}).items():
        if not _shown(cell) or not cell.get("n"):
            continue
        hidden = sum(1 for w in weeks if _hidden(w.get("items", {}).get(code)))
        if hidden == 1:
            _hide(cell, "complementary")
    return out


def _sent_relations(
    groups: Mapping[str, dict],
    relations: list[tuple[str, list[str]]],
    sent_weeks: Mapping[str, Sequence[dict]],
) -> tuple[dict[str, dict], list[tuple[str, list[str]]]]:
    """Cells and relations of weeks already sent: group = sum of its weeks (when they
    tile the group's period) and, week by week, parent week = sum of the parts' weeks.
    Week cells are named "<group>|<week key>"."""
    cells: dict[str, dict] = {}
    out: list[tuple[str, list[str]]] = []
    keys_of: dict[str, set[str]] = {}
    for name, weeks in sent_weeks.items():
        if name not in groups or not _tiles(groups[name], weeks):
            continue
        keys = [w["period"]["key"] for w in weeks]
        cells |= {f"{name}|{k}": w for k, w in zip(keys, weeks, strict=True)}  # locked: never changed
        out.append((name, [f"{name}|{k}" for k in keys]))
        keys_of[name] = set(keys)
    for parent, parts in relations:
        if parent in keys_of and all(p in keys_of for p in parts):
            for k in sorted(keys_of[parent].intersection(*(keys_of[p] for p in parts))):
                out.append((f"{parent}|{k}", [f"{p}|{k}" for p in parts]))
    return cells, out


def protect(
    groups: Mapping[str, dict],
    parts_of: Relations,
    rules: Rules,
    *,
    sent_weeks: Mapping[str, Sequence[dict]] | None = None,
    month_weeks: Mapping[str, Sequence[dict]] | None = None,
) -> dict[str, dict]:
    """All disclosure rules for the groups of one period, in one pass.

    Primary suppression, then complementary suppression along the group relations
    (`parts_of`, as for `complementary`) AND, for a month or review exactly tiled by
    weeks already sent (`sent_weeks`: group name -> its published weekly figures),
    along "period = sum of its weeks" (`complementary_temporal`'s rule) and the weekly
    group relations, all repeated together until stable. Sent weeks are locked: never
    changed, and a group whose weeks were all shown is not chosen as a complement (its
    figure is their sum anyway). Doing the steps one after the other is not enough: a
    month suppressed because of its weeks can leave its district relation with a single
    hidden month. For the last week of a month, `month_weeks` (group name -> the month's
    earlier weeks, as published) lets this week pair up with a week that withheld an item
    alone. Returns the new figures of `groups`; audit with `recoverable` (same
    arguments).
    """
    relations = _relations(parts_of)
    _check_sums(groups, relations)
    cells = {name: suppress_small(fig, rules) for name, fig in groups.items()}
    weeks, temporal = _sent_relations(cells, relations, sent_weeks or {})
    everything = {**cells, **weeks}
    _complement(everything, relations + temporal, set(weeks))
    if month_weeks:
        # the last week of a month: where exactly one earlier week of the month withheld
        # an item, this week withholds it too, so that the month (often 50 answers or
        # more) need not be withheld to protect it
        for name, earlier in month_weeks.items():
            for code, cell in (everything.get(name) or {}).get("items", {}).items():
                alone = sum(1 for w in earlier if _hidden(w.get("items", {}).get(code))) == 1
                if alone and _shown(cell) and cell.get("n"):
                    _hide(cell, "complementary")
        _complement(everything, relations, set(weeks))
    return {name: everything[name] for name in groups}


# --------------------------------------------------------------------------- audit


def recoverable(
    groups: Mapping[str, dict],
    parts_of: Relations,
    *,
    sent_weeks: Mapping[str, Sequence[dict]] | None = None,
) -> list[tuple[str, str]]:
    """Suppressed cells (group, item) that the relations still determine exactly.

    Per item, the unknowns are the hidden cells (suppressed with n > 0); every relation
    "parent = sum of parts" gives one linear equation in them (shown cells are known).
    A hidden cell is recoverable when its unit vector lies in the row space of those
    equations, i.e. when some combination of additions and subtractions of published
    figures yields it. (Bounds from non-negative counts are not considered.) With
    `sent_weeks` (as for `protect`) the weeks already sent and their relations count
    too; a recoverable week is reported as ("<group>|<week key>", item).
    """
    relations = _relations(parts_of)
    weeks, temporal = _sent_relations(groups, relations, sent_weeks or {})
    groups = {**groups, **weeks}
    relations += temporal
    codes = list(dict.fromkeys(c for fig in groups.values() for c in fig.get("items", {})))
    found = []
    for code in codes:
        hidden = [g for g, fig in groups.items() if _hidden(fig.get("items", {}).get(code))]
        if not hidden:
            continue
        column = {g: i for i, g in enumerate(hidden)}
        rows = []
        for parent, parts in relations:
            if groups[parent].get("items", {}).get(code) is None:
                continue
            row = np.zeros(len(hidden))
            for member, sign in [(parent, 1.0)] + [(p, -1.0) for p in parts]:
                if member in column:
                    row[column[member]] += sign
            if row.any():
                rows.append(row)
        if not rows:
            continue
        # e_i lies in the row space of A exactly when its projection onto that space
        # (spanned by the leading left singular vectors of A^T) has length 1.
        a = np.vstack(rows)
        u, sv, _ = np.linalg.svd(a.T, full_matrices=False)
        rank = int(np.count_nonzero(sv > sv.max() * max(a.shape) * np.finfo(float).eps))
        leverage = np.square(u[:, :rank]).sum(axis=1)
        found += [(g, code) for g, i in column.items() if leverage[i] > 1 - 1e-9]
    return found


def group_parts(start: dt.date, end: dt.date, reg: registry.Registry | None = None) -> dict[str, list[str]]:
    """The relations of the centre registry for a period: each district's name maps to
    its centres open on at least one day of start..end, the city code to the districts."""
    reg = reg or registry.registry()
    districts: dict[str, list[str]] = {}
    for c in reg.centres:
        if c.valid_from <= end and (c.valid_to is None or c.valid_to >= start):
            districts.setdefault(c.district, []).append(c.code)
    return {**districts, reg.city_code: list(districts)}
