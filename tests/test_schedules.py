"""Schedules evaluated at given instants, across both daylight-saving switches."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipelines.definitions import defs

BERLIN = ZoneInfo("Europe/Berlin")


def _tick(name: str, local: dt.datetime):
    schedule = defs.resolve_schedule_def(name)
    context = dg.build_schedule_context(
        scheduled_execution_time=local.replace(tzinfo=BERLIN), repository_def=defs.get_repository_def()
    )
    return schedule.evaluate_tick(context)


def test_schedules_run_at_six_in_berlin_time():
    for name in ("weekly_reports_schedule", "monthly_reports_schedule", "review_reports_schedule"):
        schedule = defs.resolve_schedule_def(name)
        assert schedule.execution_timezone == "Europe/Berlin"
        assert schedule.cron_schedule.startswith("0 6 ")


@pytest.mark.parametrize(
    ("monday", "expected"),
    [
        (dt.datetime(2020, 9, 21, 6), "2020-09-14"),  # the first survey week
        (dt.datetime(2020, 10, 26, 6), "2020-10-19"),  # the day after the switch to winter time (25.10.)
        (dt.datetime(2021, 3, 29, 6), "2021-03-22"),  # the day after the switch to summer time (28.03.)
        (dt.datetime(2021, 1, 18, 6), "2021-01-11"),  # the questionnaire switch week
        (dt.datetime(2021, 9, 13, 6), "2021-09-06"),  # the last survey week
    ],
)
def test_weekly_schedule_picks_the_week_before(monday, expected):
    result = _tick("weekly_reports_schedule", monday)
    assert [r.partition_key for r in result.run_requests] == [expected]


@pytest.mark.parametrize(
    ("monday", "expected"),
    [
        # months are whole ISO weeks: each is reported on the Monday after its last Sunday
        (dt.datetime(2020, 9, 28, 6), ["2020-09-01"]),  # September: W36-W39, to 27 Sep
        (dt.datetime(2020, 10, 5, 6), []),  # W40 belongs to October
        (dt.datetime(2020, 11, 2, 6), ["2020-10-01"]),  # October (winter time 25.10.) to 1 Nov
        (dt.datetime(2021, 3, 29, 6), ["2021-03-01"]),  # March ends on the switch to summer time
        (dt.datetime(2021, 9, 13, 6), ["2021-09-01"]),  # the last month ends with the survey
    ],
)
def test_monthly_schedule_picks_the_month_that_ended(monday, expected):
    result = _tick("monthly_reports_schedule", monday)
    assert [r.partition_key for r in result.run_requests] == expected
    assert all(r.run_key == f"monthly-{r.partition_key}" for r in result.run_requests)


def test_review_schedule_runs_each_review_once_after_its_window():
    assert _tick("review_reports_schedule", dt.datetime(2021, 3, 14, 6)).run_requests == []
    after_mid = _tick("review_reports_schedule", dt.datetime(2021, 3, 15, 6)).run_requests
    assert [(r.partition_key, r.run_key) for r in after_mid] == [("midterm", "review-midterm")]
    after_end = _tick("review_reports_schedule", dt.datetime(2021, 9, 13, 6)).run_requests
    # The midterm request repeats with the same run key, which Dagster runs only once.
    assert [(r.partition_key, r.run_key) for r in after_end] == [
        ("midterm", "review-midterm"),
        ("final", "review-final"),
    ]


def test_weekly_partitions_are_iso_weeks_in_berlin_time():
    job = defs.resolve_job_def("weekly_reports")
    partitions = job.partitions_def
    keys = partitions.get_partition_keys()
    assert keys[0] == "2020-09-14" and keys[-1] == "2021-09-06" and len(keys) == 52
    assert all(dt.date.fromisoformat(k).isoweekday() == 1 for k in keys)
    window = partitions.time_window_for_partition_key("2020-10-19")
    assert window.start.tzinfo is not None and str(window.start.tzinfo) == "Europe/Berlin"
    # The week that contains the switch to winter time is 7 days and 1 hour long.
    utc = dt.UTC
    assert window.end.astimezone(utc) - window.start.astimezone(utc) == dt.timedelta(days=7, hours=1)
