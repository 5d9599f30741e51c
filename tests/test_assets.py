"""The ingestion assets, checks and sensor, run through Dagster."""

from __future__ import annotations

import shutil

import dagster as dg
import pytest
import sqlalchemy as sa
import yaml

from pipelines.core import contracts
from pipelines.defs.assets import ingest
from pipelines.defs.automation.sensors import build_landing_sensor
from pipelines.defs.resources import LandingResource, PseudonymiserResource, WarehouseResource
from pipelines.warehouse import engine_for
from tests import builders as b


@pytest.fixture
def setup(tmp_path, sqlite_url):
    landing = tmp_path / "landing"
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1) + b.completion(2, misuse=1))
    b.write_web(landing, "2020-09-16", [b.web_response(7), b.web_response(8, submit="")])
    resources = {
        "warehouse": WarehouseResource(url=sqlite_url),
        "landing": LandingResource(landing_dir=str(landing), quarantine_dir=str(tmp_path / "q")),
        "pseudonymiser": PseudonymiserResource(key="k"),
    }
    return landing, resources, sqlite_url


def _checks(result) -> dict:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def test_ingestion_assets_report_what_they_did(setup):
    landing, resources, url = setup
    result = dg.materialize([ingest.raw_exports, ingest.responses], resources=resources)
    assert result.success
    meta = {m.asset_key.path[-1]: m.metadata for m in result.get_asset_materialization_events() and
            [e.event_specific_data.materialization for e in result.get_asset_materialization_events()]}  # fmt: skip
    raw = meta["raw_exports"]
    assert raw["files_new"].value == 2
    rows = len(b.completion(1)) + len(b.completion(2)) + 2
    assert raw["rows_read"].value == rows
    assert raw["rows_excluded"].value == len(b.completion(2)) + 1
    assert meta["responses"]["responses_written"].value == 2
    checks = _checks(result)
    assert checks["rows_reconcile"].passed and checks["responses_contract"].passed
    # A second run finds nothing new and rebuilds nothing.
    again = dg.materialize([ingest.raw_exports, ingest.responses], resources=resources)
    meta2 = [e.event_specific_data.materialization.metadata for e in again.get_asset_materialization_events()]
    assert meta2[0]["files_unchanged"].value == 2 and meta2[1]["dates_rebuilt"].value == 0


def test_failing_contract_check_writes_nothing(setup, tmp_path, monkeypatch):
    landing, resources, url = setup
    # A stricter contract (Q01 may only be 2) that the staged data breaks.
    strict = tmp_path / "contracts"
    shutil.copytree(contracts.CONTRACTS_DIR, strict)
    data = yaml.safe_load((strict / "responses.odcs.yaml").read_text(encoding="utf-8"))
    q01 = next(p for p in data["schema"][0]["properties"] if p["name"] == "Q01")
    q01["quality"][0]["arguments"]["validValues"] = [2]
    (strict / "responses.odcs.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SURVEY_CONTRACTS_DIR", str(strict))
    result = dg.materialize([ingest.raw_exports, ingest.responses], resources=resources, raise_on_error=False)
    assert not result.success
    check = _checks(result)["responses_contract"]
    assert not check.passed
    failed = check.metadata["rules_failed"].value
    assert failed[0]["rule"] == "Q01_valid_values" and failed[0]["rows"] == 2
    with engine_for(url).connect() as conn:
        assert conn.execute(sa.text("select count(*) from responses")).scalar_one() == 0
        # The dates stay pending: the next run after the fix writes them.
        assert conn.execute(sa.text("select count(*) from pending_dates")).scalar_one() == 1
    monkeypatch.delenv("SURVEY_CONTRACTS_DIR")
    assert dg.materialize([ingest.responses], resources=resources).success
    with engine_for(url).connect() as conn:
        assert conn.execute(sa.text("select count(*) from responses")).scalar_one() == 2


def test_landing_sensor_triggers_once_per_file_version(setup):
    landing, resources, _ = setup
    job = dg.define_asset_job("ingest", selection=[ingest.raw_exports, ingest.responses])
    sensor = build_landing_sensor(job)
    context = dg.build_sensor_context(resources={"landing": resources["landing"]})
    first = sensor(context)
    assert isinstance(first, dg.RunRequest) and first.run_key
    context2 = dg.build_sensor_context(cursor=context.cursor, resources={"landing": resources["landing"]})
    assert isinstance(sensor(context2), dg.SkipReason)
    b.write_web(landing, "2020-09-17", [b.web_response(9)])
    context3 = dg.build_sensor_context(
        cursor=context2.cursor or context.cursor, resources={"landing": resources["landing"]}
    )
    third = sensor(context3)
    assert isinstance(third, dg.RunRequest) and third.run_key != first.run_key
    # Evaluated again from the old cursor, the same files give the same key: no second run.
    assert (
        sensor(
            dg.build_sensor_context(cursor=context.cursor, resources={"landing": resources["landing"]})
        ).run_key
        == third.run_key
    )


def test_definitions_load():
    from pipelines.definitions import defs

    dg.Definitions.validate_loadable(defs)
    assert {"ingest"} <= {j.name for j in defs.resolve_all_job_defs()}


def test_pseudonymiser_refuses_to_run_without_a_key_outside_the_demo():
    with pytest.raises(dg.Failure, match="SURVEY_PSEUDONYM_KEY"):
        PseudonymiserResource(key="").get()
    assert PseudonymiserResource(key="", demo=True).get()("x", "y")


def test_quarantine_shows_in_the_check_metadata_without_personal_data(setup):
    landing, resources, _ = setup
    rows = b.completion(5, device="TAB-7777", comment="Frau Schulz, 0176 98765432")
    rows[0]["answer"] = "9"
    rows[-1]["misuse"] = "x"
    b.write_tablet(landing, "harburg", "TAB-7777", "2020-09-17", rows)
    result = dg.materialize([ingest.raw_exports], resources=resources)
    check = _checks(result)["raw_rows_conform"]
    meta = check.metadata
    assert meta["by_rule"].value == {"answer_out_of_range": 1, "misuse_valid_values": 1}
    examples = meta["examples"].value
    assert len(examples) == 2 and examples[0].startswith("answer_out_of_range: tablet/harburg/dev-")
    text = str(examples)
    assert "TAB-7777" not in text and "Schulz" not in text and "98765432" not in text


def test_workspace_validates_from_the_shell(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path), SURVEY_WAREHOUSE_URL=f"sqlite:///{tmp_path / 'w.db'}")
    out = subprocess.run([Path(sys.executable).parent / "dagster", "definitions", "validate", "-w", "workspace.yaml"],
                         cwd=root, env=env, capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Validation successful" in out.stderr + out.stdout
