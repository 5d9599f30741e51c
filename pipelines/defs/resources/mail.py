"""The mail resource: the settings of the SMTP transport (`pipelines.delivery.smtp`)."""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage

import dagster as dg

from pipelines.delivery import smtp


class MailResource(dg.ConfigurableResource):
    """Sends messages through `SURVEY_SMTP_HOST` (STARTTLS and login when configured),
    or writes them to `SURVEY_OUTBOX_DIR` as `.eml` files when no host is set."""

    host: str = ""
    port: int = 25
    user: str = ""
    password: str = ""
    starttls: bool = False
    helo_name: str = ""  # EHLO name; default: the domain of mail_from
    mail_from: str = "kundenbefragung@hamburg.example"
    outbox_dir: str = "var/outbox"
    max_attempts: int = 4
    backoff_seconds: float = 2.0
    # Total time of one SMTP transaction, connect to the answer to DATA (not per read).
    timeout_seconds: float = 60.0
    # Total time for one message, every attempt and backoff included.
    deadline_seconds: float = 120.0
    # A claim in the delivery ledger lasts the message deadline plus this margin; a
    # re-run takes over only after that (the holder can no longer write by then).
    lease_margin_seconds: float = 30.0
    # Copies sent after an unanswered one (each marked as possible duplicate), per run.
    max_in_doubt_resends: int = 1

    @property
    def transport(self) -> str:
        return f"smtp://{self.host}:{self.port}" if self.host else f"outbox {self.outbox_dir}"

    @property
    def lease_seconds(self) -> float:
        return self.deadline_seconds + self.lease_margin_seconds

    def transmit(self, message: EmailMessage, recipients: Sequence[str], **kwargs) -> smtp.Transmission:
        """One SMTP transaction, or an outbox file when no host is set: `smtp.transmit`."""
        return smtp.transmit(self, message, recipients, **kwargs)

    def send(self, message: EmailMessage) -> int:
        """One message with retries (the run-failure mail): `smtp.send`."""
        return smtp.send(self, message)
