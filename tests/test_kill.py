"""Killed processes: a dead run is marked failed and the queue moves on; PDF workers die
with their parent."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import pytest
import yaml

from pipelines.defs import run_launcher
from tests.processes import stop, wait_for

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _alive(pid: int) -> bool:
    return run_launcher.process_state(pid)[0] == "alive"


def _children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for t in tasks for c in (t / "children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


# --- PDF workers ---------------------------------------------------------------------

RENDER_SCRIPT = """
import sys
from pathlib import Path
from pipelines.reports import files as report_files
from tests.sample_docs import sample_doc

# enough reports for the pool (files._PARALLEL_FROM) and for it to be caught rendering
docs = [sample_doc(centre=c, week=f"2020-W{w}") for c in ("altona", "mitte", "blankenese") for w in range(38, 54)]
report_files.write_reports(docs, Path(sys.argv[1]), workers=2)
print("finished", flush=True)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_pdf_workers_die_with_their_parent(tmp_path):
    """SIGKILL the process rendering a batch in the pool: its workers are gone at once
    and write nothing more (without the pool initializer they lived on indefinitely,
    orphaned, holding their share of the batch)."""
    out = tmp_path / "reports"
    parent = subprocess.Popen(
        [sys.executable, "-c", RENDER_SCRIPT, str(out)], cwd=ROOT, start_new_session=True
    )
    try:

        def rendering_workers():
            workers = [p for p in _children(parent.pid) if "multiprocessing.spawn" in _cmdline(p)]
            pdfs = list(out.rglob("*.pdf")) if out.exists() else []
            return workers if len(workers) == 2 and pdfs else None

        workers = wait_for(rendering_workers, 60, 0.05, "two pool workers that have written a PDF")
        descendants = set(workers) | {c for w in workers for c in _children(w)} | set(_children(parent.pid))
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        wait_for(
            lambda: not any(_alive(p) for p in workers), 1.0, 0.02, "the workers to die with their parent"
        )
        written = sorted(out.rglob("*"))
        time.sleep(1.5)
        assert sorted(out.rglob("*")) == written, "files written after the parent was killed"
        assert not [p for p in descendants if _alive(p)]
        assert len(list(out.rglob("*.pdf"))) < 24  # killed mid-batch, not after it
    finally:
        with contextlib.suppress(ProcessLookupError):  # the group: workers too, if they survived
            os.killpg(parent.pid, signal.SIGKILL)
        parent.wait(10)


def test_pool_initializer_exits_when_the_parent_is_already_gone():
    # A worker whose parent died before the initializer ran has been re-parented.
    code = "import os; from pipelines.core.workers import die_with_parent; die_with_parent(os.getppid() + 1)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60, capture_output=True, text=True)
    # exit status 1 from the initializer itself, not from an exception (a Traceback)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr


# --- run monitoring ------------------------------------------------------------------

JOBS = """
import os, time
import dagster as dg

@dg.op
def sleep_long():
    time.sleep(300)

@dg.job(executor_def=dg.in_process_executor)
def slow():
    sleep_long()

@dg.op
def quick():
    return 1

@dg.job(executor_def=dg.in_process_executor)
def fast():
    quick()

defs = dg.Definitions(jobs=[slow, fast])
"""


def _instance_config(poll_seconds: int = 1) -> dict:
    """The repository's dagster.yaml with the intervals shortened for a test."""
    config = yaml.safe_load((ROOT / "dagster.yaml").read_text(encoding="utf-8"))
    config["run_monitoring"]["poll_interval_seconds"] = poll_seconds
    config["run_coordinator"]["config"]["dequeue_interval_seconds"] = 1
    return config


def test_instance_configs_monitor_runs_with_the_checking_launcher(tmp_path):
    for path in (ROOT / "dagster.yaml", ROOT / "deploy" / "dagster.production.yaml"):
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert config["run_monitoring"]["enabled"] is True, path
        assert config["run_monitoring"]["max_resume_run_attempts"] == 0, path
        assert config["run_launcher"] == {
            "module": "pipelines.defs.run_launcher",
            "class": "LocalRunLauncher",
        }, path
        assert config["run_coordinator"]["class"] == "QueuedRunCoordinator", path
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(_instance_config()), encoding="utf-8")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert instance.run_monitoring_enabled
        assert isinstance(instance.run_launcher, run_launcher.LocalRunLauncher)
        assert instance.run_launcher.supports_check_run_worker_health


def test_worker_health_from_the_recorded_pid(monkeypatch):
    from dagster._core.events import EngineEventData
    from dagster._core.launcher import WorkerStatus
    from dagster._core.test_utils import create_run_for_test

    with dg.DagsterInstance.ephemeral() as instance:
        run = create_run_for_test(instance, job_name="j")
        assert run_launcher.check_worker(instance, run).status == WorkerStatus.RUNNING  # nothing recorded yet
        instance.report_engine_event(
            "Started process for run (pid: …).", run, EngineEventData.in_process(os.getpid())
        )
        assert run_launcher.check_worker(instance, run).status == WorkerStatus.RUNNING
        # The recorded id now belongs to a process started after it was written: pid reuse.
        monkeypatch.setattr(run_launcher, "_START_SLACK_SECONDS", -(10**7))
        assert "newer process" in run_launcher.check_worker(instance, run).msg
        monkeypatch.undo()

        dead = subprocess.Popen(["true"])
        dead.wait()
        other = create_run_for_test(instance, job_name="j")
        instance.report_engine_event(
            "Executing steps in process", other, EngineEventData.in_process(dead.pid)
        )
        result = run_launcher.check_worker(instance, other)
        assert result.status == WorkerStatus.FAILED and str(dead.pid) in result.msg


def _statuses(instance, run_ids) -> list[dg.DagsterRunStatus]:
    return [instance.get_run_by_id(r).status for r in run_ids]


@pytest.mark.slow
def test_killed_run_is_failed_and_the_queue_moves_on(tmp_path):
    """A run whose process is SIGKILLed (here a `dagster job execute`, which nothing else
    watches) holds the only queue slot; run monitoring marks it failed and the queued
    run after it starts and succeeds."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(_instance_config()), encoding="utf-8")
    (tmp_path / "jobs.py").write_text(textwrap.dedent(JOBS), encoding="utf-8")
    (tmp_path / "workspace.yaml").write_text(
        "load_from:\n  - python_file:\n      relative_path: jobs.py\n      location_name: kill_test\n",
        encoding="utf-8",
    )
    env = dict(os.environ, DAGSTER_HOME=str(home))
    procs: list[subprocess.Popen] = []

    def start(*args: str) -> subprocess.Popen:
        proc = subprocess.Popen(
            [str(BIN / args[0]), *args[1:]],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / f"{len(procs)}.log", "wb"),  # noqa: SIM115 - closed with the process
            start_new_session=True,
        )
        procs.append(proc)
        return proc

    # Create the storage before two processes race to migrate it.
    with dg.DagsterInstance.from_config(str(home)) as instance:
        try:
            doomed = start("dagster", "job", "execute", "-f", "jobs.py", "-j", "slow")
            daemon = start("dagster-daemon", "run", "-w", "workspace.yaml")

            def running_slow():
                runs = instance.get_runs(filters=dg.RunsFilter(job_name="slow"))
                if runs and run_launcher.worker_pid(instance, runs[0].run_id):
                    run = instance.get_run_by_id(runs[0].run_id)
                    return run if run.status == dg.DagsterRunStatus.STARTED else None
                return None

            slow = wait_for(running_slow, 60, what="the slow run to start")
            launched = subprocess.run(
                [str(BIN / "dagster"), "job", "launch", "-w", "workspace.yaml", "-j", "fast"],
                cwd=tmp_path, env=env, capture_output=True, timeout=60,
            )  # fmt: skip
            assert launched.returncode == 0, launched.stderr.decode()[-2000:]
            fast = instance.get_runs(filters=dg.RunsFilter(job_name="fast"))[0]
            time.sleep(3)  # a few dequeue intervals: the slot is taken
            assert _statuses(instance, [slow.run_id, fast.run_id]) == [
                dg.DagsterRunStatus.STARTED,
                dg.DagsterRunStatus.QUEUED,
            ]

            os.killpg(doomed.pid, signal.SIGKILL)
            doomed.wait(10)
            wait_for(
                lambda: instance.get_run_by_id(slow.run_id).status == dg.DagsterRunStatus.FAILURE,
                30,
                what="run monitoring to mark the killed run failed",
            )
            failure = instance.all_logs(slow.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)[-1]
            assert "Detected run worker status FAILED" in failure.message
            assert f"process {run_launcher.worker_pid(instance, slow.run_id)[0]} is dead" in failure.message
            wait_for(
                lambda: instance.get_run_by_id(fast.run_id).status == dg.DagsterRunStatus.SUCCESS,
                45,
                what="the queued run to start and succeed",
            )
            assert daemon.poll() is None
        finally:
            stop(procs, grace=20)
