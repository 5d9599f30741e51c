"""Figures and report files of the whole demo survey year: 52 weeks × 19 centres,
13 months × 19 centres, the mid-term review and the final report (per centre and city-wide).

python bench/bench_reports.py [--workers 2] [--weeks N]   (N limits the weeks, for a quick look)

Set-up (generating and ingesting the year) is not timed. Target: the whole year's
reports in under 5 minutes on a 2-core machine.
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

SETUP = """
import os, dagster as dg
from pipelines.defs.assets import ingest
from pipelines.defs.resources import LandingResource, PseudonymiserResource, WarehouseResource
assert dg.materialize([ingest.raw_exports, ingest.responses], resources={
    "warehouse": WarehouseResource(url=os.environ["B_URL"]),
    "landing": LandingResource(landing_dir=os.environ["B_LANDING"], quarantine_dir=os.environ["B_Q"]),
    "pseudonymiser": PseudonymiserResource(key="bench-key")}).success
"""

MEASURE = """
import json, os, resource, time
from pathlib import Path
from pipelines.defs import partitions
from pipelines.reports import files as report_files
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
    t = time.perf_counter()
    report_files.write_reports(docs, Path(os.environ["B_REPORTS"]), workers=int(os.environ["B_WORKERS"]))
    render = time.perf_counter() - t
    print(json.dumps({"periods": len(periods), "reports": len(docs), "figures": figures, "render": render,
                      "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "children_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
if __name__ == "__main__":
    main()
"""


def prepare_year(tmp: Path, env: dict) -> dict:
    """Generate the demo year into env["B_LANDING"] and ingest it into env["B_URL"] (not
    timed); returns the subprocess arguments for the measuring step."""
    run = dict(cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    demo = [sys.executable, "-m", "pipelines.demo", "--landing", env["B_LANDING"], "--truth", str(tmp / "t")]
    subprocess.run(demo, **run)
    subprocess.run([sys.executable, "-c", SETUP], **run)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--weeks", type=int, default=52)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reports-bench-") as tmp:
        tmp = Path(tmp)
        env = dict(os.environ, B_URL=f"sqlite:///{tmp / 'w.db'}", B_LANDING=str(tmp / "landing"), B_Q=str(tmp / "q"),
                   B_REPORTS=str(tmp / "reports"), B_WORKERS=str(args.workers), B_WEEKS=str(args.weeks),
                   SURVEY_DEMO="true", GX_ANALYTICS_ENABLED="false", PYTHONPATH=str(ROOT))  # fmt: skip
        run = prepare_year(tmp, env)
        script = tmp / "measure.py"
        script.write_text(MEASURE)
        r = json.loads(subprocess.run([sys.executable, str(script)], **run).stdout.strip().splitlines()[-1])
        files = sum(1 for p in (tmp / "reports").rglob("*") if p.is_file())
    total = r["figures"] + r["render"]
    print(f"reports of the survey year ({r['periods']} periods, {args.workers} render workers)")
    print(f"  figures (all groups, disclosure, comparisons, trend): {r['figures']:7.1f} s")
    print(f"  rendering {r['reports']} reports ({files} files):           {r['render']:7.1f} s")
    print(
        f"  total:                                              {total:7.1f} s  ({r['reports'] / total:.1f} reports/s)"
    )
    print(f"  peak memory: main {r['rss_mib']:.0f} MiB, largest worker {r['children_rss_mib']:.0f} MiB")
    print("  target: < 300 s on a 2-core machine")


if __name__ == "__main__":
    main()
