"""The e-mail of a report version: its Message-ID, headers, body and attachments, and
the marking of a copy that may be a duplicate."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

POSSIBLE_DUPLICATE_HEADER = "X-Survey-Possible-Duplicate"
POSSIBLE_DUPLICATE_NOTE = (
    "Hinweis: Diese E-Mail wurde nach einer Übertragungsstörung erneut gesendet. Falls Sie "
    "sie bereits erhalten haben, ist diese Kopie gleichlautend und kann gelöscht werden.\n\n"
)


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


def message_id(report: ReportVersion, domain: str, issue: int = 1) -> str:
    """The same for every copy of a report version (and issue): a receiving system can
    drop a duplicate after a crash."""
    parts = [report.centre, report.cadence, report.period_key, report.version[:16]]
    if issue > 1:
        parts.append(f"i{issue}")
    local = ".".join(re.sub(r"[^A-Za-z0-9-]+", "-", p) for p in parts)
    return f"<{local}@{domain}>"


def mark_possible_duplicate(message: EmailMessage) -> None:
    del message[POSSIBLE_DUPLICATE_HEADER]
    message[POSSIBLE_DUPLICATE_HEADER] = "yes"


def build_message(
    report: ReportVersion,
    *,
    correction: bool,
    mail_from: str,
    msgid: str | None = None,
    possible_duplicate: bool = False,
) -> EmailMessage:
    message = EmailMessage()
    prefix = "Korrektur: " if correction else ""
    message["Subject"] = f"{prefix}{report.title}"
    message["From"] = mail_from
    message["To"] = ", ".join(report.recipients)
    message["Message-ID"] = msgid or message_id(report, mail_from.rsplit("@", 1)[-1])
    message["Content-Language"] = "de"
    body = report.summary
    if correction:
        body = (
            "Dieser Bericht ersetzt die zuvor versandte Fassung: nach einer Datenkorrektur "
            "haben sich Zahlen geändert.\n\n" + body
        )
    if possible_duplicate:
        mark_possible_duplicate(message)
        body = POSSIBLE_DUPLICATE_NOTE + body
    message.set_content(body)
    for path in report.attachments:
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        maintype, subtype = ctype.split("/", 1)
        message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return message
