"""The figure checks on what was written, and the guards they put on publication.

Each check is made to fail by a figures or disclosure function that produces a wrong
document (monkeypatched), and passes on the real ones. A period whose check fails gets
no report files and no e-mail; the other periods of a range run do, and the run fails
naming the period and the check.
"""

from __future__ import annotations

import datetime as dt
import json

import dagster as dg
import pypdf
import pytest
import sqlalchemy as sa

from pipelines.core.periods import Period
from pipelines.defs import partitions
from pipelines.defs.assets import ingest
from pipelines.defs.assets.reports import build_report_assets
from pipelines.defs.resources import (
    LandingResource,
    PseudonymiserResource,
    ReportStorageResource,
    WarehouseResource,
)
from pipelines.defs.resources.mail import MailResource
from pipelines.figures import audits, checks, disclosure, store
from pipelines.figures import documents as reporting
from pipelines.figures import groups as figures
from pipelines.warehouse import engine_for, schema
from tests import builders as b
from tests.smtp_server import smtp_server

WEEKS = {"2020-09-14": "2020-W38", "2020-09-21": "2020-W39", "2020-09-28": "2020-W40"}
CENTRES = ("altona", "blankenese", "harburg")
RANGE = {
    "dagster/asset_partition_range_start": "2020-09-14",
    "dagster/asset_partition_range_end": "2020-09-28",
}


def _answers(q01):
    return dict(b.V1, Q01=q01)


@pytest.fixture
def env(tmp_path, sqlite_url, small_registry):
    """Three weeks; each: Altona 6 valid Q01 answers, Blankenese 3 (withheld, so Altona is
    withheld as well: district Altona minus Altona would give Blankenese away), Harburg 12."""
    landing = tmp_path / "landing"
    rows, n = [], 0
    for day in (15, 22, 29):
        for centre, q01s in (("altona", [1, 1, 2, 2, 3, 5]), ("blankenese", [1, 2, 1]),
                             ("harburg", [1, 2, 2, 4, 1, 1, 2, 3, 1, 2, 1, 1])):  # fmt: skip
            for q in q01s:
                n += 1
                rows += b.completion(n, centre=centre, time=f"2020-09-{day} 11:00:00", answers=_answers(q))
    b.write_tablet(landing, "altona", "TAB-0001", "2020-09-15", rows)
    reports = tmp_path / "reports"
    instance = dg.DagsterInstance.ephemeral()

    def run(partition=None, tags=None, port=None, upto="delivery"):
        assets = build_report_assets("weekly", partitions.weekly)
        chosen = {"figures": assets[:1], "files": assets[:2], "delivery": assets}[upto]
        job = dg.define_asset_job("reports", selection=[ingest.raw_exports, ingest.responses, *chosen],
                                  partitions_def=partitions.weekly, executor_def=dg.in_process_executor)  # fmt: skip
        defs = dg.Definitions(
            assets=[ingest.raw_exports, ingest.responses, *assets],
            jobs=[job],
            resources={
                "warehouse": WarehouseResource(url=sqlite_url),
                "landing": LandingResource(landing_dir=str(landing), quarantine_dir=str(tmp_path / "q")),
                "pseudonymiser": PseudonymiserResource(key="k"),
                "reports": ReportStorageResource(reports_dir=str(reports)),
                "mail": MailResource(host="127.0.0.1" if port else "", port=port or 25, backoff_seconds=0.05,
                                     outbox_dir=str(tmp_path / "outbox"), mail_from="befragung@hamburg.example"),
            },
        )  # fmt: skip
        kwargs = {"partition_key": partition} if partition else {}
        return defs.resolve_job_def("reports").execute_in_process(
            instance=instance, tags=tags or {}, raise_on_error=False, **kwargs
        )

    return run, reports, sqlite_url, instance


def _evaluations(result) -> dict[tuple[str, str | None], dg.AssetCheckEvaluation]:
    return {
        (e.check_name, e.partition): e
        for e in result.get_asset_check_evaluations()
        if e.asset_key == dg.AssetKey("weekly_figures")
    }


def _files(reports, week: str) -> list:
    return sorted(p.name for p in reports.rglob(f"{week}.*"))


def _failure(result) -> str:
    return "\n".join(
        str(e.event_specific_data.error.message)
        for e in result.all_events
        if e.event_type_value == "STEP_FAILURE"
    )


def _only_in(week: str, patched, original):
    """`patched` for the figures of `week`, `original` for every other period."""

    def choose(*args, **kwargs):
        groups = args[0] if args else kwargs["groups"]
        key = next(iter(groups.values()))["period"]["key"]
        return (patched if key == week else original)(*args, **kwargs)

    return choose


def _primary_only(groups, parts_of, rules, *, left_out=None):
    """A broken disclosure step: small cells withheld, but the districts and the city still
    count them (district minus its other centres gives them away)."""
    return {name: disclosure.suppress_small(fig, rules) for name, fig in groups.items()}


# --------------------------------------------------------------------------- passing


def test_all_checks_pass_and_attach_to_the_partition_of_a_one_week_run(env):
    run, reports, url, _ = env
    result = run("2020-09-21", upto="files")
    assert result.success
    evaluations = _evaluations(result)
    assert set(evaluations) == {(c, "2020-09-21") for c in checks.CHECKS}
    assert all(e.passed for e in evaluations.values())
    # … and they target this run's materialization of the figures (shown as current in the UI).
    assert {e.target_materialization_data.run_id for e in evaluations.values()} == {result.run_id}
    assert _files(reports, "2020-W39") == sorted(
        f"2020-W39.{x}" for x in ("csv", "json", "pdf") for _ in CENTRES
    )
    with engine_for(url).connect() as conn:
        rows = conn.execute(sa.select(schema.report_checks.c.check_name, schema.report_checks.c.passed)).all()
    assert sorted(rows) == sorted((c, True) for c in checks.CHECKS)


# --------------------------------------------------------------------------- each check fails


def test_shares_in_range_fails_on_a_share_outside_0_1(env, monkeypatch):
    run, reports, _, _ = env
    original = figures.cell_from_counts

    def broken(counts, cannot_judge, item):
        out = original(counts, cannot_judge, item)
        if item.code == "Q01" and out.get("top2") is not None:
            out["top2"] = round(out["top2"] + 0.5, 4)
        return out

    monkeypatch.setattr(figures, "cell_from_counts", broken)
    result = run("2020-09-14", upto="files")
    assert not result.success
    evaluations = _evaluations(result)
    shares = evaluations[("shares_in_range", "2020-09-14")]
    assert not shares.passed
    examples = shares.metadata["examples"].value
    assert any(e.endswith("Q01: share outside 0-1") for e in examples)
    assert any("does not match its counts" in e for e in examples)
    # The document and the stored figures agree with each other: only the share check fails.
    assert all(evaluations[(c, "2020-09-14")].passed for c in checks.CHECKS if c != "shares_in_range")
    assert _files(reports, "2020-W38") == []
    assert "2020-W38: shares_in_range" in _failure(result)


def test_counts_add_up_fails_when_channels_do_not_add_up(env, monkeypatch):
    run, reports, _, _ = env
    original = disclosure.breakdowns

    def broken(rows, rules, **kwargs):
        out = original(rows, rules, **kwargs)
        if "harburg" in out:
            out["harburg"]["channel"]["tablet"] += 1
        return out

    monkeypatch.setattr(disclosure, "breakdowns", broken)
    result = run("2020-09-14", upto="files")
    assert not result.success
    check = _evaluations(result)[("counts_add_up", "2020-09-14")]
    assert not check.passed
    examples = check.metadata["examples"].value
    assert "harburg: channels 13 + 0 exceed 12 responses" in examples
    assert "report harburg: channel breakdown 13 + 0 withheld is not 12 responses" in examples
    assert _files(reports, "2020-W38") == []


def test_counts_add_up_fails_when_the_stored_rows_differ_from_the_document(env, monkeypatch):
    run, reports, _, _ = env
    original = store.score_rows

    def corrupted(period, groups):  # what is written, not what was computed
        items, totals = original(period, groups)
        for row in items:
            if row["group_code"] == "harburg" and row["item"] == "Q04":
                row["n"] += 1
        return items, totals

    monkeypatch.setattr(store, "score_rows", corrupted)
    result = run("2020-09-14", upto="files")
    assert not result.success
    examples = _evaluations(result)[("counts_add_up", "2020-09-14")].metadata["examples"].value
    assert "Harburg Q04: n = 12, its shown parts [13]" in examples
    assert any(e.startswith("report harburg Q04: differs from the stored figures (n") for e in examples)
    assert _files(reports, "2020-W38") == []


def test_all_centres_present_fails_when_a_centre_open_in_the_registry_is_missing(env, monkeypatch):
    run, reports, _, _ = env
    original = disclosure.group_parts

    def without_harburg(start, end, reg=None):
        parts = original(start, end, reg)
        parts.pop("Harburg", None)
        parts["hamburg"] = [d for d in parts["hamburg"] if d != "Harburg"]
        return parts

    monkeypatch.setattr(disclosure, "group_parts", without_harburg)
    result = run("2020-09-14", upto="files")
    assert not result.success
    evaluations = _evaluations(result)
    check = evaluations[("all_centres_present", "2020-09-14")]
    assert not check.passed
    examples = check.metadata["examples"].value
    assert "harburg: no report document" in examples and "Harburg: no figures stored" in examples
    assert evaluations[
        ("no_recoverable_cells", "2020-09-14")
    ].passed  # (a centre without a report counts nothing)
    assert _files(reports, "2020-W38") == []


def test_no_recoverable_cells_fails_without_complementary_suppression(env, monkeypatch):
    run, reports, _, _ = env
    monkeypatch.setattr(disclosure, "protect", _primary_only)
    result = run("2020-09-14", upto="files")
    assert not result.success
    check = _evaluations(result)[("no_recoverable_cells", "2020-09-14")]
    assert not check.passed
    # district Altona minus Altona: Blankenese's 3 answers, all top-two
    assert (
        "blankenese 2020-09-14..2020-09-20 Q01 (top2): narrowed to 1 values"
        in check.metadata["examples"].value
    )
    assert _files(reports, "2020-W38") == []


def test_no_recoverable_cells_fails_when_a_report_shows_a_withheld_figure(env, monkeypatch):
    run, reports, _, _ = env
    original = reporting.ReportBuilder.documents

    def leaky(self, period):
        docs = original(self, period)
        cell = docs["blankenese"]["items"]["Q01"]
        cell["counts"] = {"1": 2, "2": 1, "3": 0, "4": 0, "5": 0}  # withheld, yet in the document
        return docs

    monkeypatch.setattr(reporting.ReportBuilder, "documents", leaky)
    result = run("2020-09-14", upto="files")
    assert not result.success
    examples = _evaluations(result)[("no_recoverable_cells", "2020-09-14")].metadata["examples"].value
    assert "report blankenese Q01: withheld, but its figures are in the report" in examples
    assert _files(reports, "2020-W38") == []


def test_unchecked_figures_are_not_published(env):
    run, reports, url, _ = env
    assert run("2020-09-14", upto="figures").success
    with engine_for(url).begin() as conn:
        conn.execute(sa.delete(schema.report_checks))  # e.g. a run killed after writing the figures
    assets = build_report_assets("weekly", partitions.weekly)
    result = dg.materialize(
        assets[:2],
        selection=[assets[1]],
        partition_key="2020-09-14",
        resources={
            "warehouse": WarehouseResource(url=url),
            "reports": ReportStorageResource(reports_dir=str(reports)),
        },
        raise_on_error=False,
    )
    assert not result.success
    assert "unchecked" in _failure(result) and _files(reports, "2020-W38") == []


# --------------------------------------------------------------------------- guards in a range run


def test_a_failed_disclosure_audit_in_one_week_of_a_range_blocks_only_that_week(env, monkeypatch):
    run, reports, url, instance = env
    monkeypatch.setattr(disclosure, "protect", _only_in("2020-W39", _primary_only, disclosure.protect))
    with smtp_server() as (server, port):
        result = run(tags={**RANGE, "survey/deliver": "yes"}, port=port)
    assert not result.success
    # No file and no e-mail of the middle week; the other two are written and mailed.
    assert _files(reports, "2020-W39") == []
    for week in ("2020-W38", "2020-W40"):
        names = _files(reports, week)
        assert names == sorted(f"{week}.{x}" for x in ("csv", "json", "pdf") for _ in CENTRES)
    for path in reports.rglob("*.pdf"):
        assert pypdf.PdfReader(path).pages
    subjects = sorted(str(m["Subject"]) for m in server.messages)
    assert len(subjects) == 6
    assert all("KW 38/2020" in s or "KW 40/2020" in s for s in subjects)
    # The run fails in its last step, naming the week and the check.
    failure = _failure(result)
    assert (
        "2020-W39: counts_add_up, no_recoverable_cells" in failure
        and "W38" not in failure
        and "W40" not in failure
    )
    steps = {e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"}
    assert steps == {"weekly_delivery"}
    # Per period check results, attached to the partitions.
    evaluations = _evaluations(result)
    for partition in WEEKS:
        for check in checks.CHECKS:
            failed = partition == "2020-09-21" and check in ("counts_add_up", "no_recoverable_cells")
            assert evaluations[(check, partition)].passed is not failed
    assert {evaluations[(c, p)].target_materialization_data.run_id for c in checks.CHECKS for p in WEEKS} == {
        result.run_id
    }
    summary = evaluations[("no_recoverable_cells", None)]
    assert not summary.passed and summary.metadata["failed_periods"].value == ["2020-W39"]
    assert "| 2020-W39 | FAILED |" in summary.metadata["by_period"].value
    # … and so they are stored in the instance: the UI shows the failing partition.
    key = dg.AssetCheckKey(dg.AssetKey("weekly_figures"), "no_recoverable_cells")
    status = {
        i.partition_key: i.latest_execution_status.value
        for i in instance.event_log_storage.get_asset_check_partition_info([key])
    }
    assert status == {
        "2020-09-14": "SUCCEEDED",
        "2020-09-21": "FAILED",
        "2020-09-28": "SUCCEEDED",
        None: "FAILED",
    }
    # The delivery ledger has nothing of the blocked week.
    with engine_for(url).connect() as conn:
        weeks = {r[0] for r in conn.execute(sa.select(schema.deliveries.c.period_key)).all()}
    assert weeks == {"2020-W38", "2020-W40"}


def test_a_backfill_without_delivery_still_fails_and_keeps_the_earlier_good_files(env, monkeypatch):
    run, reports, _, _ = env
    assert run(tags={**RANGE, "survey/deliver": "no"}).success
    before = {p: p.read_bytes() for p in reports.rglob("2020-W39.*")}
    stamps = {p: p.stat().st_mtime_ns for p in before}
    assert len(before) == 9
    monkeypatch.setattr(disclosure, "protect", _only_in("2020-W39", _primary_only, disclosure.protect))
    result = run(tags=RANGE)  # a backfill: delivery skipped
    assert not result.success
    assert "2020-W39: counts_add_up, no_recoverable_cells" in _failure(result)
    assert {p: p.read_bytes() for p in reports.rglob("2020-W39.*")} == before
    assert {p: p.stat().st_mtime_ns for p in before} == stamps
    files = [
        e for e in result.get_asset_materialization_events() if e.asset_key.path[-1] == "weekly_report_files"
    ]
    meta = files[0].event_specific_data.materialization.metadata
    assert meta["blocked_periods"].value == ["2020-W39: counts_add_up, no_recoverable_cells"]
    assert json.loads((reports / "harburg" / "weekly" / "2020-W40.json").read_text(encoding="utf-8"))


def test_the_files_step_fails_the_run_when_it_is_the_last(env, monkeypatch):
    run, reports, _, _ = env
    monkeypatch.setattr(disclosure, "protect", _only_in("2020-W39", _primary_only, disclosure.protect))
    result = run(tags=RANGE, upto="files")
    assert not result.success
    steps = {e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"}
    assert steps == {"weekly_report_files"}
    assert _files(reports, "2020-W39") == [] and len(_files(reports, "2020-W38")) == 9


def test_a_blocked_single_week_records_no_report_files(env, monkeypatch):
    run, reports, _, _ = env
    monkeypatch.setattr(disclosure, "protect", _only_in("2020-W38", _primary_only, disclosure.protect))
    result = run("2020-09-14")
    assert not result.success and "2020-W38: counts_add_up, no_recoverable_cells" in _failure(result)
    # Nothing that would tell the freshness policy the week's reports are out.
    materialized = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
    assert materialized.isdisjoint({"weekly_report_files", "weekly_delivery"})
    assert _files(reports, "2020-W38") == []


# --------------------------------------------------------------------------- the audit alone


def test_the_audit_fails_on_a_month_that_gives_a_withheld_week_away():
    # February 2021 of one centre: W05 withholds Q04 (3 answers); a month counting W05's
    # answers gives them away as the month minus the other weeks, one leaving them out not
    from pipelines.core.periods import Period
    from pipelines.figures.groups import group_figures
    from tests.test_disclosure import RULES, february_frame, in_period

    frame = february_frame()
    month = Period.month(dt.date(2021, 2, 1))
    weeks = [disclosure.suppress_small(group_figures(in_period(frame, w), None, w, "altona"), RULES)
             for w in month.weeks()]  # fmt: skip
    raw_month = group_figures(in_period(frame, month), None, month, "altona")
    whole = disclosure.suppress_small(raw_month, RULES)
    problems = checks.disclosure_problems({}, {}, {"altona": ("v", whole)}, weeks)
    assert (
        "altona 2021-02-01..2021-02-28 Q04 (top2): narrowed to 1 values" not in problems
    )  # (the month is shown)
    assert "altona 2021-02-01..2021-02-07 Q04 (top2): narrowed to 1 values" in problems
    w05 = month.weeks()[0]
    left = [(w05.key, group_figures(in_period(frame, w05), None, w05, "altona")["items"]["Q04"])]
    protected = disclosure.protect({"altona": raw_month}, {}, RULES, left_out={"altona": {"Q04": left}})
    assert checks.disclosure_problems({}, {}, {"altona": ("v", protected["altona"])}, weeks) == []


def test_a_range_checked_in_worker_processes_finds_what_the_run_itself_finds(env, monkeypatch):
    # The pool's workers read the stored figures: the leak written for W39 is found there too.
    run, reports, url, instance = env
    monkeypatch.setattr(disclosure, "protect", _only_in("2020-W39", _primary_only, disclosure.protect))
    monkeypatch.setattr(audits, "PARALLEL_FROM", 2)
    result = run(tags=RANGE, upto="figures")
    assert not result.success
    evaluations = _evaluations(result)
    for partition in WEEKS:
        for check in checks.CHECKS:
            failed = partition == "2020-09-21" and check in ("counts_add_up", "no_recoverable_cells")
            assert evaluations[(check, partition)].passed is not failed
    # the same problems as checked in this process
    builder = reporting.ReportBuilder(engine_for(url))
    periods = [Period.from_partition("weekly", w) for w in WEEKS]
    pooled = audits.check_periods(engine_for(url), builder, periods, workers=2)
    assert pooled == audits.check_periods(engine_for(url), builder, periods, workers=1)
    assert pooled["2020-W39"]["no_recoverable_cells"] and not any(pooled["2020-W38"].values())
