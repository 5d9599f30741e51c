"""Delivery of report versions: claim each in the ledger, send it through a transport to
the recipients still missing (with retries, marking a copy that may be a duplicate),
record every answer, release the claim. The ledger's rules: `pipelines.delivery.ledger`."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

import sqlalchemy as sa

from pipelines.delivery import ledger
from pipelines.delivery.messages import ReportVersion, build_message
from pipelines.delivery.smtp import InDoubt, NotSent, Transmission


@dataclass(frozen=True)
class Outcome:
    report: ReportVersion
    action: str  # sent | correction | unchanged | failed
    attempts: int = 0
    error: str | None = None
    failed_recipients: tuple[str, ...] = ()


class Transport(Protocol):
    """What delivery needs of a transport: `MailResource` (the settings of `smtp`)."""

    mail_from: str
    max_attempts: int
    backoff_seconds: float
    timeout_seconds: float
    deadline_seconds: float
    lease_seconds: float
    max_in_doubt_resends: int

    def transmit(
        self,
        message: EmailMessage,
        recipients: Sequence[str],
        *,
        deadline: float,
        before_data: Callable[[list[str]], None],
        on_accepted: Callable[[Transmission], None],
    ) -> Transmission: ...


def _send_claimed(
    engine: sa.Engine,
    report: ReportVersion,
    claim: ledger.Claim,
    transport: Transport,
    *,
    mail_from: str,
    sleep: Callable[[float], None],
) -> tuple[int, dict[str, str]]:
    """Send to every recipient still missing; returns (attempts, recipient → why not)."""
    attempts, resends, round_ = 0, 0, 0
    given_up: dict[str, str] = {}  # not tried again in this run
    before_data = ledger.before_data(engine, claim)
    recipients = tuple(dict.fromkeys(report.recipients))
    while True:
        state = ledger.recipient_state(engine, claim)
        todo = [x for x in recipients if state[x].status != "sent" and x not in given_up]
        if not todo or round_ >= transport.max_attempts:
            break
        if round_:
            pause = transport.backoff_seconds * 2 ** (round_ - 1)
            if time.monotonic() + pause >= claim.deadline:
                break
            sleep(pause)
        round_ += 1
        for duplicate in (False, True):
            group = [x for x in todo if bool(state[x].in_doubt) == duplicate]
            if not group:
                continue
            if duplicate and resends >= transport.max_in_doubt_resends:
                given_up.update({x: "possibly delivered, not sent again in this run" for x in group})
                continue
            if time.monotonic() >= claim.deadline:
                break
            resends += duplicate
            message = build_message(
                report, correction=claim.correction, mail_from=mail_from, msgid=claim.message_id,
                possible_duplicate=duplicate,
            )  # fmt: skip
            attempts += 1
            _attempt(engine, claim, transport, message, group, duplicate, given_up, before_data)
    state = ledger.recipient_state(engine, claim)
    missing = {
        x: given_up.get(x) or state[x].error or "not delivered before the deadline"
        for x in recipients
        if state[x].status != "sent"
    }
    return attempts, missing


def _attempt(
    engine: sa.Engine,
    claim: ledger.Claim,
    transport: Transport,
    message: EmailMessage,
    group: list[str],
    duplicate: bool,
    given_up: dict[str, str],
    before_data: Callable[[list[str]], None],
) -> None:
    """One transaction to `group`, its answer recorded (a 5xx refusal lands in `given_up`)."""
    try:
        transport.transmit(
            message,
            group,
            deadline=min(time.monotonic() + transport.timeout_seconds, claim.deadline),
            before_data=before_data,
            # Recorded at once, before QUIT: a sender killed then sends no copy again.
            on_accepted=lambda done: ledger.settle(
                engine, claim, group, duplicate, given_up, done.accepted, done.refused
            ),
        )
    except InDoubt as exc:
        # The server may hold it: the next copy is marked (in_doubt stays set).
        ledger.record(engine, claim, {x: {"error": f"no answer to the message: {exc.error}"} for x in group})
    except NotSent as exc:
        ledger.settle(engine, claim, group, duplicate, given_up, [], exc.refused, exc.error, exc.permanent)


def deliver(
    engine: sa.Engine,
    reports: list[ReportVersion],
    transport: Transport,
    *,
    mail_from: str | None = None,
    run_id: str | None = None,
    poll_seconds: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Outcome]:
    """Send each report version to every recipient that does not hold it yet; record
    every attempt in the ledger (see `pipelines.delivery.ledger`)."""
    mail_from = mail_from or transport.mail_from
    domain = mail_from.rsplit("@", 1)[-1]
    outcomes = []
    for report in reports:
        if not report.recipients:
            outcomes.append(Outcome(report, "failed", error="no recipients"))
            continue
        claim = ledger.claim(
            engine, report, domain=domain, run_id=run_id, deadline_seconds=transport.deadline_seconds,
            lease_seconds=transport.lease_seconds, poll_seconds=poll_seconds, sleep=sleep,
        )  # fmt: skip
        if claim is None:
            outcomes.append(Outcome(report, "unchanged"))  # the recipients hold this version already
            continue
        try:
            attempts, missing = _send_claimed(
                engine, report, claim, transport, mail_from=mail_from, sleep=sleep
            )
        except ledger.LostClaim as exc:
            outcomes.append(Outcome(report, "failed", error=str(exc), failed_recipients=report.recipients))
            continue
        except Exception as exc:  # noqa: BLE001 - recorded, and the run reports it
            attempts = 0
            missing = ledger.fail_unsent(engine, claim, report.recipients, f"{type(exc).__name__}: {exc}")
        error = "; ".join(f"{x}: {why}" for x, why in missing.items())[:300] or None
        ledger.close(engine, claim, missing, attempts, error)
        if missing:
            action = "failed"
        elif not attempts:
            action = "unchanged"  # every recipient had it already (from a sender killed before closing)
        else:
            action = "correction" if claim.correction else "sent"
        outcomes.append(Outcome(report, action, attempts, error, tuple(missing)))
    return outcomes
