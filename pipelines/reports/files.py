"""Writing many report files: PDF rendering is the slow part, so it runs in parallel."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from pipelines.core import workers as processes
from pipelines.reports import outputs

# Below this many reports a worker pool costs more than it saves: a spawned worker
# takes about 1 s to start (imports, fonts, a cold compiler) and a report about 0.07 s
# in-process, so one period's 20 reports render faster without a pool (measured: 20
# weekly reports 1.9 s in-process, 5.1 s with a pool of 2; the pool pays off from about
# 30 reports up, e.g. in backfills and the demo year).
_PARALLEL_FROM = 30


def _write(args: tuple[dict, str, Callable[[dict], bytes]]) -> dict[str, str]:
    doc, root, pdf = args
    return {ext: str(p) for ext, p in outputs.write_report(doc, Path(root), pdf).items()}


def write_reports(
    docs: list[dict], root: Path, workers: int | None = None, pdf: Callable[[dict], bytes] | None = None
) -> list[dict[str, str]]:
    """PDF, CSV and JSON of every document; returns their paths in the same order.

    `pdf` (a module-level function, for the pool's pickling) renders the PDF; by default
    `pipelines.reports.pdf.pdf_bytes`."""
    workers = workers or max(1, min(os.cpu_count() or 1, 4))
    jobs = [(doc, str(root), pdf or outputs.pdf_bytes) for doc in docs]
    if workers == 1 or len(docs) < _PARALLEL_FROM:
        return [_write(job) for job in jobs]
    # PR_SET_PDEATHSIG fires when the *thread* that started a worker ends: here that is
    # this thread (blocked in map) or the pool's manager thread, both alive as long as the pool.
    with processes.pool(workers) as pool:
        return list(pool.map(_write, jobs, chunksize=4))
