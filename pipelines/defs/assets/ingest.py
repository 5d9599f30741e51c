"""Stage 1: landed files → pseudonymous staging (ledger, quarantine) → response store."""

from dataclasses import dataclass, field

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from pipelines.core import contracts, registry
from pipelines.core.periods import Period
from pipelines.defs.automation import freshness
from pipelines.defs.resources import LandingResource, PseudonymiserResource, WarehouseResource
from pipelines.figures import staleness
from pipelines.ingest import response_store, staging, validation
from pipelines.ingest.outcomes import OUTCOMES, IngestSummary
from pipelines.ingest.pseudonym_key import KeyMismatch
from pipelines.warehouse import exclusive, schema

OWNERS = ["team:data-engineering"]


class RawExportsConfig(dg.Config):
    # Change the pseudonym key on purpose: forget staging and the file ledger, read every
    # landed file again with the new key and rebuild every date (see README, "Key rotation").
    rotate_pseudonym_key: bool = False


@dg.asset(
    group_name="ingest",
    owners=OWNERS,
    kinds={"python", "csv"},
    description=(
        "Reads every new or changed file of the landing folder (ledger of content hashes), checks each "
        "row against the raw data contracts, pseudonymises identifiers, coarsens times, redacts free "
        "text and stages the rows. Broken rows and files go to quarantine with a reason; an unreadable "
        "re-delivery is quarantined while the file's last readable content stays in force."
    ),
    check_specs=[
        dg.AssetCheckSpec(
            "rows_reconcile",
            asset="raw_exports",
            description="per file: records the parser read = accepted + duplicates + excluded + quarantined",
        ),
        dg.AssetCheckSpec(
            "raw_rows_conform",
            asset="raw_exports",
            description="share of raw rows breaking the raw contracts; files that could not be stored",
        ),
    ],
)
def raw_exports(
    context: dg.AssetExecutionContext,
    config: RawExportsConfig,
    warehouse: WarehouseResource,
    landing: LandingResource,
    pseudonymiser: PseudonymiserResource,
) -> dg.MaterializeResult:
    # Great Expectations (responses, next) takes seconds to import: in a worker, meanwhile.
    validation.start_worker()
    ingestor = staging.Ingestor(
        warehouse.engine,
        landing.landing,
        landing.quarantine,
        pseudonymiser.get(),
        run_id=context.run_id,
    )
    if config.rotate_pseudonym_key:
        context.log.warning(f"pseudonym key rotation: {ingestor.rotate_key()} files are read again")
    try:
        summary = ingestor.ingest_new_files()
    except KeyMismatch as exc:
        raise dg.Failure(str(exc)) from None
    purged = ingestor.quarantine.purge(landing.quarantine_retention_days)
    totals = summary.totals()
    context.log.info(
        f"{summary.files_new} new and {summary.files_changed} changed files, {totals['rows_read']} rows: "
        + ", ".join(f"{o} {totals[o]}" for o in OUTCOMES)
    )
    if kept := summary.files_with("kept_previous"):
        context.log.warning(f"{len(kept)} re-delivered files unreadable; their last readable content stays")
    return dg.MaterializeResult(
        metadata=_ingest_metadata(summary, purged),
        check_results=_ingest_checks(summary, warehouse.engine, context.run_id),
    )


def _ingest_metadata(summary: IngestSummary, purged: int) -> dict:
    totals, kept = summary.totals(), summary.files_with("kept_previous")
    return {
        "files_seen": summary.files_seen,
        "files_new": summary.files_new,
        "files_changed": summary.files_changed,
        "files_unchanged": summary.files_unchanged,
        "files_quarantined": summary.files_quarantined(),
        "files_kept_previous": len(kept),
        "kept_previous": kept[:20],
        "files_failed": summary.files_with("failed")[:20],
        "rows_read": totals["rows_read"],
        **{f"rows_{o}": totals[o] for o in OUTCOMES},
        "quarantine_by_rule": dict(sorted(summary.reasons().items())),
        "encodings": dict(sorted(summary.encodings().items())),
        "quarantine_folders_purged": purged,
        "dates_touched": len(set().union(*(o.dates for o in summary.outcomes))),
    }


def _ingest_checks(summary: IngestSummary, engine: sa.Engine, run_id: str) -> list[dg.AssetCheckResult]:
    totals, reasons = summary.totals(), summary.reasons()
    unbalanced, failed = summary.unbalanced(), summary.files_with("failed")
    share = totals["quarantined"] / totals["rows_read"] if totals["rows_read"] else 0.0
    return [
        dg.AssetCheckResult(
            check_name="rows_reconcile",
            passed=not unbalanced,
            metadata={
                "rows_read": totals["rows_read"],
                **{o: totals[o] for o in OUTCOMES},
                "files_unbalanced": len(unbalanced),
                "examples": unbalanced[:10],
            },
        ),
        dg.AssetCheckResult(
            check_name="raw_rows_conform",
            passed=share < 0.01 and not failed,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "quarantined_share": round(share, 5),
                "by_rule": dict(sorted(reasons.items())),
                "files_failed": len(failed),
                "examples": _quarantine_examples(engine, run_id),
            },
        ),
    ]


DATES_PER_WINDOW = 14


class ResponsesConfig(dg.Config):
    full_rebuild: bool = False  # derive every date again from staging (after a contract or rule change)


@dg.asset(
    group_name="ingest",
    owners=OWNERS,
    deps=[raw_exports],
    kinds={"sql"},
    freshness_policy=freshness.RESPONSES,
    description=(
        "One row per finished, counted questionnaire (pseudonymous), written per local response date: "
        "each touched date is deleted and inserted again in one transaction. Guarded by the data "
        "contract `data_contracts/responses.odcs.yaml` (Great Expectations), window by window: dates that "
        "fail the check are not written and stay pending; the run fails."
    ),
    check_specs=[
        dg.AssetCheckSpec("responses_contract", asset="responses", blocking=True),
        dg.AssetCheckSpec(
            "store_matches_staging",
            asset="responses",
            blocking=True,
            description="no date holds responses that staging no longer gives (repaired automatically)",
        ),
        dg.AssetCheckSpec(
            "reports_current",
            asset="responses",
            description="reports built before their data changed (late or corrected exports)",
        ),
    ],
)
def responses(context: dg.AssetExecutionContext, config: ResponsesConfig, warehouse: WarehouseResource):
    engine = warehouse.engine
    # Ingestion and the rebuild never run twice at once (a schedule, the landing sensor
    # and a backfill may overlap).
    with exclusive(engine, "ingest"):
        rebuild = _rebuild(engine, config.full_rebuild, validation.validate)
    stale_now = staleness.mark(engine, rebuild.changed, context.run_id)
    stale = staleness.current(engine)
    # The check results go out before the asset's output; a contract failure fails the run.
    yield from _responses_checks(rebuild, stale, stale_now)
    if rebuild.failed:
        raise dg.Failure(
            f"responses of {len(rebuild.failed)} dates break their data contract; those dates were not written",
            metadata={"first_failed_date": str(rebuild.failed[0])},
        )
    if left := rebuild.left:
        raise dg.Failure(
            f"the response store disagrees with staging on {len(left)} dates ({', '.join(map(str, left[:5]))}); "
            'repair: materialise responses with run config {"ops": {"responses": {"config": {"full_rebuild": true}}}}'
        )
    yield dg.MaterializeResult(metadata=_responses_metadata(rebuild, stale))


@dataclass
class _Rebuild:
    contract: str
    dates: list  # derived again: pending, or all (full rebuild), and those found inconsistent
    repaired: list
    written: list[dict] = field(default_factory=list)  # per window written
    failed: list = field(default_factory=list)  # dates whose window broke the contract
    failures: list[dict] = field(default_factory=list)
    changed: list = field(default_factory=list)
    left: list = field(default_factory=list)  # still inconsistent afterwards


def _rebuild(engine: sa.Engine, full: bool, validate) -> _Rebuild:
    contract = contracts.load("responses")
    centres = {"centre_valid_values": [c.code for c in registry.registry().centres]}
    # Dates where the store disagrees with staging are derived again as well.
    repaired = response_store.inconsistent_dates(engine)
    pending = response_store.all_staged_dates(engine) if full else response_store.pending_dates(engine)
    out = _Rebuild(contract.id, sorted(set(pending) | set(repaired)), repaired)
    # Two-week windows keep memory flat however long the survey runs and however many answer.
    windows = [out.dates[i : i + DATES_PER_WINDOW] for i in range(0, len(out.dates), DATES_PER_WINDOW)]
    for batch in _batches(engine, windows):
        for result, outcome in zip(batch, _validated(batch, contract, centres, validate), strict=True):
            if not outcome.success:
                out.failed += result.dates  # not written: they stay pending for the run after the fix
                out.failures.append(outcome.metadata())
                continue
            out.changed += response_store.write_responses(engine, result)
            out.written.append(_window_summary(result))
    out.left = response_store.inconsistent_dates(engine)
    return out


# A Great Expectations run costs about a second whatever its size: windows are checked
# together, up to this many responses at a time.
VALIDATE_ROWS = 60_000


def _batches(engine: sa.Engine, windows: list[list]):
    """The windows' derived rows, in order, grouped up to VALIDATE_ROWS responses."""
    batch, rows = [], 0
    for dates in windows:
        result = response_store.build_responses(engine, dates)
        batch.append(result)
        rows += len(result.frame)
        if rows >= VALIDATE_ROWS:
            yield batch
            batch, rows = [], 0
    if batch:
        yield batch


def _validated(batch: list, contract, centres: dict, validate) -> list:
    """One outcome per window. The windows are checked together first; the rules hold row
    by row or across the whole, so if they hold for the batch they hold for each window.
    Only when the batch fails is each window checked alone, as before."""
    if len(batch) > 1:
        frames = [r.frame for r in batch if not r.frame.empty] or [batch[0].frame]
        outcome = validate(contract, pd.concat(frames, ignore_index=True), centres)
        if outcome.success:
            return [outcome] * len(batch)
    return [validate(contract, r.frame, centres) for r in batch]


def _responses_checks(rebuild: _Rebuild, stale: list[dict], stale_now: list) -> list[dg.AssetCheckResult]:
    return [
        dg.AssetCheckResult(
            check_name="responses_contract",
            passed=not rebuild.failed,
            metadata={
                "contract": rebuild.contract,
                "dates_checked": len(rebuild.dates),
                "dates_failed": len(rebuild.failed),
                "rules_failed": [rule for f in rebuild.failures for rule in f["rules_failed"]],
            },
        ),
        dg.AssetCheckResult(
            check_name="store_matches_staging",
            passed=not rebuild.left,
            metadata={
                "dates_repaired": [str(d) for d in rebuild.repaired[:20]],
                "dates_inconsistent": [str(d) for d in rebuild.left[:20]],
                "repair": "materialise responses with config full_rebuild: true" if rebuild.left else "",
            },
        ),
        dg.AssetCheckResult(
            check_name="reports_current",
            passed=not stale,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "stale_reports": len(stale),
                "marked_this_run": [f"{c} {k}" for c, k in stale_now[:20]],
                "rerun": [_rerun_hint(s) for s in stale[:20]],
            },
        ),
    ]


def _responses_metadata(rebuild: _Rebuild, stale: list[dict]) -> dict:
    dates = rebuild.dates
    totals = (
        pd.DataFrame(rebuild.written)
        if rebuild.written
        else pd.DataFrame(columns=["responses", "tablet", "web"])
    )
    return {
        "dates_rebuilt": len(dates),
        "dates_changed": len(rebuild.changed),
        "first_date": str(dates[0]) if dates else "",
        "last_date": str(dates[-1]) if dates else "",
        "responses_written": int(totals["responses"].sum()),
        "tablet": int(totals["tablet"].sum()),
        "web": int(totals["web"].sum()),
        "misuse_excluded": int(totals.get("misuse", pd.Series(dtype=int)).sum()),
        "unfinished_excluded": int(totals.get("unfinished", pd.Series(dtype=int)).sum()),
        "comments_held_back": int(totals.get("held_back", pd.Series(dtype=int)).sum()),
        "stale_reports": [_rerun_hint(s) for s in stale[:20]],
        "preview": dg.MetadataValue.md(_preview(totals)),
    }


def _rerun_hint(stale: dict) -> str:
    """Which job and partition builds a stale report again."""
    cadence, key = stale["cadence"], stale["period_key"]
    period = Period.from_key(key)
    job, partition = f"{period.job}_reports", period.partition_key
    mailed = " (already mailed: a correction goes out)" if stale["mailed"] else ""
    return f"{cadence} {key}: data changed on {stale['first_changed_date']}; re-run {job} {partition}{mailed}"


def _window_summary(result: response_store.RebuildResult) -> dict:
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
