"""What staging holds already: look-ups by file and key for ingestion, and what a
transaction of files writes at its end."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from pipelines.ingest import response_store
from pipelines.warehouse import bulk, schema

OWN_ROWS = (schema.tablet_rows, schema.web_versions, schema.quarantine)


@dataclasses.dataclass
class Queued:
    """What a transaction of files writes at its end, and what `look_ahead` found."""

    dates: set = dataclasses.field(default_factory=set)
    ledger: list = dataclasses.field(default_factory=list)
    looked_up: set = dataclasses.field(default_factory=set)
    with_rows: dict = dataclasses.field(default_factory=lambda: {t.name: set() for t in OWN_ROWS})

    def may_have(self, table: sa.Table, ref: str) -> bool:
        return ref not in self.looked_up or ref in self.with_rows[table.name]


def look_ahead(conn, refs: list[str]) -> Queued:
    """Which files of a batch have rows in staging or quarantine already (one query per
    table, not three deletes per file); ledger rows and queued dates wait for the end."""
    queued = Queued()
    for table in OWN_ROWS:
        for i in range(0, len(refs), response_store.IN_CHUNK):
            chunk = refs[i : i + response_store.IN_CHUNK]
            found = sa.select(table.c.source_file).where(table.c.source_file.in_(chunk)).distinct()
            queued.with_rows[table.name] |= set(conn.execute(found).scalars())
    queued.looked_up = set(refs)
    return queued


def existing(conn, column, keys: list[str], exclude_file: str) -> dict:
    """Staged rows of other files with these keys (chunked IN queries)."""
    out = {}
    table = column.table
    mark = bulk.placeholder(conn)
    for i in range(0, len(keys), response_store.IN_CHUNK):
        chunk = keys[i : i + response_store.IN_CHUNK]
        if mark is not None:  # the same query, without SQLAlchemy's per-call rendering
            value = "MAX(progress_seconds)" if table is schema.web_versions else "0"
            sql = (
                f"SELECT {column.name}, {value} FROM {table.name} WHERE {column.name} IN "
                f"({', '.join(mark for _ in chunk)}) AND source_file != {mark} GROUP BY {column.name}"
            )
            out.update(dict(bulk.query(conn, sql, (*chunk, exclude_file))))
            continue
        if table is schema.web_versions:
            query = (
                sa.select(column, sa.func.max(table.c.progress_seconds))
                .where(column.in_(chunk), table.c.source_file != exclude_file)
                .group_by(column)
            )
        else:
            query = sa.select(column, sa.literal(0)).where(
                column.in_(chunk), table.c.source_file != exclude_file
            )
        out.update(dict(conn.execute(query).all()))
    return out


def dates_sharing_keys(conn, ref: str) -> set:
    """Dates of every staged row, in any file, of a session or web response this file
    holds: when its rows go, another file's version of a response may count again."""
    dates = set()
    for table, key in ((schema.tablet_rows, schema.tablet_rows.c.session_key),
                       (schema.web_versions, schema.web_versions.c.response_key)):  # fmt: skip
        mine = sa.select(key).where(table.c.source_file == ref)
        dates |= set(conn.execute(sa.select(table.c.response_date).where(key.in_(mine)).distinct()).scalars())
    return dates
