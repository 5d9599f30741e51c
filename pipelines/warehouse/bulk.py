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
import operator

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


def _sqlite_converters(table: sa.Table, columns: list[str]) -> list[tuple[int, object]]:
    """(position, converter) of the columns whose values SQLAlchemy's SQLite types change
    when binding: Date → 'YYYY-MM-DD', Boolean → 0/1 (None stays None)."""
    out = []
    for i, name in enumerate(columns):
        kind = table.c[name].type
        if isinstance(kind, sa.Boolean):
            out.append((i, int))
        elif isinstance(kind, sa.Date):
            out.append((i, _sqlite_date))
    return out


def _sqlite_params(table: sa.Table, columns: list[str], rows: list[dict]) -> list[tuple]:
    getter = operator.itemgetter(*columns)
    converters = _sqlite_converters(table, columns)
    one = len(columns) == 1  # itemgetter of one column gives the value, not a tuple
    params = [[getter(r)] for r in rows] if one else [list(getter(r)) for r in rows]
    for values in params:
        for i, convert in converters:
            if values[i] is not None:
                values[i] = convert(values[i])
    return params


def insert(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """INSERT these rows (dicts with the same keys, plain Python values)."""
    if not rows:
        return
    columns = list(rows[0])
    how = _fast(conn)
    if how is None or any(isinstance(table.c[c].type, (sa.DateTime, sa.Time)) for c in columns):
        conn.execute(sa.insert(table), rows)
        return
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if how == "sqlite":
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(
                f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})",
                _sqlite_params(table, columns, rows),
            )
        else:
            with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row([r[c] for c in columns])
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
