"""Benchmark: render N report PDFs of the sample document and print the throughput.

    python bench/bench_rendering.py [-n 50] [--cadence weekly] [--keep DIR]

Prints reports per second, seconds per page and the process's peak memory
(maximum resident set size, which includes WeasyPrint's native libraries).
The first report is rendered before timing starts (fonts, templates).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypdf  # noqa: E402

from pipelines import rendering  # noqa: E402
from tests.sample_docs import sample_doc  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="number of PDFs to render (default 50)")
    parser.add_argument("--cadence", default="weekly", choices=rendering.CADENCES)
    parser.add_argument("--centre", default="altona", help="centre code, or hamburg for a city report")
    parser.add_argument("--keep", type=Path, help="write the PDFs here instead of a temporary folder")
    args = parser.parse_args(argv)

    doc = sample_doc(args.cadence, centre=args.centre, week="2020-W47")
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        warm = out / "warm-up.pdf"
        started = time.perf_counter()
        rendering.render_pdf(doc, warm)
        first = time.perf_counter() - started
        pages = len(pypdf.PdfReader(warm).pages)

        html_started = time.perf_counter()
        for _ in range(args.n):
            rendering.render_html(doc)
        html_seconds = time.perf_counter() - html_started

        started = time.perf_counter()
        for i in range(args.n):
            rendering.render_pdf(doc, out / f"report-{i:04d}.pdf")
        seconds = time.perf_counter() - started
        size = (out / "report-0000.pdf").stat().st_size if args.n else 0

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(f"report: {args.cadence}, {args.centre}, {pages} pages, {size / 1024:.0f} KiB")
    print(f"first PDF (cold): {first:.2f} s")
    print(
        f"{args.n} PDFs in {seconds:.2f} s: {args.n / seconds:.2f} reports/s, "
        f"{seconds / args.n:.3f} s/report, {seconds / args.n / pages:.3f} s/page"
    )
    print(f"HTML alone: {html_seconds / args.n * 1000:.1f} ms/report")
    print(f"peak memory (max RSS): {peak_mb:.0f} MiB")


if __name__ == "__main__":
    main()
