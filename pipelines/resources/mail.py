"""E-mail over the standard library: SMTP when a host is set, `.eml` files otherwise."""

from __future__ import annotations

import smtplib
import ssl
import time
from email.message import EmailMessage
from pathlib import Path

import dagster as dg

# Errors worth another attempt: the server or the network may be back in a moment.
RETRYABLE = (smtplib.SMTPException, OSError)


class MailResource(dg.ConfigurableResource):
    """Sends messages through `SURVEY_SMTP_HOST` (STARTTLS and login when configured),
    or writes them to `SURVEY_OUTBOX_DIR` as `.eml` files when no host is set."""

    host: str = ""
    port: int = 25
    user: str = ""
    password: str = ""
    starttls: bool = False
    mail_from: str = "kundenbefragung@hamburg.example"
    outbox_dir: str = "var/outbox"
    max_attempts: int = 4
    backoff_seconds: float = 2.0
    timeout_seconds: float = 30.0

    @property
    def transport(self) -> str:
        return f"smtp://{self.host}:{self.port}" if self.host else f"outbox {self.outbox_dir}"

    def send(self, message: EmailMessage) -> int:
        """Deliver one message; returns the number of attempts it took.

        Retries with exponential backoff; raises the last error when every attempt failed.
        A refused attempt delivers nothing, so a retry cannot duplicate the mail.
        """
        if "From" not in message:
            message["From"] = self.mail_from
        if not self.host:
            self._write_outbox(message)
            return 1
        for attempt in range(1, self.max_attempts + 1):
            try:
                self._smtp_send(message)
                return attempt
            except RETRYABLE:
                if attempt == self.max_attempts:
                    raise
                time.sleep(self.backoff_seconds * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    def _smtp_send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_seconds) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)

    def _write_outbox(self, message: EmailMessage) -> Path:
        outbox = Path(self.outbox_dir)
        outbox.mkdir(parents=True, exist_ok=True)
        name = (
            message["Message-ID"].strip("<>").split("@")[0] if message["Message-ID"] else str(time.time_ns())
        )
        path = outbox / f"{name}.eml"
        path.write_bytes(bytes(message))
        return path
