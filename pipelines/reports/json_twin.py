"""The JSON twin: the figures document as published for machines, without the
comments and the run metadata."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pipelines.figures import groups
from pipelines.reports.atomic_files import atomic_write

# The figures document's keys that the spec requires; `comments` and `meta` never
# go into the JSON twin (comments are free text, meta changes with every run).
SPEC_KEYS = ("schema", "centre", "cadence", "period", "responses", "items")
NOT_IN_TWIN = ("comments", "meta")


def figures(doc: dict) -> dict:
    """The JSON twin: the document without comments and run metadata."""
    missing = [k for k in SPEC_KEYS if k not in doc]
    if missing:
        raise ValueError(f"figures document lacks {missing}")
    if doc["schema"] != groups.SCHEMA:
        raise ValueError(f"figures document has schema {doc['schema']!r}, expected {groups.SCHEMA!r}")
    return {k: v for k, v in doc.items() if k not in NOT_IN_TWIN}


def _json_default(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_bytes(doc: dict) -> bytes:
    text = (
        json.dumps(figures(doc), ensure_ascii=False, sort_keys=True, indent=2, default=_json_default) + "\n"
    )
    return text.encode("utf-8")


def write_json(doc: dict, path: Path) -> None:
    atomic_write(Path(path), json_bytes(doc))
