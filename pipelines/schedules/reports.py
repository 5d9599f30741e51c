"""Schedules of the report jobs, all in the survey's timezone (Europe/Berlin)."""

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines import partitions, registry


def build_report_schedules(weekly_job, monthly_job, review_job) -> list[dg.ScheduleDefinition]:
    # Built from the partitioned jobs: Monday 06:00 for the week before, the 1st at 06:00
    # for the month before (the timezone comes from the partitions definitions).
    weekly = dg.build_schedule_from_partitioned_job(
        weekly_job, name="weekly_reports_schedule", description="Montags 06:00: Wochenberichte der Vorwoche."
    )
    monthly = dg.build_schedule_from_partitioned_job(
        monthly_job,
        name="monthly_reports_schedule",
        description="Am 1. um 06:00: Monatsberichte des Vormonats.",
    )
    timezone = registry.survey().timezone

    @dg.schedule(
        name="review_reports_schedule",
        job=review_job,
        cron_schedule=f"0 {partitions.REPORT_HOUR} * * *",
        execution_timezone=timezone,
        description="Täglich 06:00: Zwischenbilanz nach dem 14.03.2021 und Abschlussbericht nach dem 12.09.2021, je einmal.",
    )
    def review_schedule(context: dg.ScheduleEvaluationContext):
        now = context.scheduled_execution_time or dt.datetime.now(ZoneInfo(timezone))
        today = now.astimezone(ZoneInfo(timezone)).date()
        due = [name for name, last_day in partitions.REVIEWS.items() if today > last_day]
        if not due:
            return dg.SkipReason("no review window has ended yet")
        # The run key makes each review run once, however often the schedule ticks.
        return [dg.RunRequest(run_key=f"review-{name}", partition_key=name) for name in due]

    return [weekly, monthly, review_schedule]
