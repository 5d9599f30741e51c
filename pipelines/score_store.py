"""Writing and reading the per-period figures and report documents in the warehouse."""

from __future__ import annotations

import json

import sqlalchemy as sa

from pipelines import registry
from pipelines.delivery import figures_version
from pipelines.figures import Period
from pipelines.reporting import canonical_json
from pipelines.warehouse import schema


def group_type(code: str) -> str:
    reg = registry.registry()
    if code == reg.city_code:
        return "city"
    return "centre" if code in reg.by_code else "district"


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
        for table in (schema.scores, schema.score_totals, schema.report_documents):
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
