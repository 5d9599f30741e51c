"""The items as the report's tables show them, one row each: a scale item's counts,
shares, mean and top-two share with its interval, a categorical item's answers; a
withheld item's row keeps its n and reason but no figures."""

from __future__ import annotations

from fractions import Fraction

from pipelines.core import registry
from pipelines.core.statistics import wilson
from pipelines.figures.groups import exact_scale
from pipelines.reports.charts import SHADES
from pipelines.reports.labels import answer_labels, item_label
from pipelines.reports.withheld import left_out, suppression_reason, suppression_text


def scale_row(code: str, figures: dict) -> dict:
    counts = figures.get("counts") or {}
    n = figures.get("n") or 0
    suppressed = bool(figures.get("suppressed"))
    shares = {} if suppressed or not n else {k: counts.get(k, 0) / n for k in SHADES}
    mean, top2, ci = figures.get("mean"), figures.get("top2"), figures.get("top2_ci")
    item = registry.questionnaire().items.get(code)
    if not suppressed and n and counts and item is not None and item.top_two:
        # printed from the exact counts, rounded once (the twin's 4 decimals are rounded already)
        successes, mean = exact_scale(counts, item)
        top2 = Fraction(successes, n)
        ci = list(wilson(successes, n))
    return {
        "code": code,
        "label": item_label(code),
        "n": figures.get("n"),
        "cannot_judge": figures.get("cannot_judge"),
        "counts": None if suppressed else {k: counts.get(k, 0) for k in SHADES},
        "shares": shares,
        "mean": None if suppressed else mean,
        "top2": None if suppressed else top2,
        "ci": None if suppressed else ci,
        "suppressed": suppressed,
        "suppression": figures.get("suppression"),
        "suppression_text": suppression_text(figures) if suppressed else "",
        "suppression_reason": suppression_reason(figures) if suppressed else "",
        "left_out": left_out(figures),
    }


def categorical_row(code: str, figures: dict) -> dict:
    counts = figures.get("counts") or {}
    suppressed = bool(figures.get("suppressed"))
    n = figures.get("n") or 0
    item = registry.questionnaire().items.get(code)
    keys = [str(v) for v in item.valid] if item else sorted(counts, key=lambda k: (len(k), k))
    labels = answer_labels(code, keys)
    answers = (
        []
        if suppressed
        else [
            {
                "code": k,
                "label": labels[k],
                "count": counts.get(k, 0),
                "share": Fraction(counts.get(k, 0), n) if n else None,
            }
            for k in keys
        ]
    )
    return {
        "code": code,
        "label": item_label(code),
        "n": figures.get("n"),
        "answers": answers,
        "suppressed": suppressed,
        "suppression": figures.get("suppression"),
        "suppression_text": suppression_text(figures) if suppressed else "",
        "left_out": left_out(figures),
    }
