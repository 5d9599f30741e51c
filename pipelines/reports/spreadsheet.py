"""The CSV for spreadsheets: one row per item, German decimals, `;`-separated, UTF-8
with BOM, and no cell that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipelines.core import periods, registry
from pipelines.reports.atomic_files import atomic_write
from pipelines.reports.charts import SHADES
from pipelines.reports.formatting import REPORT_NAMES, fmt_date, fmt_decimal, period_name
from pipelines.reports.labels import area_name, item_label, ordered_codes
from pipelines.reports.withheld import suppression_reason

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell) -> str:
    """A CSV cell that a spreadsheet must not read as a formula gets a leading `'`."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(_FORMULA_START) else text


CSV_COLUMNS = (
    "Bereich",
    "Zeitraum",
    "Frage-Code",
    "Frage",
    "n gültig",
    "kann ich nicht beurteilen",
    "Anzahl 1",
    "Anzahl 2",
    "Anzahl 3",
    "Anzahl 4",
    "Anzahl 5",
    "Mittelwert",
    "Anteil zufrieden (Top-2) in %",
    "KI unten in %",
    "KI oben in %",
    "unterdrückt",
    "Antwortcodes",
)


def _period_text(doc: dict) -> str:
    span = f"{fmt_date(doc['period']['start'])}–{fmt_date(doc['period']['end'])}"
    if doc["cadence"] in periods.REVIEWS:
        return f"{REPORT_NAMES[doc['cadence']]} ({span})"
    return f"{period_name(doc['period']['key'])} ({span})"


def csv_rows(doc: dict) -> list[list[str]]:
    """Header and one row per item, every cell a string with German decimals."""
    area, period = area_name(doc), _period_text(doc)
    items = doc["items"]
    rows = [list(CSV_COLUMNS)]
    for code in ordered_codes(items):
        f = items[code]
        suppressed = bool(f.get("suppressed"))
        counts = f.get("counts") or {}
        item = registry.questionnaire().items.get(code)
        codes = "; ".join(f"{k} = {v}" for k, v in (item.labels if item else {}).items())
        ci = f.get("top2_ci") or (None, None)
        rows.append(
            [
                area,
                period,
                code,
                item_label(code),
                "" if f.get("n") is None else str(f["n"]),
                "" if f.get("cannot_judge") is None else str(f["cannot_judge"]),
                *("" if suppressed or k not in counts else str(counts[k]) for k in SHADES),
                "" if suppressed or f.get("mean") is None else fmt_decimal(f["mean"], 2),
                *("" if suppressed or v is None else fmt_decimal(v * 100, 2) for v in (f.get("top2"), *ci)),
                f"ja ({suppression_reason(f)})" if suppressed else "nein",
                codes,
            ]
        )
    return [[neutralise(cell) for cell in row] for row in rows]


def csv_bytes(doc: dict) -> bytes:
    """`;`-separated, UTF-8 with BOM, decimal comma: opens as is in a German Excel."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", quotechar='"', lineterminator="\r\n").writerows(csv_rows(doc))
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(doc: dict, path: Path) -> None:
    """`;`-separated, UTF-8 with BOM, decimal comma: opens as is in a German Excel."""
    atomic_write(Path(path), csv_bytes(doc))
