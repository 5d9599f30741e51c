"""The two runs an analyst and a centre team wait for, on the embedded default (SQLite
warehouse and Dagster instance), with the demo year:

- the full-year backfill: every week, month and review (`python -m pipelines.main`, one
  run per report job, each starting with ingestion), from an empty warehouse;
- one Monday: the weeks before the last already reported, the last week's files land, and
  `dagster job execute` runs the weekly job for that week (ingest the new files, figures,
  the week's reports, e-mails into the outbox folder), as the schedule would.

python bench/bench_backfill.py [--skip-backfill] [--skip-monday]

Prints wall time, runs, reports and peak memory beside the targets (2 cores):
backfill < 120 s in at most 3 runs, Monday < 15 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_DATE = re.compile(r"_(\d{8})(?:_full)?\.csv$")

# The weeks before the last, reported without mail (the state on the Monday morning).
EARLIER_WEEKS = """
import dagster as dg
from pipelines.definitions import defs
from pipelines.defs import partitions
keys = partitions.weekly.get_partition_keys()[:-1]
tags = {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1],
        "survey/deliver": "no"}
quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
result = defs.resolve_job_def("weekly_reports").execute_in_process(
    run_config=quiet, instance=dg.DagsterInstance.get(), tags=tags, raise_on_error=False)
assert result.success
"""


def _environment(tmp: Path, landing: Path) -> dict:
    home = tmp / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    return dict(os.environ, DAGSTER_HOME=str(home), SURVEY_DEMO="true", SURVEY_LANDING_DIR=str(landing),
                SURVEY_WAREHOUSE_URL=f"sqlite:///{tmp / 'w.db'}", SURVEY_REPORTS_DIR=str(tmp / "reports"),
                SURVEY_QUARANTINE_DIR=str(tmp / "q"), SURVEY_OUTBOX_DIR=str(tmp / "outbox"),
                GX_ANALYTICS_ENABLED="false", PYTHONPATH=str(ROOT))  # fmt: skip


def _timed(cmd: list[str], env: dict) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall seconds, peak resident MiB (GNU time) and the finished process."""
    began = time.perf_counter()
    out = subprocess.run(
        ["/usr/bin/time", "-v", *cmd], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    wall = time.perf_counter() - began
    peak = next(int(line.split(":")[-1]) for line in out.stderr.splitlines() if "Maximum resident" in line)
    return wall, peak // 1024, out


def _runs(env: dict) -> tuple[int, int]:
    code = "import dagster as dg; rs = dg.DagsterInstance.get().get_runs(); print(len(rs), sum(r.is_success for r in rs))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    total, ok = out.stdout.split()
    return int(total), int(ok)


def backfill(year: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="backfill-bench-") as tmp:
        tmp = Path(tmp)
        env = _environment(tmp, year)
        wall, peak, out = _timed([sys.executable, "-m", "pipelines.main"], env)
        runs, ok = _runs(env)
        pdfs = sum(1 for _ in (tmp / "reports").rglob("*.pdf"))
    print("full-year backfill (python -m pipelines.main)")
    for line in out.stdout.splitlines():
        if "periods" in line:
            print("  " + line)
    print(f"  wall {wall:6.1f} s   runs {runs} ({ok} succeeded)   {pdfs} PDF reports   peak {peak} MiB")
    print("  target: < 120 s in at most 3 runs")


def monday(year: Path, keep: Path | None) -> None:
    from pipelines.core.periods import Period
    from pipelines.defs import partitions

    week = partitions.weekly.get_partition_keys()[-1]
    key = Period.from_partition("weekly", week).key
    first = dt.date.fromisoformat(week).strftime("%Y%m%d")
    # What lands from the week's Monday on: its tablet files and the web exports after it.
    late = [p for p in year.rglob("*.csv") if (m := _DATE.search(p.name))
            and (m.group(1) >= first if "tablet" in p.relative_to(year).parts else m.group(1) > first)]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="monday-bench-") as tmp:
        tmp = Path(tmp)
        landing = tmp / "landing"
        shutil.copytree(year, landing)
        for p in late:
            (landing / p.relative_to(year)).unlink()
        env = _environment(tmp, landing)
        before, _, _ = _timed([sys.executable, "-c", EARLIER_WEEKS], env)
        for p in late:
            shutil.copy2(p, landing / p.relative_to(year))
        if keep:  # the Monday morning's state, to profile the run again and again
            shutil.copytree(tmp, keep)
        tags = json.dumps({"dagster/partition": week})
        cmd = [
            sys.executable,
            "-m",
            "dagster",
            "job",
            "execute",
            "-m",
            "pipelines",
            "-j",
            "weekly_reports",
            "--tags",
            tags,
        ]
        wall, peak, _ = _timed(cmd, env)
        pdfs = sum(1 for _ in (tmp / "reports").glob(f"*/weekly/{key}.pdf"))
        mails = sum(1 for _ in (tmp / "outbox").rglob("*.eml"))
        runs, ok = _runs(env)
    print(f"one Monday: weekly job for {week} (dagster job execute)")
    print(
        f"  {len(late)} files landed; the {len(partitions.weekly.get_partition_keys()) - 1} weeks before: {before:.0f} s (setup)"
    )
    print(
        f"  wall {wall:6.1f} s   {pdfs} PDF reports   {mails} e-mails in the outbox   peak {peak} MiB   runs {runs} ({ok} ok)"
    )
    print("  target: < 15 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-backfill", action="store_true")
    parser.add_argument("--skip-monday", action="store_true")
    parser.add_argument(
        "--keep", type=Path, help="copy the Monday morning's state (warehouse, instance, files) here"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-year-") as tmp:
        year = Path(tmp) / "landing"
        demo = [
            sys.executable,
            "-m",
            "pipelines.demo",
            "--landing",
            str(year),
            "--truth",
            str(Path(tmp) / "t"),
        ]
        subprocess.run(
            demo, cwd=ROOT, check=True, capture_output=True, env=dict(os.environ, PYTHONPATH=str(ROOT))
        )
        if not args.skip_backfill:
            backfill(year)
        if not args.skip_monday:
            monday(year, args.keep)


if __name__ == "__main__":
    main()
