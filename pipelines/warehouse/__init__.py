"""Warehouse access: engines, the table definitions and idempotent window writes."""

from __future__ import annotations

import functools

import sqlalchemy as sa

from pipelines.warehouse.schema import metadata


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
    metadata.create_all(engine)
    return engine


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
