"""Worker processes that never outlive the process that started them."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent_pid: int) -> None:
    """Pool initializer: a worker must not outlive the process that started it.

    A killed run (SIGKILL, OOM) cannot shut its pool down, and spawned workers would go on
    writing beside the re-run. On Linux the kernel sends them SIGKILL when their parent
    dies; the parent may already have died before this ran, in which case the worker was
    re-parented and exits at once. PR_SET_PDEATHSIG fires when the *thread* that started
    the worker ends: start pools from a thread that lives as long as they do.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:
        os._exit(1)


def pool(max_workers: int, setup: Callable | None = None, *args) -> ProcessPoolExecutor:
    """A pool of spawned worker processes that die with this process (`die_with_parent`),
    each running `setup(*args)` first. Spawn, not fork: the parent holds database
    connections and Dagster threads. Start it from a thread that lives as long as it."""
    return ProcessPoolExecutor(
        max_workers=max_workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_initialise,
        initargs=(os.getpid(), setup, args),
    )


def _initialise(parent_pid: int, setup: Callable | None, args: tuple) -> None:
    die_with_parent(parent_pid)
    if setup is not None:
        setup(*args)
