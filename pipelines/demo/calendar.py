"""When visitors come: which centres are open on a day, how many questionnaires to expect, at what hour.

The volumes are calibrated once over the whole survey year of the registry, so a
short range (as in tests) has the same daily volumes as the same days of the year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np

from pipelines.core.registry import Centre, Survey

# Counted questionnaires over the survey year at scale 1 (the real survey had 52,496).
TARGET_PER_YEAR = 52_500

# Relative size of a centre. A code not listed weighs 1.0, so a centre added to
# the registry still gets visitors; the big ones have several times the small ones.
CENTRE_WEIGHT = {
    "mitte": 3.0,
    "wandsbek": 2.8,
    "altona": 2.6,
    "harburg": 2.4,
    "bergedorf": 2.2,
    "eimsbuettel": 1.8,
    "nord": 1.7,
    "billstedt": 1.6,
    "barmbek": 1.5,
    "rahlstedt": 1.3,
    "wilhelmsburg": 1.2,
    "bramfeld": 1.1,
    "alstertal": 1.0,
    "lokstedt": 0.9,
    "niendorf": 0.9,
    "langenhorn": 0.8,
    "blankenese": 0.5,
    "suederelbe": 0.45,
    "finkenwerder": 0.35,
}
# Only centres at least this big open on Saturday mornings.
SATURDAY_MIN_WEIGHT = 2.2

# Opening hours [from, to) by ISO weekday; Sunday closed.
OPENING_HOURS = {1: (7, 16), 2: (8, 18), 3: (7, 13), 4: (8, 18), 5: (7, 13), 6: (8, 13)}
WEEKDAY_FACTOR = {1: 1.0, 2: 1.1, 3: 0.75, 4: 1.15, 5: 0.75, 6: 0.5}
# Visits peak mid-morning and early afternoon.
HOUR_WEIGHT = {
    7: 0.6,
    8: 0.9,
    9: 1.3,
    10: 1.4,
    11: 1.2,
    12: 0.85,
    13: 0.9,
    14: 1.2,
    15: 1.2,
    16: 1.0,
    17: 0.7,
}
# Autumn and the winter lockdown months were quieter than spring and summer 2021:
# that puts about 43 % of the year's questionnaires into the mid-term half.
MONTH_FACTOR = {
    9: 1.0,
    10: 0.95,
    11: 0.85,
    12: 0.78,
    1: 0.74,
    2: 0.74,
    3: 0.95,
    4: 1.05,
    5: 1.1,
    6: 1.2,
    7: 1.15,
    8: 1.1,
}

CHRISTMAS = (dt.date(2020, 12, 21), dt.date(2021, 1, 3))
CHRISTMAS_FACTOR = 0.35
# Not public holidays, but the centres stayed closed.
EXTRA_CLOSED = frozenset({dt.date(2020, 12, 24), dt.date(2020, 12, 31)})


class VisitCalendar:
    def __init__(self, survey: Survey, centres: Iterable[Centre]):
        self.centres = tuple(centres)
        self.closed = frozenset(survey.public_holidays()) | EXTRA_CLOSED
        total = sum(self._relative(c, day) for day in survey.days() for c in self.centres)
        self._base = TARGET_PER_YEAR / total

    @staticmethod
    def weight(code: str) -> float:
        return CENTRE_WEIGHT.get(code, 1.0)

    def hours(self, centre: Centre, day: dt.date) -> tuple[int, int] | None:
        """Opening hours of the centre on the day, None when closed."""
        weekday = day.isoweekday()
        if weekday == 7 or day in self.closed or not centre.is_open_on(day):
            return None
        if weekday == 6 and self.weight(centre.code) < SATURDAY_MIN_WEIGHT:
            return None
        return OPENING_HOURS[weekday]

    def _relative(self, centre: Centre, day: dt.date) -> float:
        if self.hours(centre, day) is None:
            return 0.0
        factor = self.weight(centre.code) * WEEKDAY_FACTOR[day.isoweekday()] * MONTH_FACTOR[day.month]
        if CHRISTMAS[0] <= day <= CHRISTMAS[1]:
            factor *= CHRISTMAS_FACTOR
        return factor

    def expected(self, centre: Centre, day: dt.date) -> float:
        """Expected counted questionnaires (both channels) at scale 1."""
        return self._base * self._relative(centre, day)

    @staticmethod
    def visit_seconds(rng: np.random.Generator, hours: tuple[int, int], n: int) -> np.ndarray:
        """n visit times (seconds after midnight) within the opening hours, sorted."""
        span = np.arange(hours[0], hours[1])
        weights = np.array([HOUR_WEIGHT[h] for h in span])
        hour = rng.choice(span, size=n, p=weights / weights.sum())
        return np.sort(hour * 3600 + rng.integers(0, 3600, size=n))
