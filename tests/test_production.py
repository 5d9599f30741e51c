"""The documented production profile (deploy/dagster.production.yaml) on the real
PostgreSQL server: Dagster's runs, event log and schedules in one database, the
warehouse in another, runs through the daemon's queue, two runs at once."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa
import yaml

from tests import builders as b
from tests.processes import stop, wait_for

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PROFILE = ROOT / "deploy" / "dagster.production.yaml"
WEEK = "2020-09-14"


@pytest.fixture
def dagster_pg(postgres_server):
    """A database of its own for Dagster's storage, dropped afterwards."""
    name = f"survey_test_dagster_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(postgres_server).set(database=name)
    with admin.connect() as conn:
        conn.execute(
            sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
        )
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture
def production(tmp_path, monkeypatch, dagster_pg, postgres_url, small_registry):
    """DAGSTER_HOME with the profile copied in as the README says, and the environment
    of the README's production section (a small registry and landing of our own)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_bytes(PROFILE.read_bytes())
    env = {
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_HOST": dagster_pg.host,
        "DAGSTER_PG_PORT": str(dagster_pg.port or 5432),
        "DAGSTER_PG_USER": dagster_pg.username,
        "DAGSTER_PG_PASSWORD": dagster_pg.password or "",
        "DAGSTER_PG_DB": dagster_pg.database,
        "SURVEY_WAREHOUSE_URL": postgres_url,
        "SURVEY_LANDING_DIR": str(tmp_path / "landing"),
        "SURVEY_REPORTS_DIR": str(tmp_path / "reports"),
        "SURVEY_QUARANTINE_DIR": str(tmp_path / "quarantine"),
        "SURVEY_OUTBOX_DIR": str(tmp_path / "outbox"),
        "SURVEY_PSEUDONYM_KEY": "production-test-key",
        "GX_ANALYTICS_ENABLED": "false",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("SURVEY_DEMO", raising=False)
    monkeypatch.delenv("SURVEY_SMTP_HOST", raising=False)
    # The webserver or the daemon creates Dagster's tables on first start; do it once
    # here so that the subprocesses below do not race for it.
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.get_runs(limit=1)
    return home, tmp_path


def _landing(landing: Path) -> int:
    """A week of tablet and web answers for the three centres; returns the completions
    that count (not misuse, web responses submitted)."""
    counted = 0
    for i, (centre, day) in enumerate(
        [("altona", "2020-09-15"), ("blankenese", "2020-09-16"), ("harburg", "2020-09-17")]
    ):
        rows = []
        for n in range(6):
            rows += b.completion(1000 * i + n, centre=centre, time=f"{day} 10:{n:02d}:00")
        rows += b.completion(1000 * i + 99, centre=centre, time=f"{day} 12:00:00", misuse=1)
        b.write_tablet(landing, centre, f"TAB-{i:04d}", day, rows)
        counted += 6
    web = [
        b.web_response(500 + n, centre=c, submit="2020-09-18 18:30:00")
        for n, c in enumerate(["altona", "harburg"] * 3)
    ]
    b.write_web(landing, "2020-09-18", [*web, b.web_response(599, submit="")])
    return counted + len(web)


def _errors(instance, runs) -> str:
    """The failure messages and errors of runs, for an assertion message."""
    out = []
    for run in runs:
        for entry in instance.all_logs(run.run_id):
            event = entry.dagster_event
            if event and event.is_failure:
                error = getattr(event.event_specific_data, "error", None)
                out.append(error.to_string() if error else (entry.message or str(event.event_type)))
    return "\n".join(out)[-4000:]


def _count(table: str) -> int:
    engine = sa.create_engine(os.environ["SURVEY_WAREHOUSE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(f"select count(*) from {table}")).scalar_one()
    finally:
        engine.dispose()


def test_profile_keeps_secrets_in_the_environment_and_talks_psycopg2(production):
    """The profile has no connection value of its own, and its storage works: a stored
    event runs dagster-postgres's NOTIFY, which psycopg 3 (a bare postgresql://) breaks."""
    home, _ = production
    storage = yaml.safe_load(PROFILE.read_text(encoding="utf-8"))["storage"]["postgres"]["postgres_db"]
    assert storage.pop("scheme") == "postgresql+psycopg2"
    assert all(set(v) == {"env"} and v["env"].startswith("DAGSTER_PG_") for v in storage.values())
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
        assert instance.run_storage._engine.dialect.driver == "psycopg2"  # noqa: SLF001
        assert instance.run_coordinator.__class__.__name__ == "QueuedRunCoordinator"
        assert instance.run_monitoring_enabled
        from dagster._core.test_utils import create_run_for_test

        run = create_run_for_test(instance, job_name="profile_check")
        instance.report_engine_event("stored through NOTIFY", run)
        assert instance.all_logs(run.run_id)[-1].message == "stored through NOTIFY"
    # The README documents this profile.
    section = (
        (ROOT / "README.md").read_text(encoding="utf-8").split("## Production", 1)[1].split("\n## ", 1)[0]
    )
    for text in (
        "deploy/dagster.production.yaml",
        "DAGSTER_PG_PASSWORD",
        "dagster-daemon run",
        "dagster-webserver",
    ):
        assert text in section


@pytest.mark.slow
def test_weekly_run_through_the_daemon_queue(production):
    """`dagster-daemon run` with the profile dequeues a submitted `weekly_reports` run and
    runs it to success against the PostgreSQL warehouse: reports written, mail in the outbox."""
    home, tmp = production
    counted = _landing(tmp / "landing")
    procs: list[subprocess.Popen] = []
    try:
        procs.append(
            subprocess.Popen(
                [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=open(tmp / "daemon.log", "wb"),  # noqa: SIM115 - closed with the process
                start_new_session=True,
            )
        )
        tags = f'{{"dagster/partition": "{WEEK}"}}'
        launched = subprocess.run(
            [str(BIN / "dagster"), "job", "launch", "-w", "workspace.yaml", "-j", "weekly_reports", "--tags", tags],
            cwd=ROOT, capture_output=True, timeout=90,
        )  # fmt: skip
        assert launched.returncode == 0, launched.stderr.decode()[-3000:]
        with dg.DagsterInstance.from_config(str(home)) as instance:
            (run,) = instance.get_runs(filters=dg.RunsFilter(job_name="weekly_reports"))
            assert run.tags["dagster/partition"] == WEEK

            def finished():
                status = instance.get_run_by_id(run.run_id).status
                return (
                    status if status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE) else None
                )

            status = wait_for(finished, 120, what="the weekly run to finish")
            assert status == dg.DagsterRunStatus.SUCCESS, _errors(instance, [run])
            types = [e.dagster_event_type for e in instance.all_logs(run.run_id) if e.dagster_event]
            queue = [
                dg.DagsterEventType.RUN_ENQUEUED,
                dg.DagsterEventType.RUN_STARTING,
                dg.DagsterEventType.RUN_START,
            ]
            assert [t for t in types if t in queue] == queue  # went through the daemon's queue
    finally:
        stop(procs)
    assert _count("responses") == counted
    for centre in ("altona", "blankenese", "harburg"):
        assert (tmp / "reports" / centre / "weekly" / "2020-W38.pdf").stat().st_size > 1000
    assert list((tmp / "outbox").rglob("*.eml"))


@pytest.mark.slow
def test_two_ingest_runs_at_once(production):
    """Two `dagster job execute -j ingest` started at the same moment on a fresh warehouse:
    both succeed and every completion is counted once."""
    home, tmp = production
    counted = _landing(tmp / "landing")
    procs = [
        subprocess.Popen(
            [str(BIN / "dagster"), "job", "execute", "-m", "pipelines", "-j", "ingest"],
            cwd=ROOT,
            stdout=open(tmp / f"ingest{i}.log", "wb"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for i in range(2)
    ]
    try:
        codes = [proc.wait(120) for proc in procs]
    finally:
        stop(procs)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs(filters=dg.RunsFilter(job_name="ingest"))
        statuses = [r.status for r in runs]
        errors = _errors(instance, runs)
        records = instance.get_run_records(filters=dg.RunsFilter(job_name="ingest"))
    logs = "".join((tmp / f"ingest{i}.log").read_text(errors="replace")[-1500:] for i in range(2))
    assert codes == [0, 0] and statuses == [dg.DagsterRunStatus.SUCCESS] * 2, errors or logs
    # They did run at the same time.
    assert max(r.start_time for r in records) < min(r.end_time for r in records)
    assert _count("responses") == counted
    assert _count("ingested_files") == 4  # three tablet files, one web export
