"""Partitions of the survey year, derived from `config/survey.yaml`.

Weeks are ISO weeks (keyed by their Monday), months keyed by their first day, both in
the survey's timezone; the 06:00 offset makes the weekly schedule fire on Monday at 06:00
local time for the week before. A month's period is made of whole ISO weeks
(`periods.Period.month`); its schedule fires on the Monday after its last week.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg

from pipelines.core import registry
from pipelines.core.periods import REVIEWS, Period

_survey = registry.survey()
REPORT_HOUR = _survey.report_hour

weekly = dg.WeeklyPartitionsDefinition(
    start_date=_survey.start.isoformat(),
    # Exclusive end: the last week (Monday survey.end - 6) is complete once survey.end has passed;
    # its window runs to the following Monday 06:00, so the end lies one day after that.
    end_date=(_survey.end + dt.timedelta(days=2)).isoformat(),
    day_offset=1,  # ISO weeks start on Monday (Dagster's default is Sunday)
    hour_offset=REPORT_HOUR,
    timezone=_survey.timezone,
)

_first_month = _survey.start.replace(day=1)
_after_last = (_survey.end.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
monthly = dg.MonthlyPartitionsDefinition(
    start_date=_first_month.isoformat(),
    end_date=(_after_last + dt.timedelta(days=1)).isoformat(),
    # a month's weeks may end before its calendar month does (September 2020 ends Sunday
    # 27th): the month in progress is a partition already, reported when its weeks end
    end_offset=1,
    hour_offset=REPORT_HOUR,
    timezone=_survey.timezone,
)


def month_last_day(partition_key: str) -> dt.date:
    """The last day with answers of a monthly partition: its period's last Sunday (months
    are whole ISO weeks, `periods.Period.month`), at most the survey's last day."""
    return min(Period.month(dt.date.fromisoformat(partition_key)).end, _survey.end)


# the last day of each review: its job runs once the day has passed
REVIEW_ENDS = {name: Period.review(name).end for name in REVIEWS}
review = dg.StaticPartitionsDefinition(list(REVIEWS))
