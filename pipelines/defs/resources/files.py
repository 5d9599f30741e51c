"""Folders the pipeline reads from and writes to."""

from __future__ import annotations

from pathlib import Path

import dagster as dg


class LandingResource(dg.ConfigurableResource):
    """Where exports land (read-only for us) and where rejected raw content is kept.

    The quarantine folder holds raw content that may carry personal data: keep it
    access-restricted; files older than `quarantine_retention_days` are deleted by ingestion.
    """

    landing_dir: str
    quarantine_dir: str
    quarantine_retention_days: int = 90

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)

    @property
    def quarantine(self) -> Path:
        return Path(self.quarantine_dir)


class ReportStorageResource(dg.ConfigurableResource):
    """Root folder of the report files (`SURVEY_REPORTS_DIR`)."""

    reports_dir: str

    @property
    def root(self) -> Path:
        return Path(self.reports_dir)
