"""A report's three files, PDF, CSV and JSON twin: where each goes under the reports
root, and putting all three in place so that a kill at any moment leaves complete files."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from pipelines.core import periods
from pipelines.reports import atomic_files  # through the module: the kill test replaces write_temp
from pipelines.reports.json_twin import json_bytes
from pipelines.reports.pdf import pdf_bytes
from pipelines.reports.spreadsheet import csv_bytes

EXTENSIONS = ("pdf", "csv", "json")
_CODE = re.compile(r"^[a-z][a-z0-9_-]*$")


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


def write_report(doc: dict, root: Path, pdf: Callable[[dict], bytes] = pdf_bytes) -> dict[str, Path]:
    """PDF, CSV and JSON twin of one report under `root`; returns the paths by extension.

    `pdf` renders the PDF (the benchmark passes the former WeasyPrint renderer)."""
    paths = {
        ext: report_path(root, doc["centre"], doc["cadence"], doc["period"]["key"], ext) for ext in EXTENSIONS
    }
    # All three complete in memory and on disk (temporary names beside their places)
    # before any replaces its predecessor: a kill at any point leaves complete files.
    data = {"json": json_bytes(doc), "csv": csv_bytes(doc), "pdf": pdf(doc)}
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
