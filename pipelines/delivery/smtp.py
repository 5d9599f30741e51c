"""The SMTP transport, standard library only: SMTP when a host is set, `.eml` files in an
outbox folder otherwise.

One SMTP transaction (`transmit`) is bounded by a total deadline, checked on every read
and write (a server trickling its banner one byte at a time cannot hold a run), and
tells apart the three outcomes that matter for exactly-once delivery:

- `Transmission`: the server accepted the message (for the recipients it did not refuse);
- `NotSent`: nothing was delivered, for certain (refused, or failed before the body);
- `InDoubt`: the body went out but no answer came: the server may hold a copy.

`before_data` is called before the DATA command, so that a ledger records the attempt
before the server can receive anything. `send` delivers a single message with retries
(the run-failure mail). The settings come from `MailResource` in the Dagster wiring.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid
from pathlib import Path
from typing import Protocol

from pipelines.delivery.messages import mark_possible_duplicate

# -- what one SMTP transaction can end in ---------------------------------------------


@dataclass(frozen=True)
class Transmission:
    """The server accepted the message for `accepted`; `refused` maps the recipients it
    refused at RCPT to its reply ("550 5.1.1 …")."""

    accepted: list[str]
    refused: dict[str, str] = field(default_factory=dict)


class NotSent(Exception):
    """Nothing was delivered, for certain. `code` >= 500: do not retry in this run."""

    def __init__(self, error: str, *, code: int | None = None, refused: dict[str, str] | None = None):
        super().__init__(error)
        self.error = error
        self.code = code
        self.refused = dict(refused or {})

    @property
    def permanent(self) -> bool:
        return self.code is not None and self.code >= 500


class InDoubt(Exception):
    """The message body went out, but no answer came: the server may hold a copy."""

    def __init__(self, error: str):
        super().__init__(error)
        self.error = error


# -- smtplib with a total deadline ----------------------------------------------------

_CRLF = b"\r\n"


class DeadlineExceeded(TimeoutError):
    """The total time allowed for one SMTP transaction is over."""


class _DeadlineReader:
    """Stands in for smtplib's `self.file`: reads reply lines from the socket, setting
    the socket timeout to the time left before every read."""

    def __init__(self, smtp: DeadlineSMTP):
        self.smtp = smtp
        self.buffer = b""

    def readline(self, limit: int = -1) -> bytes:
        while b"\n" not in self.buffer and (limit < 0 or len(self.buffer) < limit):
            self.smtp.arm()
            try:
                chunk = self.smtp.sock.recv(4096)
            except TimeoutError as exc:  # the socket timeout is the time left
                raise DeadlineExceeded(f"deadline exceeded during {self.smtp.stage}") from exc
            if not chunk:
                break
            self.buffer += chunk
        end = self.buffer.find(b"\n") + 1 or len(self.buffer)
        if limit >= 0:
            end = min(end, limit)
        line, self.buffer = self.buffer[:end], self.buffer[end:]
        return line

    def close(self) -> None:
        self.buffer = b""


class DeadlineSMTP(smtplib.SMTP):
    """smtplib.SMTP whose every connect, read and write must finish before `deadline`
    (a `time.monotonic()` value), not merely each read within a timeout."""

    def __init__(self, deadline: float, local_hostname: str | None = None):
        self.deadline = deadline
        self.stage = "connect"
        super().__init__(local_hostname=local_hostname, timeout=max(self.remaining(), 0.001))

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded(f"deadline exceeded during {self.stage}")
        return left

    def arm(self) -> None:
        self.sock.settimeout(self.remaining())

    def _get_socket(self, host, port, timeout):
        sock = socket.create_connection((host, port), self.remaining(), self.source_address)
        self.stage = "banner"
        return sock

    def getreply(self):
        if self.file is None:
            self.file = _DeadlineReader(self)
        return super().getreply()

    def send(self, s):
        if not self.sock:
            raise smtplib.SMTPServerDisconnected("please run connect() first")
        if isinstance(s, str):
            s = s.encode(self.command_encoding)
        try:
            for start in range(0, len(s), 65536):
                self.arm()
                self.sock.sendall(s[start : start + 65536])
        except OSError as exc:
            self.close()
            raise smtplib.SMTPServerDisconnected(f"Server not connected: {exc}") from exc


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}"[:250]


def _flatten(message: EmailMessage, international: bool) -> bytes:
    msg = copy.copy(message)
    del msg["Bcc"]
    del msg["Resent-Bcc"]
    with io.BytesIO() as buffer:
        policy = message.policy.clone(utf8=True) if international else None
        generator = BytesGenerator(buffer, policy=policy) if policy else BytesGenerator(buffer)
        generator.flatten(msg, linesep="\r\n")
        return buffer.getvalue()


def _data_payload(flat: bytes) -> bytes:
    quoted = re.sub(rb"(?m)^\.", b"..", flat)
    if not quoted.endswith(_CRLF):
        quoted += _CRLF
    return quoted + b"." + _CRLF


class Settings(Protocol):
    """What the transport reads of its configuration (`MailResource` documents each)."""

    host: str
    port: int
    user: str
    password: str
    starttls: bool
    helo_name: str
    mail_from: str
    outbox_dir: str
    max_attempts: int
    backoff_seconds: float
    timeout_seconds: float
    deadline_seconds: float
    max_in_doubt_resends: int


# -- one transaction ------------------------------------------------------------------


def transmit(
    settings: Settings,
    message: EmailMessage,
    recipients: Sequence[str],
    *,
    deadline: float,
    before_data: Callable[[list[str]], None] = lambda accepted: None,
    on_accepted: Callable[[Transmission], None] = lambda done: None,
) -> Transmission:
    """One attempt to deliver `message` to `recipients` (the envelope), finished by
    `deadline` (monotonic). Raises NotSent or InDoubt; see the module docstring.
    `on_accepted` is called as soon as the server has accepted the message (before
    QUIT), so that a ledger can record it without waiting for the session's end."""
    if not settings.host:
        done = _write_outbox(settings.outbox_dir, message, list(recipients), before_data)
        on_accepted(done)
        return done
    mail_from = message["From"] or settings.mail_from
    international = not "".join([mail_from, *recipients]).isascii()
    flat = _flatten(message, international)
    try:
        # The EHLO name: without one smtplib asks DNS for this host's name (getfqdn),
        # which no deadline bounds; the sender's domain names us well enough.
        smtp = DeadlineSMTP(
            deadline, local_hostname=settings.helo_name or mail_from.rsplit("@", 1)[-1].strip("> ")
        )
    except DeadlineExceeded as exc:
        raise NotSent(str(exc)) from exc
    try:
        done = _session(smtp, settings, mail_from, recipients, flat, international, before_data)
        on_accepted(done)
        smtp.stage = "QUIT"
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()  # the message is accepted; how the session ends does not matter
        return done
    finally:
        smtp.close()


def _session(
    smtp: DeadlineSMTP,
    settings: Settings,
    mail_from: str,
    recipients: Sequence[str],
    flat: bytes,
    international: bool,
    before_data: Callable[[list[str]], None],
) -> Transmission:
    """From the connect to the answer to the message. An error raised by smtplib or the
    socket is NotSent, or InDoubt once the body went out."""
    body_sent = False
    try:
        _greet(smtp, settings, international)
        refused = _envelope(smtp, mail_from, recipients, len(flat), international)
        accepted = [r for r in recipients if r not in refused]
        if not accepted:
            raise NotSent("every recipient refused", refused=refused)
        before_data(accepted)
        smtp.stage = "DATA"
        code, text = smtp.docmd("DATA")
        if code != 354:
            raise NotSent(f"DATA refused: {_reply(code, text)}", code=code, refused=refused)
        smtp.stage = "message body"
        body_sent = True
        smtp.send(_data_payload(flat))
        smtp.stage = "answer to the message"
        code, text = smtp.getreply()
        if code != 250:
            raise NotSent(f"message refused: {_reply(code, text)}", code=code, refused=refused)
    except smtplib.SMTPResponseException as exc:  # refusals raised by smtplib itself
        raise NotSent(f"{smtp.stage}: {_reply(exc.smtp_code, exc.smtp_error)}", code=exc.smtp_code) from exc
    except (smtplib.SMTPException, OSError) as exc:
        error = f"{smtp.stage}: {type(exc).__name__}: {exc}"[:250]
        if body_sent:
            raise InDoubt(error) from exc
        raise NotSent(error) from exc
    return Transmission(accepted=accepted, refused=refused)


def _greet(smtp: DeadlineSMTP, settings: Settings, international: bool) -> None:
    """Connect and greet, with STARTTLS and login when configured."""
    smtp.connect(settings.host, settings.port)
    smtp.stage = "greeting"
    smtp.ehlo_or_helo_if_needed()
    if settings.starttls:
        smtp.stage = "starttls"
        smtp.starttls(context=ssl.create_default_context())
        smtp.ehlo()
    if settings.user:
        smtp.stage = "login"
        smtp.login(settings.user, settings.password)
    if international and not smtp.has_extn("smtputf8"):
        raise NotSent("the server does not support SMTPUTF8", code=554)


def _envelope(
    smtp: DeadlineSMTP, mail_from: str, recipients: Sequence[str], size: int, international: bool
) -> dict[str, str]:
    """MAIL FROM and RCPT TO; returns the recipients the server refused, with its reply."""
    options = []
    if smtp.does_esmtp and smtp.has_extn("size"):
        options.append(f"SIZE={size}")
    if international:
        options += ["SMTPUTF8", "BODY=8BITMIME"]
    smtp.stage = "MAIL FROM"
    code, text = smtp.mail(mail_from, options)
    if code != 250:
        raise NotSent(f"sender refused: {_reply(code, text)}", code=code)
    smtp.stage = "RCPT TO"
    refused: dict[str, str] = {}
    for rcpt in recipients:
        code, text = smtp.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = _reply(code, text)
        if code == 421:
            raise NotSent(f"server closing: {_reply(code, text)}", code=code, refused=refused)
    return refused


def _write_outbox(
    outbox_dir: str, message: EmailMessage, recipients: list[str], before_data: Callable[[list[str]], None]
) -> Transmission:
    before_data(recipients)
    outbox = Path(outbox_dir)
    try:
        outbox.mkdir(parents=True, exist_ok=True)
        msgid = (message["Message-ID"] or "").strip().strip("<>")
        name = re.sub(r"[^A-Za-z0-9._-]", "_", msgid.split("@")[0]) or str(time.time_ns())
        path = outbox / f"{name}.eml"
        partial = outbox / f".{name}.eml.{os.getpid()}.tmp"
        with partial.open("wb") as fh:
            fh.write(bytes(message))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)  # a reader sees the whole file or none
    except OSError as exc:
        raise NotSent(f"outbox: {type(exc).__name__}: {exc}"[:250]) from exc
    return Transmission(accepted=recipients, refused={})


# -- a single message with retries (run-failure mail) ---------------------------------


def send(settings: Settings, message: EmailMessage) -> int:
    """Deliver one message to its To/Cc/Bcc; returns the number of attempts it took.

    Errors before the message body are retried with exponential backoff; a copy sent
    again after an unanswered one is marked as possible duplicate (same Message-ID).
    Raises NotSent when some recipient still has not got it.
    """
    if "From" not in message:
        message["From"] = settings.mail_from
    if "Message-ID" not in message:
        message["Message-ID"] = make_msgid(domain=settings.mail_from.rsplit("@", 1)[-1])
    fields = [*message.get_all("To", []), *message.get_all("Cc", []), *message.get_all("Bcc", [])]
    pending = [addr for _, addr in getaddresses(fields) if addr]
    if not pending:
        raise NotSent("no recipients", code=554)
    deadline = time.monotonic() + settings.deadline_seconds
    attempt, resends, last = 0, 0, "no attempt"
    refused: dict[str, str] = {}  # refused for good (5xx), not tried again
    while pending and attempt < settings.max_attempts:
        if attempt:
            pause = settings.backoff_seconds * 2 ** (attempt - 1)
            if time.monotonic() + pause >= deadline:
                break
            time.sleep(pause)
        attempt += 1
        try:
            done = transmit(
                settings,
                message,
                pending,
                deadline=min(time.monotonic() + settings.timeout_seconds, deadline),
            )
        except InDoubt as exc:
            last = exc.error
            if resends >= settings.max_in_doubt_resends:
                break
            resends += 1
            mark_possible_duplicate(message)
            continue
        except NotSent as exc:
            last = exc.error
            refused.update({r: reply for r, reply in exc.refused.items() if reply.startswith("5")})
            if exc.permanent:
                refused.update({r: exc.error for r in pending if r not in refused})
            pending = [r for r in pending if r not in refused]
            continue
        refused.update({r: reply for r, reply in done.refused.items() if reply.startswith("5")})
        pending = [r for r in done.refused if r not in refused]
        last = f"refused: {done.refused}"
    if pending or refused:
        raise NotSent(f"not delivered to {sorted({*pending, *refused})}: {last}"[:300], refused=refused)
    return attempt
