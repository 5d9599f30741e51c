"""Bulk writes and small look-ups past SQLAlchemy's per-row parameter handling.

SQLAlchemy processes every parameter of every row (type processors, expanding IN lists
rendered anew per execution); for the hundreds of thousands of staged rows of a survey
year that costs more than the database work. These helpers hand plain tuples to the
driver: SQLite's `executemany`, PostgreSQL's `COPY` through psycopg (3). Any other
driver goes through SQLAlchemy as before. Values are stored exactly as SQLAlchemy would
store them (SQLite: dates as ISO text, booleans as 0/1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import sqlalchemy as sa


def _fast(conn: sa.Connection) -> str | None:
    name, driver = conn.dialect.name, conn.dialect.driver
    if name == "sqlite" and driver == "pysqlite":
        return "sqlite"
    if name == "postgresql" and driver == "psycopg":
        return "copy"
    return None


def _sqlite_date(value: dt.date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"  # SQLAlchemy's SQLite DATE format


def each(convert: Callable, values: list) -> list:
    """[convert(v) for v in values], calling convert once per distinct value (a column of
    a file or a batch repeats most of its values)."""
    done = {v: convert(v) for v in set(values)}
    return list(map(done.__getitem__, values))


def _sqlite_form(kind: sa.types.TypeEngine, values: list) -> list:
    """A column's values as SQLAlchemy's SQLite types bind them: Date → 'YYYY-MM-DD',
    Boolean → 0/1 (None stays None). Each distinct value is converted once."""
    if isinstance(kind, sa.Boolean):
        convert = int
    elif isinstance(kind, sa.Date):
        convert = _sqlite_date
    else:
        return values
    return each(lambda v: None if v is None else convert(v), values)


def insert(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """INSERT these rows (dicts with the same keys, plain Python values)."""
    if rows:
        insert_columns(conn, table, {c: [r[c] for r in rows] for c in rows[0]})


def insert_columns(conn: sa.Connection, table: sa.Table, columns: dict[str, list]) -> None:
    """INSERT rows given column by column (lists of plain Python values, of equal length):
    the driver gets them as tuples, with no dict per row."""
    names = list(columns)
    if not names or not columns[names[0]]:
        return
    how = _fast(conn)
    if how is None or any(isinstance(table.c[c].type, (sa.DateTime, sa.Time)) for c in names):
        conn.execute(
            sa.insert(table), [dict(zip(names, r, strict=True)) for r in zip(*columns.values(), strict=True)]
        )
        return
    quote = conn.dialect.identifier_preparer.quote
    sql_names = ", ".join(quote(c) for c in names)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if how == "sqlite":
            marks = ", ".join("?" for _ in names)
            cursor.executemany(
                f"INSERT INTO {quote(table.name)} ({sql_names}) VALUES ({marks})",
                zip(*(_sqlite_form(table.c[c].type, v) for c, v in columns.items()), strict=True),
            )
        else:
            with cursor.copy(f"COPY {quote(table.name)} ({sql_names}) FROM STDIN") as copy:
                for row in zip(*columns.values(), strict=True):
                    copy.write_row(row)
    finally:
        cursor.close()


def placeholder(conn: sa.Connection) -> str | None:
    """The driver's positional parameter mark for `exec_driver_sql` (None: another driver,
    use SQLAlchemy)."""
    return {"sqlite": "?", "copy": "%s"}.get(_fast(conn) or "")


def query(conn: sa.Connection, sql: str, params: tuple) -> list[tuple]:
    """A small read in driver SQL (marks from `placeholder`), on the connection's own
    transaction, without SQLAlchemy's execution machinery (a look-up per landed file)."""
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if _fast(conn) == "copy":
            # Never a prepared statement: psycopg prepares a query text used five times, and
            # PostgreSQL may then keep a plan made while staging was still small (a scan of
            # the whole table, for every file of the year).
            cursor.execute(sql, params, prepare=False)
        else:
            cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def sqlite_frame(conn: sa.Connection, table: sa.Table, where: str, params: list) -> pd.DataFrame | None:
    """SELECT the table's columns WHERE `where` (driver SQL, '?' marks; dates and booleans
    in `params` as SQLAlchemy stores them) into a DataFrame, straight from the SQLite
    driver: what `pandas.read_sql` gives through SQLAlchemy, except that dates come as
    'YYYY-MM-DD' text and booleans as 0/1. None on another database."""
    if _fast(conn) != "sqlite":
        return None
    values = [
        _sqlite_date(v) if isinstance(v, dt.date) else int(v) if isinstance(v, bool) else v for v in params
    ]
    names = ", ".join(c.name for c in table.columns)
    sql = f"SELECT {names} FROM {table.name} WHERE {where}"
    return pd.read_sql(sql, conn.connection.dbapi_connection, params=values)
