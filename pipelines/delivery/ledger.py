"""The delivery ledger in SQL, so that each report version goes out once.

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

This module keeps the books (claims, each attempt and its answer, the release);
`pipelines.delivery.dispatch` sends.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from pipelines.delivery.messages import ReportVersion, message_id
from pipelines.warehouse import schema


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite returns naive UTC


# -- claims ---------------------------------------------------------------------------


class LostClaim(Exception):
    """Another sender holds this report version now."""


@dataclass(frozen=True)
class Claim:
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


@dataclass(frozen=True)
class _Seen:
    """What the ledger holds of a report version, read in one connection."""

    row: sa.Row | None  # its `deliveries` row
    latest: str | None  # the version of its centre and period sent last
    have: dict[str, str]  # recipient → status, for this version
    earlier: int  # recipients holding another version (sent, or possibly sent)


def claim(
    engine: sa.Engine,
    report: ReportVersion,
    *,
    domain: str,
    run_id: str | None,
    deadline_seconds: float,
    lease_seconds: float,
    poll_seconds: float,
    sleep: Callable[[float], None],
) -> Claim | None:
    """Claim the report version for this sender, waiting while another sender holds a
    live claim. None: every recipient holds this version already (nothing to send)."""
    while True:
        seen = _look(engine, report)
        row = seen.row
        now = _now()
        deadline = time.monotonic() + deadline_seconds
        token = uuid.uuid4().hex
        values = {
            "claim_token": token,
            "lease_until": now + dt.timedelta(seconds=lease_seconds),
            "run_id": run_id,
            "status": "sending",
            "updated_at": now,
        }
        if row is None:
            msgid = message_id(report, domain)
            new_id = _insert(engine, report, values, msgid=msgid, correction=bool(seen.earlier))
            if new_id is None:
                continue  # another sender inserted it first: look again
            return Claim(new_id, token, bool(seen.earlier), msgid, deadline)
        if row.status == "sent":
            missing = [x for x in report.recipients if seen.have.get(x) != "sent"]
            if seen.latest == report.version and not missing:
                return None
            # Sent before, but another version went out since (the figures were
            # reverted): issue it again as a correction, with a Message-ID of its own.
            reissue = seen.latest != report.version
            issue = row.issue + 1 if reissue else row.issue
            msgid = message_id(report, domain, issue) if reissue else row.message_id
            correction = True if reissue else row.correction
            if _reopen(
                engine, report, seen, values, issue=issue, msgid=msgid, correction=correction, reissue=reissue
            ):
                return Claim(row.id, token, correction, msgid, deadline)
            continue
        if all(seen.have.get(x) == "sent" for x in report.recipients):
            # Every recipient has it; the sender died before closing the row (or is
            # closing it right now): close it, there is nothing to send.
            _close_delivered(engine, row, now)
            return None
        lease = _aware(row.lease_until) if row.lease_until is not None else None
        if row.claim_token is not None and lease is not None and lease > now:
            # Another sender is at work (or was killed, and its lease runs out): wait.
            sleep(max(0.01, min(poll_seconds, (lease - now).total_seconds())))
            continue
        if _take_over(engine, report, seen, values):
            return Claim(row.id, token, row.correction, row.message_id, deadline)


# The steps of a claim: one read, then each attempt to claim is one transaction.


def _look(engine: sa.Engine, report: ReportVersion) -> _Seen:
    t, r = schema.deliveries, schema.delivery_recipients
    key = _report_key(report)
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
    return _Seen(row, latest, have, earlier)


def _insert(
    engine: sa.Engine, report: ReportVersion, values: dict, *, msgid: str, correction: bool
) -> int | None:
    """The version's row, claimed, and its recipients; None: another sender inserted it."""
    t = schema.deliveries
    try:
        with engine.begin() as conn:
            new_id = conn.execute(
                sa.insert(t).values(
                    centre=report.centre, cadence=report.cadence, period_key=report.period_key,
                    version=report.version, recipients=", ".join(report.recipients)[:1000],
                    correction=correction, attempts=0, error=None, message_id=msgid, issue=1,
                    sent_at=None, **values,
                )
            ).inserted_primary_key[0]  # fmt: skip
            _recipient_rows(conn, new_id, report.recipients, set())
    except sa.exc.IntegrityError:
        return None
    return new_id


def _reopen(
    engine: sa.Engine,
    report: ReportVersion,
    seen: _Seen,
    values: dict,
    *,
    issue: int,
    msgid: str,
    correction: bool,
    reissue: bool,
) -> bool:
    """Claim a sent row again if it is unchanged since `seen`; a reissue sends to every
    recipient again."""
    t, r = schema.deliveries, schema.delivery_recipients
    row = seen.row
    with engine.begin() as conn:
        won = conn.execute(
            sa.update(t)
            .where(t.c.id == row.id, t.c.status == "sent", t.c.issue == row.issue)
            .values(issue=issue, message_id=msgid, correction=correction, sent_at=None, **values)
        ).rowcount
        if won:
            if reissue:
                conn.execute(
                    sa.update(r)
                    .where(r.c.delivery_id == row.id)
                    .values(status="pending", in_doubt=False, possible_duplicate=False, error=None)
                )
            _recipient_rows(conn, row.id, report.recipients, set(seen.have))
    return bool(won)


def _held_as_seen(row: sa.Row):
    """The row's claim is still the one `row` shows (nobody's, or the same token)."""
    t = schema.deliveries
    return t.c.claim_token.is_(None) if row.claim_token is None else t.c.claim_token == row.claim_token


def _close_delivered(engine: sa.Engine, row: sa.Row, now: dt.datetime) -> None:
    t = schema.deliveries
    with engine.begin() as conn:
        conn.execute(
            sa.update(t)
            .where(t.c.id == row.id, t.c.status == row.status, _held_as_seen(row))
            .values(
                status="sent", sent_at=now, error=None, claim_token=None, lease_until=None, updated_at=now
            )
        )


def _take_over(engine: sa.Engine, report: ReportVersion, seen: _Seen, values: dict) -> bool:
    """Claim a row nobody holds (or whose lease has run out) if it is unchanged since `seen`."""
    t = schema.deliveries
    row = seen.row
    with engine.begin() as conn:
        won = conn.execute(
            sa.update(t)
            .where(t.c.id == row.id, t.c.status == row.status, _held_as_seen(row))
            .values(**values)
        ).rowcount
        if won:
            _recipient_rows(conn, row.id, report.recipients, set(seen.have))
    return bool(won)


# -- an attempt and its answer --------------------------------------------------------


def before_data(engine: sa.Engine, claim: Claim) -> Callable[[list[str]], None]:
    """The transport's `before_data`: committed before DATA, the accepted recipients are
    in doubt; raises LostClaim when another sender holds the claim now."""
    t, r = schema.deliveries, schema.delivery_recipients

    def mark_in_doubt(accepted: list[str]) -> None:
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

    return mark_in_doubt


def record(engine: sa.Engine, claim: Claim, changes: dict[str, dict]) -> None:
    """Set the columns in `changes` (recipient → values) of the recipients' rows."""
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


def recipient_state(engine: sa.Engine, claim: Claim) -> dict[str, sa.Row]:
    """Recipient → its `delivery_recipients` row."""
    r = schema.delivery_recipients
    with engine.connect() as conn:
        rows = conn.execute(sa.select(r).where(r.c.delivery_id == claim.id)).all()
    return {row.recipient: row for row in rows}


def settle(
    engine: sa.Engine,
    claim: Claim,
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
    record(engine, claim, changes)


# -- the end of a claim ---------------------------------------------------------------


def fail_unsent(engine: sa.Engine, claim: Claim, recipients: Sequence[str], why: str) -> dict[str, str]:
    """After an unexpected error: fail every recipient still without the report, with
    `why`; returns them (recipient → why)."""
    r = schema.delivery_recipients
    # Only the recipients still without the report are missing: marking one that
    # got it as failed would send it a second, unmarked copy next run.
    state = recipient_state(engine, claim)
    missing = {x: why for x in recipients if state[x].status != "sent"}
    with engine.begin() as conn:
        conn.execute(
            sa.update(r)
            .where(r.c.delivery_id == claim.id, r.c.status != "sent")
            .values(status="failed", error=why[:300], updated_at=_now())
        )
    return missing


def close(engine: sa.Engine, claim: Claim, missing: dict[str, str], attempts: int, error: str | None) -> None:
    """Release the claim: the version is sent when no recipient is `missing`, else failed
    (and so are the missing recipients)."""
    t, r = schema.deliveries, schema.delivery_recipients
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


# -- for the next run -----------------------------------------------------------------


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
