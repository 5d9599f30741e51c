"""Figures and report files of the whole demo survey year: 52 weeks × 19 centres,
13 months × 19 centres, the mid-term review and the final report (per centre and city-wide),
rendered by the product's engine (Typst) and by the former one (WeasyPrint) side by side.

python bench/bench_reports.py [--workers 2] [--weeks N] [--engines typst,weasyprint] [--keep DIR]
    (N limits the weeks, for a quick look; DIR keeps the documents and report files, and a
    second run with the same DIR and N renders those documents again without the set-up)

Set-up (generating and ingesting the year) is not timed. The figures are computed once;
each engine then writes the same documents (PDF, CSV, JSON twin) through
`pipelines.reports.files.write_reports`, in a process of its own so that its peak memory
is its own. Target: the year's reports rendered in at most 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 60

SETUP = """
import os, dagster as dg
from pipelines.defs.assets import ingest
from pipelines.defs.resources import LandingResource, PseudonymiserResource, WarehouseResource
assert dg.materialize([ingest.raw_exports, ingest.responses], resources={
    "warehouse": WarehouseResource(url=os.environ["B_URL"]),
    "landing": LandingResource(landing_dir=os.environ["B_LANDING"], quarantine_dir=os.environ["B_Q"]),
    "pseudonymiser": PseudonymiserResource(key="bench-key")}).success
"""

FIGURES = """
import json, os, pickle, time
from pipelines.defs import partitions
from pipelines.core.periods import REVIEWS, Period
from pipelines.figures import documents
from pipelines.figures import store
from pipelines.warehouse import engine_for
def main():
    engine = engine_for(os.environ["B_URL"])
    weeks = partitions.weekly.get_partition_keys()[: int(os.environ["B_WEEKS"])]
    periods = [Period.from_partition("weekly", k) for k in weeks]
    periods += [Period.from_partition("monthly", k) for k in partitions.monthly.get_partition_keys()]
    periods += [Period.review(k) for k in REVIEWS]
    t = time.perf_counter()
    builder = documents.ReportBuilder(engine)
    docs = []
    for period in periods:
        groups, period_docs = builder.disclosed(period), builder.documents(period)
        store.write_period(engine, period, groups, period_docs)
        docs += list(period_docs.values())
    figures = time.perf_counter() - t
    with open(os.environ["B_DOCS"], "wb") as f:
        pickle.dump(docs, f)
    print(json.dumps({"periods": len(periods), "reports": len(docs), "figures": figures}))
if __name__ == "__main__":
    main()
"""

RENDER = """
import json, os, pickle, resource, sys, time
from pathlib import Path
import pypdf
from pipelines.reports import files as report_files
ENGINES = {"typst": "pipelines.reports.pdf", "weasyprint": "bench.weasyprint_engine"}
def cpu_seconds():
    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))
def main(engine):
    module = __import__(ENGINES[engine], fromlist=["pdf_bytes"])
    with open(os.environ["B_DOCS"], "rb") as f:
        docs = pickle.load(f)
    out = Path(os.environ["B_REPORTS"]) / engine
    cpu = -cpu_seconds()
    t = time.perf_counter()
    paths = report_files.write_reports(docs, out, workers=int(os.environ["B_WORKERS"]), pdf=module.pdf_bytes)
    render = time.perf_counter() - t
    cpu += cpu_seconds()  # of this process and its pool's workers, while rendering
    pages = sum(len(pypdf.PdfReader(p["pdf"]).pages) for p in paths)
    print(json.dumps({"render": render, "pages": pages, "cpu": cpu,
                      "files": sum(1 for p in out.rglob("*") if p.is_file()),
                      "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "children_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
if __name__ == "__main__":
    main(sys.argv[1])
"""


def prepare_year(tmp: Path, env: dict) -> dict:
    """Generate the demo year into env["B_LANDING"] and ingest it into env["B_URL"] (not
    timed); returns the subprocess arguments for the measuring steps."""
    run = dict(cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    demo = [sys.executable, "-m", "pipelines.demo", "--landing", env["B_LANDING"], "--truth", str(tmp / "t")]
    subprocess.run(demo, **run)
    subprocess.run([sys.executable, "-c", SETUP], **run)
    return run


def _last_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--engines", default="typst,weasyprint", help="comma-separated: typst, weasyprint")
    parser.add_argument(
        "--keep", type=Path, help="work here and keep it; a second run renders its documents again"
    )
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    with tempfile.TemporaryDirectory(prefix="reports-bench-") as tmp:
        tmp = args.keep.resolve() if args.keep else Path(tmp)
        tmp.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, B_URL=f"sqlite:///{tmp / 'w.db'}", B_LANDING=str(tmp / "landing"), B_Q=str(tmp / "q"),
                   B_REPORTS=str(tmp / "reports"), B_WORKERS=str(args.workers), B_WEEKS=str(args.weeks),
                   B_DOCS=str(tmp / "docs.pickle"), SURVEY_DEMO="true", GX_ANALYTICS_ENABLED="false",
                   PYTHONPATH=str(ROOT))  # fmt: skip
        (tmp / "render.py").write_text(RENDER)
        done = tmp / "figures.json"  # a kept folder's documents are used again (same --weeks)
        if args.keep and done.exists() and json.loads(done.read_text())["weeks"] == args.weeks:
            run, fig = (
                dict(cwd=ROOT, env=env, check=True, capture_output=True, text=True),
                json.loads(done.read_text()),
            )
        else:
            run = prepare_year(tmp, env)
            (tmp / "figures.py").write_text(FIGURES)
            fig = _last_json(subprocess.run([sys.executable, str(tmp / "figures.py")], **run).stdout)
            done.write_text(json.dumps(dict(fig, weeks=args.weeks)))
        results = {
            e: _last_json(subprocess.run([sys.executable, str(tmp / "render.py"), e], **run).stdout)
            for e in engines
        }
    print(
        f"reports of the survey year ({fig['periods']} periods, {fig['reports']} reports, {args.workers} workers)"
    )
    print(
        f"  figures (all groups, disclosure, comparisons, trend): {fig['figures']:7.1f} s (once, not per engine)"
    )
    print(f"  {'engine':<11}{'files':>7}{'pages':>7}{'seconds':>9}{'reports/s':>11}{'pages/s':>9}"
          f"{'main MiB':>10}{'worker MiB':>12}{'CPU s':>8}")  # fmt: skip
    for engine, r in results.items():
        print(
            f"  {engine:<11}{r['files']:>7}{r['pages']:>7}{r['render']:>9.1f}{fig['reports'] / r['render']:>11.1f}"
            f"{r['pages'] / r['render']:>9.1f}{r['rss_mib']:>10.0f}{r['children_rss_mib']:>12.0f}{r['cpu']:>8.1f}"
        )
    # On a shared machine the wall time includes waiting for other processes; the CPU
    # seconds of the render process and its workers do not.
    load = os.getloadavg()[0]
    print(f"  load average at the end: {load:.1f}; CPU s / {args.workers} = the wall time on idle cores")
    if "typst" in results and "weasyprint" in results:
        print(
            f"  Typst is {results['weasyprint']['render'] / results['typst']['render']:.1f}x as fast as WeasyPrint"
        )
    year = 52 * 20 + 13 * 20 + 2 * 20  # reports of a whole year (19 centres + the city)
    for engine, r in results.items():
        if args.weeks < 52:
            print(
                f"  {engine}: about {r['render'] / fig['reports'] * year:.0f} s for the whole year (extrapolated)"
            )
    print(f"  target: the year's reports (PDF, CSV, JSON) in <= {TARGET_SECONDS} s on a 2-core machine")


if __name__ == "__main__":
    main()
