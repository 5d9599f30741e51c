"""Report delivery by e-mail with a ledger, so that each report version goes out once.

The ledger has one row per report version (`deliveries`) and one per recipient of it
(`delivery_recipients`). The version row is also a lock:

1. A sender claims it atomically (insert, or a compare-and-swap on `claim_token`) with a
   lease: the message deadline plus a margin. A second sender of the same version (a
   concurrent re-run, a delivery step that outlived its killed parent) waits until the
   claim is released or its lease has expired; it never sends alongside. A sender
   checks that it still holds the claim before every DATA command.
2. Before DATA the recipients the server accepted are marked `in_doubt` (committed).
   An answer clears it (sent, or refused for certain); a dropped connection, a reply
   past the deadline or a killed sender leaves it set.
3. A copy for an `in_doubt` recipient is marked as possible duplicate (header
   `X-Survey-Possible-Duplicate: yes` and a note in the body) and keeps the Message-ID,
   which is derived from centre, cadence, period and version: receiving systems can
   drop it. At most `max_in_doubt_resends` such copies per run.
4. A refused recipient fails for that recipient only; the version row is `sent` only
   when every recipient is, otherwise `failed`, and the next run sends only to the
   recipients still missing.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

import sqlalchemy as sa

from pipelines.delivery.messages import ReportVersion, build_message, message_id
from pipelines.delivery.smtp import InDoubt, NotSent, Transmission
from pipelines.warehouse import schema


@dataclass(frozen=True)
class Outcome:
    report: ReportVersion
    action: str  # sent | correction | unchanged | failed
    attempts: int = 0
    error: str | None = None
    failed_recipients: tuple[str, ...] = ()


class LostClaim(Exception):
    """Another sender holds this report version now."""


class Transport(Protocol):
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


# -- the ledger -----------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite returns naive UTC


@dataclass(frozen=True)
class _Claim:
    id: int
    token: str
    correction: bool
    message_id: str
    deadline: float  # time.monotonic(): no SMTP read or write after it


def _report_key(report: ReportVersion):
    t = schema.deliveries
    return (
        (t.c.centre == report.centre)
        & (t.c.cadence == report.cadence)
        & (t.c.period_key == report.period_key)
    )


def _recipient_rows(conn, delivery_id: int, recipients: Sequence[str], existing: set[str]) -> None:
    missing = [r for r in dict.fromkeys(recipients) if r not in existing]
    if missing:
        conn.execute(
            sa.insert(schema.delivery_recipients),
            [
                {
                    "delivery_id": delivery_id, "recipient": r, "status": "pending", "in_doubt": False,
                    "data_attempts": 0, "possible_duplicate": False, "error": None, "updated_at": _now(),
                }
                for r in missing
            ],
        )  # fmt: skip


def _claim(
    engine: sa.Engine,
    report: ReportVersion,
    transport: Transport,
    *,
    domain: str,
    run_id: str | None,
    poll_seconds: float,
    sleep: Callable[[float], None],
) -> _Claim | None:
    """Claim the report version for this sender, waiting while another sender holds a
    live claim. None: every recipient holds this version already (nothing to send)."""
    t, r = schema.deliveries, schema.delivery_recipients
    key = _report_key(report)
    while True:
        with engine.connect() as conn:
            row = conn.execute(sa.select(t).where(key, t.c.version == report.version)).one_or_none()
            latest = conn.execute(
                sa.select(t.c.version)
                .where(key, t.c.status == "sent")
                .order_by(t.c.sent_at.desc(), t.c.id.desc())
                .limit(1)
            ).scalar()
            have = (
                {}
                if row is None
                else dict(
                    conn.execute(sa.select(r.c.recipient, r.c.status).where(r.c.delivery_id == row.id)).all()
                )
            )
            # Recipients may hold another version (sent, or possibly sent): a correction.
            earlier = conn.execute(
                sa.select(sa.func.count())
                .select_from(r.join(t, r.c.delivery_id == t.c.id))
                .where(key, t.c.version != report.version, (r.c.status == "sent") | r.c.in_doubt)
            ).scalar()
        now = _now()
        deadline = time.monotonic() + transport.deadline_seconds
        token = uuid.uuid4().hex
        claim = {
            "claim_token": token,
            "lease_until": now + dt.timedelta(seconds=transport.lease_seconds),
            "run_id": run_id,
            "status": "sending",
            "updated_at": now,
        }
        if row is None:
            msgid = message_id(report, domain)
            try:
                with engine.begin() as conn:
                    new_id = conn.execute(
                        sa.insert(t).values(
                            centre=report.centre, cadence=report.cadence, period_key=report.period_key,
                            version=report.version, recipients=", ".join(report.recipients)[:1000],
                            correction=bool(earlier), attempts=0, error=None, message_id=msgid, issue=1,
                            sent_at=None, **claim,
                        )
                    ).inserted_primary_key[0]  # fmt: skip
                    _recipient_rows(conn, new_id, report.recipients, set())
            except sa.exc.IntegrityError:
                continue  # another sender inserted it first: look again
            return _Claim(new_id, token, bool(earlier), msgid, deadline)
        if row.status == "sent":
            missing = [x for x in report.recipients if have.get(x) != "sent"]
            if latest == report.version and not missing:
                return None
            # Sent before, but another version went out since (the figures were
            # reverted): issue it again as a correction, with a Message-ID of its own.
            reissue = latest != report.version
            issue = row.issue + 1 if reissue else row.issue
            msgid = message_id(report, domain, issue) if reissue else row.message_id
            correction = True if reissue else row.correction
            with engine.begin() as conn:
                won = conn.execute(
                    sa.update(t)
                    .where(t.c.id == row.id, t.c.status == "sent", t.c.issue == row.issue)
                    .values(issue=issue, message_id=msgid, correction=correction, sent_at=None, **claim)
                ).rowcount
                if won:
                    if reissue:
                        conn.execute(
                            sa.update(r)
                            .where(r.c.delivery_id == row.id)
                            .values(status="pending", in_doubt=False, possible_duplicate=False, error=None)
                        )
                    _recipient_rows(conn, row.id, report.recipients, set(have))
            if won:
                return _Claim(row.id, token, correction, msgid, deadline)
            continue
        if all(have.get(x) == "sent" for x in report.recipients):
            # Every recipient has it; the sender died before closing the row (or is
            # closing it right now): close it, there is nothing to send.
            held = (
                t.c.claim_token.is_(None) if row.claim_token is None else t.c.claim_token == row.claim_token
            )
            with engine.begin() as conn:
                conn.execute(
                    sa.update(t)
                    .where(t.c.id == row.id, t.c.status == row.status, held)
                    .values(
                        status="sent",
                        sent_at=now,
                        error=None,
                        claim_token=None,
                        lease_until=None,
                        updated_at=now,
                    )
                )
            return None
        lease = _aware(row.lease_until) if row.lease_until is not None else None
        if row.claim_token is not None and lease is not None and lease > now:
            # Another sender is at work (or was killed, and its lease runs out): wait.
            sleep(max(0.01, min(poll_seconds, (lease - now).total_seconds())))
            continue
        held = t.c.claim_token.is_(None) if row.claim_token is None else t.c.claim_token == row.claim_token
        with engine.begin() as conn:
            won = conn.execute(
                sa.update(t).where(t.c.id == row.id, t.c.status == row.status, held).values(**claim)
            ).rowcount
            if won:
                _recipient_rows(conn, row.id, report.recipients, set(have))
        if won:
            return _Claim(row.id, token, row.correction, row.message_id, deadline)


def _before_data(engine: sa.Engine, claim: _Claim) -> Callable[[list[str]], None]:
    t, r = schema.deliveries, schema.delivery_recipients

    def record(accepted: list[str]) -> None:
        now = _now()
        with engine.begin() as conn:
            held = conn.execute(
                sa.update(t).where(t.c.id == claim.id, t.c.claim_token == claim.token).values(updated_at=now)
            ).rowcount
            if held != 1:
                raise LostClaim("another sender took over this report version")
            conn.execute(
                sa.update(r)
                .where(r.c.delivery_id == claim.id, r.c.recipient.in_(accepted))
                .values(in_doubt=True, data_attempts=r.c.data_attempts + 1, updated_at=now)
            )

    return record


def _record(engine: sa.Engine, claim: _Claim, changes: dict[str, dict]) -> None:
    r = schema.delivery_recipients
    now = _now()
    with engine.begin() as conn:
        for recipient, values in changes.items():
            if "error" in values and values["error"]:
                values = {**values, "error": values["error"][:300]}
            conn.execute(
                sa.update(r)
                .where(r.c.delivery_id == claim.id, r.c.recipient == recipient)
                .values(**values, updated_at=now)
            )


def _state(engine: sa.Engine, claim: _Claim) -> dict[str, sa.Row]:
    r = schema.delivery_recipients
    with engine.connect() as conn:
        rows = conn.execute(sa.select(r).where(r.c.delivery_id == claim.id)).all()
    return {row.recipient: row for row in rows}


def _settle(
    engine: sa.Engine,
    claim: _Claim,
    group: list[str],
    duplicate: bool,
    given_up: dict[str, str],
    accepted: list[str],
    refused: dict[str, str],
    error: str | None = None,
    permanent: bool = False,
) -> None:
    """Record a definite answer for `group`: sent for `accepted`, refused for the rest
    (a 5xx refusal is not retried in this run and lands in `given_up`)."""
    changes = {
        x: {"status": "sent", "in_doubt": False, "possible_duplicate": duplicate, "error": None}
        for x in accepted
    }
    for x in group:
        if x in changes:
            continue
        reason = refused.get(x) or error or "not accepted"
        final = reason.startswith("5") if x in refused else permanent
        if final:
            given_up[x] = reason
        # Refused for certain: whatever was in doubt before this attempt still is.
        changes[x] = {"status": "failed" if final else "pending", "in_doubt": duplicate, "error": reason}
    _record(engine, claim, changes)


def _send_claimed(
    engine: sa.Engine,
    report: ReportVersion,
    claim: _Claim,
    transport: Transport,
    *,
    mail_from: str,
    sleep: Callable[[float], None],
) -> tuple[int, dict[str, str]]:
    """Send to every recipient still missing; returns (attempts, recipient → why not)."""
    attempts, resends, round_ = 0, 0, 0
    given_up: dict[str, str] = {}  # not tried again in this run
    before_data = _before_data(engine, claim)
    recipients = tuple(dict.fromkeys(report.recipients))
    while True:
        state = _state(engine, claim)
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

            try:
                transport.transmit(
                    message,
                    group,
                    deadline=min(time.monotonic() + transport.timeout_seconds, claim.deadline),
                    before_data=before_data,
                    # Recorded at once, before QUIT: a sender killed then sends no copy again.
                    on_accepted=lambda done, group=group, duplicate=duplicate: _settle(
                        engine, claim, group, duplicate, given_up, done.accepted, done.refused
                    ),
                )
            except InDoubt as exc:
                # The server may hold it: the next copy is marked (in_doubt stays set).
                _record(
                    engine, claim, {x: {"error": f"no answer to the message: {exc.error}"} for x in group}
                )
            except NotSent as exc:
                _settle(engine, claim, group, duplicate, given_up, [], exc.refused, exc.error, exc.permanent)
    state = _state(engine, claim)
    missing = {
        x: given_up.get(x) or state[x].error or "not delivered before the deadline"
        for x in recipients
        if state[x].status != "sent"
    }
    return attempts, missing


def unsent_periods(engine: sa.Engine, cadences: Sequence[str]) -> list[tuple[str, str]]:
    """(cadence, period key) of report versions not yet with all their recipients, whose
    version is still the current one of the period (a newer one replaces them)."""
    t, docs = schema.deliveries, schema.report_documents
    current = (
        sa.select(docs.c.cadence)
        .where(
            docs.c.cadence == t.c.cadence,
            docs.c.period_key == t.c.period_key,
            docs.c.centre == t.c.centre,
            docs.c.version == t.c.version,
        )  # fmt: skip
        .exists()
    )
    query = (
        sa.select(t.c.cadence, t.c.period_key)
        .where(t.c.cadence.in_(list(cadences)), t.c.status != "sent", current)
        .distinct()
        .order_by(t.c.cadence, t.c.period_key)
    )
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query).all()]


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
    every attempt in the ledger (see the module docstring)."""
    t, r = schema.deliveries, schema.delivery_recipients
    mail_from = mail_from or transport.mail_from
    domain = mail_from.rsplit("@", 1)[-1]
    outcomes = []
    for report in reports:
        if not report.recipients:
            outcomes.append(Outcome(report, "failed", error="no recipients"))
            continue
        claim = _claim(
            engine, report, transport, domain=domain, run_id=run_id, poll_seconds=poll_seconds, sleep=sleep
        )
        if claim is None:
            outcomes.append(Outcome(report, "unchanged"))  # the recipients hold this version already
            continue
        try:
            attempts, missing = _send_claimed(
                engine, report, claim, transport, mail_from=mail_from, sleep=sleep
            )
        except LostClaim as exc:
            outcomes.append(Outcome(report, "failed", error=str(exc), failed_recipients=report.recipients))
            continue
        except Exception as exc:  # noqa: BLE001 - recorded, and the run reports it
            # Only the recipients still without the report are missing: marking one that
            # got it as failed would send it a second, unmarked copy next run.
            state = _state(engine, claim)
            attempts = 0
            missing = {
                x: f"{type(exc).__name__}: {exc}" for x in report.recipients if state[x].status != "sent"
            }
            with engine.begin() as conn:
                conn.execute(
                    sa.update(r)
                    .where(r.c.delivery_id == claim.id, r.c.status != "sent")
                    .values(status="failed", error=f"{type(exc).__name__}: {exc}"[:300], updated_at=_now())
                )
        error = "; ".join(f"{x}: {why}" for x, why in missing.items())[:300] or None
        now = _now()
        with engine.begin() as conn:
            if missing:
                conn.execute(
                    sa.update(r)
                    .where(r.c.delivery_id == claim.id, r.c.recipient.in_(list(missing)))
                    .values(status="failed", updated_at=now)
                )
            conn.execute(
                sa.update(t)
                .where(t.c.id == claim.id, t.c.claim_token == claim.token)
                .values(
                    status="failed" if missing else "sent", attempts=t.c.attempts + attempts, error=error,
                    sent_at=None if missing else now, claim_token=None, lease_until=None, updated_at=now,
                )
            )  # fmt: skip
        if missing:
            action = "failed"
        elif not attempts:
            action = "unchanged"  # every recipient had it already (from a sender killed before closing)
        else:
            action = "correction" if claim.correction else "sent"
        outcomes.append(Outcome(report, action, attempts, error, tuple(missing)))
    return outcomes
