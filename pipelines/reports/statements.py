"""The sentences on page 1: the best and the worst rated item, the significant
differences to the comparison values (or why there are none), and whether the
concern was settled."""

from __future__ import annotations

from pipelines.reports.comparisons import against
from pipelines.reports.formatting import fmt_int, fmt_percent, fmt_points


def statements(
    doc: dict, scale_rows: list[dict], categorical: list[dict], comparisons: dict | None
) -> list[dict]:
    """Three or four sentences for page 1: best and worst item, significant changes."""
    out = []
    shown = [r for r in scale_rows if r["code"] != "Q01" and r["top2"] is not None]
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
    changes = []
    if comparisons:
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
    out.extend(changes[: max(1, 4 - len(out))])
    settled = next((c for c in categorical if c["code"] == "Q02" and not c["suppressed"]), None)
    if len(out) < 4 and settled and settled["answers"]:
        yes = settled["answers"][0]
        out.append(
            {
                "mark": "",
                "text": f"{settled['label']} – „{yes['label']}“ sagten {fmt_percent(yes['share'])} "
                f"({fmt_int(yes['count'])} von {fmt_int(settled['n'])}).",
            }
        )
    return out[:4]
