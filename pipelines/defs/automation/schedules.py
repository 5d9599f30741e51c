"""Schedules of the report jobs, all in the survey's time zone (`config/survey.yaml`)."""

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines.core import registry
from pipelines.defs import partitions


def _today(context: dg.ScheduleEvaluationContext, timezone: str) -> dt.date:
    """The tick's local date (now, when the schedule is evaluated outside a tick)."""
    now = context.scheduled_execution_time or dt.datetime.now(ZoneInfo(timezone))
    return now.astimezone(ZoneInfo(timezone)).date()


def build_report_schedules(weekly_job, monthly_job, review_job) -> list[dg.ScheduleDefinition]:
    # The weekly one built from the partitioned job: Monday at the report hour for the week
    # before (the time zone comes from the partitions definitions).
    hour = f"{partitions.REPORT_HOUR:02d}:00"
    weekly = dg.build_schedule_from_partitioned_job(
        weekly_job,
        name="weekly_reports_schedule",
        description=f"Montags {hour}: Wochenberichte der Vorwoche.",
    )
    timezone = registry.survey().timezone
    ends = {name: f"{day:%d.%m.%Y}" for name, day in partitions.REVIEW_ENDS.items()}

    @dg.schedule(
        name="monthly_reports_schedule",
        job=monthly_job,
        cron_schedule=f"0 {partitions.REPORT_HOUR} * * 1",
        execution_timezone=timezone,
        description=f"Montags {hour}: Monatsbericht des Monats, dessen letzte Woche gestern endete.",
    )
    def monthly(context: dg.ScheduleEvaluationContext):
        # A month is made of whole ISO weeks (periods.Period.month): it ends on a Sunday,
        # up to three days after the calendar month, and is reported the Monday after.
        today = _today(context, timezone)
        # (the month whose last day lies in the week before this Monday; the run key keeps
        # a repeated tick from running it twice)
        due = [
            key
            for key in partitions.monthly.get_partition_keys()
            if today - dt.timedelta(days=7) <= partitions.month_last_day(key) < today
        ]
        if not due:
            return dg.SkipReason("no month ended last week")
        return [dg.RunRequest(run_key=f"monthly-{key}", partition_key=key) for key in due]

    @dg.schedule(
        name="review_reports_schedule",
        job=review_job,
        cron_schedule=f"0 {partitions.REPORT_HOUR} * * *",
        execution_timezone=timezone,
        description=f"Täglich {hour}: Zwischenbilanz nach dem {ends['midterm']} und Abschlussbericht nach dem "
        f"{ends['final']}, je einmal.",
    )
    def review_schedule(context: dg.ScheduleEvaluationContext):
        today = _today(context, timezone)
        due = [name for name, last_day in partitions.REVIEW_ENDS.items() if today > last_day]
        if not due:
            return dg.SkipReason("no review window has ended yet")
        # The run key makes each review run once, however often the schedule ticks.
        return [dg.RunRequest(run_key=f"review-{name}", partition_key=name) for name in due]

    return [weekly, monthly, review_schedule]
