"""A late export that changes a week already reported on marks that week's reports stale
(and the month and reviews around it) until they are built again."""

from __future__ import annotations

import dagster as dg

from pipelines.defs import partitions
from pipelines.defs.assets import ingest
from pipelines.defs.assets.reports import build_report_assets
from pipelines.defs.resources import LandingResource, PseudonymiserResource, WarehouseResource
from pipelines.figures import staleness
from pipelines.warehouse import engine_for
from tests import builders as b


def test_late_export_marks_the_built_week_stale_until_it_is_built_again(tmp_path, sqlite_url, small_registry):
    landing = tmp_path / "landing"
    rows = [r for n in range(12) for r in b.completion(n + 1, centre="harburg", time="2020-09-15 10:00:00")]
    b.write_tablet(landing, "harburg", "TAB-0001", "2020-09-15", rows)
    figures = build_report_assets("weekly", partitions.weekly)[0]
    resources = {
        "warehouse": WarehouseResource(url=sqlite_url),
        "landing": LandingResource(landing_dir=str(landing), quarantine_dir=str(tmp_path / "q")),
        "pseudonymiser": PseudonymiserResource(key="k"),
    }

    def run(*assets, partition=None):
        result = dg.materialize(
            list(assets), resources=resources, partition_key=partition, raise_on_error=False
        )
        return {e.check_name: e for e in result.get_asset_check_evaluations()}

    assert run(ingest.raw_exports, ingest.responses)["reports_current"].passed
    run(ingest.raw_exports, ingest.responses, figures, partition="2020-09-14")
    # A web response for 2020-09-16 arrives a week late.
    b.write_web(landing, "2020-09-23", [b.web_response(7, centre="harburg", submit="2020-09-16 19:00:00")])
    check = run(ingest.raw_exports, ingest.responses)["reports_current"]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    hints = check.metadata["rerun"].value
    assert hints == ["weekly 2020-W38: data changed on 2020-09-16; re-run weekly_reports 2020-09-14"]
    # Unchanged data marks nothing more; building the week again makes it current.
    assert len(staleness.current(engine_for(sqlite_url))) == 1
    checks = run(ingest.raw_exports, ingest.responses, figures, partition="2020-09-14")
    assert checks["reports_current"].passed is False  # checked before the figures were rebuilt
    assert staleness.current(engine_for(sqlite_url)) == []
    assert run(ingest.raw_exports, ingest.responses)["reports_current"].passed
