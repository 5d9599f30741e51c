"""The Dagster code location: assets, checks, jobs, schedules, sensors and resources."""

import dagster as dg

from pipelines.defs import partitions, settings
from pipelines.defs.assets import ingest
from pipelines.defs.assets.reports import build_report_assets
from pipelines.defs.automation.schedules import build_report_schedules
from pipelines.defs.automation.sensors import build_landing_sensor, run_failure_mail
from pipelines.defs.resources import (
    LandingResource,
    PseudonymiserResource,
    ReportStorageResource,
    WarehouseResource,
)
from pipelines.defs.resources.mail import MailResource

settings.ensure_local_dirs()

ingest_assets = [ingest.raw_exports, ingest.responses]
weekly = build_report_assets("weekly", partitions.weekly)
monthly = build_report_assets("monthly", partitions.monthly)
review = build_report_assets("review", partitions.review)


def _job(name: str, assets: list, description: str):
    # Light steps: one process is faster than a subprocess per step; PDFs render in a pool.
    # The partitions come from the selected report assets (ingestion is unpartitioned).
    return dg.define_asset_job(
        name,
        selection=dg.AssetSelection.assets(*ingest_assets, *assets),
        executor_def=dg.in_process_executor,
        description=description,
    )


ingest_job = dg.define_asset_job(
    "ingest",
    selection=dg.AssetSelection.assets(*ingest_assets),
    executor_def=dg.in_process_executor,
    description="Ingest whatever has landed and update the response store.",
)
weekly_job = _job(
    "weekly_reports",
    weekly,
    "Ingest, then figures, files and e-mails of one week (key: its Monday).",
)
monthly_job = _job(
    "monthly_reports",
    monthly,
    "Ingest, then figures, files and e-mails of one month (key: its first day).",
)
review_job = _job(
    "review_reports",
    review,
    "Ingest, then the mid-term review or the final report (key: midterm or final).",
)
defs = dg.Definitions(
    assets=[*ingest_assets, *weekly, *monthly, *review],
    jobs=[ingest_job, weekly_job, monthly_job, review_job],
    schedules=build_report_schedules(weekly_job, monthly_job, review_job),
    sensors=[
        build_landing_sensor(ingest_job),
        run_failure_mail,
    ],
    resources={
        "warehouse": WarehouseResource(url=settings.setting("SURVEY_WAREHOUSE_URL")),
        "landing": LandingResource(
            landing_dir=settings.setting("SURVEY_LANDING_DIR"),
            quarantine_dir=settings.setting("SURVEY_QUARANTINE_DIR"),
            quarantine_retention_days=int(settings.value("SURVEY_QUARANTINE_RETENTION_DAYS")),
        ),
        "pseudonymiser": PseudonymiserResource(
            key=settings.setting("SURVEY_PSEUDONYM_KEY"),
            demo=settings.value("SURVEY_DEMO").lower() in ("1", "true", "yes"),
        ),
        "reports": ReportStorageResource(reports_dir=settings.setting("SURVEY_REPORTS_DIR")),
        "mail": MailResource(
            host=settings.setting("SURVEY_SMTP_HOST"),
            port=int(settings.value("SURVEY_SMTP_PORT")),
            user=settings.setting("SURVEY_SMTP_USER"),
            password=settings.setting("SURVEY_SMTP_PASSWORD"),
            starttls=settings.value("SURVEY_SMTP_STARTTLS").lower() in ("1", "true", "yes"),
            mail_from=settings.setting("SURVEY_MAIL_FROM"),
            outbox_dir=settings.setting("SURVEY_OUTBOX_DIR"),
        ),
    },
)
