"""The figure checks as Dagster sees them: their descriptions and their results, per
partition also in a range run (the checks themselves: `pipelines.figures.checks`)."""

import dagster as dg

# Not exported by dagster 1.13: the materialization a per-partition check result targets.
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)

from pipelines.figures import checks as figure_checks

# Computed on the figures and documents read back after writing. A failure stops the
# period's report files and e-mails (the run fails naming the period and the check).
DESCRIPTIONS = {
    "shares_in_range": "Stored and reported top-two shares and intervals lie in 0-1, the share inside its "
    "interval, both as computed again from the stored counts.",
    "counts_add_up": "Breakdowns (channel, language, weekday) and what they withhold add up to the responses, "
    "counts to n, means match the counts, districts and the city are the sums of their parts' shown cells, "
    "and every report document equals the stored figures.",
    "all_centres_present": "Every centre open in the period by the registry's validity dates has its stored "
    "figures and its report document (the reviews: also the city report); none that is closed.",
    "no_recoverable_cells": "No withheld figure is shown in a report or stored, and an integer-programming "
    "attacker on everything published with the period (its weeks and months, the periods around it) narrows "
    "no withheld count to fewer than min(n, 3) values.",
}


def results(context: dg.AssetExecutionContext, periods: list, outcomes: dict[str, dict[str, list[str]]]):
    """The check results: attached to the run's partition in a one-period run; in a range
    run, one result per period and check attached to its partition (Dagster 1.13 attaches
    an AssetCheckResult to a partition only from the run's partition tag, so these are
    logged as AssetCheckEvaluation events with `partition=`), then per check a summary
    for the run as a whole (stored without a partition) listing the failed periods."""
    if context.has_partition_key:
        period = periods[0]
        for name, found in outcomes[period.key].items():
            yield dg.AssetCheckResult(
                check_name=name, passed=not found, metadata=_metadata(period.key, found)
            )
        return
    asset_key = context.asset_key
    for partition, period in zip(context.partition_keys, periods, strict=True):
        records = context.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=asset_key, asset_partitions=[partition]), limit=1
        ).records
        target = (
            AssetCheckEvaluationTargetMaterializationData(
                run_id=records[0].run_id, storage_id=records[0].storage_id, timestamp=records[0].timestamp
            )
            if records
            else None
        )
        for name, found in outcomes[period.key].items():
            context.log_event(
                dg.AssetCheckEvaluation(
                    asset_key=asset_key, check_name=name, passed=not found, partition=partition,
                    metadata=_metadata(period.key, found), target_materialization_data=target,
                )
            )  # fmt: skip
    for name in figure_checks.CHECKS:
        failed = {key: p[name] for key, p in outcomes.items() if p[name]}
        rows = ["| period | result | problems | first problem |", "|---|---|---:|---|"]
        rows += [
            f"| {key} | {'FAILED' if p[name] else 'passed'} | {len(p[name])} | {(p[name] or [''])[0]} |"
            for key, p in list(outcomes.items())[:100]
        ]
        yield dg.AssetCheckResult(
            check_name=name,
            passed=not failed,
            description="summary of a range run; each period's result is attached to its partition",
            metadata={
                "periods": len(outcomes),
                "failed_periods": list(failed),
                "problems": sum(len(v) for v in failed.values()),
                "examples": [e for v in failed.values() for e in v][:10],
                "by_period": dg.MetadataValue.md("\n".join(rows)),
            },
        )


def _metadata(period_key: str, found: list[str]) -> dict:
    return {"period": period_key, "problems": len(found), "examples": found[:10]}
