"""Rendering a report's figures document: PDF for people, CSV for spreadsheets, JSON twin.

Pure logic, no Dagster. The input is the figures document of one report (see
`shared/spec/report-figures.md`): the spec keys plus optional extra sections
(comparisons, trend, comments, ...). Everything shown is taken from the document;
this module only formats, orders and draws it. Item labels come from the
questionnaire in `config/questionnaire.yaml`.

Templates live in `reports/templates/` (Jinja2, German). Charts are SVG whose
geometry is computed here and whose markup is written by the templates
(`charts/*.svg`), so every label passes through autoescaping; they go into the
page as `<img>` with a `data:` URI and a text alternative.

Speed matters: a survey year is some 1,300 PDFs, to be rendered in minutes on
two cores. WeasyPrint's cost is per box and per line of text (a table cell, an
SVG letter), hardly per page, so the templates keep both down; `styles.css` is
parsed once per process (`render_pdf` passes it, `render_html` has no link).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gc
import io
import json
import os
import re
from pathlib import Path

from pipelines.core import periods, registry
from pipelines.figures import groups
from pipelines.reports import atomic_files
from pipelines.reports.charts import (
    SHADES,
)
from pipelines.reports.formatting import (
    REPORT_NAMES,
    fmt_date,
    fmt_decimal,
    period_name,
)
from pipelines.reports.labels import (
    area_name,
    item_label,
    ordered_codes,
)
from pipelines.reports.templates import TEMPLATES_DIR, render_html
from pipelines.reports.withheld import (
    suppression_reason,
)

EXTENSIONS = ("pdf", "csv", "json")
# The figures document's keys that the spec requires; `comments` and `meta` never
# go into the JSON twin (comments are free text, meta changes with every run).
SPEC_KEYS = ("schema", "centre", "cadence", "period", "responses", "items")
NOT_IN_TWIN = ("comments", "meta")

_CODE = re.compile(r"^[a-z][a-z0-9_-]*$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell) -> str:
    """A CSV cell that a spreadsheet must not read as a formula gets a leading `'`."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(_FORMULA_START) else text


# --------------------------------------------------------------------------- outputs


def pdf_bytes(doc: dict) -> bytes:
    """The report as a tagged PDF (title and language in its metadata)."""
    import weasyprint  # imported lazily: only rendering needs it (and it loads fonts)

    html = weasyprint.HTML(string=render_html(doc), base_url=str(TEMPLATES_DIR))
    document = html.render(font_config=_font_config(), stylesheets=[_stylesheet()], pdf_tags=True)
    data = document.write_pdf(pdf_tags=True)
    _settle_after_first_report()
    return data


def render_pdf(doc: dict, path: Path) -> None:
    """The report as a tagged PDF (title and language in its metadata)."""
    atomic_files.atomic_write(Path(path), pdf_bytes(doc))


@functools.cache
def _settle_after_first_report() -> None:
    """Once per process, after the first report: exempt what is loaded by now from GC.

    Fonts, the parsed stylesheet, compiled templates and WeasyPrint's own tables
    live as long as the process. Python's cyclic garbage collector would walk
    them again in every full collection, and a report triggers several (about
    10 % of its time). `gc.freeze()` moves them to the permanent generation;
    later garbage is collected as before.
    """
    gc.collect()
    gc.freeze()


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.cache
def _stylesheet():
    """`styles.css`, parsed once per process and shared by every report."""
    import weasyprint

    return weasyprint.CSS(filename=str(TEMPLATES_DIR / "styles.css"), font_config=_font_config())


def figures(doc: dict) -> dict:
    """The JSON twin: the document without comments and run metadata."""
    missing = [k for k in SPEC_KEYS if k not in doc]
    if missing:
        raise ValueError(f"figures document lacks {missing}")
    if doc["schema"] != groups.SCHEMA:
        raise ValueError(f"figures document has schema {doc['schema']!r}, expected {groups.SCHEMA!r}")
    return {k: v for k, v in doc.items() if k not in NOT_IN_TWIN}


def _json_default(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_bytes(doc: dict) -> bytes:
    text = (
        json.dumps(figures(doc), ensure_ascii=False, sort_keys=True, indent=2, default=_json_default) + "\n"
    )
    return text.encode("utf-8")


def write_json(doc: dict, path: Path) -> None:
    atomic_files.atomic_write(Path(path), json_bytes(doc))


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
    atomic_files.atomic_write(Path(path), csv_bytes(doc))


def report_path(root: Path, centre: str, cadence: str, period_key: str, ext: str) -> Path:
    """`<root>/<centre>/<cadence>/<period>.<ext>`; a mid-term or final report's period is its cadence."""
    if cadence not in periods.CADENCES:
        raise ValueError(f"unknown cadence {cadence!r}")
    if not _CODE.match(centre):
        raise ValueError(f"not a centre code: {centre!r}")
    ext = ext.lstrip(".")
    if ext not in EXTENSIONS:
        raise ValueError(f"unknown report extension {ext!r}")
    if cadence in periods.REVIEWS:
        period_key = cadence
    if not periods.key_fits(cadence, period_key):
        raise ValueError(f"period {period_key!r} does not fit cadence {cadence!r}")
    return Path(root) / centre / cadence / f"{period_key}.{ext}"


def write_report(doc: dict, root: Path) -> dict[str, Path]:
    """PDF, CSV and JSON twin of one report under `root`; returns the paths by extension."""
    paths = {
        ext: report_path(root, doc["centre"], doc["cadence"], doc["period"]["key"], ext) for ext in EXTENSIONS
    }
    # All three complete in memory and on disk (temporary names beside their places)
    # before any replaces its predecessor: a kill at any point leaves complete files.
    data = {"json": json_bytes(doc), "csv": csv_bytes(doc), "pdf": pdf_bytes(doc)}
    temps: dict[str, str] = {}
    try:
        for ext in EXTENSIONS:
            atomic_files.remove_stale_temp_files(paths[ext].parent, target=paths[ext].name)
            temps[ext] = atomic_files.write_temp(paths[ext], data[ext])
        for ext in EXTENSIONS:
            os.replace(temps[ext], paths[ext])
            del temps[ext]
    finally:
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)
    return paths
