"""Sensors: ingestion when files land (one run per new set of file versions), mail on failed runs."""

import hashlib
import json
from email.message import EmailMessage

import dagster as dg

from pipelines.core import registry
from pipelines.defs.resources import LandingResource
from pipelines.defs.resources.mail import MailResource
from pipelines.ingest import landing as landing_files


def build_landing_sensor(job) -> dg.SensorDefinition:
    @dg.sensor(
        name="landing_sensor",
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Watches the landing folder; a new or changed file (by content hash) starts an ingestion run.",
    )
    def landing_sensor(context: dg.SensorEvaluationContext, landing: LandingResource):
        seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
        files = landing_files.scan(landing.landing)
        fresh = sorted(f"{f.path}@{f.sha256}" for f in files if seen.get(f.path) != f.sha256)
        if not fresh:
            return dg.SkipReason("no new or changed files")
        # The run key is derived from the file versions: the same file never triggers twice.
        run_key = hashlib.sha256("\n".join(fresh).encode()).hexdigest()[:32]
        seen.update({f.path: f.sha256 for f in files})
        context.update_cursor(json.dumps(seen, sort_keys=True))
        return dg.RunRequest(run_key=run_key, tags={"survey/new_files": str(len(fresh))})

    return landing_sensor


@dg.run_failure_sensor(
    name="run_failure_mail",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="E-mails the data engineers (centres.yaml: engineers) when a run fails.",
)
def run_failure_mail(context: dg.RunFailureSensorContext, mail: MailResource):
    run = context.dagster_run
    message = EmailMessage()
    message["Subject"] = f"[Kundenbefragung] Lauf fehlgeschlagen: {run.job_name}"
    message["To"] = ", ".join(registry.registry().engineers)
    partition = run.tags.get("dagster/partition") or (
        f"{run.tags.get('dagster/asset_partition_range_start')}…{run.tags.get('dagster/asset_partition_range_end')}"
        if run.tags.get("dagster/asset_partition_range_start")
        else "–"
    )
    # Only the failure message: it never carries row content (personal data stops at ingestion).
    message.set_content(
        f"Job: {run.job_name}\nRun: {run.run_id}\nPartition: {partition}\n"
        f"Fehler: {context.failure_event.message}\n\nDetails im Dagster-UI unter Runs → {run.run_id[:8]}.\n"
    )
    mail.send(message)
