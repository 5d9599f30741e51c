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
import urllib.parse
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from pipelines.core import periods, registry
from pipelines.figures import groups
from pipelines.reports import atomic_files
from pipelines.reports.charts import (
    SHADES,
    centres_chart,
    distribution_chart,
    interval_chart,
    trend_chart,
)
from pipelines.reports.comparisons import comparison_table
from pipelines.reports.formatting import (
    LOCAL_TZ,
    REPORT_NAMES,
    fmt_date,
    fmt_datetime,
    fmt_decimal,
    fmt_int,
    fmt_interval,
    fmt_percent,
    fmt_points,
    fmt_weekday_date,
    period_name,
    week_long,
)
from pipelines.reports.labels import (
    area_name,
    is_scale,
    item_label,
    ordered_codes,
    report_title,
)
from pipelines.reports.rows import categorical_row, scale_row
from pipelines.reports.statements import statements
from pipelines.reports.withheld import (
    left_out_text,
    reasons_text,
    suppression_reason,
    thresholds,
)

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "reports" / "templates"
EXTENSIONS = ("pdf", "csv", "json")
# The figures document's keys that the spec requires; `comments` and `meta` never
# go into the JSON twin (comments are free text, meta changes with every run).
SPEC_KEYS = ("schema", "centre", "cadence", "period", "responses", "items")
NOT_IN_TWIN = ("comments", "meta")

LANGUAGES = {"de": "Deutsch", "en": "Englisch", "tr": "Türkisch"}
# A report with fewer counted questionnaires than this gets a note on small numbers.
SMALL_TOTAL = 50

_CODE = re.compile(r"^[a-z][a-z0-9_-]*$")
_PLACEHOLDER = re.compile(r"\[[A-ZÄÖÜ][A-ZÄÖÜ_-]*\]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def mark_placeholders(text: str) -> Markup:
    """Escape a redacted comment, then mark its placeholders ([NAME], [TELEFON], ...)."""
    escaped = str(escape(text))
    return Markup(_PLACEHOLDER.sub(lambda m: f'<span class="placeholder">{m[0]}</span>', escaped))


def neutralise(cell) -> str:
    """A CSV cell that a spreadsheet must not read as a formula gets a leading `'`."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(_FORMULA_START) else text


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "svg"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        percent=fmt_percent,
        decimal=fmt_decimal,
        thousands=fmt_int,
        points=fmt_points,
        interval=fmt_interval,
        date=fmt_date,
        weekday_date=fmt_weekday_date,
        datetime=fmt_datetime,
        kw=week_long,
        period=period_name,
        placeholders=mark_placeholders,
        num=lambda v: f"{float(v):.1f}",  # SVG coordinates (also of exact shares)
    )
    env.globals["svg_uri"] = functools.partial(_svg_uri, env)
    return env


def _svg_uri(env: jinja2.Environment, template: str, **context) -> str:
    """A chart rendered from its SVG template (autoescaped) as a `data:` URI for `<img src>`.

    Charts go into the page as images rather than inline `<svg>`: WeasyPrint then
    reads them with the XML parser instead of styling every SVG element as HTML.
    The percent-encoding leaves no quote, `<`, `&`, `#` or `,` in the attribute.
    """
    svg = env.get_template(template).render(**context)
    return "data:image/svg+xml;charset=utf-8," + urllib.parse.quote(" ".join(svg.split()), safe="/=.")


def _footer(doc: dict) -> dict:
    """Data snapshot and creation time; without `meta.generated_at` the time is now."""
    snapshot = doc.get("snapshot") or {}
    generated = (doc.get("meta") or {}).get("generated_at") or dt.datetime.now(LOCAL_TZ).isoformat()
    return {
        "built_from": snapshot.get("built_from"),
        "files": snapshot.get("files"),
        "responses": snapshot.get("responses"),
        "checksum": str(snapshot.get("ledger_sha256") or "")[:12],
        "generated_at": generated,
    }


def build_context(doc: dict) -> dict:
    """Everything the templates need, with every optional section present (None when absent)."""
    items = doc.get("items") or {}
    codes = ordered_codes(items)
    scale_rows = [scale_row(c, items[c]) for c in codes if is_scale(c, items[c])]
    categorical = [categorical_row(c, items[c]) for c in codes if not is_scale(c, items[c])]
    headline = next((r for r in scale_rows if r["code"] == "Q01"), None)
    comparisons = comparison_table(doc, scale_rows)
    withheld = [r for r in scale_rows + categorical if r["suppressed"]]
    overview = doc.get("centres_overview") or None
    responses = doc["responses"]
    weekday = doc.get("by_weekday") or None
    return {
        "doc": doc,
        "title": report_title(doc),
        "report_name": REPORT_NAMES.get(doc["cadence"], "Bericht"),
        "area": area_name(doc),
        "is_city": doc["centre"] == registry.registry().city_code,
        "district": doc.get("district"),
        "period": doc["period"],
        "period_label": period_name(doc["period"]["key"]) if doc["cadence"] not in periods.REVIEWS else None,
        "period_long": week_long(doc["period"]["key"]) if doc["cadence"] == "weekly" else None,
        "period_word": {"weekly": "dieser Woche", "monthly": "diesem Monat"}.get(
            doc["cadence"], "diesem Zeitraum"
        ),
        "responses": responses,
        "small_total": (responses.get("total") or 0) < SMALL_TOTAL,
        "excluded": {k: (doc["excluded"].get(k) or 0) for k in ("misuse", "unfinished")}
        if doc.get("excluded")
        else None,
        "by_language": [
            {"code": k, "label": LANGUAGES.get(k, k), "count": v}
            for k, v in (doc.get("by_language") or {}).items()
        ]
        if sum((doc.get("by_language") or {}).values())
        else None,
        # responses not broken down by channel, language or weekday (pipelines.figures.disclosure)
        "split_withheld": doc.get("breakdowns_withheld") or {},
        "by_weekday": [{"key": k, "count": weekday.get(k, 0)} for k in groups.WEEKDAYS]
        if weekday and sum(weekday.values())
        else None,
        "versions": doc.get("questionnaire_versions"),
        "headline": headline,
        "interval": interval_chart(headline["top2"], headline["ci"])
        if headline and headline["top2"] is not None
        else None,
        "scale_rows": scale_rows,
        "distribution": distribution_chart(scale_rows) if scale_rows else None,
        "categorical": categorical,
        "withheld": withheld,
        "withheld_reasons": reasons_text([suppression_reason(r) for r in withheld]),
        "left_out": left_out_text(scale_rows + categorical),
        "comparisons": comparisons,
        "statements": statements(doc, scale_rows, categorical, comparisons),
        "trend": trend_chart(doc.get("trend") or []),
        "overview": centres_chart(overview) if overview else None,
        "comments": [
            {"text": str(c.get("text") or ""), "language": c.get("language") or "de"} for c in doc["comments"]
        ]
        if doc.get("comments") is not None
        else None,
        "comments_note": doc.get("comments_note"),
        "languages": LANGUAGES,
        "footer": _footer(doc),
        "rules": thresholds(),
        "shades": SHADES,
    }


# --------------------------------------------------------------------------- outputs


def render_html(doc: dict) -> str:
    return environment().get_template("report.html").render(build_context(doc))


def render_email_text(doc: dict) -> str:
    """The mail body: period, responses, headline satisfaction, number of withheld items."""
    return environment().get_template("email.txt").render(build_context(doc))


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
