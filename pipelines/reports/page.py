"""The data `reports/templates/report.typ` lays out: the view model (`context.build_context`)
with every figure already formatted in German by the filters in `formatting.py`, so the
template only places text. Everything is a string, a list, a dict, a bool or None; it
reaches Typst as JSON (`sys.inputs.data`), where strings are text, never markup.

Sections absent from the document are None; the template leaves them out.
"""

from __future__ import annotations

import re

from pipelines.reports import glyphs, templates
from pipelines.reports.charts import UNITS_PER_MM
from pipelines.reports.context import build_context
from pipelines.reports.formatting import (
    fmt_datetime,
    fmt_decimal,
    fmt_int,
    fmt_interval,
    fmt_percent,
    fmt_points,
    fmt_weekday_date,
)

PLACEHOLDER = re.compile(r"\[[A-ZÄÖÜ][A-ZÄÖÜ_-]*\]")  # [NAME], [TELEFON], ... in a redacted comment
# A run this long without a space (a pasted link, "aaaaaa…") would run over the margin:
# it gets a zero-width space as a break opportunity every so many characters.
_LONG_RUN = re.compile(r"\S{40,}")
_ZWSP = "\u200b"


def _breakable(text: str) -> str:
    return _LONG_RUN.sub(lambda m: _ZWSP.join(m[0][i : i + 20] for i in range(0, len(m[0]), 20)), text)


def placeholder_parts(text: str) -> list[dict]:
    """A redacted comment as runs of text, its placeholders ([NAME], [TELEFON], ...) marked."""
    parts, at = [], 0
    for m in PLACEHOLDER.finditer(text):
        if m.start() > at:
            parts.append({"text": text[at : m.start()], "mark": False})
        parts.append({"text": m[0], "mark": True})
        at = m.end()
    if at < len(text):
        parts.append({"text": text[at:], "mark": False})
    return parts


def _breakable_parts(parts: list[dict]) -> list[dict]:
    """Break opportunities in the text between placeholders, never inside one."""
    return [p if p["mark"] else {"text": _breakable(p["text"]), "mark": False} for p in parts]


def _mm(units: float) -> float:
    return round(units / UNITS_PER_MM, 2)


def _footer(ctx: dict) -> dict:
    f = ctx["footer"]
    stand = None
    if f["built_from"] or f["files"] is not None or f["checksum"]:
        parts = []
        if f["files"] is not None:
            parts.append(f"{fmt_int(f['files'])} Dateien")
        if f["responses"] is not None:
            parts.append(f"{fmt_int(f['responses'])} Antworten")
        if f["checksum"]:
            parts.append(f"Prüfsumme {f['checksum']}")
        stand = f"Datenstand: {f['built_from'] or ''}" + (f" ({', '.join(parts)})" if parts else "")
    return {"stand": stand, "created": f"Erstellt am {fmt_datetime(f['generated_at'])}"}


def _headline(ctx: dict) -> dict | None:
    h = ctx["headline"]
    if h is None:
        return None
    if h["suppressed"] or h["top2"] is None:
        return {"shown": False, "suppression_text": h["suppression_text"]}
    lo, hi = fmt_percent(h["ci"][0]), fmt_percent(h["ci"][1])
    alt = f"Anteil zufrieden {fmt_percent(h['top2'])}, 95-%-Vertrauensbereich {lo} bis {hi}"
    return {
        "shown": True,
        "top2": fmt_percent(h["top2"]),
        "ci": [lo, hi],
        "n": fmt_int(h["n"]),
        "cannot_judge": fmt_int(h["cannot_judge"]) if h["cannot_judge"] else None,
        "chart": {
            "svg": templates.chart_svg("charts/interval.svg", chart=ctx["interval"], title=alt),
            "alt": alt,
        },
    }


def _responses(ctx: dict) -> dict:
    r, channel = ctx["responses"], ctx["split_withheld"].get("channel", 0)
    return {
        "total": fmt_int(r["total"]),
        "tablet": fmt_int(r["tablet"]) + ("*" if channel else ""),
        "web": fmt_int(r["web"]) + ("*" if channel else ""),
        "channel_withheld": bool(channel) and channel == r["total"],
        "channel_note": fmt_int(channel) if channel and channel != r["total"] else None,
        "excluded": {k: fmt_int(v) for k, v in ctx["excluded"].items()} if ctx["excluded"] else None,
    }


def _notice(ctx: dict) -> dict | None:
    if not (ctx["small_total"] or ctx["withheld"] or ctx["left_out"]):
        return None
    return {
        "small_total": fmt_int(ctx["responses"]["total"]) if ctx["small_total"] else None,
        "withheld": [f"{w['label']}: {w['suppression_text']}" for w in ctx["withheld"]],
        "left_out": ctx["left_out"] or None,
    }


def _row_labels(chart: dict) -> list[dict]:
    """The label rows beside a bar chart's image, as high as the image's rows (in mm)."""
    return [
        {
            "text": bar["label"]["text"],
            "h": _mm(bar["label"]["height"]),
            "note": f"n = {fmt_int(bar['row']['n'])}" if "row" in bar else None,
        }
        for bar in chart["bars"]
    ]


def _bar_chart(template: str, chart: dict) -> dict:
    """A bar chart with its label rows beside it: the SVG bars, their text alternative."""
    return {
        "svg": templates.chart_svg(template, chart=chart),
        "alt": f"{chart['title']}: {chart['desc']}",
        "rows": _row_labels(chart),
    }


def _scale_row(row: dict, headline_code: str | None) -> dict:
    out = {
        "label": row["label"],
        "headline": row["code"] == headline_code,
        "suppressed": row["suppressed"],
        "n": fmt_int(row["n"]),
        "cannot_judge": fmt_int(row["cannot_judge"]),
        "reason": row["suppression_reason"],
    }
    if not row["suppressed"]:
        ci = row["ci"]
        out |= {
            "counts": [fmt_int(v) for v in row["counts"].values()],
            "left_out": row["left_out"] or None,
            "mean": fmt_decimal(row["mean"]),
            "top2": fmt_percent(row["top2"]),
            "ci": f"{fmt_decimal(ci[0] * 100, 1)}–{fmt_percent(ci[1])}" if ci else "–",
        }
    return out


def _items(ctx: dict) -> dict | None:
    chart = ctx["distribution"]
    if chart is None:
        return None
    headline = ctx["headline"]["code"] if ctx["headline"] else None
    return {
        "legend": [{"code": e["code"], "fill": e["fill"], "text": e["text"]} for e in chart["legend"]],
        "chart": _bar_chart("charts/distribution.svg", chart),
        "rows": [_scale_row(r, headline) for r in ctx["scale_rows"]],
        "left_out": bool(ctx["left_out"]),
    }


def _overview(ctx: dict) -> dict | None:
    chart = ctx["overview"]
    if chart is None:
        return None
    return {
        "chart": _bar_chart("charts/centres.svg", chart),
        "rows": [
            {
                "name": r["name"],
                "responses": fmt_int(r["responses"]),
                "top2": None if r["suppressed"] else fmt_percent(r["top2"]),
            }
            for r in chart["rows"]
        ],
    }


def _trend(ctx: dict) -> dict | None:
    chart = ctx["trend"]
    if chart is None:
        return None
    return {
        "svg": templates.chart_svg("charts/trend.svg", chart=chart),
        "alt": f"{chart['title']}: {chart['desc']}",
        "label": chart["label"],
        "unit": "Woche" if ctx["doc"]["cadence"] == "weekly" else "Monat",
        "current": chart["last"]["top2"] is not None,
        "gaps": fmt_int(chart["gaps"]) if chart["gaps"] else None,
        "gaps_one": chart["gaps"] == 1,
        "gap_reasons": chart["gap_reasons"],
    }


def _comparison_cell(cell: dict) -> dict:
    if cell["direction"] == "up":
        verdict = "▲ höher"
    elif cell["direction"] == "down":
        verdict = "▼ niedriger"
    elif cell["tested"]:
        verdict = "nicht signifikant"
    else:
        verdict = "kein Test möglich" if cell["comparable"] else "nicht vergleichbar"
    return {
        "value": fmt_percent(cell["value"]) if cell["value"] is not None else None,
        "verdict": verdict,
        "significant": cell["direction"] is not None,
        "delta": fmt_points(cell["delta"]) if cell["delta"] is not None else None,
        "ci": f"[{fmt_interval(cell['ci'])}]" if cell["delta"] is not None and cell["ci"] else None,
    }


def _comparisons(ctx: dict) -> dict | None:
    table = ctx["comparisons"]
    if not table:
        return None
    return {
        "columns": [c["heading"] for c in table["columns"]],
        "rows": [
            {
                "label": line["row"]["label"],
                "now": None if line["row"]["suppressed"] else fmt_percent(line["row"]["top2"]),
                "cells": [_comparison_cell(c) for c in line["cells"]],
            }
            for line in table["rows"]
        ],
    }


def _categorical(ctx: dict) -> list[dict] | None:
    if not ctx["categorical"]:
        return None
    return [
        {
            "label": item["label"],
            "n": fmt_int(item["n"]),
            "suppression_text": item["suppression_text"] if item["suppressed"] else None,
            "answers": [
                {
                    "label": a["label"],
                    "count": fmt_int(a["count"]),
                    "share": fmt_percent(a["share"]),
                    "bar": float(a["share"] or 0),
                }
                for a in item["answers"]
            ],
        }
        for item in ctx["categorical"]
    ]


def _sample(ctx: dict) -> dict | None:
    split = ctx["split_withheld"]
    if not (ctx["by_language"] or ctx["by_weekday"] or ctx["versions"]):
        return None
    return {
        "by_language": [{"label": x["label"], "count": fmt_int(x["count"])} for x in ctx["by_language"]]
        if ctx["by_language"]
        else None,
        "language_withheld": fmt_int(split["language"]) if split.get("language", 0) else None,
        "by_weekday": [{"label": x["key"], "count": fmt_int(x["count"])} for x in ctx["by_weekday"]]
        if ctx["by_weekday"]
        else None,
        "weekday_withheld": fmt_int(split["weekday"]) if split.get("weekday", 0) else None,
        "versions": [str(v) for v in ctx["versions"]] if ctx["versions"] else None,
    }


def _comments(ctx: dict) -> dict:
    comments = ctx["comments"]
    return {
        "list": [
            {
                "parts": _breakable_parts(placeholder_parts(c["text"])),
                # a BCP 47 primary tag for Typst's `text(lang: ..)`; anything else stays German
                "lang": c["language"] if re.fullmatch(r"[a-z]{2,3}", c["language"]) else "de",
                "language": None
                if c["language"] == "de"
                else ctx["languages"].get(c["language"], c["language"]),
            }
            for c in comments
        ]
        if comments is not None
        else None,
        "note": ctx["comments_note"] or None,
    }


def page_data(doc: dict) -> dict:
    """Everything `report.typ` shows of one figures document, formatted (characters the
    fonts lack replaced: `glyphs`)."""
    ctx = build_context(glyphs.drawable_values(doc))
    period = ctx["period"]
    return {
        "title": ctx["title"],
        "subtitle": (f"{ctx['period_long']}: " if ctx["period_long"] else "")
        + f"{fmt_weekday_date(period['start'])} bis {fmt_weekday_date(period['end'])}"
        + (
            " · alle Kundenzentren"
            if ctx["is_city"]
            else f" · Bezirk {ctx['district']}"
            if ctx["district"]
            else ""
        ),
        "period_word": ctx["period_word"],
        "footer": _footer(ctx),
        "headline": _headline(ctx),
        "responses": _responses(ctx),
        "statements": [{"mark": s.get("mark"), "text": s["text"]} for s in ctx["statements"]],
        "notice": _notice(ctx),
        "items": _items(ctx),
        "overview": _overview(ctx),
        "trend": _trend(ctx),
        "comparisons": _comparisons(ctx),
        "categorical": _categorical(ctx),
        "sample": _sample(ctx),
        "comments": _comments(ctx),
        "rules": {k: fmt_int(v) for k, v in ctx["rules"].items()},
    }
