"""Benchmark: render N report PDFs of one document and print the throughput.

    python bench/bench_rendering.py [-n 50] [--cadence weekly] [--centre altona] [--keep DIR]
    python bench/bench_rendering.py --db /tmp/full/w.db --period 2020-W41 --centre mitte

The document is the hand-built sample (`tests/sample_docs.py`), or with --db a
real one from a SQLite file's `report_documents` table. Prints reports per
second, seconds per page, the CPU seconds per report (the figure to compare on
a shared machine: other processes inflate wall time, not this process's CPU
time) and the process's peak memory (maximum resident set size, which includes
WeasyPrint's native libraries). The first report is rendered before timing
starts (fonts, templates, stylesheet).

Budget: about 1,300 reports a survey year in under 5 minutes with 2 worker
processes on 2 cores, so at most about 0.35 CPU seconds per weekly report.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypdf  # noqa: E402

from pipelines.core import periods  # noqa: E402
from pipelines.reports import pdf, templates  # noqa: E402
from tests.sample_docs import sample_doc  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="number of PDFs to render (default 50)")
    parser.add_argument("--cadence", default="weekly", choices=periods.CADENCES)
    parser.add_argument("--centre", default="altona", help="centre code, or hamburg for a city report")
    parser.add_argument("--keep", type=Path, help="write the PDFs here instead of a temporary folder")
    parser.add_argument("--db", type=Path, help="SQLite file with a report_documents table (real documents)")
    parser.add_argument("--period", default="2020-W41", help="with --db: the period key, e.g. 2020-W41")
    args = parser.parse_args(argv)

    if args.db:
        with sqlite3.connect(args.db) as con:
            row = con.execute(
                "SELECT document FROM report_documents WHERE cadence = ? AND period_key = ? AND centre = ?",
                (args.cadence, args.period, args.centre),
            ).fetchone()
        if row is None:
            parser.error(f"no {args.cadence} document for {args.period}, {args.centre} in {args.db}")
        doc = json.loads(row[0])
    else:
        doc = sample_doc(args.cadence, centre=args.centre, week="2020-W47")
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        warm = out / "warm-up.pdf"
        started = time.perf_counter()
        pdf.render_pdf(doc, warm)
        first = time.perf_counter() - started
        pages = len(pypdf.PdfReader(warm).pages)

        html_started = time.perf_counter()
        for _ in range(args.n):
            templates.render_html(doc)
        html_seconds = time.perf_counter() - html_started

        started, cpu_started = time.perf_counter(), time.process_time()
        for i in range(args.n):
            pdf.render_pdf(doc, out / f"report-{i:04d}.pdf")
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        size = (out / "report-0000.pdf").stat().st_size if args.n else 0

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    source = f"{args.db.name} {args.period}" if args.db else "sample"
    print(f"report: {args.cadence}, {args.centre} ({source}), {pages} pages, {size / 1024:.0f} KiB")
    print(f"first PDF (cold): {first:.2f} s")
    print(
        f"{args.n} PDFs in {seconds:.2f} s: {args.n / seconds:.2f} reports/s, "
        f"{seconds / args.n:.3f} s/report, {seconds / args.n / pages:.3f} s/page"
    )
    print(f"CPU: {cpu / args.n:.3f} s/report ({cpu / args.n / pages:.3f} s/page)")
    print(f"HTML alone: {html_seconds / args.n * 1000:.1f} ms/report")
    print(f"peak memory (max RSS): {peak_mb:.0f} MiB")


if __name__ == "__main__":
    main()
