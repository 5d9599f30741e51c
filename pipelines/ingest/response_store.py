"""The response store: one row per counted questionnaire, derived from staging date by date.

Ingestion queues the dates its files touched (`pending_dates`); the rebuild derives those
dates again from staging and replaces them in one transaction each window. A digest per
date (`store_dates`) tells which dates a rebuild changed and lets the store check itself
against staging.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from pipelines.core import contracts, registry
from pipelines.warehouse import bulk, schema

IN_CHUNK = 500  # keys per IN (...) list


def mark_dates(conn: sa.Connection, dates: set) -> None:
    """Queue dates for the rebuild; a date already queued stays queued (no duplicate key,
    whoever queued it first)."""
    if not dates:
        return
    t = schema.pending_dates
    rows = [{"response_date": d} for d in sorted(dates)]
    dialect = conn.dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = (postgresql if dialect == "postgresql" else sqlite).insert
        conn.execute(insert(t).on_conflict_do_nothing(index_elements=["response_date"]), rows)
        return
    existing = set(conn.execute(sa.select(t.c.response_date)).scalars())
    rows = [r for r in rows if r["response_date"] not in existing]
    if rows:
        conn.execute(sa.insert(t), rows)


def staged_dates(conn: sa.Connection, source_file: str | None = None) -> set[dt.date]:
    """Dates with staged rows (of one file, or of all)."""
    dates = set()
    for t in (schema.tablet_rows, schema.web_versions):
        query = sa.select(t.c.response_date).distinct()
        if source_file is not None:
            query = query.where(t.c.source_file == source_file)
        dates |= set(conn.execute(query).scalars())
    return dates


def store_dates(conn: sa.Connection) -> set[dt.date]:
    """Dates the response store holds rows on, counted or excluded."""
    dates = set()
    for t in (schema.responses, schema.excluded_responses):
        dates |= set(conn.execute(sa.select(t.c.response_date).distinct()).scalars())
    return dates


@dataclass
class RebuildResult:
    dates: list
    frame: pd.DataFrame  # the rows written to `responses`
    excluded: pd.DataFrame  # the rows written to `excluded_responses`


def pending_dates(engine: sa.Engine) -> list[dt.date]:
    with engine.connect() as conn:
        return sorted(conn.execute(sa.select(schema.pending_dates.c.response_date)).scalars())


def all_staged_dates(engine: sa.Engine) -> list[dt.date]:
    """Every date that has or had rows: staged, in the store, or still pending. A full
    rebuild derives each again, so a date whose rows all went away is emptied too."""
    with engine.connect() as conn:
        dates = staged_dates(conn) | store_dates(conn)
        dates |= set(conn.execute(sa.select(schema.pending_dates.c.response_date)).scalars())
    return sorted(dates)


def inconsistent_dates(engine: sa.Engine) -> list[dt.date]:
    """Dates where the store disagrees with its source and that are not queued: rows that
    staging no longer gives, staged dates never written, or row counts that differ from
    what the last rebuild of the date wrote."""
    sd = schema.store_dates
    with engine.connect() as conn:
        queued = set(conn.execute(sa.select(schema.pending_dates.c.response_date)).scalars())
        written = dict(conn.execute(sa.select(sd.c.response_date, sd.c.rows)).all())
        held = Counter()
        for t in (schema.responses, schema.excluded_responses):
            held.update(
                dict(
                    conn.execute(
                        sa.select(t.c.response_date, sa.func.count()).group_by(t.c.response_date)
                    ).all()
                )
            )
        staged = staged_dates(conn)
    wrong = {d for d in set(held) | set(written) if held.get(d, 0) != written.get(d, 0)}
    return sorted(((set(held) - staged) | (staged - set(written)) | wrong) - queued)


def build_responses(engine: sa.Engine, dates: list[dt.date]) -> RebuildResult:
    """Derive the response store rows of these dates from staging (no writes)."""
    items = [i.code for i in registry.questionnaire().answer_items]
    columns = contracts.load("responses").columns
    date_set = set(dates)
    tablet, web = _load_staged(engine, dates)
    frames, excluded = [], []
    if not tablet.empty:
        sessions = _tablet_sessions(tablet, items)
        sessions = sessions[sessions.response_date.isin(date_set)]
        excluded.append(sessions.loc[sessions.misuse].assign(reason="misuse"))
        frames.append(sessions.loc[~sessions.misuse])
    if not web.empty:
        # Newest datestamp wins; equal states are the same version seen twice.
        web = web.sort_values(
            ["response_key", "progress_seconds", "finished", "source_file", "source_row"],
            ascending=[True, False, False, True, True],
        ).drop_duplicates("response_key")
        web = web[web.response_date.isin(date_set)].copy()
        web["channel"] = "web"
        web["device_key"] = None
        excluded.append(web.loc[~web.finished].assign(reason="unfinished"))
        frames.append(web.loc[web.finished])

    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    frame = frame.reindex(columns=columns)
    for code in items:
        frame[code] = frame[code].astype("Int16")
    frame["questionnaire_version"] = frame["questionnaire_version"].astype("Int16")
    frame = frame.sort_values(["response_date", "centre", "response_key"], ignore_index=True)
    ex_cols = ["response_key", "channel", "centre", "response_date", "reason"]
    excl = pd.concat(excluded, ignore_index=True)[ex_cols] if excluded else pd.DataFrame(columns=ex_cols)
    return RebuildResult(
        sorted(date_set), frame, excl.sort_values(["response_date", "response_key"], ignore_index=True)
    )


def _tablet_sessions(tablet: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """One row per tablet completion from its long-format rows (answers pivoted, the
    comment joined; misuse if any row says so)."""
    text_item = registry.questionnaire().text_items[0].code
    # The same row uploaded twice counts once: keep its first delivery.
    tablet = tablet.sort_values(["source_file", "source_row"]).drop_duplicates("feedback_key")
    first = tablet.groupby("session_key", sort=False).first()
    answers = (
        tablet[tablet.question_code != text_item]
        .pivot_table(index="session_key", columns="question_code", values="answer", aggfunc="first")
        .reindex(columns=items)
    )
    comments = (
        tablet[tablet.question_code == text_item]
        .groupby("session_key")[["comment", "comment_status", "comment_redactions"]]
        .first()
    )
    fields = [
        "centre",
        "response_date",
        "daypart",
        "questionnaire_version",
        "language",
        "device_key",
        "source_file",
    ]
    sessions = first[fields].join(answers).join(comments)
    sessions["misuse"] = tablet.groupby("session_key")["misuse"].any()
    sessions["channel"] = "tablet"
    sessions["comment_status"] = sessions["comment_status"].fillna("none")
    return sessions.reset_index().rename(columns={"session_key": "response_key"})


def _load_staged(engine, dates) -> tuple[pd.DataFrame, pd.DataFrame]:
    t, w = schema.tablet_rows, schema.web_versions
    tablet_parts, web_parts = [], []
    with engine.connect() as conn:
        for i in range(0, len(dates), 60):
            chunk = dates[i : i + 60]
            for parts, table, key in ((tablet_parts, t, "session_key"), (web_parts, w, "response_key")):
                parts.append(_rows_sharing_keys(conn, table, key, chunk))
    tablet = pd.concat(tablet_parts, ignore_index=True) if tablet_parts else pd.DataFrame()
    web = pd.concat(web_parts, ignore_index=True) if web_parts else pd.DataFrame()
    if not web.empty:
        web = web.drop_duplicates(["source_file", "source_row"])
        web["finished"] = web["finished"].astype(bool)
    if not tablet.empty:
        tablet = tablet.drop_duplicates(["source_file", "source_row"])
        tablet["misuse"] = tablet["misuse"].astype(bool)
    for frame in (tablet, web):
        if not frame.empty:
            frame["response_date"] = pd.to_datetime(frame["response_date"]).dt.date
    return tablet, web


def _rows_sharing_keys(conn, table: sa.Table, key: str, dates: list) -> pd.DataFrame:
    """Every staged row of a session or response with a row on one of these dates."""
    marks = ", ".join("?" for _ in dates)
    where = f"{key} IN (SELECT {key} FROM {table.name} WHERE response_date IN ({marks}))"
    found = bulk.sqlite_frame(conn, table, where, dates)  # (the dates are converted below)
    if found is not None:
        return found
    keys = sa.select(table.c[key]).where(table.c.response_date.in_(dates))
    return pd.read_sql(sa.select(table).where(table.c[key].in_(keys)), conn)


def write_responses(engine: sa.Engine, result: RebuildResult) -> list[dt.date]:
    """Replace exactly these dates, in one transaction (delete, then insert). Returns the
    dates whose content differs from what the store held before."""
    r, e, p, sd = schema.responses, schema.excluded_responses, schema.pending_dates, schema.store_dates
    rows = _columns(result.frame)
    excl = _columns(result.excluded)
    digests = _digests(rows, excl, result.dates)
    with engine.begin() as conn:
        before = {}
        for i in range(0, len(result.dates), 300):
            chunk = result.dates[i : i + 300]
            before |= dict(
                conn.execute(
                    sa.select(sd.c.response_date, sd.c.digest).where(sd.c.response_date.in_(chunk))
                ).all()
            )
            for table in (r, e, p, sd):
                conn.execute(sa.delete(table).where(table.c.response_date.in_(chunk)))
        # A response that moved here from a date outside this window leaves its old row
        # behind until that date is rebuilt: remove it now, so keys never collide.
        keys = rows["response_key"] + excl["response_key"]
        for i in range(0, len(keys), IN_CHUNK):
            for table in (r, e):
                conn.execute(sa.delete(table).where(table.c.response_key.in_(keys[i : i + IN_CHUNK])))
        bulk.insert_columns(conn, r, rows)
        bulk.insert_columns(conn, e, excl)
        if digests:
            conn.execute(
                sa.insert(sd), [{"response_date": d, "digest": h, "rows": n} for d, (h, n) in digests.items()]
            )
        return [d for d in result.dates if before.get(d, _EMPTY) != digests[d][0]]


_NOT_DIGESTED = ("response_key", "device_key", "source_file")
_EMPTY = hashlib.sha256(b"").hexdigest()


def _digests(rows: dict, excluded: dict, dates: list[dt.date]) -> dict[dt.date, tuple[str, int]]:
    """Per date: SHA-256 of its rows (without keys, which a new pseudonym key changes) and their number.
    A row's line is `json.dumps` of its values by name (sort_keys), put together column by
    column: each distinct value of a column is encoded once."""
    lines: dict = {d: [] for d in dates}
    for kind, columns in (("r", rows), ("e", excluded)):
        names = sorted(c for c in columns if c not in _NOT_DIGESTED)
        parts = [_json_items(name, columns[name]) for name in names]
        for day, *items in zip(columns["response_date"], *parts, strict=True):
            lines[day].append(kind + "{" + ", ".join(items) + "}")
    out = {}
    for d, found in lines.items():
        out[d] = (
            hashlib.sha256("\n".join(sorted(found)).encode()).hexdigest() if found else _EMPTY,
            len(found),
        )
    return out


def _json_items(name: str, values: list) -> list[str]:
    """'"name": value' of each value as json.dumps(..., default=str) writes it in a dict;
    once per distinct (type, value): True, 1 and 1.0 are equal but encoded differently."""
    typed = list(zip(map(type, values), values, strict=True))
    key = json.dumps(name)
    return bulk.each(lambda tv: f"{key}: {json.dumps(tv[1], default=str)}", typed)


def _columns(frame: pd.DataFrame) -> dict[str, list]:
    """The frame's columns as lists of plain Python values, None where missing (what
    `DataFrame.to_dict("records")` gives of `frame.astype(object)`, column by column)."""
    out = {}
    for name in frame.columns:
        values = frame[name].astype(object)
        out[name] = values.where(values.notna(), None).tolist()
    return out
