"""Comparisons of a group's figures with other groups and periods (significance tests of
the top-two shares) and the trend series of the charts, both from figures documents
(`pipelines.figures.groups`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from fractions import Fraction

from pipelines.core import registry
from pipelines.core.statistics import half_up, holm, newcombe, proportion_test

# --------------------------------------------------------------------------- comparisons


def _top2_counts(figure: dict | None, item: registry.Item) -> tuple[int, int] | None:
    """(successes, n) of a shown scale item, None when absent, suppressed or empty."""
    if not figure:
        return None
    cell = figure.get("items", {}).get(item.code)
    if not cell or cell.get("suppressed") or cell.get("counts") is None or not cell.get("n"):
        return None
    return sum(cell["counts"][str(c)] for c in item.top_two), cell["n"]


def _pooled(figures: Sequence[dict], item: registry.Item) -> tuple[int, int] | None:
    parts = [c for c in (_top2_counts(f, item) for f in figures) if c is not None]
    if not parts:
        return None
    return sum(x for x, _ in parts), sum(n for _, n in parts)


def comparisons(
    current: dict,
    others: dict[str, dict | list[dict] | None],
    alpha: float = 0.05,
    *,
    nested: Collection[str] = ("district", "city"),
) -> dict:
    """Compare the top-two shares of the current figures with other groups or periods.

    `others` maps a comparison name to figures of the same kind, typically
    `previous` (the group's previous period), `running_average` (a LIST of the group's
    earlier periods: their counts are pooled, i.e. the share of all their answers),
    `district` and `city` (the district's and the city's figures of the same period). A
    None value is skipped. Only scale items present, shown (not suppressed) and with
    n > 0 on both sides are compared; suppressed periods do not enter the pooled
    running average. Across the questionnaire switch only the items of both versions
    compare, since absent items are absent.

    Test (`statistics.proportion_test`): the two-sided pooled two-proportion z-test of
    x1/n1 (current top-two count / valid answers) against x2/n2 where every expected
    count of the 2x2 table is at least 5, Fisher's exact test otherwise; the row records
    which ("test": "z" or "fisher"). For the comparisons
    named in `nested` (district, city) the current group is part of the other one, so
    the two samples would overlap: the comparison is then with the REST of the other
    group (x2 - x1 of n2 - n1), the independent sample, and says so (`"against":
    "rest"`, else `"group"`); with no rest (a district of one centre) there is nothing
    to compare (`top2`, `delta` None). The p-values of one comparison are
    Holm–Bonferroni adjusted across its items (`statistics.holm`); `significant` =
    p_adjusted < alpha, and `direction` is "up"/"down" (current higher/lower) only when
    significant, else None. `n`, `top2_count` and `top2` are the compared group's valid
    answers, top-two answers and share, `delta` = current share - compared share and `delta_ci` its 95% Newcombe
    interval (`statistics.newcombe`), all from exact counts (4 decimals, half up); p is
    None when no test is possible (then not significant).
    """
    q = registry.questionnaire()
    scale_items = [q.items[c] for c in current.get("items", {}) if c in q.scale_codes]
    out: dict = {}
    for name, other in others.items():
        if other is None:
            continue
        rows: dict[str, dict] = {}
        raw: list[float | None] = []
        diffs: list[float] = []
        for item in scale_items:
            mine = _top2_counts(current, item)
            theirs = _pooled(other, item) if isinstance(other, list) else _top2_counts(other, item)
            if mine is None or theirs is None:
                continue
            (x1, n1), (x2, n2) = mine, theirs
            if name in nested:
                x2, n2 = x2 - x1, n2 - n1  # the rest of the group
                if x2 < 0 or n2 < 0 or x2 > n2:
                    raise ValueError(
                        f"comparison {name!r}, item {item.code}: the figures do not contain the current group"
                    )
            p, test = proportion_test(x1, n1, x2, n2)
            diff = Fraction(x1, n1) - Fraction(x2, n2) if n2 else None
            ci = newcombe(x1, n1, x2, n2)
            rows[item.code] = {
                "against": "rest" if name in nested else "group",
                "n": n2,
                # (the count itself: share x n would give it too; the report prints from it exactly)
                "top2_count": x2,
                "top2": half_up(Fraction(x2, n2), 4) if n2 else None,
                "delta": half_up(diff, 4) if diff is not None else None,
                "delta_ci": [half_up(ci[0], 4), half_up(ci[1], 4)] if ci else None,
                "p": p,
                "test": test,
            }
            raw.append(p)
            diffs.append(diff or 0)
        for row, adjusted, diff in zip(rows.values(), holm(raw), diffs, strict=True):
            significant = adjusted is not None and adjusted < alpha
            row["p_adjusted"] = adjusted
            row["significant"] = significant
            row["direction"] = ("up" if diff > 0 else "down") if significant and diff else None
        out[name] = rows
    return out


# --------------------------------------------------------------------------- trend


def trend(figures_by_period: Sequence[dict], items: Sequence[str]) -> list[dict]:
    """Chart series: per period (in the order given) its key, dates, responses and, per
    requested item, n and top2. n is None when the item is absent from the period; top2
    is None when absent, suppressed or not a scale item. For trends across the
    questionnaire switch pass only the items of both versions
    (`registry.questionnaire().common_items()`)."""
    out = []
    for fig in figures_by_period:
        cells = fig.get("items", {})
        row_items = {}
        for code in items:
            cell = cells.get(code)
            if cell is None:
                row_items[code] = {"n": None, "top2": None}
            else:
                top2 = None if cell.get("suppressed") else cell.get("top2")
                row_items[code] = {"n": cell.get("n"), "top2": top2}
                if cell.get("suppressed") and cell.get("suppression"):
                    # (why it is missing, for the chart's caption: too few answers or protection)
                    row_items[code]["suppression"] = cell.get("suppression")
        out.append(
            {
                "period": fig["period"]["key"],
                "start": fig["period"]["start"],
                "end": fig["period"]["end"],
                "responses": fig["responses"]["total"],
                "items": row_items,
            }
        )
    return out
