"""German formatting for the reports: numbers, shares and percentage points, dates and
times, and period names as people say them (`KW 38/2020`, `März 2021`)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from pipelines.core import periods, registry

LOCAL_TZ = ZoneInfo(registry.survey().timezone)

MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
MONTHS_SHORT = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")
WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
REPORT_NAMES = {
    "weekly": "Wochenbericht",
    "monthly": "Monatsbericht",
    "midterm": "Zwischenbilanz",
    "final": "Abschlussbericht",
}


def _round(value: float | Fraction, digits: int) -> Decimal:
    """Half-up to `digits` decimals; an exact fraction (a share from its counts) is rounded
    once from its exact value, so 6/11 prints as 54,5 %, not 54,6 % via 0.5455."""
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)  # (28 digits: ties are exact)
    else:
        exact = Decimal(str(value))
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _german(number: Decimal, digits: int) -> str:
    """1234.5 -> '1.234,5' (dot for thousands, comma for decimals)."""
    text = f"{number:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def fmt_decimal(value, digits: int = 2) -> str:
    """`1.6` -> `1,60`; None -> `–`."""
    if value is None:
        return "–"
    return _german(_round(value, digits), digits)


def fmt_percent(value, digits: int = 1) -> str:
    """A share (0-1) as percent: `0.9091` -> `90,9 %`; None -> `–`."""
    if value is None:
        return "–"
    return f"{_german(_round(value * 100, digits), digits)} %"


def fmt_int(value) -> str:
    """`52496` -> `52.496`; None -> `–`."""
    if value is None:
        return "–"
    return _german(Decimal(int(value)), 0)


def fmt_points(delta, digits: int = 1) -> str:
    """A difference of shares in percentage points, signed: `0.069` -> `+6,9 Pp.`."""
    if delta is None:
        return "–"
    rounded = _round(delta * 100, digits)
    sign = "+" if rounded > 0 else "−" if rounded < 0 else "±"
    return f"{sign}{_german(abs(rounded), digits)} Pp."


def fmt_interval(ci) -> str:
    """A difference's 95 % interval in percentage points, not to be broken across lines:
    `(-0.068, 0.257)` -> `−6,8; +25,7` (with a no-break space)."""
    if not ci:
        return "–"
    return f"{fmt_points(ci[0]).removesuffix(' Pp.')};\u00a0{fmt_points(ci[1]).removesuffix(' Pp.')}"


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def fmt_date(value) -> str:
    """`2020-09-14` (string or date) -> `14.09.2020`."""
    return "–" if value is None else _as_date(value).strftime("%d.%m.%Y")


def fmt_weekday_date(value) -> str:
    """`2020-09-14` -> `Montag, 14.09.2020`."""
    day = _as_date(value)
    return f"{WEEKDAYS[day.weekday()]}, {fmt_date(day)}"


def fmt_datetime(value) -> str:
    """An ISO timestamp -> `21.09.2020, 06:15 Uhr` in local time."""
    if value is None:
        return "–"
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL_TZ)
    return moment.strftime("%d.%m.%Y, %H:%M Uhr")


def week_long(key: str) -> str:
    """`2020-W38` -> `Kalenderwoche 38/2020`."""
    number = periods.week_number(key)
    return f"Kalenderwoche {number[1]}/{number[0]}" if number else period_name(key)


def period_name(key: str) -> str:
    """A period key as people say it: `KW 38/2020`, `September 2020`, `Zwischenbilanz`."""
    if number := periods.week_number(key):
        return f"KW {number[1]}/{number[0]}"
    if number := periods.month_number(key):
        return f"{MONTHS[number[1] - 1]} {number[0]}"
    return REPORT_NAMES.get(key, key)


def period_short(key: str) -> str:
    """Axis label: `KW 38`, `Sep 20`."""
    if number := periods.week_number(key):
        return f"KW {number[1]}"
    if number := periods.month_number(key):
        return f"{MONTHS_SHORT[number[1] - 1]} {number[0] % 100:02d}"
    return period_name(key)
