"""Run the pipeline over whatever has landed, in the Dagster instance of DAGSTER_HOME.

`python -m pipelines.main` is what the README's first command ends with: it runs
the jobs in process (one run each, recorded in the instance so that the Dagster UI
shows them) and prints where the outputs are.
"""

from __future__ import annotations

import argparse
import sys

import dagster as dg
import sqlalchemy as sa

from pipelines import settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args(argv)
    from pipelines.definitions import defs
    from pipelines.warehouse import engine_for, schema

    instance = dg.DagsterInstance.get()
    result = defs.get_job_def("ingest").execute_in_process(instance=instance, raise_on_error=False)
    if not result.success:
        print("ingestion failed; see the run in the Dagster UI", file=sys.stderr)
        return 1
    engine = engine_for(settings.value("SURVEY_WAREHOUSE_URL"))
    with engine.connect() as conn:
        count = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                 for t in (schema.responses, schema.excluded_responses, schema.quarantine, schema.ingested_files)}  # fmt: skip
    print("Pipeline finished.")
    print(f"  warehouse:   {settings.value('SURVEY_WAREHOUSE_URL')}")
    print(f"               {count['responses']} responses, {count['excluded_responses']} excluded "
          f"(misuse/unfinished), {count['quarantine']} quarantine entries, {count['ingested_files']} files in the ledger")  # fmt: skip
    print(f"  quarantine:  {settings.value('SURVEY_QUARANTINE_DIR')}")
    print(f"  reports:     {settings.value('SURVEY_REPORTS_DIR')}")
    print(f"  Dagster:     DAGSTER_HOME={instance.root_directory}  (UI: dagster dev -w workspace.yaml)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
