"""The Jinja2 templates in `reports/templates/` (German): their environment with the
formatting filters, the charts as SVG images, and a report's HTML page and mail text.

Charts are SVG whose geometry comes from `charts.py` and whose markup is written by the
templates (`charts/*.svg`), so every label passes through autoescaping; they go into the
page as `<img>` with a `data:` URI and a text alternative.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from pipelines.reports.context import build_context
from pipelines.reports.formatting import (
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

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "reports" / "templates"
_PLACEHOLDER = re.compile(r"\[[A-ZÄÖÜ][A-ZÄÖÜ_-]*\]")


def mark_placeholders(text: str) -> Markup:
    """Escape a redacted comment, then mark its placeholders ([NAME], [TELEFON], ...)."""
    escaped = str(escape(text))
    return Markup(_PLACEHOLDER.sub(lambda m: f'<span class="placeholder">{m[0]}</span>', escaped))


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


def render_html(doc: dict) -> str:
    return environment().get_template("report.html").render(build_context(doc))


def render_email_text(doc: dict) -> str:
    """The mail body: period, responses, headline satisfaction, number of withheld items."""
    return environment().get_template("email.txt").render(build_context(doc))
