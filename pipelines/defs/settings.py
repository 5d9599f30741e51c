"""Where configuration comes from: environment variables, with embedded defaults."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VAR = PROJECT_ROOT / "var"

DEFAULTS = {
    "SURVEY_LANDING_DIR": str(VAR / "landing"),
    "SURVEY_WAREHOUSE_URL": f"sqlite:///{VAR / 'warehouse.db'}",
    "SURVEY_REPORTS_DIR": str(VAR / "reports"),
    "SURVEY_QUARANTINE_DIR": str(VAR / "quarantine"),
    "SURVEY_OUTBOX_DIR": str(VAR / "outbox"),
    "SURVEY_PSEUDONYM_KEY": "",
    "SURVEY_DEMO": "false",
    "SURVEY_QUARANTINE_RETENTION_DAYS": "90",
    "SURVEY_SMTP_HOST": "",
    "SURVEY_SMTP_PORT": "25",
    "SURVEY_SMTP_USER": "",
    "SURVEY_SMTP_PASSWORD": "",
    "SURVEY_SMTP_STARTTLS": "false",
    "SURVEY_MAIL_FROM": "kundenbefragung@hamburg.example",
}


def setting(name: str):
    """`dg.EnvVar` when the variable is set (shown as such in the UI), else the default."""
    if os.environ.get(name):
        return dg.EnvVar(name)
    return DEFAULTS[name]


def value(name: str) -> str:
    return os.environ.get(name) or DEFAULTS[name]


def ensure_local_dirs() -> None:
    """The embedded default writes below var/; create it so SQLite can open its file."""
    if not os.environ.get("SURVEY_WAREHOUSE_URL"):
        VAR.mkdir(parents=True, exist_ok=True)
