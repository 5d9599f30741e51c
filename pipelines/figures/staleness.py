"""Reports whose data changed after they were built (a late or corrected export).

The response store notes which dates a rebuild changed; every report period already
built that contains such a date is marked stale until its figures are built again, so
the operator sees which reports to re-run (and, once re-run, which corrections go out).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from pipelines.core.periods import Period
from pipelines.warehouse import schema


def mark(engine: sa.Engine, changed: list[dt.date], run_id: str | None = None) -> list[tuple[str, str]]:
    """Mark the built periods containing a changed date; returns the (cadence, key) marked."""
    if not changed:
        return []
    docs, stale = schema.report_documents, schema.stale_reports
    with engine.begin() as conn:
        built = conn.execute(sa.select(docs.c.cadence, docs.c.period_key).distinct()).all()
        known = {(c, k) for c, k in conn.execute(sa.select(stale.c.cadence, stale.c.period_key)).all()}
        marked = []
        for cadence, key in sorted(built):
            period = Period.from_key(key)
            hit = [d for d in changed if period.start <= d <= period.end]
            if not hit:
                continue
            marked.append((cadence, key))
            if (cadence, key) not in known:
                conn.execute(
                    sa.insert(stale),
                    [{"cadence": cadence, "period_key": key, "first_changed_date": min(hit),
                      "detected_run_id": run_id, "detected_at": dt.datetime.now(dt.UTC)}],
                )  # fmt: skip
    return marked


def current(engine: sa.Engine) -> list[dict]:
    """Every stale report period, with whether its report was already mailed."""
    stale, sent = schema.stale_reports, schema.deliveries
    with engine.connect() as conn:
        rows = conn.execute(sa.select(stale).order_by(stale.c.cadence, stale.c.period_key)).mappings().all()
        mailed = {
            (c, k)
            for c, k in conn.execute(
                sa.select(sent.c.cadence, sent.c.period_key).where(sent.c.status == "sent").distinct()
            ).all()
        }
    return [dict(r) | {"mailed": (r["cadence"], r["period_key"]) in mailed} for r in rows]


def clear(conn: sa.Connection, cadence: str, period_key: str) -> None:
    """The period's figures were built again: its reports are current."""
    t = schema.stale_reports
    conn.execute(sa.delete(t).where(t.c.cadence == cadence, t.c.period_key == period_key))
