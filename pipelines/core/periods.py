"""Reporting periods: the one home of cadences, period keys and their translations.

A period has three spellings, all translated here: its key (`2020-W38`, `2020-09`,
`midterm`), the Dagster partition key of the job that builds it (`2020-09-14`, its Monday;
`2020-09-01`, the first of the month; `midterm`) and its file name, which is its key
(`2020-W38.pdf`, checked by `key_fits`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from pipelines.core import registry

CADENCES = ("weekly", "monthly", "midterm", "final")
REVIEWS = ("midterm", "final")
# A Dagster job (and its chain of assets) per cadence; the review job builds both reviews.
JOB_CADENCES = {"weekly": ("weekly",), "monthly": ("monthly",), "review": REVIEWS}

_WEEK_KEY = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$")


def week_key(day: dt.date) -> str:
    """The key of the ISO week containing `day`: `2020-W38`."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_number(key: str) -> tuple[int, int] | None:
    """(ISO year, ISO week) of a week key `2020-W38`; None for any other key."""
    m = _WEEK_KEY.match(key)
    return (int(m[1]), int(m[2])) if m else None


def month_number(key: str) -> tuple[int, int] | None:
    """(year, month) of a month key `2020-09`; None for any other key."""
    m = _MONTH_KEY.match(key)
    return (int(m[1]), int(m[2])) if m else None


def week_monday(key: str) -> dt.date:
    """The Monday of a week key."""
    number = week_number(key)
    if number is None:
        raise ValueError(f"not a week key: {key!r}")
    return dt.date.fromisocalendar(*number, 1)


def key_start(key: str) -> dt.date | None:
    """The day a week or month key is named after (its Monday, its calendar first day)."""
    if number := week_number(key):
        return dt.date.fromisocalendar(*number, 1)
    if number := month_number(key):
        return dt.date(*number, 1)
    return None


def key_fits(cadence: str, key: str) -> bool:
    """Whether `key` names a period of `cadence` (a review's key is its cadence)."""
    if cadence == "weekly":
        return week_number(key) is not None
    if cadence == "monthly":
        return month_number(key) is not None
    return cadence in REVIEWS and key == cadence


def job_of(cadence: str) -> str:
    """The job (and asset chain) that builds periods of `cadence`."""
    return next(job for job, cadences in JOB_CADENCES.items() if cadence in cadences)


def mondays(dates: pd.Series) -> pd.Series:
    """The Monday of each date's ISO week (datetime64)."""
    dates = pd.to_datetime(dates)
    return dates - pd.to_timedelta(dates.dt.dayofweek, unit="D")


def _week_of_month(first_day: dt.date) -> dt.date:
    """The Monday of the first ISO week whose Thursday lies in the month of `first_day`."""
    thursday = first_day + dt.timedelta(days=(3 - first_day.weekday()) % 7)
    return thursday - dt.timedelta(days=3)


@dataclass(frozen=True)
class Period:
    """A reporting period; `start` and `end` are inclusive local dates."""

    cadence: str  # weekly | monthly | midterm | final
    key: str  # 2020-W38 | 2020-09 | midterm | final
    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.cadence not in CADENCES:
            raise ValueError(f"unknown cadence {self.cadence!r}")
        if self.end < self.start:
            raise ValueError(f"period {self.key}: end {self.end} is before start {self.start}")

    @classmethod
    def week(cls, monday: dt.date) -> Period:
        """The ISO week starting on `monday` (key `2020-W38`)."""
        if monday.isoweekday() != 1:
            raise ValueError(f"{monday} is not a Monday (weeks are ISO weeks)")
        return cls("weekly", week_key(monday), monday, monday + dt.timedelta(days=6))

    @classmethod
    def month(cls, first_day: dt.date) -> Period:
        """The month starting on `first_day` (key `2020-09`), as whole ISO weeks: the weeks
        whose Thursday lies in the calendar month (ISO 8601's rule for a week's month and
        year). October 2020 is 2020-09-28 .. 2020-11-01 (W40-W44), February 2021 exactly
        the calendar month.

        Why not the calendar month: a month and the weeks cut by its boundaries, both
        published, give away the responses of the few days between (month minus weeks),
        finer than any report and often a single respondent. Whole weeks make every
        month, and so every review, a sum of published weeks.
        """
        if first_day.day != 1:
            raise ValueError(f"{first_day} is not the first day of a month")
        following = (first_day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return cls(
            "monthly",
            f"{first_day:%Y-%m}",
            _week_of_month(first_day),
            _week_of_month(following) - dt.timedelta(days=1),
        )

    @classmethod
    def month_of(cls, week: Period) -> Period:
        """The month a week belongs to: the one its Thursday lies in."""
        return cls.month((week.start + dt.timedelta(days=3)).replace(day=1))

    @classmethod
    def review(cls, name: str) -> Period:
        """The mid-term review (survey start..midterm_end) or the final report (start..end)."""
        s = registry.survey()
        if name == "midterm":
            return cls("midterm", "midterm", s.start, s.midterm_end)
        if name == "final":
            return cls("final", "final", s.start, s.end)
        raise ValueError(f"unknown review {name!r} (midterm or final)")

    @classmethod
    def from_key(cls, key: str) -> Period:
        """Inverse of `.key`: `2020-W38`, `2020-09`, `midterm` or `final`."""
        if key in REVIEWS:
            return cls.review(key)
        if number := week_number(key):
            return cls.week(dt.date.fromisocalendar(*number, 1))
        if number := month_number(key):
            return cls.month(dt.date(*number, 1))
        raise ValueError(f"not a period key: {key!r}")

    @classmethod
    def from_partition(cls, job: str, partition_key: str) -> Period:
        """The period a job's Dagster partition key stands for (inverse of `partition_key`)."""
        if job == "weekly":
            return cls.week(dt.date.fromisoformat(partition_key))
        if job == "monthly":
            return cls.month(dt.date.fromisoformat(partition_key))
        if job == "review":
            return cls.review(partition_key)
        raise ValueError(f"unknown job cadence {job!r}")

    @property
    def job(self) -> str:
        """The job that builds the period: `weekly`, `monthly` or `review`."""
        return job_of(self.cadence)

    @property
    def partition_key(self) -> str:
        """The Dagster partition key of the period in its job."""
        if self.cadence == "weekly":
            return self.start.isoformat()
        if self.cadence == "monthly":
            return f"{self.key}-01"  # a month's partition is its calendar first day
        return self.key

    @property
    def is_review(self) -> bool:
        return self.cadence in REVIEWS

    def previous(self) -> Period:
        """The week or month before (it may lie before the survey start: then it has no data)."""
        if self.cadence == "weekly":
            return Period.week(self.start - dt.timedelta(days=7))
        if self.cadence == "monthly":
            first = dt.date(*month_number(self.key), 1)
            return Period.month((first - dt.timedelta(days=1)).replace(day=1))
        raise ValueError(f"a {self.cadence} period has no previous period")

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def mask(self, dates: pd.Series) -> pd.Series:
        """Boolean mask of `dates` (datetime.date objects or datetime64) inside the period."""
        if pd.api.types.is_datetime64_any_dtype(dates):
            return (dates >= pd.Timestamp(self.start)) & (
                dates < pd.Timestamp(self.end + dt.timedelta(days=1))
            )
        return (dates >= self.start) & (dates <= self.end)

    def weeks(self) -> list[Period]:
        """The ISO weeks that overlap the period, in order."""
        monday = self.start - dt.timedelta(days=self.start.weekday())
        out = []
        while monday <= self.end:
            out.append(Period.week(monday))
            monday += dt.timedelta(days=7)
        return out

    def as_json(self) -> dict:
        return {"key": self.key, "start": self.start.isoformat(), "end": self.end.isoformat()}
