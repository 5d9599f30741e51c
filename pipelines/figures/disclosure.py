"""Disclosure rules: which figures and comments a report may show.

Thresholds are data (config/disclosure.yaml). The rule (issue 10), applied by `protect`
to the figures of one period (documents of `pipelines.figures.groups.group_figures`):

1. **Primary**: a centre's item with fewer than `min_valid_answers` valid answers is
   withheld: counts, mean, share and interval are hidden, n stays.
2. **Groups count what their centres show.** A district's or the city's item is the sum
   of its centres' SHOWN cells; a withheld centre cell is left out of it (`left_out`:
   the answers not counted). So no group minus its other centres gives a withheld cell
   away, and no centre's figure is withheld to protect a neighbour.
3. **Longer periods count withheld weeks only as a safe pool.** A centre's month counts
   the answers of its withheld weeks only when at least two were withheld and their
   total leaves each of them at least min(n, 3) possible counts (`pool_narrows`);
   otherwise it leaves them out (`month_left_out`). A review counts a withheld week only
   where a month inside the review counted it and was shown itself (`review_left_out`).

4. **Breakdowns by channel, language and weekday count only centre-weeks that single
   nobody out** (`breakdowns`): a centre's week enters a breakdown only when each of its
   categories holds 0 or at least `min_valid_answers` responses; the responses of the
   other weeks are counted in the total but not broken down (`breakdowns_withheld`). Any
   sum or difference of such weeks is again 0 or at least that many per category.

Every published number is then a sum of shown cells and of such pools, whatever an
attacker adds or subtracts, and no month or review figure is withheld to protect a
week: the cost is a few answers left out, which the reports state. `pipelines.figures.attack`
audits the published set.

A cell is one item of one group. A suppressed cell keeps `n` (and `cannot_judge`), so a
suppressed cell with n = 0 hides nothing.
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.core import registry
from pipelines.core.periods import mondays
from pipelines.figures import groups as figures

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


def hidden(cell: dict | None) -> bool:
    """A suppressed cell that actually hides something (n > 0)."""
    return bool(cell) and bool(cell.get("suppressed")) and bool(cell.get("n"))


def _shown(cell: dict | None) -> bool:
    return bool(cell) and not cell.get("suppressed")


def suppress_small(figures: dict, rules: Rules) -> dict:
    """Primary suppression: items with n < min_valid_answers get `suppressed: true`,
    `suppression: "primary"` and counts/mean/top2/top2_ci = None; n and cannot_judge
    stay. Returns a new document."""
    out = _copy(figures)
    _suppress_small_in_place(out, rules)
    return out


def _suppress_small_in_place(figures: dict, rules: Rules) -> None:
    for cell in figures.get("items", {}).values():
        if not cell.get("suppressed") and cell["n"] < rules.min_valid_answers:
            _hide(cell, "primary")


# --------------------------------------------------------------------------- pools


Relations = Mapping[str, Sequence[str]] | Iterable[tuple[str, Sequence[str]]]


def _relations(parts_of: Relations) -> list[tuple[str, list[str]]]:
    pairs = parts_of.items() if isinstance(parts_of, Mapping) else parts_of
    return [(parent, list(parts)) for parent, parts in pairs if parts]


def _check_sums(cells: Mapping[str, dict], relations: list[tuple[str, list[str]]]) -> None:
    names = {parent for parent, _ in relations} | {p for _, parts in relations for p in parts}
    unknown = sorted(names - set(cells))
    if unknown:
        raise KeyError(f"protect: no figures for {unknown}")
    for parent, parts in relations:
        for code, top in cells[parent].get("items", {}).items():
            total = sum(cells[p].get("items", {}).get(code, {}).get("n", 0) for p in parts)
            if top["n"] != total:
                raise ValueError(
                    f"protect: {parent} is not the sum of {parts} for {code} (n {top['n']} != {total})"
                )


def _answer_groups(cell: dict, item: registry.Item) -> list[tuple[str, ...]]:
    """What a cell's counts tell: the top-two count of a scale item, each answer's count of
    a categorical one."""
    if item.kind == "scale":
        return [tuple(str(code) for code in item.top_two)]
    return [(a,) for a in cell.get("counts") or {}]


def pool_narrows(cells: Sequence[dict], item: registry.Item) -> bool:
    """Whether publishing the summed counts of these withheld cells (unsuppressed figures
    of one centre and item, e.g. its withheld weeks of a month) leaves one of them fewer
    than min(n, 3) possible counts: with total S of an answer and N answers in all, a cell
    with n answers holds between max(0, S - (N - n)) and min(n, S) of it (non-negative
    integers). A single cell is always narrowed: its count is the total."""
    cells = [c for c in cells if c.get("n")]
    if not cells:
        return False
    total_n = sum(c["n"] for c in cells)
    for answers in _answer_groups(cells[0], item):
        total = sum(c["counts"].get(a, 0) for c in cells for a in answers)
        for c in cells:
            low, high = max(0, total - (total_n - c["n"])), min(c["n"], total)
            if high - low + 1 < min(c["n"], 3):
                return True
    return False


def month_left_out(withheld: Mapping[str, dict], item: registry.Item) -> list[str]:
    """The withheld weeks (week key -> the week's unsuppressed cell, one centre and item)
    that a month leaves out: none when they form a safe pool, else all of them."""
    keys = [k for k, cell in withheld.items() if cell.get("n")]
    if len(keys) >= 2 and not pool_narrows([withheld[k] for k in keys], item):
        return []
    return keys


def review_left_out(withheld: Collection[str], counted_by_months: Collection[str]) -> list[str]:
    """The withheld weeks a review leaves out: all but those a month inside it counted (the
    review then adds nothing to what its months and weeks published)."""
    counted = set(counted_by_months)
    return [k for k in withheld if k not in counted]


# --------------------------------------------------------------------------- protect


def _minus(cell: dict, weeks: Sequence[tuple[str, dict]], item: registry.Item) -> dict:
    """The cell without the answers of the given weeks' cells (all of them: valid answers
    and "cannot judge")."""
    counts = dict(cell["counts"])
    cannot_judge = cell.get("cannot_judge") or 0
    for _, week in weeks:
        for a, c in week["counts"].items():
            counts[a] -= c
        cannot_judge -= week.get("cannot_judge") or 0
    out = figures.cell_from_counts(counts, cannot_judge, item)
    out["left_out"] = {"n": sum(w["n"] for _, w in weeks), "weeks": [k for k, _ in weeks]}
    return out


def _sum_shown(cells: Sequence[dict], item: registry.Item) -> dict:
    """A group's cell: the sum of its parts' shown cells; the others' answers left out."""
    shown = [c for c in cells if _shown(c)]
    counts: dict[str, int] = {}
    for c in shown:
        for a, k in c["counts"].items():
            counts[a] = counts.get(a, 0) + k
    out = figures.cell_from_counts(counts, sum(c.get("cannot_judge") or 0 for c in shown), item)
    left = sum(c["n"] for c in cells if not _shown(c)) + sum(
        (c.get("left_out") or {}).get("n", 0) for c in cells
    )
    if left:
        out["left_out"] = {"n": left}
    return out


def _copy(figures: dict) -> dict:
    """A deep copy of plain figures (dicts, lists, numbers, text): what copy.deepcopy
    gives, several times faster (the rules copy every group of every period)."""
    return pickle.loads(pickle.dumps(figures, pickle.HIGHEST_PROTOCOL))


def protect(
    groups: Mapping[str, dict],
    parts_of: Relations,
    rules: Rules,
    *,
    left_out: Mapping[str, Mapping[str, Sequence[tuple[str, dict]]]] | None = None,
) -> dict[str, dict]:
    """The disclosure rule for the groups of one period (see the module docstring).

    `groups`: every group's unsuppressed figures of the period (centres, districts, the
    city), `parts_of`: the relations "parent = sum of its parts" (district -> its
    centres, city -> its districts, as `group_parts` gives them; each must hold exactly
    for the unsuppressed figures, else ValueError). `left_out`: for a month or review,
    centre -> item -> [(week key, that week's unsuppressed cell)] to leave out of the
    centre's cell (`month_left_out`, `review_left_out`); the cell then records
    `left_out: {"n", "weeks"}`. Returns new documents: centres with primary suppression,
    every parent's items summed from its parts' shown cells (`left_out: {"n"}` where
    some were withheld or left out).
    """
    relations = _relations(parts_of)
    _check_sums(groups, relations)
    q = registry.questionnaire()
    out = {name: _copy(fig) for name, fig in groups.items()}
    parents = dict(relations)
    for centre, items in (left_out or {}).items():
        for code, weeks in items.items():
            if weeks:
                out[centre]["items"][code] = _minus(out[centre]["items"][code], weeks, q.items[code])
    for name in out:  # (copies of their own already: no second copy)
        if name not in parents:
            _suppress_small_in_place(out[name], rules)

    done: set[str] = set()

    def build(name: str) -> None:
        if name in done or name not in parents:
            return
        for part in parents[name]:
            build(part)
        for code in out[name].get("items", {}):
            cells = [out[p]["items"][code] for p in parents[name] if code in out[p].get("items", {})]
            out[name]["items"][code] = _sum_shown(cells, q.items[code])
        _suppress_small_in_place(out[name], rules)
        done.add(name)

    for name in parents:
        build(name)
    return out


# --------------------------------------------------------------------------- breakdowns


def breakdowns(rows: pd.DataFrame, rules: Rules, *, weekday: bool = False) -> dict[str, dict]:
    """Per centre, the channel, language and (with `weekday`) weekday breakdowns of its rows
    of a period, over its weeks that single nobody out (rule 4 of the module docstring):
    centre -> `{"channel": {...}, "language": {...}, "weekday": {...}, "withheld":
    {dimension: responses not broken down}}`. A group's breakdown is the sum of its
    centres'. `rows` needs centre, response_date (datetime), channel and language."""
    q = registry.questionnaire()
    dates = pd.to_datetime(rows["response_date"])
    centre_at, centres = pd.factorize(rows["centre"].astype(str).to_numpy())
    week_at, weeks = pd.factorize(mondays(dates).to_numpy())
    dimensions = {
        "channel": (rows["channel"].astype(str).to_numpy(), figures.CHANNELS),
        "language": (rows["language"].astype(str).to_numpy(), q.languages),
    }
    if weekday:
        names = np.array(figures.WEEKDAYS)
        dimensions["weekday"] = (names[dates.dt.dayofweek.to_numpy(dtype="int64")], figures.WEEKDAYS)
    out: dict[str, dict] = {str(code): {"withheld": {}} for code in centres}
    for name, (values, categories) in dimensions.items():
        # counts per centre, week and category (values outside the categories not counted)
        at = pd.Categorical(values, categories=list(categories)).codes.astype("int64")
        keep = at >= 0
        shape = (len(centres), len(weeks), len(categories))
        flat = (centre_at[keep] * len(weeks) + week_at[keep]) * len(categories) + at[keep]
        table = np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape)
        small = ((table > 0) & (table < rules.min_valid_answers)).any(axis=2)
        shown = np.where(small[..., None], 0, table).sum(axis=1)
        withheld = np.where(small, table.sum(axis=2), 0).sum(axis=1)
        for i, code in enumerate(centres):
            entry = out[str(code)]
            entry[name] = {c: int(shown[i, j]) for j, c in enumerate(categories)}
            entry["withheld"][name] = int(withheld[i])
    return out


def group_parts(start: dt.date, end: dt.date, reg: registry.Registry | None = None) -> dict[str, list[str]]:
    """The relations of the centre registry for a period: each district's name maps to
    its centres open on at least one day of start..end, the city code to the districts."""
    reg = reg or registry.registry()
    districts: dict[str, list[str]] = {}
    for c in reg.centres:
        if c.valid_from <= end and (c.valid_to is None or c.valid_to >= start):
            districts.setdefault(c.district, []).append(c.code)
    return {**districts, reg.city_code: list(districts)}
