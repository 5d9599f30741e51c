"""Ingestion of the demo survey year: from scratch, then one further day, against a
plain pandas.read_csv of the same files as the floor.

python bench/bench_ingest.py [--scale 1]     (--scale 10: ten times the volume)

Each measurement runs in a fresh subprocess, so peak memory (max RSS) is its own; "peak"
adds the largest worker's (child processes: redaction, `pipelines/ingest/comments.py`,
and Great Expectations, `pipelines/ingest/validation.py`) to the ingesting process's.
CPU seconds include the workers': on a busy machine they are the steadier figure, wall
seconds are what a user waits.
Targets (issue 12, 2 cores): the year from scratch within 3x the read_csv floor of the
same files, one further day within 3 s, peak within 1 GiB at 10x the volume.
"""

from __future__ import annotations

import argparse
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


def _child(code: str, env: dict) -> dict:
    """Run `code` in a fresh interpreter; it prints one JSON line with its figures."""
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


INGEST = """
import json, resource, time
import dagster as dg
from pipelines.defs.assets import ingest
from pipelines.defs.resources import LandingResource, PseudonymiserResource, WarehouseResource
import os
t, c = time.perf_counter(), time.process_time()
result = dg.materialize([ingest.raw_exports, ingest.responses], instance=dg.DagsterInstance.ephemeral(), resources={
    "warehouse": WarehouseResource(url=os.environ["B_URL"]),
    "landing": LandingResource(landing_dir=os.environ["B_LANDING"], quarantine_dir=os.environ["B_Q"]),
    "pseudonymiser": PseudonymiserResource(key="bench-key")})
wall, cpu = time.perf_counter() - t, time.process_time() - c
from pipelines.ingest import validation
validation.stop_worker()  # (it lives as long as the process: ended here, so its CPU and memory count)
children = resource.getrusage(resource.RUSAGE_CHILDREN)
meta = {e.asset_key.path[-1]: e.event_specific_data.materialization.metadata for e in result.get_asset_materialization_events()}
print(json.dumps({"wall": wall, "cpu": cpu + children.ru_utime + children.ru_stime,
                  "rows": meta["raw_exports"]["rows_read"].value,
                  "files": meta["raw_exports"]["files_new"].value + meta["raw_exports"]["files_changed"].value,
                  "responses": meta["responses"]["responses_written"].value,
                  "rss_mib": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + children.ru_maxrss) / 1024}))
"""

FLOOR = """
import json, resource, time, pathlib, os
import pandas as pd
t, c = time.perf_counter(), time.process_time(); rows = 0
for p in sorted(pathlib.Path(os.environ["B_LANDING"]).rglob("*.csv")):
    sep = ";" if p.parts[-3] == "tablet" else ","
    try:
        rows += len(pd.read_csv(p, sep=sep, dtype=str, encoding="utf-8-sig" if sep == "," else "latin-1"))
    except Exception:
        pass  # broken files: the floor only reads what pandas can
print(json.dumps({"wall": time.perf_counter() - t, "cpu": time.process_time() - c, "rows": rows, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        tmp = Path(tmp)
        full, landing = tmp / "full", tmp / "landing"
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipelines.demo", "--landing", str(full), "--truth", str(tmp / "truth"),
                        "--seed", str(args.seed), "--scale", str(args.scale)], cwd=ROOT, check=True, capture_output=True)  # fmt: skip
        generated = time.perf_counter() - t
        # The last day: tablet files of that day and the web export written after it.
        dates = sorted({m.group(1) for p in full.rglob("*.csv") if (m := _DATE.search(p.name))})
        tablet_days = sorted(
            {m.group(1) for p in (full / "tablet").rglob("*.csv") if (m := _DATE.search(p.name))}
        )
        last_day = tablet_days[-1]
        export_after = min(d for d in dates if d > last_day)
        held_back = [p for p in full.rglob("*.csv") if _DATE.search(p.name).group(1) in (last_day,) and "tablet" in p.parts
                     or p.name == f"survey_482915_{export_after}.csv"]  # fmt: skip
        shutil.copytree(full, landing)
        for p in held_back:
            (landing / p.relative_to(full)).unlink()
        env = dict(os.environ, B_URL=f"sqlite:///{tmp / 'w.db'}", B_LANDING=str(landing), B_Q=str(tmp / "q"),
                   SURVEY_DEMO="true", GX_ANALYTICS_ENABLED="false", PYTHONPATH=str(ROOT))  # fmt: skip
        year = _child(INGEST, env)
        for p in held_back:
            shutil.copy2(p, landing / p.relative_to(full))
        day = _child(INGEST, env)
        floor = _child(FLOOR, dict(env, B_LANDING=str(full)))
        size = sum(p.stat().st_size for p in full.rglob("*") if p.is_file())
    print(
        f"ingestion benchmark, scale {args.scale:g} (generated {size / 2**20:.0f} MiB in {generated:.0f} s)"
    )
    ratio = year["wall"] / floor["wall"]
    print(f"{'':28}{'wall s':>9}{'cpu s':>9}{'rows':>11}{'rows/s':>10}{'peak MiB':>10}  target")
    for label, r, target in (
        ("year from scratch", year, f"<= 3x floor ({3 * floor['wall']:.1f} s)"),
        (f"one further day ({last_day})", day, "<= 3 s"),
        ("pandas.read_csv floor", floor, ""),
    ):
        print(
            f"{label:28}{r['wall']:9.1f}{r['cpu']:9.1f}{r['rows']:11d}{r['rows'] / r['wall']:10.0f}"
            f"{r['rss_mib']:10.0f}  {target}"
        )
    print(
        f"year / floor: {ratio:.1f}x wall, {year['cpu'] / floor['cpu']:.1f}x cpu (target <= 3x); "
        f"one further day {day['wall']:.1f} s (target <= 3 s); "
        f"peak {max(year['rss_mib'], day['rss_mib']):.0f} MiB (target <= 1024 MiB at --scale 10)"
    )
    print(f"responses after the year: {year['responses']}; the further day touched {day['files']} files")
    print(
        "(wall includes Dagster's in-process run overhead of ~1-2 s and the wait for the Great Expectations "
        "import, in a worker from the run's start)"
    )


if __name__ == "__main__":
    main()
