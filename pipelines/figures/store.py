"""Writing and reading the per-period figures and report documents in the warehouse
(tables `scores`, `score_totals`, `report_documents`), replaced period by period.

What is read back here is what the figure checks (`pipelines.figures.checks`) judge.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa

from pipelines.core import registry
from pipelines.core.periods import Period
from pipelines.figures.documents import canonical_json
from pipelines.warehouse import schema


def group_type(code: str) -> str:
    reg = registry.registry()
    if code == reg.city_code:
        return "city"
    return "centre" if code in reg.by_code else "district"


def figures_version(doc: dict) -> str:
    """SHA-256 of what the report says (not when it was built)."""
    twin = {k: v for k, v in doc.items() if k not in ("meta", "snapshot")}
    return hashlib.sha256(
        json.dumps(twin, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def score_rows(period: Period, groups: dict[str, dict]) -> tuple[list[dict], list[dict]]:
    items, totals = [], []
    for code, doc in groups.items():
        kind = group_type(code)
        for item, cell in doc["items"].items():
            ci = cell.get("top2_ci") or (None, None)
            items.append({
                "cadence": period.cadence, "period_key": period.key, "group_code": code, "item": item,
                "group_type": kind, "period_start": period.start, "period_end": period.end,
                "n": cell["n"], "cannot_judge": cell.get("cannot_judge"),
                "counts": json.dumps(cell["counts"], sort_keys=True) if cell.get("counts") is not None else None,
                "mean": cell.get("mean"), "top2": cell.get("top2"), "top2_ci_low": ci[0], "top2_ci_high": ci[1],
                "suppressed": bool(cell.get("suppressed")), "suppression": cell.get("suppression"),
            })  # fmt: skip
        r, e = doc["responses"], doc.get("excluded") or {}
        totals.append({
            "cadence": period.cadence, "period_key": period.key, "group_code": code, "group_type": kind,
            "responses": r["total"], "tablet": r["tablet"], "web": r["web"],
            "misuse": e.get("misuse", 0), "unfinished": e.get("unfinished", 0),
            "by_language": json.dumps(doc.get("by_language") or {}, sort_keys=True),
        })  # fmt: skip
    return items, totals


def write_period(engine: sa.Engine, period: Period, groups: dict[str, dict], docs: dict[str, dict]) -> None:
    """Replace this period's figures and documents, in one transaction."""
    items, totals = score_rows(period, groups)
    documents = [
        {
            "cadence": period.cadence, "period_key": period.key, "centre": code,
            "version": figures_version(doc), "document": canonical_json(doc),
            "snapshot": doc["snapshot"]["ledger_sha256"],
        }
        for code, doc in docs.items()
    ]  # fmt: skip
    with engine.begin() as conn:
        # The period's check outcomes go with the figures they were computed on: until
        # the checks of the new figures are recorded the period counts as unchecked. Built
        # from the store as it is now, the period is no longer stale (late data included).
        tables = (schema.scores, schema.score_totals, schema.report_documents, schema.report_checks,
                  schema.stale_reports)  # fmt: skip
        for table in tables:
            conn.execute(
                sa.delete(table).where(table.c.cadence == period.cadence, table.c.period_key == period.key)
            )
        for table, rows in (
            (schema.scores, items),
            (schema.score_totals, totals),
            (schema.report_documents, documents),
        ):
            if rows:
                conn.execute(sa.insert(table), rows)


def read_documents(engine: sa.Engine, period: Period) -> dict[str, tuple[str, dict]]:
    """centre → (version, document) of a period."""
    t = schema.report_documents
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.c.centre, t.c.version, t.c.document).where(
                t.c.cadence == period.cadence, t.c.period_key == period.key
            )
        ).all()
    return {centre: (version, json.loads(document)) for centre, version, document in rows}


# --------------------------------------------------------------------------- read back


@dataclass
class StoredPeriod:
    """What the warehouse holds for one period: score rows (counts decoded), totals rows
    and the report documents (centre → (version, document))."""

    scores: list[dict]
    totals: list[dict]
    documents: dict[str, tuple[str, dict]]


def read_period(engine: sa.Engine, period: Period) -> StoredPeriod:
    def rows(conn, table) -> list[dict]:
        query = sa.select(table).where(table.c.cadence == period.cadence, table.c.period_key == period.key)
        return [dict(r._mapping) for r in conn.execute(query)]

    with engine.connect() as conn:
        scores, totals = rows(conn, schema.scores), rows(conn, schema.score_totals)
    for row in scores:
        row["counts"] = json.loads(row["counts"]) if row["counts"] is not None else None
    return StoredPeriod(scores, totals, read_documents(engine, period))


def stored_groups(period: Period, stored: StoredPeriod) -> dict[str, dict]:
    """The figures of every stored group, rebuilt from the score and totals rows in the
    shape of `pipelines.figures.groups.group_figures` (what the disclosure audit reads)."""
    groups: dict[str, dict] = {}

    def group(code: str, kind: str) -> dict:
        return groups.setdefault(
            code,
            {"centre": code, "cadence": period.cadence, "period": period.as_json(), "group_type": kind,
             "responses": None, "items": {}},
        )  # fmt: skip

    for t in stored.totals:
        g = group(t["group_code"], t["group_type"])
        g["responses"] = {"total": t["responses"], "tablet": t["tablet"], "web": t["web"]}
        g["excluded"] = {"misuse": t["misuse"], "unfinished": t["unfinished"]}
    for r in stored.scores:
        low, high = r["top2_ci_low"], r["top2_ci_high"]
        group(r["group_code"], r["group_type"])["items"][r["item"]] = {
            "n": r["n"], "cannot_judge": r["cannot_judge"], "counts": r["counts"], "mean": r["mean"],
            "top2": r["top2"], "top2_ci": None if low is None and high is None else [low, high],
            "suppressed": bool(r["suppressed"]), "suppression": r["suppression"],
        }  # fmt: skip
    return groups
