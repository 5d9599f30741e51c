"""Writing many report files: PDF rendering is the slow part, so it runs in parallel."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pipelines import rendering

# Below this many reports a worker pool costs more (start-up, imports) than it saves.
_PARALLEL_FROM = 12


def _write(args: tuple[dict, str]) -> dict[str, str]:
    doc, root = args
    return {ext: str(p) for ext, p in rendering.write_report(doc, Path(root)).items()}


def write_reports(docs: list[dict], root: Path, workers: int | None = None) -> list[dict[str, str]]:
    """PDF, CSV and JSON of every document; returns their paths in the same order."""
    workers = workers or max(1, min(os.cpu_count() or 1, 4))
    jobs = [(doc, str(root)) for doc in docs]
    if workers == 1 or len(docs) < _PARALLEL_FROM:
        return [_write(job) for job in jobs]
    # spawn, not fork: the parent holds database connections and Dagster threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_write, jobs, chunksize=4))
