"""The pseudonym key guard: a warehouse is built with one key, and says so.

Another key would give every identifier a new pseudonym, so every tablet file would
count a second time; the key is changed only on purpose, by starting over.
"""

from __future__ import annotations

import sqlalchemy as sa

from pipelines.ingest import response_store
from pipelines.ingest.pseudonyms import Pseudonymiser
from pipelines.warehouse import schema

_FINGERPRINT = "pseudonym_key_fingerprint"


class KeyMismatch(RuntimeError):
    """The pseudonym key differs from the one the warehouse was built with."""


def check(conn: sa.Connection, pseudonymiser: Pseudonymiser) -> None:
    """Refuse another pseudonym key than the one the warehouse was built with (the first
    ingestion records it)."""
    t = schema.ingest_state
    stored = conn.execute(sa.select(t.c.value).where(t.c.name == _FINGERPRINT)).scalar()
    current = pseudonymiser.fingerprint()
    if stored is None:
        conn.execute(sa.insert(t), [{"name": _FINGERPRINT, "value": current}])
    elif stored != current:
        raise KeyMismatch(
            f"SURVEY_PSEUDONYM_KEY is not the key this warehouse was built with (fingerprint "
            f"{current} instead of {stored}); nothing was ingested. Set the original key again. "
            "To change the key on purpose, run the ingest job once with run config "
            '{"ops": {"raw_exports": {"config": {"rotate_pseudonym_key": true}}}}: it clears '
            "staging and the file ledger and reads every file of the landing folder again with "
            "the new key (files no longer in the landing folder are then lost)."
        )


def rotate(conn: sa.Connection, pseudonymiser: Pseudonymiser) -> int:
    """Start over with the current key: staging, the file ledger and quarantine entries
    go, and every date that had rows is rebuilt from the files read again. Returns the
    number of files forgotten."""
    dates = set(response_store.store_dates(conn)) | set(response_store.staged_dates(conn))
    forgotten = conn.execute(sa.select(sa.func.count()).select_from(schema.ingested_files)).scalar_one()
    for table in (schema.ingested_files, schema.tablet_rows, schema.web_versions, schema.quarantine):
        conn.execute(sa.delete(table))
    t = schema.ingest_state
    conn.execute(sa.delete(t).where(t.c.name == _FINGERPRINT))
    check(conn, pseudonymiser)
    response_store.mark_dates(conn, dates)
    return forgotten
