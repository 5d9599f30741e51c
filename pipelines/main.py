"""Run the pipeline over whatever has landed, in the Dagster instance of DAGSTER_HOME.

`python -m pipelines.main` is what the README's first command ends with. It runs, in
process and recorded in the instance (so the Dagster UI shows them), one run per job
over all its partitions: ingestion, then every week, every month and both reviews.
Such range runs are backfills: they write reports but send no e-mail (pass
`--deliver` to send, through SMTP or into the outbox folder).
"""

from __future__ import annotations

import argparse
import sys
import time

import dagster as dg
import sqlalchemy as sa

from pipelines.defs import partitions, settings

JOBS = {
    "weekly_reports": partitions.weekly,
    "monthly_reports": partitions.monthly,
    "review_reports": partitions.review,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--jobs", nargs="*", default=list(JOBS), choices=list(JOBS), help="report jobs to run"
    )
    parser.add_argument("--deliver", action="store_true", help="also send the reports by e-mail")
    args = parser.parse_args(argv)
    from pipelines.definitions import defs
    from pipelines.warehouse import engine_for, schema

    instance = dg.DagsterInstance.get()
    started = time.monotonic()
    for name in args.jobs:
        keys = JOBS[name].get_partition_keys()
        tags = {
            "dagster/asset_partition_range_start": keys[0],
            "dagster/asset_partition_range_end": keys[-1],
            "survey/deliver": "yes" if args.deliver else "no",
        }
        t = time.monotonic()
        # Step-level logs stay in the instance (Dagster UI); the console gets warnings only.
        quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
        result = defs.resolve_job_def(name).execute_in_process(
            run_config=quiet, instance=instance, tags=tags, raise_on_error=False
        )
        status = "ok" if result.success else "FAILED"
        print(f"{name}: {len(keys)} periods {keys[0]} … {keys[-1]}: {status} in {time.monotonic() - t:.0f} s")
        if not result.success:
            print("see the run in the Dagster UI (dagster dev -w workspace.yaml)", file=sys.stderr)
            return 1
    engine = engine_for(settings.value("SURVEY_WAREHOUSE_URL"))
    with engine.connect() as conn:
        count = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                 for t in (schema.responses, schema.excluded_responses, schema.quarantine, schema.ingested_files,
                           schema.report_documents)}  # fmt: skip
    print(f"\nPipeline finished in {time.monotonic() - started:.0f} s.")
    print(f"  warehouse:   {settings.value('SURVEY_WAREHOUSE_URL')}")
    print(f"               {count['responses']} responses, {count['excluded_responses']} excluded "
          f"(misuse/unfinished), {count['quarantine']} in quarantine, {count['ingested_files']} files ingested")  # fmt: skip
    print(
        f"  reports:     {settings.value('SURVEY_REPORTS_DIR')}  ({count['report_documents']} reports, "
        "each as PDF, CSV and JSON: <centre>/<cadence>/<period>.<ext>)"
    )
    print(f"  quarantine:  {settings.value('SURVEY_QUARANTINE_DIR')}")
    if args.deliver:
        print(f"  e-mails:     {settings.value('SURVEY_SMTP_HOST') or settings.value('SURVEY_OUTBOX_DIR')}")
    print(f"  Dagster:     DAGSTER_HOME={instance.root_directory}; UI: dagster dev -w workspace.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
