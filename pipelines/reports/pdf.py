"""A report as a tagged PDF, rendered by WeasyPrint from the HTML page.

Speed matters: a survey year is some 1,300 PDFs, to be rendered in minutes on
two cores. WeasyPrint's cost is per box and per line of text (a table cell, an
SVG letter), hardly per page, so the templates keep both down; `styles.css` is
parsed once per process (`render_pdf` passes it, `render_html` has no link).
"""

from __future__ import annotations

import functools
import gc
from pathlib import Path

from pipelines.reports.atomic_files import atomic_write
from pipelines.reports.templates import TEMPLATES_DIR, render_html


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
    atomic_write(Path(path), pdf_bytes(doc))


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
