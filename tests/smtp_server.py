"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, with the faults
of real servers on demand: refusals, a connection dropped after the message, a late
answer, a refused recipient, a trickled banner, and holds that keep a sender waiting
(so that a test can kill it at that very point)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time
from contextlib import contextmanager

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class Recorder:
    """SMTP handler. A message counts as received once its body has arrived, whatever
    happens to the answer (that is what a real server may have delivered).

    refuse: the first N DATA answered 451 (nothing kept).
    drop_after_data: the first N messages are kept, then the connection is dropped
        without an answer.
    late_reply: the first N messages are kept and answered 250 after `late_seconds`.
    refuse_rcpt: recipient → reply (e.g. "550 5.1.1 …") while it is in the dict, or a
        list of replies, one per RCPT of that recipient, accepted once they are used up.
    hold_data / hold_quit / hold_mail: hold the answer to the N-th message, to QUIT after
        the N-th message, to the N-th MAIL FROM; `held` is set while a connection is held,
        until `release` is set or the client goes away.
    """

    def __init__(
        self,
        refuse: int = 0,
        *,
        drop_after_data: int = 0,
        late_reply: int = 0,
        late_seconds: float = 0.0,
        refuse_rcpt: dict[str, str | list[str]] | None = None,
        hold_data: int = 0,
        hold_quit: int = 0,
        hold_mail: int = 0,
    ):
        self.refuse = refuse
        self.drop_after_data = drop_after_data
        self.late_reply = late_reply
        self.late_seconds = late_seconds
        self.refuse_rcpt = dict(refuse_rcpt or {})
        self.hold_data, self.hold_quit, self.hold_mail = hold_data, hold_quit, hold_mail
        self.held = threading.Event()
        self.release = threading.Event()
        self.attempts = 0  # DATA commands completed (refused or not)
        self.transactions = 0  # MAIL FROM commands
        self.rcpt_refused: list[str] = []
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.received_at: list[float] = []  # time.time() of each message
        self._lock = threading.Lock()

    def message_ids(self) -> list[str]:
        return [m["Message-ID"].strip() for m in self.messages]

    async def _hold(self, server) -> None:
        self.held.set()
        while (
            not self.release.is_set() and server.transport is not None and not server.transport.is_closing()
        ):
            await asyncio.sleep(0.02)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self._lock:
            self.transactions += 1
            n = self.transactions
        if n == self.hold_mail:
            await self._hold(server)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refuse_rcpt.get(address)
        if isinstance(reply, list):
            reply = reply.pop(0) if reply else None
        if reply:
            self.rcpt_refused.append(address)
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.attempts <= self.refuse:
            return "451 4.3.0 Temporary failure, try again later"
        self.envelopes.append(list(envelope.rcpt_tos))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.received_at.append(time.time())
        n = len(self.messages)
        if n <= self.drop_after_data:
            server.transport.abort()  # the message is here; the client never hears so
            await asyncio.sleep(5)  # cancelled when aiosmtpd notices the lost connection
            return "250 OK"
        if n <= self.late_reply:
            await asyncio.sleep(self.late_seconds)
        if n == self.hold_data:
            await self._hold(server)
        session.messages_received = n
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        if getattr(session, "messages_received", 0) == self.hold_quit:
            await self._hold(server)
        return "221 Bye"


class TricklingSMTP(SMTP):
    """Sends its banner one byte at a time: each read of the client gets a byte in time,
    so only a total deadline ends the wait."""

    def __init__(self, *args, trickle_seconds: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.trickle_seconds = trickle_seconds
        self.greeted = False

    async def push(self, status):
        if self.greeted:
            return await super().push(status)
        self.greeted = True
        for byte in (status.encode() if isinstance(status, str) else status) + b"\r\n":
            if self.transport is None or self.transport.is_closing():
                return None
            self._writer.write(bytes([byte]))
            await asyncio.sleep(self.trickle_seconds)
        return None


class _TricklingController(Controller):
    def __init__(self, handler, trickle_seconds: float, **kwargs):
        super().__init__(handler, **kwargs)
        self.trickle_seconds = trickle_seconds

    def factory(self):
        return TricklingSMTP(self.handler, trickle_seconds=self.trickle_seconds, **self.SMTP_kwargs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(refuse: int = 0, *, trickle_seconds: float = 0.0, **faults):
    """Yields (recorder, port); keyword arguments as for Recorder."""
    recorder = Recorder(refuse, **faults)
    if trickle_seconds:
        controller = _TricklingController(recorder, trickle_seconds, hostname="127.0.0.1", port=free_port())
    else:
        controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield recorder, controller.port
    finally:
        recorder.release.set()
        controller.stop()
