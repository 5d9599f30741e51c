"""The Jinja2 templates in `reports/templates/` (German): the mail text (`email.txt`) and
the charts (`charts/*.svg`), with the formatting filters.

Charts are SVG whose geometry comes from `charts.py` and whose markup is written by the
templates, so every label passes through autoescaping; `report.typ` places them as
images with a text alternative (`pdf.py`, `page.py`).
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

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
# The formatting filters every template gets (also the benchmark's HTML templates).
FILTERS = dict(
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
    num=lambda v: f"{float(v):.1f}",  # SVG coordinates (also of exact shares)
)


def new_environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "svg"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


@functools.cache
def environment() -> jinja2.Environment:
    return new_environment(jinja2.FileSystemLoader(TEMPLATES_DIR))


def chart_svg(template: str, **context) -> str:
    """A chart's SVG from its template (every text autoescaped), whitespace collapsed."""
    return " ".join(environment().get_template(template).render(**context).split())


def render_email_text(doc: dict) -> str:
    """The mail body: period, responses, headline satisfaction, number of withheld items."""
    return environment().get_template("email.txt").render(build_context(doc))
