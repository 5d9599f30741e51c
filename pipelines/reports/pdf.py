"""A report as an accessible PDF (PDF/UA-1), typeset by Typst (typst-py) from
`reports/templates/report.typ` and the data of `page.py`.

Speed matters: a survey year is some 1,300 PDFs. Each process keeps one
`typst.Compiler`: fonts are loaded and the templates parsed once, and Typst's
memoisation carries over from one report to the next (a report takes some tens
of milliseconds). The data goes in as JSON through `sys.inputs`, so no text of a
document is ever read as Typst markup.

Only the fonts in `reports/fonts/` are used, never the system's: the same PDF on
every machine, and nothing is downloaded. A character they cannot draw is replaced
before it gets here (`glyphs.py`): PDF/UA-1 would refuse the report.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
from pathlib import Path

from pipelines.reports.atomic_files import atomic_write
from pipelines.reports.page import page_data
from pipelines.reports.templates import TEMPLATES_DIR

FONTS_DIR = TEMPLATES_DIR.parent / "fonts"
MAIN = TEMPLATES_DIR / "report.typ"


_COMPILING = threading.Lock()  # a Compiler serves one compile at a time ("Already borrowed")


@functools.cache
def compiler():
    """This process's compiler (the first call loads fonts and templates); `pdf_bytes`
    lets one thread at a time use it."""
    import typst  # imported lazily: only rendering needs it

    return typst.Compiler(
        str(MAIN), root=str(TEMPLATES_DIR), font_paths=[str(FONTS_DIR)], ignore_system_fonts=True
    )


def typst_inputs(doc: dict) -> dict[str, str]:
    """What `report.typ` reads from `sys.inputs`."""
    return {"data": json.dumps(page_data(doc), ensure_ascii=False)}


def _timestamp(doc: dict) -> dt.datetime | None:
    """The report's creation time (`meta.generated_at`): the same document gives the same PDF."""
    generated = (doc.get("meta") or {}).get("generated_at")
    if not generated:
        return None
    stamp = dt.datetime.fromisoformat(generated)
    # (the report builder writes UTC; an older or hand-written document may have no zone)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def pdf_bytes(doc: dict) -> bytes:
    """The report as a tagged PDF/UA-1 (title and language in its metadata)."""
    inputs, stamp = typst_inputs(doc), _timestamp(doc)
    with _COMPILING:
        try:
            return compiler().compile(sys_inputs=inputs, pdf_standards=["ua-1"], timestamp=stamp)
        except Exception as error:  # which report, for the run's log
            period = (doc.get("period") or {}).get("key")
            raise RuntimeError(f"report {doc.get('centre')} {period}: Typst failed: {error}") from error


def render_pdf(doc: dict, path: Path) -> None:
    """The report as a tagged PDF/UA-1 at `path` (written atomically)."""
    atomic_write(Path(path), pdf_bytes(doc))
