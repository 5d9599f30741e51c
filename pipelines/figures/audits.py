"""The checks of many stored periods at once (`checks.check_period`).

The disclosure audit solves integer programs over everything published with a period,
which makes it the slow part of a backfill's figures. Once a run has stored all its
periods, each period's checks depend only on what is stored, so they run in a pool of
worker processes; the order of the periods within a run no longer matters either (each
period is audited with everything the run publishes beside it).
"""

from __future__ import annotations

import os

import sqlalchemy as sa

from pipelines.core.periods import Period
from pipelines.core.workers import pool
from pipelines.figures import checks, store
from pipelines.figures.documents import ReportBuilder

# Below this many periods a pool costs more than it saves: a spawned worker takes about
# 2 s to start (pandas, SQLAlchemy, SciPy), a week's checks about 0.1-1.5 s.
PARALLEL_FROM = 6

_WORKER: dict[str, object] = {}  # in a worker process: its engine and report builder


def check_stored(engine: sa.Engine, builder: ReportBuilder, period: Period) -> dict[str, list[str]]:
    """The checks' problems (per check; empty: passed) of a period as stored."""
    stored = store.read_period(engine, period)
    return checks.check_period(period, stored, published=checks.published_with(engine, builder, period))


def check_periods(
    engine: sa.Engine, builder: ReportBuilder, periods: list[Period], workers: int | None = None
) -> dict[str, dict[str, list[str]]]:
    """`check_stored` of every period (all of them stored), by period key in their order."""
    workers = workers or max(1, min(os.cpu_count() or 1, 4))
    if workers == 1 or len(periods) < PARALLEL_FROM:
        return {p.key: check_stored(engine, builder, p) for p in periods}
    url = engine.url.render_as_string(hide_password=False)
    # (started from this thread, which waits for them)
    with pool(min(workers, len(periods)), _start, url) as running:
        # the heaviest audits (the longest periods) first, so that no worker finishes last alone
        order = sorted(periods, key=lambda p: p.start - p.end)
        found = dict(zip([p.key for p in order], running.map(_check, order), strict=True))
    return {p.key: found[p.key] for p in periods}


def _start(url: str) -> None:
    from pipelines.warehouse import engine_for

    _WORKER["engine"] = engine = engine_for(url)
    _WORKER["builder"] = ReportBuilder(engine)


def _check(period: Period) -> dict[str, list[str]]:
    return check_stored(_WORKER["engine"], _WORKER["builder"], period)
