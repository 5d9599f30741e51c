"""A full-year backfill on the embedded default (SQLite warehouse and Dagster instance):
the demo year generated, then every week, month and review in one run per job
(`python -m pipelines.main`). Prints wall time, runs and reports. Target: < 10 minutes.

python bench/bench_backfill.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="backfill-bench-") as tmp:
        tmp = Path(tmp)
        home = tmp / "dagster_home"
        home.mkdir()
        shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
        env = dict(os.environ, DAGSTER_HOME=str(home), SURVEY_DEMO="true", SURVEY_LANDING_DIR=str(tmp / "landing"),
                   SURVEY_WAREHOUSE_URL=f"sqlite:///{tmp / 'w.db'}", SURVEY_REPORTS_DIR=str(tmp / "reports"),
                   SURVEY_QUARANTINE_DIR=str(tmp / "q"), SURVEY_OUTBOX_DIR=str(tmp / "outbox"),
                   GX_ANALYTICS_ENABLED="false", PYTHONPATH=str(ROOT))  # fmt: skip
        run = dict(cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pipelines.demo",
                "--landing",
                env["SURVEY_LANDING_DIR"],
                "--truth",
                str(tmp / "t"),
            ],
            **run,
        )
        began = time.perf_counter()
        out = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "pipelines.main"], **run)
        wall = time.perf_counter() - began
        count = subprocess.run(
            [sys.executable, "-c", "import dagster as dg; i = dg.DagsterInstance.get(); "
             "rs = i.get_runs(); print(len(rs), sum(r.is_success for r in rs))"], **run,
        ).stdout.split()  # fmt: skip
        pdfs = sum(1 for _ in (tmp / "reports").rglob("*.pdf"))
    peak = next(
        (line.split(":")[-1].strip() for line in out.stderr.splitlines() if "Maximum resident" in line), "?"
    )
    print("full-year backfill on the embedded default")
    for line in out.stdout.splitlines():
        if line.endswith(" s") or "periods" in line:
            print("  " + line)
    print(
        f"  wall time {wall:.0f} s, runs {count[0]} ({count[1]} succeeded), {pdfs} PDF reports, peak {int(peak) // 1024} MiB"
    )
    print("  target: < 600 s on a 2-core machine")


if __name__ == "__main__":
    main()
