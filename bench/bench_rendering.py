"""Benchmark: render N report PDFs of one document and print the throughput.

    python bench/bench_rendering.py [-n 50] [--cadence weekly] [--centre altona] [--keep DIR]
                                    [--engine typst|weasyprint|both]
    python bench/bench_rendering.py --db /tmp/full/w.db --period 2020-W41 --centre mitte

The document is the hand-built sample (`tests/sample_docs.py`), or with --db a
real one from a SQLite file's `report_documents` table. Prints reports per
second, seconds per page, the CPU seconds per report (the figure to compare on
a shared machine: other processes inflate wall time, not this process's CPU
time) and the process's peak memory (maximum resident set size, which includes
the engines' native libraries). The first report is rendered before timing
starts (fonts, templates, stylesheet).

Engines: `typst` is the product's (`pipelines.reports.pdf`), `weasyprint` the former
one kept in `bench/weasyprint_engine/`. The same document renders the same every
time: Typst memoises across compilations, so each of the N renders gets a
different generation time (as real reports differ) to keep that from flattering it.

Budget: about 1,300 reports a survey year in at most 60 s with 2 worker
processes on 2 cores, so at most about 0.09 CPU seconds per weekly report.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

from bench import weasyprint_engine  # noqa: E402
from pipelines.core import periods  # noqa: E402
from pipelines.reports import pdf  # noqa: E402
from tests.sample_docs import sample_doc  # noqa: E402

ENGINES = {
    "typst": (pdf.pdf_bytes, pdf.typst_inputs),
    "weasyprint": (weasyprint_engine.pdf_bytes, weasyprint_engine.render_html),
}


def _variant(doc: dict, i: int) -> dict:
    """The document with another creation time (printed in the footer)."""
    meta = dict(doc.get("meta") or {})
    start = dt.datetime.fromisoformat(meta.get("generated_at") or "2020-11-23T06:15:00+01:00")
    meta["generated_at"] = (start + dt.timedelta(minutes=i + 1)).isoformat()
    return dict(doc, meta=meta)


def measure(engine: str, doc: dict, n: int, out: Path) -> dict:
    """Cold first PDF, then n PDFs: wall and CPU seconds, pages, size."""
    render, prepare = ENGINES[engine]
    warm = out / f"{engine}-warm-up.pdf"
    started = time.perf_counter()
    warm.write_bytes(render(doc))
    first = time.perf_counter() - started
    pages = len(pypdf.PdfReader(warm).pages)
    docs = [_variant(doc, i) for i in range(n)]
    prep_started = time.perf_counter()
    for d in docs:
        prepare(d)
    prep = time.perf_counter() - prep_started
    started, cpu_started = time.perf_counter(), time.process_time()
    for i, d in enumerate(docs):
        (out / f"{engine}-{i:04d}.pdf").write_bytes(render(d))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    size = (out / f"{engine}-0000.pdf").stat().st_size if n else 0
    return {"first": first, "pages": pages, "seconds": seconds, "cpu": cpu, "prep": prep, "size": size}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="number of PDFs to render (default 50)")
    parser.add_argument("--cadence", default="weekly", choices=periods.CADENCES)
    parser.add_argument("--centre", default="altona", help="centre code, or hamburg for a city report")
    parser.add_argument("--keep", type=Path, help="write the PDFs here instead of a temporary folder")
    parser.add_argument("--db", type=Path, help="SQLite file with a report_documents table (real documents)")
    parser.add_argument("--period", default="2020-W41", help="with --db: the period key, e.g. 2020-W41")
    parser.add_argument("--engine", default="typst", choices=[*ENGINES, "both"])
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
    engines = list(ENGINES) if args.engine == "both" else [args.engine]
    source = f"{args.db.name} {args.period}" if args.db else "sample"
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        for engine in engines:
            r = measure(engine, doc, args.n, out)
            n, pages = args.n, r["pages"]
            print(
                f"{engine}: {args.cadence}, {args.centre} ({source}), {pages} pages, {r['size'] / 1024:.0f} KiB"
            )
            print(f"  first PDF (cold): {r['first']:.2f} s")
            print(
                f"  {n} PDFs in {r['seconds']:.2f} s: {n / r['seconds']:.2f} reports/s, "
                f"{n * pages / r['seconds']:.1f} pages/s, {r['seconds'] / n:.3f} s/report"
            )
            print(f"  CPU: {r['cpu'] / n:.3f} s/report ({r['cpu'] / n / pages:.4f} s/page)")
            print(
                f"  template data alone ({'JSON' if engine == 'typst' else 'HTML'}): {r['prep'] / n * 1000:.1f} ms/report"
            )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(f"peak memory (max RSS, all engines run): {peak_mb:.0f} MiB")


if __name__ == "__main__":
    main()
