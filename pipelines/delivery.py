"""Report delivery by e-mail with a ledger, so that each report version goes out once."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import sqlalchemy as sa

from pipelines.warehouse import schema


@dataclass(frozen=True)
class ReportVersion:
    centre: str
    cadence: str
    period_key: str
    title: str
    recipients: tuple[str, ...]
    summary: str  # German mail body
    attachments: tuple[Path, ...]
    version: str  # content hash of the figures


@dataclass(frozen=True)
class Outcome:
    report: ReportVersion
    action: str  # sent | correction | unchanged | failed
    attempts: int = 0
    error: str | None = None


def figures_version(doc: dict) -> str:
    """SHA-256 of what the report says (not when it was built)."""
    twin = {k: v for k, v in doc.items() if k not in ("meta", "snapshot")}
    return hashlib.sha256(
        json.dumps(twin, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def build_message(report: ReportVersion, *, correction: bool, mail_from: str) -> EmailMessage:
    message = EmailMessage()
    prefix = "Korrektur: " if correction else ""
    message["Subject"] = f"{prefix}{report.title}"
    message["From"] = mail_from
    message["To"] = ", ".join(report.recipients)
    domain = mail_from.rsplit("@", 1)[-1]
    # Stable per report version: a receiving system can drop a duplicate after a crash.
    message["Message-ID"] = make_msgid(idstring=report.version[:24], domain=domain)
    message["Content-Language"] = "de"
    body = report.summary
    if correction:
        body = (
            "Dieser Bericht ersetzt die zuvor versandte Fassung: nach einer Datenkorrektur "
            "haben sich Zahlen geändert.\n\n" + body
        )
    message.set_content(body)
    for path in report.attachments:
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        maintype, subtype = ctype.split("/", 1)
        message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return message


def deliver(
    engine: sa.Engine,
    reports: list[ReportVersion],
    send: Callable[[EmailMessage], int],
    *,
    mail_from: str,
    run_id: str | None = None,
) -> list[Outcome]:
    """Send each report version not yet sent; record every attempt in the ledger."""
    t = schema.deliveries
    outcomes = []
    for report in reports:
        key = (
            (t.c.centre == report.centre)
            & (t.c.cadence == report.cadence)
            & (t.c.period_key == report.period_key)
        )
        with engine.connect() as conn:
            sent = (
                conn.execute(
                    sa.select(t.c.version).where(key, t.c.status == "sent").order_by(t.c.updated_at, t.c.id)
                )
                .scalars()
                .all()
            )
        if sent and sent[-1] == report.version:
            outcomes.append(Outcome(report, "unchanged"))  # the recipients hold this version already
            continue
        correction = bool(sent)
        message = build_message(report, correction=correction, mail_from=mail_from)
        row = {
            "centre": report.centre,
            "cadence": report.cadence,
            "period_key": report.period_key,
            "version": report.version,
            "recipients": ", ".join(report.recipients),
            "correction": correction,
            "status": "sending",
            "attempts": 0,
            "error": None,
            "message_id": message["Message-ID"],
            "run_id": run_id,
            "updated_at": dt.datetime.now(dt.UTC),
        }
        with engine.begin() as conn:
            conn.execute(sa.delete(t).where(key & (t.c.version == report.version)))
            conn.execute(sa.insert(t), [row])
        try:
            attempts = send(message)
        except Exception as exc:  # noqa: BLE001 - recorded, and the run reports it
            status, attempts, error = "failed", None, f"{type(exc).__name__}: {str(exc)[:200]}"
        else:
            status, error = "sent", None
        with engine.begin() as conn:
            conn.execute(
                sa.update(t)
                .where(key & (t.c.version == report.version))
                .values(
                    status=status, attempts=attempts or 0, error=error, updated_at=dt.datetime.now(dt.UTC)
                )
            )
        action = "failed" if status == "failed" else ("correction" if correction else "sent")
        outcomes.append(Outcome(report, action, attempts or 0, error))
    return outcomes
