"""Waiting for and stopping the processes a test starts (daemons, CLI runs)."""

from __future__ import annotations

import os
import signal
import subprocess
import time


def wait_for(predicate, timeout: float, interval: float = 0.2, what: str = "condition"):
    """The predicate's first true value, polling; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def stop(procs: list[subprocess.Popen], grace: float = 30) -> None:
    """Stop process groups started with start_new_session: TERM, then KILL after `grace`."""
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
