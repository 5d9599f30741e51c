"""Warehouse access: engines, the table definitions and locks across processes."""

from __future__ import annotations

import fcntl
import functools
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from pipelines.warehouse.schema import metadata


def _lock_id(name: str) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory locks."""
    return int.from_bytes(hashlib.sha256(f"survey:{name}".encode()).digest()[:8], "big", signed=True)


@functools.lru_cache(maxsize=8)
def engine_for(url: str) -> sa.Engine:
    """One engine per URL and process, with the tables created if missing."""
    kwargs = {}
    if url.startswith("sqlite"):
        # Ingestion and reports run one at a time on the embedded default; a generous
        # timeout avoids spurious "database is locked" while the UI reads.
        kwargs["connect_args"] = {"timeout": 60}
    engine = sa.create_engine(url, future=True, **kwargs)
    if url.startswith("sqlite"):
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    with engine.begin() as conn:
        # Two runs starting at once would both create the tables (PostgreSQL: duplicate
        # pg_type entries): the first takes the lock, the second then finds them.
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_id("schema")})
        metadata.create_all(conn)
        _refuse_outdated(conn)
    return engine


class OutdatedSchema(RuntimeError):
    """The warehouse was created by an older version whose tables lack columns."""


def _refuse_outdated(conn: sa.Connection) -> None:
    # create_all adds missing tables but never changes existing ones: a warehouse of an
    # older version would fail later, in the middle of a run, on a missing column.
    inspector = sa.inspect(conn)
    missing = []
    for table in metadata.sorted_tables:
        have = {c["name"] for c in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
    if missing:
        raise OutdatedSchema(
            f"the warehouse ({conn.engine.url.get_backend_name()} database "
            f"{conn.engine.url.database!r}) was created by an older version of the pipeline: "
            f"missing columns {', '.join(missing[:8])}. Build it anew from the landing folder: "
            "point SURVEY_WAREHOUSE_URL at a new, empty database (the demo: delete var/), then run "
            "the ingest job and the report jobs; the delivery ledger of the old one tells which "
            "reports were already sent."
        )


@contextmanager
def exclusive(engine: sa.Engine, name: str, shared: bool = False) -> Iterator[None]:
    """Hold a named lock across processes for the duration of the block; `shared`
    holders (readers) exclude only the exclusive one (the writer).

    PostgreSQL: a session advisory lock on a connection of its own; SQLite: a file
    lock beside the database file. Both are released when the holder dies, so a killed
    run never leaves the lock behind.
    """
    if engine.dialect.name == "postgresql":
        kind = "_shared" if shared else ""
        with engine.connect() as conn:
            conn.execute(sa.text(f"SELECT pg_advisory_lock{kind}(:k)"), {"k": _lock_id(name)})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text(f"SELECT pg_advisory_unlock{kind}(:k)"), {"k": _lock_id(name)})
                conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield  # one process only: nothing to serialise against
        return
    path = Path(database).with_name(Path(database).name + f".{name}.lock")
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 32 MiB of page cache instead of 2: ingestion inserts hundreds of thousands of staged
    # rows into indexed tables (about a fifth less CPU for the year's inserts).
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
