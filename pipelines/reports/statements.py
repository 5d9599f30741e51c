"""The sentences on page 1: the best and the worst rated item, the significant
differences to the comparison values (or why there are none), and whether the
concern was settled."""

from __future__ import annotations

from pipelines.core import registry
from pipelines.reports.comparisons import against
from pipelines.reports.formatting import fmt_int, fmt_percent, fmt_points


def _best_and_worst(scale_rows: list[dict]) -> list[dict]:
    """The best and the worst rated item besides the headline, when two are shown."""
    out = []
    headline = registry.questionnaire().headline
    shown = [r for r in scale_rows if r["code"] != headline and r["top2"] is not None]
    if len(shown) >= 2:
        best = max(shown, key=lambda r: (r["top2"], r["label"]))
        worst = min(shown, key=lambda r: (r["top2"], r["label"]))
        out.append(
            {
                "mark": "",
                "text": f"Am besten bewertet: {best['label']} – {fmt_percent(best['top2'])} zufrieden.",
            }
        )
        if worst is not best:
            out.append(
                {
                    "mark": "",
                    "text": f"Am schwächsten bewertet: {worst['label']} – "
                    f"{fmt_percent(worst['top2'])} zufrieden.",
                }
            )
    return out


def _significant(doc: dict, comparisons: dict) -> list[dict]:
    """One sentence per significant difference, comparison by comparison."""
    changes = []
    for ci, column in enumerate(comparisons["columns"]):
        what = column["heading"]
        for line in comparisons["rows"]:
            cell = line["cells"][ci]
            if cell["direction"]:
                verb = "signifikant besser" if cell["direction"] == "up" else "signifikant schlechter"
                phrase = f"{verb} {against(column['key'], what, doc['cadence'])}"
                changes.append(
                    {
                        "mark": "▲" if cell["direction"] == "up" else "▼",
                        "text": f"{line['row']['label']}: {phrase}, {fmt_points(cell['delta'])}",
                    }
                )
    return changes


def _changes(doc: dict, comparisons: dict) -> list[dict]:
    """The significant differences; without any, which comparisons were tested, or that
    none could be."""
    changes = _significant(doc, comparisons)
    tested = [
        c["heading"]
        for ci, c in enumerate(comparisons["columns"])
        if any(line["cells"][ci]["tested"] for line in comparisons["rows"])
    ]
    if not changes and tested:
        changes.append(
            {
                "mark": "",
                "text": f"Keine signifikanten Unterschiede zu den Vergleichswerten ({', '.join(tested)}).",
            }
        )
    elif not changes:
        # nothing could be tested: say so, not "no differences"
        changes.append(
            {
                "mark": "",
                "text": "Unterschiede zu den Vergleichswerten ließen sich nicht prüfen: "
                "zu wenige vergleichbare Antworten.",
            }
        )
    return changes


def _settled(categorical: list[dict]) -> dict | None:
    """How many said their concern was settled (the questionnaire's `settled` item), unless
    withheld or unanswered."""
    code = registry.questionnaire().settled
    settled = next((c for c in categorical if c["code"] == code and not c["suppressed"]), None)
    if not (settled and settled["answers"]):
        return None
    yes = settled["answers"][0]
    return {
        "mark": "",
        "text": f"{settled['label']} – „{yes['label']}“ sagten {fmt_percent(yes['share'])} "
        f"({fmt_int(yes['count'])} von {fmt_int(settled['n'])}).",
    }


def statements(
    doc: dict, scale_rows: list[dict], categorical: list[dict], comparisons: dict | None
) -> list[dict]:
    """Three or four sentences for page 1: best and worst item, significant changes."""
    out = _best_and_worst(scale_rows)
    changes = _changes(doc, comparisons) if comparisons else []
    out.extend(changes[: max(1, 4 - len(out))])
    if len(out) < 4 and (settled := _settled(categorical)):
        out.append(settled)
    return out[:4]
