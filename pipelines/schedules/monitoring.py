"""Telling data engineers when something is wrong: failed runs and late data."""

import datetime as dt
from email.message import EmailMessage

import dagster as dg

from pipelines import registry
from pipelines.resources.mail import MailResource


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


def freshness_checks(weekly_files, responses_asset) -> list:
    """A week whose report is not there by Monday 09:00, or data older than two days, is flagged."""
    timezone = registry.survey().timezone
    report_checks = dg.build_time_partition_freshness_checks(
        assets=[weekly_files], deadline_cron="0 9 * * 1", timezone=timezone
    )
    data_checks = dg.build_last_update_freshness_checks(
        assets=[responses_asset],
        lower_bound_delta=dt.timedelta(hours=48),
        deadline_cron="0 9 * * *",
        timezone=timezone,
    )
    return [*report_checks, *data_checks]
