"""Stage 1: landed files → pseudonymous staging (ledger, quarantine) → response store."""

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from pipelines import contracts, ingestion, registry
from pipelines.resources import LandingResource, PseudonymiserResource, WarehouseResource
from pipelines.warehouse import schema

OWNERS = ["team:data-engineering"]


@dg.asset(
    group_name="ingest",
    owners=OWNERS,
    kinds={"python", "csv"},
    description=(
        "Reads every new or changed file of the landing folder (ledger of content hashes), checks each "
        "row against the raw data contracts, pseudonymises identifiers, coarsens times, redacts free "
        "text and stages the rows. Broken rows and files go to quarantine with a reason."
    ),
    check_specs=[
        dg.AssetCheckSpec(
            "rows_reconcile",
            asset="raw_exports",
            description="rows read = accepted + duplicates + excluded + quarantined",
        ),
        dg.AssetCheckSpec(
            "raw_rows_conform",
            asset="raw_exports",
            description="share of raw rows breaking the raw contracts",
        ),
    ],
)
def raw_exports(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    landing: LandingResource,
    pseudonymiser: PseudonymiserResource,
) -> dg.MaterializeResult:
    ingestor = ingestion.Ingestor(
        warehouse.engine,
        landing.landing,
        landing.quarantine,
        pseudonymiser.get(),
        run_id=context.run_id,
    )
    summary = ingestor.ingest_new_files()
    purged = ingestor.purge_quarantine(landing.quarantine_retention_days)
    totals = summary.totals()
    reasons = summary.reasons()
    balanced = totals["rows_read"] == sum(totals[o] for o in ingestion.OUTCOMES)
    share = totals["quarantined"] / totals["rows_read"] if totals["rows_read"] else 0.0
    context.log.info(
        f"{summary.files_new} new and {summary.files_changed} changed files, {totals['rows_read']} rows: "
        + ", ".join(f"{o} {totals[o]}" for o in ingestion.OUTCOMES)
    )
    return dg.MaterializeResult(
        metadata={
            "files_seen": summary.files_seen,
            "files_new": summary.files_new,
            "files_changed": summary.files_changed,
            "files_unchanged": summary.files_unchanged,
            "files_quarantined": summary.files_quarantined(),
            "rows_read": totals["rows_read"],
            **{f"rows_{o}": totals[o] for o in ingestion.OUTCOMES},
            "quarantine_by_rule": dict(sorted(reasons.items())),
            "encodings": dict(sorted(summary.encodings().items())),
            "quarantine_folders_purged": purged,
            "dates_touched": len(set().union(*(o.dates for o in summary.outcomes))),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="rows_reconcile",
                passed=balanced,
                metadata={"rows_read": totals["rows_read"], **{o: totals[o] for o in ingestion.OUTCOMES}},
            ),
            dg.AssetCheckResult(
                check_name="raw_rows_conform",
                passed=share < 0.01,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={
                    "quarantined_share": round(share, 5),
                    "by_rule": dict(sorted(reasons.items())),
                    "examples": _quarantine_examples(warehouse.engine, context.run_id),
                },
            ),
        ],
    )


DATES_PER_WINDOW = 14


class ResponsesConfig(dg.Config):
    full_rebuild: bool = False  # derive every date again from staging (after a contract or rule change)


@dg.asset(
    group_name="ingest",
    owners=OWNERS,
    deps=[raw_exports],
    kinds={"sql"},
    description=(
        "One row per finished, counted questionnaire (pseudonymous), written per local response date: "
        "each touched date is deleted and inserted again in one transaction. Guarded by the data "
        "contract `data_contracts/responses.odcs.yaml` (Great Expectations), window by window: dates that "
        "fail the check are not written and stay pending; the run fails."
    ),
    check_specs=[dg.AssetCheckSpec("responses_contract", asset="responses", blocking=True)],
)
def responses(context: dg.AssetExecutionContext, config: ResponsesConfig, warehouse: WarehouseResource):
    from pipelines import validation  # GX import is slow: only where it is needed

    engine = warehouse.engine
    dates = ingestion.all_staged_dates(engine) if config.full_rebuild else ingestion.pending_dates(engine)
    contract = contracts.load("responses")
    centres = {"centre_valid_values": [c.code for c in registry.registry().centres]}
    written, failed, failures = [], [], []
    # Two-week windows keep memory flat however long the survey runs and however many answer.
    for i in range(0, len(dates), DATES_PER_WINDOW):
        result = ingestion.build_responses(engine, dates[i : i + DATES_PER_WINDOW])
        outcome = validation.validate(contract, result.frame, centres)
        if not outcome.success:
            failed += result.dates  # not written: they stay pending for the run after the fix
            failures.append(outcome.metadata())
            continue
        ingestion.write_responses(engine, result)
        written.append(_window_summary(result))
    # The check result goes out before the asset's output; a failure fails the run.
    yield dg.AssetCheckResult(
        check_name="responses_contract",
        passed=not failed,
        metadata={
            "contract": contract.id,
            "dates_checked": len(dates),
            "dates_failed": len(failed),
            "rules_failed": [rule for f in failures for rule in f["rules_failed"]],
        },
    )
    if failed:
        raise dg.Failure(
            f"responses of {len(failed)} dates break their data contract; those dates were not written",
            metadata={"first_failed_date": str(failed[0])},
        )
    totals = pd.DataFrame(written) if written else pd.DataFrame(columns=["responses", "tablet", "web"])
    yield dg.MaterializeResult(
        metadata={
            "dates_rebuilt": len(dates),
            "first_date": str(dates[0]) if dates else "",
            "last_date": str(dates[-1]) if dates else "",
            "responses_written": int(totals["responses"].sum()),
            "tablet": int(totals["tablet"].sum()),
            "web": int(totals["web"].sum()),
            "misuse_excluded": int(totals.get("misuse", pd.Series(dtype=int)).sum()),
            "unfinished_excluded": int(totals.get("unfinished", pd.Series(dtype=int)).sum()),
            "comments_held_back": int(totals.get("held_back", pd.Series(dtype=int)).sum()),
            "preview": dg.MetadataValue.md(_preview(totals)),
        },
    )


def _window_summary(result: ingestion.RebuildResult) -> dict:
    frame, reasons = result.frame, result.excluded["reason"]
    return {
        "window": f"{result.dates[0]} … {result.dates[-1]}",
        "responses": len(frame),
        "tablet": int((frame["channel"] == "tablet").sum()),
        "web": int((frame["channel"] == "web").sum()),
        "misuse": int((reasons == "misuse").sum()),
        "unfinished": int((reasons == "unfinished").sum()),
        "held_back": int((frame["comment_status"] == "held_back").sum()),
    }


def _preview(totals) -> str:
    if totals.empty:
        return "_no dates rebuilt_"
    lines = ["| dates | responses | tablet | web |", "|---|---:|---:|---:|"]
    lines += [f"| {r.window} | {r.responses} | {r.tablet} | {r.web} |" for r in totals.itertuples()]
    return "\n".join(lines)


def _quarantine_examples(engine: sa.Engine, run_id: str) -> list[str]:
    """One example per rule of this run: the stored file name, row and reason. Reasons
    quote short codes only, never free text or identifiers."""
    q = schema.quarantine
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(q.c.rule, q.c.source_file, q.c.source_row, q.c.reason)
            .where(q.c.run_id == run_id)
            .order_by(q.c.rule, q.c.id)
        ).all()
    seen, out = set(), []
    for rule, source, row, reason in rows:
        if rule not in seen and len(out) < 10:
            seen.add(rule)
            out.append(f"{rule}: {source}{f' row {row}' if row else ''}: {reason}")
    return out
