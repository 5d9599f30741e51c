"""Stage 1: landed files → pseudonymous staging (ledger, quarantine) → response store."""

import dagster as dg

from pipelines import contracts, ingestion, registry
from pipelines.resources import LandingResource, PseudonymiserResource, WarehouseResource

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
                metadata={"quarantined_share": round(share, 5), "by_rule": dict(sorted(reasons.items()))},
            ),
        ],
    )


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
        "contract `data_contracts/responses.odcs.yaml` (Great Expectations): a failing check writes nothing."
    ),
    check_specs=[dg.AssetCheckSpec("responses_contract", asset="responses", blocking=True)],
)
def responses(context: dg.AssetExecutionContext, config: ResponsesConfig, warehouse: WarehouseResource):
    from pipelines import validation  # GX import is slow: only where it is needed

    engine = warehouse.engine
    dates = ingestion.all_staged_dates(engine) if config.full_rebuild else ingestion.pending_dates(engine)
    result = ingestion.build_responses(engine, dates)
    centres = {"centre_valid_values": [c.code for c in registry.registry().centres]}
    outcome = validation.validate(contracts.load("responses"), result.frame, centres)
    # The check result goes out first; on failure the run stops before anything is written.
    yield dg.AssetCheckResult(
        check_name="responses_contract", passed=outcome.success, metadata=outcome.metadata()
    )
    if not outcome.success:
        raise dg.Failure("responses break their data contract; nothing was written")
    ingestion.write_responses(engine, result)
    frame = result.frame
    reasons = result.excluded["reason"].value_counts().to_dict() if len(result.excluded) else {}
    yield dg.MaterializeResult(
        metadata={
            "dates_rebuilt": len(dates),
            "first_date": str(dates[0]) if dates else "",
            "last_date": str(dates[-1]) if dates else "",
            "responses_written": len(frame),
            "by_channel": frame["channel"].value_counts().sort_index().to_dict(),
            "misuse_excluded": int(reasons.get("misuse", 0)),
            "unfinished_excluded": int(reasons.get("unfinished", 0)),
            "comments_held_back": int((frame["comment_status"] == "held_back").sum()),
            "preview": dg.MetadataValue.md(_preview(frame)),
        },
    )


def _preview(frame) -> str:
    if frame.empty:
        return "_no dates rebuilt_"
    counts = frame.groupby("centre").size().sort_values(ascending=False)
    lines = ["| centre | responses |", "|---|---:|"] + [f"| {c} | {n} |" for c, n in counts.items()]
    return "\n".join(lines)
