"""The former report renderer, kept for the benchmarks only: WeasyPrint from the Jinja2
HTML templates in `templates/` (as the product rendered them up to issue 12).

`bench/bench_reports.py` and `bench/bench_rendering.py` render the same documents with it
and with the product's Typst engine (`pipelines.reports.pdf`), to compare speed and look.
The view model, the formatting filters and the SVG charts (`reports/templates/charts/`)
are the product's, so both engines show the same figures. WeasyPrint is a dev
dependency (pyproject's `dev` extra) and needs Pango (scripts/system-deps.sh).

WeasyPrint's cost is per box and per line of text (a table cell, an SVG letter), hardly
per page, so the templates keep both down; `styles.css` is parsed once per process.
"""

from __future__ import annotations

import functools
import gc
import urllib.parse
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from pipelines.reports import templates
from pipelines.reports.context import build_context
from pipelines.reports.page import PLACEHOLDER

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def mark_placeholders(text: str) -> Markup:
    """Escape a redacted comment, then mark its placeholders ([NAME], [TELEFON], ...)."""
    escaped = str(escape(text))
    return Markup(PLACEHOLDER.sub(lambda m: f'<span class="placeholder">{m[0]}</span>', escaped))


@functools.cache
def environment() -> jinja2.Environment:
    """The HTML templates here, the chart templates from the product."""
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(TEMPLATES_DIR), jinja2.FileSystemLoader(templates.TEMPLATES_DIR)]
    )
    env = templates.new_environment(loader)
    env.filters["placeholders"] = mark_placeholders
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


def pdf_bytes(doc: dict) -> bytes:
    """The report as a tagged PDF (title and language in its metadata)."""
    import weasyprint  # imported lazily: only rendering needs it (and it loads fonts)

    html = weasyprint.HTML(string=render_html(doc), base_url=str(TEMPLATES_DIR))
    document = html.render(font_config=_font_config(), stylesheets=[_stylesheet()], pdf_tags=True)
    data = document.write_pdf(pdf_tags=True)
    _settle_after_first_report()
    return data


@functools.cache
def _settle_after_first_report() -> None:
    """Once per process, after the first report: exempt what is loaded by now from GC
    (fonts, stylesheet, templates live as long as the process; full collections would
    walk them again in every report, about 10 % of its time)."""
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
