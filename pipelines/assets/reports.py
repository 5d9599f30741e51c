"""Stages 2 and 3: per-period figures in the warehouse, report files, delivery by e-mail.

One chain of three assets per cadence (weekly, monthly, review), partitioned like the
reports. A run over a range of partitions (a backfill) processes them in one run.
"""

from pathlib import Path

import dagster as dg
import pandas as pd

from pipelines import delivery, disclosure, registry, rendering, report_files, reporting, score_store
from pipelines.assets.ingest import OWNERS, responses
from pipelines.resources import ReportStorageResource, WarehouseResource
from pipelines.resources.mail import MailResource

CADENCE_NAMES = {
    "weekly": "Wochenberichte",
    "monthly": "Monatsberichte",
    "review": "Zwischenbilanz und Abschlussbericht",
}


class DeliveryConfig(dg.Config):
    # auto: send unless the run is a backfill (several periods or a backfill tag);
    # yes: send also in a backfill; no: never. The run tag survey/deliver overrides.
    deliver: str = "auto"


def _check_figures(groups: dict, parts: dict, docs: dict, open_centres: list[str]) -> dict[str, list[str]]:
    """Problems per check: impossible shares, counts that do not add up, missing centres."""
    problems: dict[str, list[str]] = {"shares_in_range": [], "counts_add_up": [], "all_centres_present": []}
    for code, doc in groups.items():
        total = doc["responses"]["total"]
        if doc["responses"]["tablet"] + doc["responses"]["web"] != total:
            problems["counts_add_up"].append(f"{code}: channels do not add up to the total")
        for item, cell in doc["items"].items():
            if cell["n"] + (cell.get("cannot_judge") or 0) > total:
                problems["counts_add_up"].append(f"{code} {item}: more answers than responses")
            if cell.get("counts") is not None and sum(cell["counts"].values()) != cell["n"]:
                problems["counts_add_up"].append(f"{code} {item}: counts do not sum to n")
            values = [v for v in (cell.get("top2"), *(cell.get("top2_ci") or [])) if v is not None]
            if any(not 0 <= v <= 1 for v in values):
                problems["shares_in_range"].append(f"{code} {item}: share outside 0-1")
            ci = cell.get("top2_ci")
            if ci and cell.get("top2") is not None and not ci[0] <= cell["top2"] <= ci[1]:
                problems["shares_in_range"].append(f"{code} {item}: share outside its interval")
    for parent, members in parts.items():
        if sum(groups[m]["responses"]["total"] for m in members) != groups[parent]["responses"]["total"]:
            problems["counts_add_up"].append(f"{parent}: parts do not add up")
    problems["all_centres_present"] = [c for c in open_centres if c not in docs]
    return problems


def build_report_assets(cadence: str, partitions_def: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    figures_key, files_key, delivery_key = (
        f"{cadence}_figures",
        f"{cadence}_report_files",
        f"{cadence}_delivery",
    )
    group = f"{cadence}_reports"
    policy = dg.BackfillPolicy.single_run()
    checks = ["shares_in_range", "counts_add_up", "all_centres_present", "no_recoverable_cells"]

    @dg.asset(
        name=figures_key,
        group_name=group,
        owners=OWNERS,
        deps=[responses],
        partitions_def=partitions_def,
        backfill_policy=policy,
        kinds={"sql", "pandas"},
        description=(
            f"Figures ({CADENCE_NAMES[cadence]}) of every centre, district and the city per item: valid answers, "
            "'cannot judge', distribution, mean, top-two share with 95% Wilson interval, counts by channel and "
            "language; disclosure rules applied; comparisons and trend. Tables `scores`, `score_totals`, "
            "`report_documents`, replaced per period."
        ),
        check_specs=[dg.AssetCheckSpec(c, asset=figures_key, partitions_def=partitions_def) for c in checks],
    )
    def figures_asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        builder = reporting.ReportBuilder(warehouse.engine)
        problems: dict[str, list[str]] = {c: [] for c in checks}
        summary = []
        for period in _periods(cadence, context):
            groups = builder.disclosed(period)
            docs = builder.documents(period)
            parts = disclosure.group_parts(period.start, period.end)
            open_centres = [
                c.code
                for c in registry.registry().centres
                if c.valid_from <= period.end and (c.valid_to is None or c.valid_to >= period.start)
            ]
            for name, found in _check_figures(
                groups,
                parts,
                docs,
                open_centres
                + ([registry.registry().city_code] if period.cadence in ("midterm", "final") else []),
            ).items():
                problems[name] += [f"{period.key}: {p}" for p in found]
            problems["no_recoverable_cells"] += [
                f"{period.key}: {g} {i}"
                for g, i in disclosure.recoverable(groups, parts, sent_weeks=builder.sent_weeks(period))
            ]
            score_store.write_period(warehouse.engine, period, groups, docs)
            city = groups[registry.registry().city_code]
            q01 = city["items"].get("Q01", {})
            withheld = sum(1 for d in docs.values() for cell in d["items"].values() if cell.get("suppressed"))
            summary.append((period.key, city["responses"]["total"], q01.get("top2"), withheld))
        for name, found in problems.items():
            yield dg.AssetCheckResult(
                check_name=name,
                passed=not found,
                metadata={"problems": len(found), "examples": found[:10]},
            )
        yield dg.MaterializeResult(
            metadata={
                "periods": len(summary),
                "responses": sum(s[1] for s in summary),
                "withheld_items": sum(s[3] for s in summary),
                "snapshot_files": builder.snapshot["files"],
                "snapshot_ledger_sha256": builder.snapshot["ledger_sha256"][:16],
                "headline": dg.MetadataValue.md(_headline(summary)),
            }
        )

    @dg.asset(
        name=files_key,
        group_name=group,
        owners=OWNERS,
        deps=[figures_asset],
        partitions_def=partitions_def,
        backfill_policy=policy,
        kinds={"pdf", "csv", "json"},
        description=(
            "Report files per centre and city-wide (`hamburg`): PDF for people, CSV for spreadsheets, JSON twin "
            "(shared/spec/report-figures.md), at `<reports dir>/<centre>/<cadence>/<period>.<ext>`."
        ),
    )
    def files_asset(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, reports: ReportStorageResource
    ):
        docs, periods = [], []
        for period in _periods(cadence, context):
            stored = score_store.read_documents(warehouse.engine, period)
            if not stored:
                raise dg.Failure(f"no figures for {period.key}: materialise {figures_key} first")
            docs += [doc for _, (_, doc) in sorted(stored.items())]
            periods.append(period.key)
        paths = report_files.write_reports(docs, reports.root)
        withheld = sum(1 for d in docs for cell in d["items"].values() if cell.get("suppressed"))
        sample = paths[0]["pdf"] if paths else ""
        return dg.MaterializeResult(
            metadata={
                "reports": len(paths),
                "files": 3 * len(paths),
                "periods": ", ".join(periods[:5]) + (" …" if len(periods) > 5 else ""),
                "withheld_items": withheld,
                "root": dg.MetadataValue.path(str(reports.root)),
                "example_pdf": dg.MetadataValue.path(sample),
            }
        )

    @dg.asset(
        name=delivery_key,
        group_name=group,
        owners=OWNERS,
        deps=[files_asset],
        partitions_def=partitions_def,
        backfill_policy=policy,
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
        choice = context.run.tags.get("survey/deliver", config.deliver).lower()
        backfill = "dagster/backfill" in context.run.tags or len(context.partition_keys) > 1
        if choice == "no" or (choice == "auto" and backfill):
            context.log.info("delivery skipped: backfill runs send no mail unless asked (survey/deliver=yes)")
            return dg.MaterializeResult(
                metadata={"sent": 0, "skipped_reason": "backfill" if backfill else "deliver=no"}
            )
        reg = registry.registry()
        versions = []
        for period in _periods(cadence, context):
            for code, (version, doc) in sorted(score_store.read_documents(warehouse.engine, period).items()):
                recipients = reg.city_recipients if code == reg.city_code else reg.by_code[code].recipients
                paths = [
                    rendering.report_path(reports.root, code, period.cadence, period.key, ext)
                    for ext in ("pdf", "csv")
                ]
                versions.append(
                    delivery.ReportVersion(
                        centre=code, cadence=period.cadence, period_key=period.key,
                        title=rendering.report_title(doc), recipients=tuple(recipients),
                        summary=rendering.render_email_text(doc), attachments=tuple(Path(p) for p in paths),
                        version=version,
                    )
                )  # fmt: skip
        outcomes = delivery.deliver(
            warehouse.engine, versions, mail.send, mail_from=mail.mail_from, run_id=context.run_id
        )
        counts = pd.Series([o.action for o in outcomes], dtype="object").value_counts().to_dict()
        failed = [f"{o.report.centre} {o.report.period_key}" for o in outcomes if o.action == "failed"]
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

    return [figures_asset, files_asset, delivery_asset]


def _periods(cadence: str, context: dg.AssetExecutionContext) -> list:
    """The report periods of the run's partitions (a review's key is its cadence)."""
    return [
        reporting.period_for(cadence if cadence != "review" else key, key) for key in context.partition_keys
    ]


def _headline(summary: list[tuple]) -> str:
    lines = ["| period | responses (city) | satisfied Q01 (city) | withheld items |", "|---|---:|---:|---:|"]
    for key, total, top2, withheld in summary[:60]:
        share = "–" if top2 is None else f"{top2:.1%}"
        lines.append(f"| {key} | {total} | {share} | {withheld} |")
    return "\n".join(lines)
