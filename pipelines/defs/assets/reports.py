"""Stages 2 and 3: per-period figures in the warehouse, report files, delivery by e-mail.

One chain of three assets per cadence (weekly, monthly, review), partitioned like the
reports. A run over a range of partitions (a backfill) processes them in one run.
"""

import warnings
from pathlib import Path

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from pipelines.core import registry
from pipelines.core.periods import JOB_CADENCES, Period
from pipelines.defs.assets import check_results
from pipelines.defs.assets.ingest import OWNERS, responses
from pipelines.defs.automation import freshness
from pipelines.defs.resources import ReportStorageResource, WarehouseResource
from pipelines.defs.resources.mail import MailResource
from pipelines.delivery import dispatch, ledger
from pipelines.delivery.messages import ReportVersion
from pipelines.figures import audits, documents, store
from pipelines.figures import checks as figure_checks
from pipelines.reports import atomic_files, labels, outputs, templates
from pipelines.reports import files as report_files

CADENCE_NAMES = {
    "weekly": "Wochenberichte",
    "monthly": "Monatsberichte",
    "review": "Zwischenbilanz und Abschlussbericht",
}


class DeliveryConfig(dg.Config):
    # auto: send unless the run is a backfill (several periods or a backfill tag);
    # yes: send also in a backfill; no: never. The run tag survey/deliver overrides.
    deliver: str = "auto"


def build_report_assets(cadence: str, partitions_def: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    """Figures, report files and delivery of one cadence."""
    # Single-run backfills (beta) and partitioned checks (preview) are what range runs
    # need, chosen on purpose: their notices are for us, not for every user's console.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        warnings.simplefilter("ignore", dg.PreviewWarning)
        return _build_report_assets(cadence, partitions_def)


def _build_report_assets(cadence: str, partitions_def: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    # (long, but declarations only: the chain of one cadence reads best side by side; the
    # steps' work is in _figures, _files and _deliver)
    figures_key, files_key, delivery_key = (
        f"{cadence}_figures",
        f"{cadence}_report_files",
        f"{cadence}_delivery",
    )
    # What the three assets of a cadence share: group, owners, partitions, single-run backfills.
    chain = {
        "group_name": f"{cadence}_reports",
        "owners": OWNERS,
        "partitions_def": partitions_def,
        "backfill_policy": dg.BackfillPolicy.single_run(),
    }

    @dg.asset(
        name=figures_key,
        deps=[responses],
        **chain,
        kinds={"sql", "pandas"},
        description=(
            f"Figures ({CADENCE_NAMES[cadence]}) of every centre, district and the city per item: valid answers, "
            "'cannot judge', distribution, mean, top-two share with 95% Wilson interval, counts by channel and "
            "language; disclosure rules applied; comparisons and trend. Tables `scores`, `score_totals`, "
            "`report_documents`, replaced per period."
        ),
        check_specs=[
            dg.AssetCheckSpec(
                c, asset=figures_key, partitions_def=partitions_def, description=check_results.DESCRIPTIONS[c]
            )
            for c in figure_checks.CHECKS
        ],
    )
    def figures_asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        yield from _figures(cadence, context, warehouse.engine, later=[files_key, delivery_key])

    @dg.asset(
        name=files_key,
        deps=[figures_asset],
        **chain,
        kinds={"pdf", "csv", "json"},
        freshness_policy=freshness.WEEKLY_REPORTS if cadence == "weekly" else None,
        description=(
            "Report files per centre and city-wide (`hamburg`): PDF for people, CSV for spreadsheets, JSON twin "
            "(shared/spec/report-figures.md), at `<reports dir>/<centre>/<cadence>/<period>.<ext>`."
        ),
    )
    def files_asset(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, reports: ReportStorageResource
    ):
        yield from _files(cadence, context, warehouse.engine, reports.root, later=[delivery_key])

    @dg.asset(
        name=delivery_key,
        deps=[files_asset],
        **chain,
        kinds={"email"},
        description=(
            "E-mails each report (PDF and CSV attached, short German summary) to its centre's recipients, "
            "city-wide reports to the city recipients. The delivery ledger sends each report version once; "
            "a changed report goes out once more, marked as correction. Backfills send nothing unless asked "
            "(config deliver: yes, or run tag survey/deliver=yes)."
        ),
    )
    def delivery_asset(
        context: dg.AssetExecutionContext,
        config: DeliveryConfig,
        warehouse: WarehouseResource,
        reports: ReportStorageResource,
        mail: MailResource,
    ):
        return _deliver(cadence, context, config, warehouse.engine, reports.root, mail)

    return [figures_asset, files_asset, delivery_asset]


def _figures(cadence: str, context: dg.AssetExecutionContext, engine: sa.Engine, later: list[str]):
    """Figures, documents and checks of the run's periods; the checks' results follow the
    materialization. Fails for blocked periods unless a later step of the run will."""
    builder = documents.ReportBuilder(engine)
    periods = _periods(cadence, context)
    summary = []
    for period in periods:
        groups = builder.disclosed(period)
        docs = builder.documents(period)
        store.write_period(engine, period, groups, docs)
        city = groups[registry.registry().city_code]
        headline = city["items"].get(registry.questionnaire().headline, {})
        withheld = sum(1 for d in docs.values() for cell in d["items"].values() if cell.get("suppressed"))
        summary.append((period.key, city["responses"]["total"], headline.get("top2"), withheld))
    # The checks read back what was written and hold it against the registry and itself,
    # the run's periods all stored (in worker processes for a range).
    outcomes = audits.check_periods(engine, builder, periods)
    for period in periods:
        figure_checks.write_checks(engine, period, outcomes[period.key], context.run_id)
    blocked = {key: [c for c, found in p.items() if found] for key, p in outcomes.items() if any(p.values())}
    # Materialization first: the check results then target this run's materialization.
    yield dg.MaterializeResult(
        metadata={
            "periods": len(summary),
            "responses": sum(s[1] for s in summary),
            "withheld_items": sum(s[3] for s in summary),
            "blocked_periods": [f"{k}: {', '.join(v)}" for k, v in blocked.items()],
            "snapshot_files": builder.snapshot["files"],
            "snapshot_ledger_sha256": builder.snapshot["ledger_sha256"][:16],
            "headline": dg.MetadataValue.md(_headline(summary)),
        }
    )
    yield from check_results.results(context, periods, outcomes)
    if blocked and not _runs_later(context, later):
        raise _blocked_failure(blocked)


def _files(cadence: str, context: dg.AssetExecutionContext, engine: sa.Engine, root: Path, later: list[str]):
    """The report files of the run's periods whose checks passed."""
    docs, periods = [], []
    all_periods = _periods(cadence, context)
    # A period whose checks failed keeps its earlier files: nothing of it is written or replaced.
    blocked = figure_checks.blocked_periods(engine, all_periods)
    for period in all_periods:
        stored = store.read_documents(engine, period)
        if not stored:
            raise dg.Failure(f"no figures for {period.key}: materialise {cadence}_figures first")
        if period.key in blocked:
            context.log.warning(
                f"{period.key}: no report files, checks failed: {', '.join(blocked[period.key])}"
            )
            continue
        docs += [doc for _, (_, doc) in sorted(stored.items())]
        periods.append(period.key)
    atomic_files.remove_stale_temp_files(root)
    paths = report_files.write_reports(docs, root)
    withheld = sum(1 for d in docs for cell in d["items"].values() if cell.get("suppressed"))
    sample = paths[0]["pdf"] if paths else ""
    result = dg.MaterializeResult(
        metadata={
            "reports": len(paths),
            "files": 3 * len(paths),
            "periods": ", ".join(periods[:5]) + (" …" if len(periods) > 5 else ""),
            "blocked_periods": [f"{k}: {', '.join(v)}" for k, v in blocked.items()],
            "withheld_items": withheld,
            "root": dg.MetadataValue.path(str(root)),
            "example_pdf": dg.MetadataValue.path(sample),
        }
    )
    # Fail here when nothing was written (a blocked week must not look delivered to the
    # freshness policy) or when no later step of the run will.
    if blocked and (not periods or not _runs_later(context, later)):
        if periods:
            yield result
        raise _blocked_failure(blocked)
    yield result


def _deliver(
    cadence: str,
    context: dg.AssetExecutionContext,
    config: DeliveryConfig,
    engine: sa.Engine,
    root: Path,
    mail: MailResource,
) -> dg.MaterializeResult:
    """E-mails of the run's periods (and of periods a failed run left unsent)."""
    blocked = figure_checks.blocked_periods(engine, _periods(cadence, context))  # failed checks
    choice = context.run.tags.get("survey/deliver", config.deliver).lower()
    backfill = "dagster/backfill" in context.run.tags or len(context.partition_keys) > 1
    if choice == "no" or (choice == "auto" and backfill):
        context.log.info("delivery skipped: backfill runs send no mail unless asked (survey/deliver=yes)")
        _fail_if_blocked(blocked)
        return dg.MaterializeResult(
            metadata={"sent": 0, "skipped_reason": "backfill" if backfill else "deliver=no"}
        )
    # E-mails a killed or failed run of another period left unsent go out now, too.
    own = _periods(cadence, context)
    retries = [Period.from_key(k) for c, k in ledger.unsent_periods(engine, JOB_CADENCES[cadence])
               if k not in {p.key for p in own}]  # fmt: skip
    not_now = set(blocked) | set(figure_checks.blocked_periods(engine, retries))
    versions = _report_versions(engine, root, [p for p in own + retries if p.key not in not_now])
    outcomes = dispatch.deliver(engine, versions, mail, mail_from=mail.mail_from, run_id=context.run_id)
    counts = pd.Series([o.action for o in outcomes], dtype="object").value_counts().to_dict()
    failed = [f"{o.report.centre} {o.report.period_key}" for o in outcomes if o.action == "failed"]
    _fail_if_blocked(blocked, failed_mail=failed)
    if failed:
        raise dg.Failure(
            f"{len(failed)} report e-mails failed after retries; they are retried on the next run",
            metadata={"failed": failed[:20]},
        )
    return dg.MaterializeResult(
        metadata={
            "sent": counts.get("sent", 0),
            "corrections": counts.get("correction", 0),
            "unchanged_not_sent": counts.get("unchanged", 0),
            "transport": mail.transport,
        }
    )


def _report_versions(engine: sa.Engine, root: Path, periods: list[Period]) -> list[ReportVersion]:
    """What goes out for these periods: every stored report, to its recipients, with its files."""
    reg = registry.registry()
    versions = []
    for period in periods:
        for code, (version, doc) in sorted(store.read_documents(engine, period).items()):
            recipients = reg.city_recipients if code == reg.city_code else reg.by_code[code].recipients
            paths = [
                outputs.report_path(root, code, period.cadence, period.key, ext) for ext in ("pdf", "csv")
            ]
            versions.append(
                ReportVersion(
                    centre=code, cadence=period.cadence, period_key=period.key,
                    title=labels.report_title(doc), recipients=tuple(recipients),
                    summary=templates.render_email_text(doc), attachments=tuple(Path(p) for p in paths),
                    version=version,
                )
            )  # fmt: skip
    return versions


def _periods(cadence: str, context: dg.AssetExecutionContext) -> list:
    """The report periods of the run's partitions (a review's key is its cadence)."""
    return [Period.from_partition(cadence, key) for key in context.partition_keys]


def _headline(summary: list[tuple]) -> str:
    headline = registry.questionnaire().headline
    lines = [
        f"| period | responses (city) | satisfied {headline} (city) | withheld items |",
        "|---|---:|---:|---:|",
    ]
    for key, total, top2, withheld in summary[:60]:
        share = "–" if top2 is None else f"{top2:.1%}"
        lines.append(f"| {key} | {total} | {share} | {withheld} |")
    return "\n".join(lines)


def _runs_later(context: dg.AssetExecutionContext, asset_keys: list[str]) -> bool:
    """Whether any of these assets is still to be materialised in this run."""
    plan = context.get_step_execution_context().execution_plan
    planned = {
        out.properties.asset_key.to_user_string()
        for step in plan.get_steps_to_execute_in_topo_order()
        for out in step.step_outputs
        if out.properties and out.properties.asset_key
    }
    return any(key in planned for key in asset_keys)


def _blocked_failure(blocked: dict[str, list[str]], failed_mail: list[str] | None = None) -> dg.Failure:
    listing = "; ".join(f"{key}: {', '.join(checks)}" for key, checks in blocked.items())
    text = (
        f"{len(blocked)} period(s) not published, their checks failed (no report files written or "
        f"replaced, no e-mails sent for them): {listing}. Other periods of the run, if any, were published."
    )
    if failed_mail:
        text += (
            f" Also {len(failed_mail)} report e-mails failed after retries; they are retried on the next run."
        )
    metadata = {"blocked_periods": [f"{k}: {', '.join(v)}" for k, v in blocked.items()]}
    if failed_mail:
        metadata["failed"] = failed_mail[:20]
    return dg.Failure(text, metadata=metadata)


def _fail_if_blocked(blocked: dict[str, list[str]], failed_mail: list[str] | None = None) -> None:
    """The last step of a run fails it for the periods its checks blocked (so the failure mail goes out)."""
    if blocked:
        raise _blocked_failure(blocked, failed_mail)
