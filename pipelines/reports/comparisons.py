"""The comparison table: each scale item's top-two share beside those of the previous
period, the running average, the district and the city, with the difference, its
interval and whether it is significant."""

from __future__ import annotations

from fractions import Fraction

from pipelines.core.statistics import newcombe
from pipelines.reports.formatting import period_name

COMPARISON_ORDER = ("previous", "running_average", "district", "city")


def _comparison_heading(key: str, block: dict, doc: dict) -> str:
    if key == "previous":
        word = {"weekly": "Vorwoche", "monthly": "Vormonat"}.get(doc["cadence"], "Vorperiode")
        return f"{word} ({period_name(block['period'])})" if block.get("period") else word
    if key == "running_average":
        return "bisheriger Durchschnitt"
    if key == "district":
        # (compared with the district's other centres: the own one is not part of the sample)
        name = str(block.get("name") or "")
        return f"übrige Zentren im {name if name.startswith('Bezirk') else f'Bezirk {name}'.strip()}"
    if key == "city":
        return "übrige Zentren der Stadt"
    return block.get("name") or key


def against(key: str, heading: str, cadence: str) -> str:
    """`als in der Vorwoche (KW 37/2020)`, `als im Bezirk Altona`, ... for a sentence."""
    if key == "previous":
        return f"als {'im' if cadence == 'monthly' else 'in der'} {heading}"
    if key == "running_average":
        return "als im bisherigen Durchschnitt"
    if key == "district":
        return f"als in den {heading.replace('übrige', 'übrigen', 1)}"
    if key == "city":
        return "als in den übrigen Zentren der Stadt"
    return f"als bei {heading}"


def _direction(cell: dict) -> str | None:
    if not cell.get("significant"):
        return None
    direction = cell.get("direction")
    if direction in ("up", "down"):
        return direction
    delta = cell.get("delta")
    return None if not delta else "up" if delta > 0 else "down"


def comparison_table(doc: dict, scale_rows: list[dict]) -> dict | None:
    blocks = doc.get("comparisons") or {}
    keys = [k for k in COMPARISON_ORDER if k in blocks] + sorted(
        k for k in blocks if k not in COMPARISON_ORDER
    )
    if not keys:
        return None
    columns = [{"key": k, "heading": _comparison_heading(k, blocks[k], doc)} for k in keys]
    rows = []
    for row in scale_rows:
        cells = []
        for k in keys:
            cell = (blocks[k].get("items") or {}).get(row["code"])
            if cell is None:
                cells.append(
                    {
                        "value": None,
                        "delta": None,
                        "ci": None,
                        "direction": None,
                        "comparable": False,
                        "tested": False,
                    }
                )
                continue
            # A withheld item's row shows no figures at all, not even the comparison group's.
            comparable = not row["suppressed"] and cell.get("delta") is not None
            # (a test needs a p-value: none where a group is empty or all answers agree)
            p = cell.get("p_adjusted", cell.get("p"))
            value, delta, ci = cell.get("top2"), cell.get("delta"), cell.get("delta_ci")
            if comparable and isinstance(row["top2"], Fraction) and cell.get("top2_count") is not None:
                # printed from the exact counts, rounded once (the twin's 4 decimals are rounded already)
                n1, x2, n2 = row["n"], cell["top2_count"], cell["n"]
                x1 = int(row["top2"] * n1)
                value, delta, ci = Fraction(x2, n2), row["top2"] - Fraction(x2, n2), newcombe(x1, n1, x2, n2)
            cells.append(
                {
                    "value": None if row["suppressed"] else value,
                    "delta": delta if comparable else None,
                    "ci": ci if comparable else None,
                    "direction": _direction(cell) if comparable else None,
                    "comparable": comparable,
                    "tested": comparable and p is not None,
                }
            )
        rows.append({"row": row, "cells": cells})
    return {"columns": columns, "rows": rows}
