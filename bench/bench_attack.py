"""The integer-programming attacker (pipelines.figures.attack) against the demo survey's reports.

python bench/bench_attack.py [--weeks 7 | --year]

Builds the report documents (JSON twins) of the first N weeks, of every month made of
them and, with --year, of the two reviews, as the pipeline publishes them, and lets the
attacker loose on all of them at once: which withheld cells it narrows to fewer than
min(n, 3) values, and which days of a centre it pins to 1-4 responses. Prints what is
withheld and left out per cadence, and how long the blocking audit
(`no_recoverable_cells`) takes for a week, a month and the final report (each with what
is published with it). Set-up (generating and ingesting the year) is not timed.
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

from pipelines.core.periods import CADENCES  # noqa: E402

MEASURE = """
import collections, json, os, time
from pipelines.figures import attack
from pipelines.defs import partitions
from pipelines.core import registry
from pipelines.figures import documents as reporting
from pipelines.core.periods import Period
from pipelines.warehouse import engine_for
def main():
    engine = engine_for(os.environ["B_URL"])
    year = os.environ["B_WEEKS"] == "year"
    keys = partitions.weekly.get_partition_keys()
    weeks = [Period.from_partition("weekly", k) for k in (keys if year else keys[: int(os.environ["B_WEEKS"])])]
    builder = reporting.ReportBuilder(engine)
    months = [Period.from_partition("monthly", k) for k in partitions.monthly.get_partition_keys()]
    months = [m for m in months if set(builder.survey_weeks(m)) <= set(weeks)]
    reviews = [Period.review("midterm"), Period.review("final")] if year else []
    docs, per = [], {}
    for period in weeks + months + reviews:
        per[period] = list(builder.documents(period).values())
        docs += per[period]
    withheld, left = collections.Counter(), collections.Counter()
    for d in docs:
        for c in d["items"].values():
            withheld[d["cadence"]] += bool(c.get("suppressed") and c.get("n"))
            left[d["cadence"]] += (c.get("left_out") or {}).get("n", 0) if "weeks" in (c.get("left_out") or {}) else 0
    q = registry.questionnaire()
    scale = q.scale_codes
    first, last = registry.survey().start, registry.survey().end

    def run(documents):
        t = time.perf_counter()
        tables, members = attack.from_documents(documents)
        return attack.attack(tables, members, scale, first, last), time.perf_counter() - t

    report, seconds = run(docs)
    audits = {"week": run(per[weeks[-1]])[1]}
    if months:
        audits["month"] = run(per[months[-1]] + [d for w in builder.survey_weeks(months[-1]) for d in per[w]])[1]
    if year:
        audits["final"] = seconds
    if os.environ.get("B_DUMP"):
        with open(os.environ["B_DUMP"], "w") as f:
            json.dump({"docs": docs, "findings": [str(x) for x in report.findings]}, f, default=str)
    kinds = collections.Counter("responses" if f.item == "responses" else "cell" for f in report.findings)
    print(json.dumps({"weeks": len(weeks), "months": len(months), "reviews": len(reviews), "documents": len(docs),
                      "withheld": withheld, "left": left, "cells": kinds["cell"], "pieces": kinds["responses"],
                      "targets": report.targets, "programs": report.programs, "inconsistent": report.inconsistent,
                      "seconds": seconds, "audits": audits, "examples": [str(f) for f in report.findings[:5]]}))
if __name__ == "__main__":
    main()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weeks", type=int, default=7)
    parser.add_argument("--year", action="store_true", help="every week, month and both reviews")
    parser.add_argument("--dump", help="write the documents and the findings to this JSON file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="attack-bench-") as tmp:
        tmp = Path(tmp)
        env = dict(os.environ, B_URL=f"sqlite:///{tmp / 'w.db'}", B_LANDING=str(tmp / "landing"), B_Q=str(tmp / "q"),
                   B_WEEKS="year" if args.year else str(args.weeks), B_DUMP=os.path.abspath(args.dump) if args.dump else "",
                   SURVEY_DEMO="true", GX_ANALYTICS_ENABLED="false", PYTHONPATH=str(ROOT))  # fmt: skip
        run = prepare_year(tmp, env)
        script = tmp / "measure.py"
        script.write_text(MEASURE)
        r = json.loads(subprocess.run([sys.executable, str(script)], **run).stdout.strip().splitlines()[-1])
    print(
        f"attacker on {r['documents']} published reports ({r['weeks']} weeks, {r['months']} months, {r['reviews']} reviews)"
    )
    for cadence in CADENCES:
        if cadence in r["withheld"]:
            print(
                f"  {cadence:8s} withheld cells (n > 0): {r['withheld'][cadence]:5d}   answers of withheld weeks left out: {r['left'].get(cadence, 0):5d}"
            )
    print(f"  narrowed below min(n, 3) values:       {r['cells']:6d}   target 0")
    print(f"  days of a centre pinned to 1-4 responses: {r['pieces']:3d}   target 0")
    print(f"  {r['targets']} targets, {r['programs']} integer programs in {r['seconds']:.1f} s"
          f" ({r['inconsistent']} without solution)")  # fmt: skip
    audits = ", ".join(f"{k} {v:.1f} s" for k, v in r["audits"].items())
    print(
        f"  the blocking audit of one period with what is published with it: {audits}"
        "   target: a week within seconds, the year within the backfill's 10 minutes"
    )
    for example in r["examples"]:
        print(f"    e.g. {example}")


if __name__ == "__main__":
    main()
