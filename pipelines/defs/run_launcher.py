"""Dagster's default run launcher, plus a health check of the run's worker process.

With Dagster's `DefaultRunLauncher`, run monitoring cannot tell whether a STARTED run
is still alive (`supports_check_run_worker_health` is False): a run whose process
was killed (SIGKILL, OOM killer, a reboot, a killed `dagster job execute`) stays
STARTED forever, blocks the run queue (`max_concurrent_runs`) and never sends the
failure mail. This launcher answers the monitoring daemon's question from the
process id every run worker writes into its event log ("Started process for run
(pid: …)" or "Executing steps in process (pid: …)"): gone, a zombie, or a newer
process that reused the id means the worker is dead, and the daemon marks the run
failed, which frees its queue slot and triggers the failure sensor.

It assumes what the embedded default and the production profile in `deploy/` set
up: daemon, code server and runs on one machine (a process id means nothing on
another host). Configured in `dagster.yaml`:

    run_launcher:
      module: pipelines.defs.run_launcher
      class: LocalRunLauncher
    run_monitoring:
      enabled: true
      max_resume_run_attempts: 0   # a killed run is failed, not resumed
"""

from __future__ import annotations

import os
from pathlib import Path

from dagster import DagsterEventType, DefaultRunLauncher
from dagster._core.launcher import CheckRunHealthResult, WorkerStatus
from dagster._core.storage.dagster_run import DagsterRun

# A process counts as the run's worker only if it existed when it wrote its pid
# (allowing for clock granularity); a later one merely reused the number.
_START_SLACK_SECONDS = 2.0


def worker_pid(instance, run_id: str) -> tuple[int, float] | None:
    """The first process id (and when it was written) in the run's engine events."""
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT):
        data = entry.dagster_event.event_specific_data if entry.dagster_event else None
        pid = getattr(data, "metadata", {}).get("pid") if data is not None else None
        if pid is not None:
            try:
                return int(pid.value), entry.timestamp
            except (TypeError, ValueError):
                continue
    return None


def _boot_time() -> float | None:
    try:
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    except OSError:
        pass
    return None


def process_state(pid: int) -> tuple[str, float | None]:
    """('alive' | 'dead' | 'zombie', start time as a Unix timestamp when known)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return "dead", None
    except PermissionError:
        pass  # exists, owned by someone else
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        # No /proc (not Linux), /proc mounted with hidepid, or it exited a moment ago
        # (the next poll sees that): it existed a moment ago, so count it as alive.
        return "alive", None
    fields = stat.rsplit(")", 1)[1].split()  # the command name may contain spaces
    if fields[0] in ("Z", "X"):
        return "zombie", None
    boot = _boot_time()
    started = boot + int(fields[19]) / os.sysconf("SC_CLK_TCK") if boot is not None else None
    return "alive", started


def check_worker(instance, run: DagsterRun) -> CheckRunHealthResult:
    found = worker_pid(instance, run.run_id)
    if found is None:
        # Not written yet (the worker is starting): nothing to judge by.
        return CheckRunHealthResult(WorkerStatus.RUNNING, "no worker process id recorded yet")
    pid, written_at = found
    state, started = process_state(pid)
    if state != "alive":
        return CheckRunHealthResult(WorkerStatus.FAILED, f"run worker process {pid} is {state}")
    if started is not None and started > written_at + _START_SLACK_SECONDS:
        return CheckRunHealthResult(
            WorkerStatus.FAILED, f"run worker process {pid} is gone (the id now belongs to a newer process)"
        )
    return CheckRunHealthResult(WorkerStatus.RUNNING, f"run worker process {pid} is alive")


class LocalRunLauncher(DefaultRunLauncher):
    """`DefaultRunLauncher` whose run workers the monitoring daemon can check."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        return check_worker(self._instance, run)
