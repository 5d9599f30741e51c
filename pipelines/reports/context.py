"""The view model: everything the templates need from one figures document, in the
order and the words the report shows it, with every optional section present (None
when the document lacks it). Everything shown is taken from the document."""

from __future__ import annotations

import datetime as dt

from pipelines.core import periods, registry
from pipelines.figures import groups
from pipelines.reports.charts import SHADES, centres_chart, distribution_chart, interval_chart, trend_chart
from pipelines.reports.comparisons import comparison_table
from pipelines.reports.formatting import LOCAL_TZ, REPORT_NAMES, period_name, week_long
from pipelines.reports.labels import area_name, is_scale, ordered_codes, report_title
from pipelines.reports.rows import categorical_row, scale_row
from pipelines.reports.statements import statements
from pipelines.reports.withheld import left_out_text, reasons_text, suppression_reason, thresholds

LANGUAGES = {"de": "Deutsch", "en": "Englisch", "tr": "Türkisch"}
# A report with fewer counted questionnaires than this gets a note on small numbers.
SMALL_TOTAL = 50


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


def _heading(doc: dict) -> dict:
    """The report's title, its area and its period, as the first page names them."""
    return {
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
    }


def _sample(doc: dict) -> dict:
    """The questionnaires counted and excluded, by language and weekday, and their versions."""
    responses = doc["responses"]
    weekday = doc.get("by_weekday") or None
    return {
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
    }


def _figures(doc: dict) -> dict:
    """The items' rows and what is drawn or said from them: charts, comparisons, statements."""
    items = doc.get("items") or {}
    codes = ordered_codes(items)
    scale_rows = [scale_row(c, items[c]) for c in codes if is_scale(c, items[c])]
    categorical = [categorical_row(c, items[c]) for c in codes if not is_scale(c, items[c])]
    headline = next((r for r in scale_rows if r["code"] == registry.questionnaire().headline), None)
    comparisons = comparison_table(doc, scale_rows)
    withheld = [r for r in scale_rows + categorical if r["suppressed"]]
    overview = doc.get("centres_overview") or None
    return {
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
        "trend": trend_chart(doc.get("trend") or [], registry.questionnaire().headline),
        "overview": centres_chart(overview) if overview else None,
    }


def _comments(doc: dict) -> dict:
    """The redacted comments with their languages, or None when the report shows none."""
    return {
        "comments": [
            {"text": str(c.get("text") or ""), "language": c.get("language") or "de"} for c in doc["comments"]
        ]
        if doc.get("comments") is not None
        else None,
        "comments_note": doc.get("comments_note"),
        "languages": LANGUAGES,
    }


def build_context(doc: dict) -> dict:
    """Everything the templates need, with every optional section present (None when absent)."""
    return {
        "doc": doc,
        **_heading(doc),
        **_sample(doc),
        **_figures(doc),
        **_comments(doc),
        "footer": _footer(doc),
        "rules": thresholds(),
        "shades": SHADES,
    }
