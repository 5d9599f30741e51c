"""How fresh the data engineers expect the assets to be (Dagster's freshness policies).

Evaluated by the daemon (`freshness: enabled` in dagster.yaml); an asset that misses its
policy turns "Degraded" in the UI's asset health. A policy looks at the asset's latest
materialisation, not at a partition: the weekly run at Monday 06:00 is what counts.
"""

import datetime as dt

import dagster as dg

from pipelines.core import registry
from pipelines.defs.partitions import REPORT_HOUR

_timezone = registry.survey().timezone

# The week's report files, written by the Monday run, must be there by Monday 09:00.
_due = registry.survey().reports_due_hour
WEEKLY_REPORTS = dg.FreshnessPolicy.cron(
    deadline_cron=f"0 {_due} * * 1",
    lower_bound_delta=dt.timedelta(hours=_due - REPORT_HOUR),
    timezone=_timezone,
)
# The response store must have been updated within the last two days (exports land daily).
RESPONSES = dg.FreshnessPolicy.time_window(fail_window=dt.timedelta(hours=48))
