"""The Dagster code location: assets, checks, jobs, schedules, sensors and resources."""

from __future__ import annotations

import dagster as dg

from pipelines import settings
from pipelines.assets import ingest
from pipelines.resources import (
    LandingResource,
    PseudonymiserResource,
    ReportStorageResource,
    WarehouseResource,
)
from pipelines.schedules.landing_sensor import build_landing_sensor

settings.ensure_local_dirs()

ingest_job = dg.define_asset_job(
    "ingest",
    selection=dg.AssetSelection.groups("ingest"),
    description="Ingest whatever has landed and update the response store.",
    executor_def=dg.in_process_executor,
)

defs = dg.Definitions(
    assets=[ingest.raw_exports, ingest.responses],
    jobs=[ingest_job],
    sensors=[build_landing_sensor(ingest_job)],
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
    },
)
