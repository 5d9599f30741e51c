"""The charts' geometry: coordinates, bars, ticks, legends and text alternatives in SVG
user units, for the SVG templates in `reports/templates/charts/` to draw (every text
escaped there). Four charts: the headline share with its interval, the distribution of
answers per item, the trend of the headline share, and the centres of a city report."""

from __future__ import annotations

from pipelines.core import periods, registry
from pipelines.reports.formatting import fmt_date, fmt_percent, period_name, period_short
from pipelines.reports.labels import item_label
from pipelines.reports.withheld import gap_reason, reasons_text

# Scale answers 1..5 from "sehr zufrieden" to "sehr unzufrieden": dark to light
# grey, the last one hatched, so the order survives black-and-white printing.
SHADES = {"1": "#1f1f1f", "2": "#5c5c5c", "3": "#9e9e9e", "4": "#d4d4d4", "5": "#ffffff"}
INK_ON = {"1": "ink-light", "2": "ink-light", "3": "ink-dark", "4": "ink-dark", "5": "ink-dark"}

# Bar charts with many labels (distribution per item, centres overview) are
# drawn in two parts: the labels are text of the page in rows of fixed height
# (`row-chart` in reports/templates/style.typ), the bars an SVG image beside them
# whose rows have the same height; so labels wrap and read like the page's text.
# 1 SVG user unit = 0.25 mm; the template gives the bar images their width in mm.
UNITS_PER_MM = 4.0
LABEL_LINE = 12.0  # one line of label text (3 mm)
LABEL_CHARS = 40  # wrap labels at about this many characters (64 mm of 7.8 pt text)


def _label_lines(label: str) -> list[str]:
    """A label broken into lines for a chart row: `Räumlichkeiten:` / `Orientierung ...`."""
    if len(label) <= LABEL_CHARS:
        return [label]
    head, sep, tail = label.partition(": ")
    if sep and len(head) < LABEL_CHARS and len(tail) <= LABEL_CHARS:
        return [head + ":", tail]
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LABEL_CHARS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _label_row(lines: list[str], pitch: float) -> dict:
    """Height of a chart row (SVG units; report.typ centres the label in it) and, as CSS, for
    the benchmark's HTML layout (bench/weasyprint_engine)."""
    height = max(pitch, len(lines) * LABEL_LINE + 2)
    pad = (height - len(lines) * LABEL_LINE) / 2
    note_pad = (height - LABEL_LINE) / 2
    mm = UNITS_PER_MM
    return {
        "lines": lines,
        "text": "\n".join(lines),
        "height": height,
        # the usual rows have a class; any other gets its height as a style
        "cls": f"r{len(lines)}" if height == pitch and len(lines) <= 2 else "",
        "style": f"height: {height / mm:.2f}mm; padding-top: {pad / mm:.2f}mm",
        "note_style": f"height: {height / mm:.2f}mm; padding-top: {note_pad / mm:.2f}mm",
    }


def distribution_chart(rows: list[dict]) -> dict:
    """100 % stacked bars, one per scale item, in rows of 6.5 mm (26 units)."""
    width, bar_h, pitch = 100 * UNITS_PER_MM, 18.0, 26.0
    bars, y = [], 0.0
    for row in rows:
        label = _label_row(_label_lines(row["label"]), pitch)
        top = y + (label["height"] - bar_h) / 2
        segments, x = [], 0.0
        for k, share in row["shares"].items():
            w = share * width
            segments.append(
                {
                    "x": x,
                    "w": w,
                    "fill": SHADES[k],
                    "ink": INK_ON[k],
                    "code": k,
                    "text": fmt_percent(share, 0) if share >= 0.07 else "",
                    "hatch": k == "5",
                }
            )
            x += w
        bars.append({"y": top, "h": bar_h, "label": label, "segments": segments, "row": row})
        y += label["height"]
    first = registry.questionnaire().items.get(rows[0]["code"])
    scale = first.labels if first else {}
    legend = [
        {"code": k, "fill": SHADES[k], "text": f"{k} = {scale.get(int(k), k)}", "hatch": k == "5"}
        for k in SHADES
    ]
    desc = "; ".join(
        f"{r['label']}: "
        + (
            r["suppression_text"]
            if r["suppressed"]
            else ", ".join(f"{scale.get(int(k), k)} {fmt_percent(s, 0)}" for k, s in r["shares"].items())
        )
        for r in rows
    )
    return {
        "width": width,
        "height": y,
        "bar_w": width,
        "bars": bars,
        "legend": legend,
        "title": "Verteilung der Antworten je Frage, Anteile unter den gültigen Antworten",
        "desc": desc,
    }


def _trend_points(trend: list[dict], code: str, xs: list[float], top: float, plot_h: float):
    """One point per period (y None where withheld, with the reason) and the line's
    segments between the gaps, as (x, y) pairs."""
    points, segments, current = [], [], []
    for x, entry in zip(xs, trend, strict=True):
        figures = (entry.get("items") or {}).get(code) or {}
        top2 = figures.get("top2")
        if top2 is None:
            points.append(
                {"x": x, "y": None, "key": entry["period"], "top2": None, "reason": gap_reason(figures)}
            )
            if current:
                segments.append(current)
                current = []
            continue
        y = top + (1 - top2) * plot_h
        points.append({"x": x, "y": y, "key": entry["period"], "top2": top2, "n": figures.get("n")})
        current.append((x, y))
    if current:
        segments.append(current)
    return points, segments


def _trend_ticks(points: list[dict], step: float) -> list[dict]:
    """Axis labels at every n-th period (n for at most 13 labels) and at the last; the one
    before the last goes when the two would crowd."""
    count = len(points)
    every = max(1, -(-count // 13))
    ticks = [
        {"x": p["x"], "text": period_short(p["key"])}
        for i, p in enumerate(points)
        if i % every == 0 or i == count - 1
    ]
    if len(ticks) > 1 and ticks[-1]["x"] - ticks[-2]["x"] < step * every * 0.6:
        del ticks[-2]
    return ticks


def _version_switch(points: list[dict], step: float, plot_right: float) -> dict | None:
    """The line marking where the questionnaire's latest version began, if the chart
    spans that date; its label stands on the side with room."""
    versions = registry.questionnaire().versions
    starts = [periods.key_start(p["key"]) for p in points]
    if not (
        len(versions) > 1
        and len(points) > 1
        and None not in starts
        and starts[0] < versions[-1].valid_from <= starts[-1]
    ):
        return None
    # The line goes before the first period of the new version, or through the period it began in.
    since = versions[-1].valid_from
    i = max(j for j, start in enumerate(starts) if start <= since)
    x = points[i]["x"] - step / 2 if starts[i] == since else points[i]["x"]
    return {
        "x": x,
        "text": f"Fragebogen {versions[-1].version} ab {fmt_date(since)}",
        "anchor": "end" if x > plot_right - 150 else "start",
        "text_x": x - 4 if x > plot_right - 150 else x + 4,
    }


def trend_chart(trend: list[dict], code: str) -> dict | None:
    """A line of one item's top-two share over the periods so far; gaps where withheld."""
    if not trend:
        return None
    width, height, left, right, top, bottom = 680.0, 155.0, 46.0, 16.0, 14.0, 24.0
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(trend)
    step = plot_w / max(count - 1, 1)
    xs = [left + (i * step if count > 1 else plot_w / 2) for i in range(count)]
    points, segments = _trend_points(trend, code, xs, top, plot_h)
    grid = [{"y": top + (1 - v) * plot_h, "text": fmt_percent(v, 0)} for v in (0, 0.25, 0.5, 0.75, 1)]
    desc = "; ".join(
        f"{period_name(p['key'])}: {fmt_percent(p['top2']) if p['top2'] is not None else 'nicht ausgewiesen'}"
        for p in points
    )
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": top + plot_h,
        "points": points,
        "lines": [" ".join(f"{x:.1f},{y:.1f}" for x, y in seg) for seg in segments],
        "ticks": _trend_ticks(points, step),
        "grid": grid,
        "switch": _version_switch(points, step, width - right),
        "last": points[-1],
        "gaps": sum(1 for p in points if p["top2"] is None),
        "gap_reasons": reasons_text([p["reason"] for p in points if p["top2"] is None]),
        "title": f"{item_label(code)}: Anteil zufrieden (Top-2) je Zeitraum seit Beginn der Befragung",
        "desc": desc,
        "label": item_label(code),
    }


def interval_chart(top2: float, ci) -> dict:
    """Page 1: the headline share as a point on 0-100 % with its interval."""
    width, left, right = 320.0, 14.0, 296.0
    span = right - left
    lo, hi = ci if ci else (top2, top2)
    return {
        "width": width,
        "height": 38.0,
        "left": left,
        "right": right,
        "x": left + top2 * span,
        "lo": left + lo * span,
        "hi": left + hi * span,
        "ticks": [{"x": left + v * span, "text": fmt_percent(v, 0)} for v in (0, 0.25, 0.5, 0.75, 1)],
    }


def centres_chart(overview: list[dict]) -> dict:
    """One bar per centre, best first, in rows of 5 mm (20 units); withheld ones last."""
    rows = [
        {
            "centre": r.get("centre"),
            "name": r.get("name") or r.get("centre") or "",
            "responses": r.get("responses"),
            "top2": None if r.get("suppressed") else r.get("top2"),
            "suppressed": bool(r.get("suppressed")) or r.get("top2") is None,
        }
        for r in overview
    ]
    rows.sort(key=lambda r: (r["suppressed"], -(r["top2"] or 0), r["name"]))
    width, bar_h, pitch, left, right_w = 100 * UNITS_PER_MM, 14.0, 20.0, 12.0, 46.0
    bar_w = width - left - right_w
    bars, y = [], 0.0
    for r in rows:
        label = _label_row(_label_lines(r["name"]), pitch)
        bars.append(
            {
                "y": y + (label["height"] - bar_h) / 2,
                "h": bar_h,
                "label": label,
                "name": r["name"],
                "w": (r["top2"] or 0) * bar_w,
                "top2": r["top2"],
                "suppressed": r["suppressed"],
            }
        )
        y += label["height"]
    grid = [{"x": left + v * bar_w, "text": fmt_percent(v, 0)} for v in (0, 0.25, 0.5, 0.75, 1)]
    desc = "; ".join(
        f"{b['name']}: {'unterdrückt' if b['suppressed'] else fmt_percent(b['top2'])}" for b in bars
    )
    return {
        "width": width,
        "height": y + 18,
        "left": left,
        "bar_w": bar_w,
        "bars": bars,
        "grid": grid,
        "axis_y": y,
        "title": "Gesamtzufriedenheit (Top-2) je Kundenzentrum, absteigend sortiert",
        "desc": desc,
        "rows": rows,
    }
