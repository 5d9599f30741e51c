"""Great Expectations suites built from the data contracts, and running them.

GX is driven directly (dagster-ge needs GX < 1). Its import costs seconds, so it
happens once, lazily, and one ephemeral context serves the whole process. A run that
ingests first starts a worker process (`start_worker`) that imports GX while the files
are read; `validate` then runs the very same function there.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import sys
import threading
from dataclasses import dataclass

import pandas as pd

from pipelines.core import workers
from pipelines.core.contracts import Contract

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

# Columns whose values may be shown as examples in check metadata: coded values
# only, never keys, free text or anything classified as personal.
_SAFE_EXAMPLE_TYPES = ("integer", "date")


@dataclass(frozen=True)
class RuleResult:
    rule: str
    column: str | None
    success: bool
    unexpected_count: int
    examples: list


@dataclass(frozen=True)
class ValidationOutcome:
    contract: str
    rows: int
    results: tuple[RuleResult, ...]

    @property
    def success(self) -> bool:
        return all(r.success for r in self.results)

    @property
    def failed(self) -> list[RuleResult]:
        return [r for r in self.results if not r.success]

    def metadata(self) -> dict:
        return {
            "contract": self.contract,
            "rows": self.rows,
            "rules_checked": len(self.results),
            "rules_failed": [
                {"rule": r.rule, "column": r.column, "rows": r.unexpected_count, "examples": r.examples}
                for r in self.failed
            ],
        }


@functools.cache
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    # Progress bars would end up in every Dagster log line.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def expectations_for(contract: Contract, rule_values: dict[str, list] | None = None) -> list:
    """One GX expectation per contract rule, each tagged with the rule's name in `meta`.

    `rule_values` supplies valid values that live in reference data (the centre
    registry): rule name → allowed values.
    """
    import great_expectations as gx

    E = gx.expectations
    out = []
    for rule in contract.rules():
        meta = {"rule": rule.name}
        col = rule.column
        if rule.kind == "required":
            out.append(E.ExpectColumnValuesToNotBeNull(column=col, meta=meta))
        elif rule.kind == "unique":
            out.append(E.ExpectColumnValuesToBeUnique(column=col, meta=meta))
        elif rule.kind == "duplicates":
            cols = list(rule.value)
            if len(cols) == 1:
                out.append(E.ExpectColumnValuesToBeUnique(column=cols[0], meta=meta))
            else:
                out.append(E.ExpectCompoundColumnsToBeUnique(column_list=cols, meta=meta))
        elif rule.kind == "pattern":
            out.append(E.ExpectColumnValuesToMatchRegex(column=col, regex=rule.value, meta=meta))
        elif rule.kind == "max_length":
            out.append(E.ExpectColumnValueLengthsToBeBetween(column=col, max_value=rule.value, meta=meta))
        elif rule.kind == "valid_values":
            out.append(E.ExpectColumnValuesToBeInSet(column=col, value_set=list(rule.value), meta=meta))
        elif rule.kind == "versions":
            # An item absent from a questionnaire version must be empty in its rows.
            versions = ",".join(str(v) for v in rule.value)
            out.append(
                E.ExpectColumnValuesToBeNull(
                    column=col,
                    row_condition=f"questionnaire_version not in [{versions}]",
                    condition_parser="pandas",
                    meta=meta,
                )
            )
        elif rule.kind == "datetime":
            continue  # the stored tables hold dates, not raw strings: checked by type
        else:  # pragma: no cover - a new rule kind must be mapped here
            raise ValueError(f"no expectation for rule kind {rule.kind!r}")
    for name, values in (rule_values or {}).items():
        column = name.removesuffix("_valid_values")
        out.append(E.ExpectColumnValuesToBeInSet(column=column, value_set=list(values), meta={"rule": name}))
    out.append(
        E.ExpectTableColumnsToMatchSet(
            column_set=contract.columns, exact_match=True, meta={"rule": f"{contract.name}_columns"}
        )
    )
    return out


def suite_for(contract: Contract, rule_values: dict[str, list] | None = None):
    import great_expectations as gx

    _context()  # GX needs a context before suites are built
    name = f"{contract.name}-{contract.version}"
    suite = gx.ExpectationSuite(name=name)
    for expectation in expectations_for(contract, rule_values):
        suite.add_expectation(expectation)
    return suite


_SUITES: dict = {}


def _suite(contract: Contract, rule_values: dict[str, list] | None):
    """The suite of a contract and reference values, built once per process."""
    key = (contract.id, contract.version, repr(contract.raw), repr(sorted((rule_values or {}).items())))
    if key not in _SUITES:
        _SUITES[key] = suite_for(contract, rule_values)
    return _SUITES[key]


def validate(
    contract: Contract, frame: pd.DataFrame, rule_values: dict[str, list] | None = None
) -> ValidationOutcome:
    """Run the contract's suite over a DataFrame (the rows about to be written): in the
    worker when one was started, else here."""
    with _WORKER_LOCK:
        conn = _WORKER.get("conn")
        if conn is not None:
            try:
                conn.send((contract, frame, rule_values))
                outcome = conn.recv()
            except Exception:  # noqa: BLE001 - the worker died or the frame did not pickle: here
                stop_worker()
                outcome = None
            if outcome is not None:
                return outcome
    return _validate_here(contract, frame, rule_values)


# ---------------------------------------------------------------------- worker

_WORKER: dict = {}  # "process", "conn": the worker of this process, if started
_WORKER_LOCK = threading.Lock()


def start_worker() -> None:
    """Start the worker now, so that its GX import (about 4 s) overlaps what the run does
    before its first validation. Not when GX is imported here already: validating here is
    then quicker than sending the rows. The worker lives as long as this process."""
    with _WORKER_LOCK:
        process = _WORKER.get("process")
        if (process is not None and process.is_alive()) or "great_expectations" in sys.modules:
            return
        # spawn, not fork: the parent holds database connections and Dagster threads.
        ctx = multiprocessing.get_context("spawn")
        mine, theirs = ctx.Pipe()
        # daemon: ended when this process exits; `die_with_parent`: also when it is killed.
        process = ctx.Process(target=_serve, args=(theirs, os.getpid()), daemon=True, name="gx-validation")
        process.start()
        theirs.close()
        _WORKER.update(process=process, conn=mine)


def stop_worker() -> None:
    process, conn = _WORKER.pop("process", None), _WORKER.pop("conn", None)
    if conn is not None:
        conn.close()
    if process is not None:
        process.kill()
        process.join()


def _serve(conn, parent_pid: int) -> None:
    """The worker: import GX at once, then validate what arrives until the pipe closes."""
    workers.die_with_parent(parent_pid)
    _context()
    while True:
        try:
            contract, frame, rule_values = conn.recv()
        except EOFError:
            return
        try:
            conn.send(_validate_here(contract, frame, rule_values))
        except Exception:  # noqa: BLE001 - None: the parent validates itself and meets the error there
            conn.send(None)


def _validate_here(
    contract: Contract, frame: pd.DataFrame, rule_values: dict[str, list] | None
) -> ValidationOutcome:
    context = _context()
    source_name = f"contract-{contract.name}"
    try:
        source = context.data_sources.get(source_name)
    except (KeyError, ValueError):
        source = context.data_sources.add_pandas(source_name)
    try:
        asset = source.get_asset(contract.name)
    except LookupError:
        asset = source.add_dataframe_asset(contract.name)
    try:
        batch_definition = asset.get_batch_definition("whole")
    except KeyError:
        batch_definition = asset.add_batch_definition_whole_dataframe("whole")
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(_suite(contract, rule_values), result_format="SUMMARY")
    safe = {
        p.name
        for p in contract.properties
        if p.logical_type in _SAFE_EXAMPLE_TYPES and contract.quotable(p.name)
    }
    rule_results = []
    for r in result.results:
        config = r.expectation_config
        column = config.kwargs.get("column")
        examples = r.result.get("partial_unexpected_list") or []
        rule_results.append(
            RuleResult(
                rule=config.meta.get("rule", config.type),
                column=column,
                success=bool(r.success),
                unexpected_count=int(r.result.get("unexpected_count") or 0),
                examples=[str(e) for e in examples[:5]] if column in safe else [],
            )
        )
    return ValidationOutcome(contract=contract.name, rows=len(frame), results=tuple(rule_results))
