"""The figures of one group (centre, district or city) and one period: the JSON twin.

Pure logic on pandas frames, no I/O besides the reference data of `registry`. The
output of `group_figures` is the document described in
shared/spec/report-figures.md ("survey-report-figures/1"), before the disclosure rules
(`pipelines.figures.disclosure`) withhold small cells; `centre_figures` gives those of
many centres in one pass and `summed_figures` those of a group from its parts.
`pipelines.figures.comparing` derives the significance tests and the chart series.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from fractions import Fraction

import numpy as np
import pandas as pd

from pipelines.core import registry
from pipelines.core.periods import Period, mondays
from pipelines.core.statistics import half_up, wilson

SCHEMA = "survey-report-figures/1"
WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")  # ISO order, Monday first
CHANNELS = ("tablet", "web")
EXCLUSION_REASONS = ("misuse", "unfinished")


def versions_in(period: Period, questionnaire: registry.Questionnaire | None = None) -> list[int]:
    """Questionnaire versions whose validity overlaps the period.

    A version is valid from its `valid_from` until the day before the next version's
    `valid_from`: the switch week 2021-01-11 has version 2 only, January 2021 both.
    """
    q = questionnaire or registry.questionnaire()
    ordered = sorted(q.versions, key=lambda v: v.valid_from)
    out = []
    for i, v in enumerate(ordered):
        until = ordered[i + 1].valid_from - dt.timedelta(days=1) if i + 1 < len(ordered) else dt.date.max
        if v.valid_from <= period.end and until >= period.start:
            out.append(v.version)
    return sorted(out)


def items_of_versions(versions: Collection[int], questionnaire: registry.Questionnaire | None = None):
    """Answer items (scale and categorical) contained in at least one of the versions, in
    questionnaire order."""
    q = questionnaire or registry.questionnaire()
    codes = {c for v in versions for c in q.version(v).items}
    return [item for item in q.answer_items if item.code in codes]


# --------------------------------------------------------------------------- one item


def _codes(values: pd.Series) -> np.ndarray:
    if len(values) == 0:
        return np.empty(0, dtype=np.int64)
    return values.to_numpy(dtype="int64", na_value=-1)


def exact_scale(counts: dict[str, int], item: registry.Item) -> tuple[int, Fraction]:
    """(top-two count, exact mean) of a scale item's counts of valid answers (n > 0)."""
    n = sum(counts.values())
    successes = sum(counts.get(str(code), 0) for code in item.top_two)
    return successes, Fraction(sum(int(k) * c for k, c in counts.items()), n)


def item_figures(values: pd.Series, item: registry.Item) -> dict:
    """Figures of one item over the answers `values` (nullable integers; NA = not answered).

    Scale items: n (valid answers 1–5), cannot_judge (code 99), counts of 1–5, mean
    (2 decimals), top2 (share of the top-two codes among n, 4 decimals) and its 95% Wilson
    interval (4 decimals). Categorical items: n and the counts of every valid code. Codes
    outside the item's answers are not counted. With n = 0, mean/top2/top2_ci are None.
    """
    a = _codes(values)
    counts = {str(code): int(np.count_nonzero(a == code)) for code in item.valid}
    cannot_judge = int(np.count_nonzero(a == item.cannot_judge)) if item.cannot_judge is not None else 0
    return cell_from_counts(counts, cannot_judge, item)


def cell_from_counts(counts: dict[str, int], cannot_judge: int, item: registry.Item) -> dict:
    """The figures of one item from its answer counts (as `item_figures` gives them): the
    one place where means, shares and intervals are derived, so that a cell summed from
    other cells is computed exactly like one counted from rows."""
    counts = {str(code): int(counts.get(str(code), 0)) for code in item.valid}
    n = sum(counts.values())
    if item.kind == "categorical":
        return {"n": n, "counts": counts, "suppressed": False}
    if item.kind != "scale":
        raise ValueError(f"item {item.code}: no figures for {item.kind} items")
    mean = top2 = ci = None
    if n:
        # rounded once from the exact fraction (spec: shares to 4 decimals, means to 2)
        successes, exact_mean = exact_scale(counts, item)
        mean = half_up(exact_mean, 2)
        top2 = half_up(Fraction(successes, n), 4)
        lo, hi = wilson(successes, n)
        ci = [half_up(lo, 4), half_up(hi, 4)]
    return {
        "n": n,
        "cannot_judge": cannot_judge,
        "counts": counts,
        "mean": mean,
        "top2": top2,
        "top2_ci": ci,
        "suppressed": False,
    }


# --------------------------------------------------------------------------- one group


def _count(series: pd.Series, keys: Sequence[str]) -> dict[str, int]:
    vc = series.value_counts()
    return {k: int(vc.get(k, 0)) for k in keys}


def _in_weeks_of(dates: pd.Series, holding: Collection[int], q: registry.Questionnaire) -> pd.Series:
    """Rows whose ISO week overlaps the validity of a version in `holding`: an item counts
    only in weeks that ask it, so a month is the sum of its weeks (a version-1 answer sent
    from home after the switch belongs to no week asking it, and so to no month)."""
    ordered = sorted(q.versions, key=lambda v: v.valid_from)
    monday = mondays(dates)
    sunday = monday + pd.Timedelta(days=6)
    out = pd.Series(False, index=monday.index)
    for i, v in enumerate(ordered):
        if v.version in holding:
            inside = sunday >= pd.Timestamp(v.valid_from)
            if i + 1 < len(ordered):  # valid until the day before the next version
                inside &= monday < pd.Timestamp(ordered[i + 1].valid_from)
            out |= inside
    return out


def _holdings(q: registry.Questionnaire) -> set[tuple[int, ...]]:
    """The sets of versions asking an item (one per item)."""
    return {tuple(v.version for v in q.versions if item.code in v.items) for item in q.answer_items}


def _asked_column(holding: tuple[int, ...]) -> str:
    return "asked_in_" + "_".join(map(str, holding))


def with_asked(responses: pd.DataFrame, q: registry.Questionnaire | None = None) -> pd.DataFrame:
    """`responses` with, per set of versions asking an item, whether each row counts for
    such an item (`_asked`): worked out once for a whole store instead of per group."""
    q = q or registry.questionnaire()
    out = responses.copy()
    for holding in _holdings(q):
        out[_asked_column(holding)] = _asked(responses, holding, q)
    return out


def _asked(responses: pd.DataFrame, holding: tuple[int, ...], q: registry.Questionnaire) -> pd.Series:
    """Rows answering a questionnaire version in `holding`, in a week that asks it."""
    column = _asked_column(holding)
    if column in responses.columns:
        return responses[column]
    versions = responses["questionnaire_version"].isin(holding).fillna(False).astype(bool)
    return versions & _in_weeks_of(responses["response_date"], holding, q)


def group_figures(
    responses: pd.DataFrame,
    excluded: pd.DataFrame | None,
    period: Period,
    centre: str,
    *,
    versions: Sequence[int] | None = None,
) -> dict:
    """The JSON twin (before disclosure rules) of one group and period.

    `responses` and `excluded` must already be filtered to the group and the period (see
    `Period.mask`); `centre` is the group's code (`hamburg` for the city). `versions`
    defaults to `versions_in(period)`. Items are those of the versions (answer items
    only, questionnaire order); each item is computed over the rows whose
    questionnaire_version contains it, so in a month with both versions Q06 counts the
    version-1 rows and Q07/Q08 the version-2 rows. Weekly figures carry no `by_weekday`:
    a weekly report must not break down finer than the week.
    """
    q = registry.questionnaire()
    versions = sorted(versions) if versions is not None else versions_in(period, q)
    total = len(responses)
    weekdays = None
    if period.cadence != "weekly":
        if total:
            days = pd.to_datetime(responses["response_date"]).dt.dayofweek
            per_day = np.bincount(days.to_numpy(dtype="int64"), minlength=7)
        else:
            per_day = np.zeros(7, dtype=np.int64)
        weekdays = {name: int(c) for name, c in zip(WEEKDAYS, per_day, strict=True)}
    masks: dict[tuple[int, ...], pd.Series] = {}
    items = {}
    for item in items_of_versions(versions, q):
        holding = tuple(v.version for v in q.versions if item.code in v.items)
        if holding not in masks:
            masks[holding] = _asked(responses, holding, q)
        if item.code in responses.columns:
            values = responses[item.code][masks[holding]]
        else:
            values = pd.Series([], dtype="Int16")
        items[item.code] = item_figures(values, item)
    return _document(
        period,
        centre,
        versions,
        total=total,
        channels=_count(responses["channel"], CHANNELS),
        excluded=(
            _count(excluded["reason"], EXCLUSION_REASONS)
            if excluded is not None and len(excluded)
            else dict.fromkeys(EXCLUSION_REASONS, 0)
        ),
        languages=_count(responses["language"], q.languages),
        weekdays=weekdays,
        items=items,
    )


def _document(
    period: Period, centre: str, versions: Sequence[int], *, total: int, channels: dict, excluded: dict,
    languages: dict, weekdays: dict | None, items: dict,
) -> dict:  # fmt: skip
    """The figures document of one group from its counts (the one place of its layout;
    `by_weekday` only for months and reviews)."""
    out: dict = {
        "schema": SCHEMA,
        "centre": centre,
        "cadence": period.cadence,
        "period": period.as_json(),
        "responses": {"total": total, **channels},
        "excluded": excluded,
        "by_language": languages,
    }
    if weekdays is not None:
        out["by_weekday"] = weekdays
    out["questionnaire_versions"] = list(versions)
    out["items"] = items
    return out


def centre_figures(
    responses: pd.DataFrame, excluded: pd.DataFrame, period: Period, centres: Sequence[str]
) -> dict[str, dict]:
    """`group_figures` of each of `centres` at once, from the period's rows of all of them:
    one count per centre, item and answer over the whole period (a week's 19 centres in
    one pass instead of 19 small frames)."""
    q = registry.questionnaire()
    versions = versions_in(period, q)
    size = len(centres)
    at = pd.Categorical(responses["centre"].astype(str), categories=list(centres)).codes.astype("int64")
    ex_at = pd.Categorical(excluded["centre"].astype(str), categories=list(centres)).codes.astype("int64")

    def tally(where: np.ndarray, index: np.ndarray = at) -> np.ndarray:
        return np.bincount(index[where & (index >= 0)], minlength=size)

    def per(values: pd.Series, keys: Sequence[str], index: np.ndarray = at) -> dict[str, np.ndarray]:
        strings = values.astype(str).to_numpy()
        return {k: tally(strings == k, index) for k in keys}

    everyone = np.ones(len(at), dtype=bool)
    total = tally(everyone)
    channels = per(responses["channel"], CHANNELS)
    languages = per(responses["language"], q.languages)
    reasons = per(excluded["reason"], EXCLUSION_REASONS, ex_at)
    if period.cadence != "weekly":
        day = pd.to_datetime(responses["response_date"]).dt.dayofweek.to_numpy(dtype="int64")
        weekdays = {name: tally(day == i) for i, name in enumerate(WEEKDAYS)}
    counts: dict[str, tuple[dict[str, np.ndarray], np.ndarray]] = {}
    for item in items_of_versions(versions, q):
        holding = tuple(v.version for v in q.versions if item.code in v.items)
        asked = _asked(responses, holding, q).to_numpy(dtype=bool)
        a = _codes(responses[item.code]) if item.code in responses.columns else np.full(len(at), -1)
        judge = (
            tally(asked & (a == item.cannot_judge)) if item.cannot_judge is not None else np.zeros(size, int)
        )
        counts[item.code] = ({str(k): tally(asked & (a == k)) for k in item.valid}, judge)
    weekly = period.cadence == "weekly"
    return {
        code: _document(
            period,
            code,
            versions,
            total=int(total[i]),
            channels={c: int(channels[c][i]) for c in CHANNELS},
            excluded={r: int(reasons[r][i]) for r in EXCLUSION_REASONS},
            languages={k: int(languages[k][i]) for k in q.languages},
            weekdays=None if weekly else {name: int(weekdays[name][i]) for name in WEEKDAYS},
            items={
                c: cell_from_counts({k: int(v[i]) for k, v in answers.items()}, int(judge[i]), q.items[c])
                for c, (answers, judge) in counts.items()
            },
        )
        for i, code in enumerate(centres)
    }


def summed_figures(parts: Sequence[dict], period: Period, centre: str) -> dict:
    """The figures of a group made of disjoint `parts` (`group_figures` of the same period):
    exactly what `group_figures` gives over the union of their rows, since every count adds
    up and shares, means and intervals come from the counts (`cell_from_counts`)."""
    q = registry.questionnaire()
    versions = versions_in(period, q)

    def add(key: str, keys: Sequence[str]) -> dict[str, int]:
        return {k: sum(p[key][k] for p in parts) for k in keys}

    items = {}
    for item in items_of_versions(versions, q):
        cells = [p["items"][item.code] for p in parts]
        counts = {str(k): sum(c["counts"][str(k)] for c in cells) for k in item.valid}
        items[item.code] = cell_from_counts(counts, sum(c.get("cannot_judge", 0) for c in cells), item)
    return _document(
        period,
        centre,
        versions,
        total=sum(p["responses"]["total"] for p in parts),
        channels=add("responses", CHANNELS),
        excluded=add("excluded", EXCLUSION_REASONS),
        languages=add("by_language", q.languages),
        weekdays=None if period.cadence == "weekly" else add("by_weekday", WEEKDAYS),
        items=items,
    )
