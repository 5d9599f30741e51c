"""The integer-programming attacker (pipelines.attack) against the demo survey's reports.

python bench/bench_attack.py [--weeks 7]

Builds the report documents (JSON twins) of the first N weeks and of every month they
touch, as the pipeline publishes them, and lets the attacker loose on all of them at
once: which withheld cells it narrows to fewer than min(n, 3) values, and which parts of
weeks cut off by a month boundary it pins to 1-4 responses of a centre. Side by side:
what today's audit (`no_recoverable_cells`, exact linear algebra per period) reports on
the same periods. Set-up (generating and ingesting the year) is not timed.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_reports import prepare_year  # noqa: E402  (the same generated and ingested year)

MEASURE = """
import collections, json, os, time
from pipelines import attack, disclosure, partitions, registry, reporting
from pipelines.warehouse import engine_for
def main():
    engine = engine_for(os.environ["B_URL"])
    weeks = [reporting.period_for("weekly", k) for k in partitions.weekly.get_partition_keys()[: int(os.environ["B_WEEKS"])]]
    months = [reporting.period_for("monthly", k) for k in partitions.monthly.get_partition_keys()]
    months = [m for m in months if m.start <= weeks[-1].end]
    builder = reporting.ReportBuilder(engine)
    docs, svd = [], 0
    for period in weeks + months:
        period_docs = builder.documents(period)
        docs += list(period_docs.values())
        groups = builder.disclosed(period)
        parts = disclosure.group_parts(period.start, period.end)
        svd += len(disclosure.recoverable(groups, parts, sent_weeks=builder.sent_weeks(period)))
    withheld = sum(1 for d in docs for c in d["items"].values() if c.get("suppressed") and c.get("n"))
    q = registry.questionnaire()
    scale = [c for c, i in q.items.items() if i.kind == "scale"]
    t = time.perf_counter()
    tables, members = attack.from_documents(docs)
    first = min(w.start for w in weeks)
    report = attack.attack(tables, members, scale_items=scale, first_day=first, last_day=registry.survey().end)
    seconds = time.perf_counter() - t
    if os.environ.get("B_DUMP"):
        with open(os.environ["B_DUMP"], "w") as f:
            json.dump({"docs": docs, "first_day": str(first), "findings": [str(x) for x in report.findings]}, f, default=str)
    kinds = collections.Counter("responses" if f.item == "responses" else "cell" for f in report.findings)
    print(json.dumps({"weeks": len(weeks), "months": len(months), "documents": len(docs), "withheld": withheld,
                      "svd": svd, "cells": kinds["cell"], "pieces": kinds["responses"], "targets": report.targets,
                      "programs": report.programs, "inconsistent": report.inconsistent, "seconds": seconds,
                      "examples": [str(f) for f in report.findings[:5]]}))
if __name__ == "__main__":
    main()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weeks", type=int, default=7)
    parser.add_argument("--dump", help="write the documents and the findings to this JSON file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="attack-bench-") as tmp:
        tmp = Path(tmp)
        env = dict(os.environ, B_URL=f"sqlite:///{tmp / 'w.db'}", B_LANDING=str(tmp / "landing"), B_Q=str(tmp / "q"),
                   B_WEEKS=str(args.weeks), B_DUMP=os.path.abspath(args.dump) if args.dump else "", SURVEY_DEMO="true", GX_ANALYTICS_ENABLED="false",
                   PYTHONPATH=str(ROOT))  # fmt: skip
        run = prepare_year(tmp, env)
        script = tmp / "measure.py"
        script.write_text(MEASURE)
        r = json.loads(subprocess.run([sys.executable, str(script)], **run).stdout.strip().splitlines()[-1])
    print(f"attacker on {r['documents']} published reports ({r['weeks']} weeks, {r['months']} months)")
    print(f"  withheld cells (n > 0):                         {r['withheld']:6d}")
    print(f"  narrowed below min(n, 3) values, attacker:      {r['cells']:6d}   today's audit: {r['svd']}")
    print(f"  cut-off week parts pinned to 1-4 responses:     {r['pieces']:6d}")
    print(f"  {r['targets']} targets, {r['programs']} integer programs in {r['seconds']:.1f} s"
          f" ({r['inconsistent']} without solution)")  # fmt: skip
    for example in r["examples"]:
        print(f"    e.g. {example}")
    print("  target: 0 narrowed, 0 pinned; the audit of a weekly run within seconds")


if __name__ == "__main__":
    main()
