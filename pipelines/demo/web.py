"""The web channel: LimeSurvey responses and the platform's daily and full exports.

A response has one or more states (an unfinished one that is finished later has
two); an export holds each response in its latest state before the export's
moment. The daily export dated D is written just after midnight starting D and
holds the responses whose `datestamp` lies in [D-7 days, D).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from itertools import groupby

from pipelines.core.registry import Questionnaire
from pipelines.demo import personal_data

META = (
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "KZ",
    "QV",
)
# Positions in a state row, which is an export row without its leading id.
SUBMITDATE, LASTPAGE, LANGUAGE, SEED, STARTDATE, DATESTAMP, IPADDR, REFURL, KZ, QV = range(10)
WINDOW = dt.timedelta(days=7)

REFURL_TEMPLATE = "https://www.hamburg.de/kundenzentren/umfrage?kz={kz}&src=qr"
EMAIL_IN_REFURL = 0.005  # some mail clients append the recipient to the link
TRACKING = 0.03
UNFINISHED = 0.08  # of started responses, never finished
FINISHED_LATER = 0.05  # of finished responses: saved half-way, finished a day or two later


def limesurvey_name(code: str) -> str:
    """`Q03_SQ001` -> `Q03[SQ001]`: LimeSurvey names subquestions with brackets."""
    question, _, sub = code.partition("_")
    return f"{question}[{sub}]" if sub else code


class Layout:
    """The export's columns, derived from the questionnaire (all items of all versions)."""

    def __init__(self, questionnaire: Questionnaire):
        self.items = list(questionnaire.items)
        self.header = [*META, *(limesurvey_name(c) for c in self.items)]
        self.cell = {code: i for i, code in enumerate(self.items)}
        # One page per question (subquestions share their question's page).
        self.pages = {
            v.version: [list(g) for _, g in groupby(v.items, key=lambda c: c.partition("_")[0])]
            for v in questionnaire.versions
        }

    def column_of(self, code: str) -> int:
        """Position of an item in a state row (which has no id)."""
        return len(META) - 1 + self.cell[code]


@dataclass
class Response:
    centre: str
    startdate: dt.datetime
    version: int
    language: str
    finished: bool
    datestamps: list[dt.datetime]  # last action of each state, oldest first
    order: tuple  # tie-break for ids among equal start times
    answers: dict[str, int] = field(default_factory=dict)  # answered items
    comment: str = ""
    has_pii: bool = False
    rows: list[list[str]] = field(default_factory=list)  # one per state, without the id
    id: int = 0
    breakage: tuple[str, str] | None = None  # (kind, item)
    pii: list[str] = field(default_factory=list)

    @classmethod
    def plan(
        cls,
        rnd: random.Random,
        centre: str,
        visit: dt.datetime,
        language: str,
        questionnaire: Questionnaire,
        order: tuple,
    ) -> Response:
        """When the visitor opens, saves and submits: at the visit, later that day, or at home days later."""
        r = rnd.random()
        if r < 0.65:
            start = visit + dt.timedelta(seconds=rnd.randint(60, 900))
        elif r < 0.87:
            evening = dt.datetime.combine(visit.date(), dt.time(23, 30))
            start = visit + dt.timedelta(seconds=rnd.randint(3600, int((evening - visit).total_seconds())))
        else:
            day = visit.date() + dt.timedelta(days=rnd.choice((1, 1, 2)))
            start = dt.datetime.combine(day, dt.time(7)) + dt.timedelta(seconds=rnd.randint(0, 16 * 3600))
        finished = rnd.random() >= UNFINISHED
        first = start + dt.timedelta(seconds=rnd.randint(20, 900))
        stamps = [first]
        if finished and rnd.random() < FINISHED_LATER:
            day = start.date() + dt.timedelta(days=rnd.choice((1, 2)))
            stamps.append(
                dt.datetime.combine(day, dt.time(8)) + dt.timedelta(seconds=rnd.randint(0, 15 * 3600))
            )
        version = questionnaire.version_on(start.date()).version  # the version the visitor was shown
        return cls(centre, start, version, language, finished, stamps, order)

    @property
    def submitted(self) -> dt.datetime | None:
        return self.datestamps[-1] if self.finished else None

    def fill(self, rnd: random.Random, layout: Layout, names: personal_data.Names) -> None:
        """The export rows of each state; a state before the last saw only the first pages."""
        pages = layout.pages[self.version]
        kz = self.centre
        refurl = REFURL_TEMPLATE.format(kz=kz)
        if rnd.random() < TRACKING:
            refurl += rnd.choice(
                ("&utm_source=aushang", "&utm_campaign=kundenbefragung", "&fbclid=IwAR")
            ) + "".join(rnd.choice("abcdefghijkmnopqrstuvwxyz0123456789") for _ in range(rnd.randint(0, 24)))
        if rnd.random() < EMAIL_IN_REFURL:
            mail = personal_data.email(rnd, rnd.choice(names.first), rnd.choice(names.last))
            refurl += f"&email={mail}"
            self.pii.append(mail)
        ip = personal_data.ipv4(rnd)
        self.pii.append(ip)
        seed = str(rnd.randint(1, 2**31 - 1))
        n_states = len(self.datestamps)
        for k, stamp in enumerate(self.datestamps):
            final = k == n_states - 1
            done = final and self.finished
            lastpage = len(pages) if done else rnd.randint(1 if n_states > 1 else 0, len(pages) - 1)
            shown = {c for page in pages[:lastpage] for c in page}
            cells = [""] * len(layout.items)
            for code, answer in self.answers.items():
                if code in shown:
                    cells[layout.cell[code]] = str(answer)
            if self.comment and "C01" in shown:
                cells[layout.cell["C01"]] = self.comment
            submit = stamp.isoformat(" ") if done else ""
            start = self.startdate.isoformat(" ")
            self.rows.append(
                [
                    submit,
                    str(lastpage),
                    self.language,
                    seed,
                    start,
                    stamp.isoformat(" "),
                    ip,
                    refurl,
                    kz,
                    str(self.version),
                    *cells,
                ]
            )

    def state_before(self, moment: dt.datetime) -> int | None:
        """Index of the latest state whose datestamp is before the moment."""
        found = None
        for k, stamp in enumerate(self.datestamps):
            if stamp < moment:
                found = k
        return found


@dataclass(frozen=True)
class ExportDays:
    """Which export dates exist and which are special (full, missing, late, broken)."""

    first: dt.date
    last: dt.date
    full: tuple[dt.date, ...]
    missing: dt.date
    late: dt.date
    truncated: dt.date
    empty: dt.date

    @classmethod
    def for_range(cls, start: dt.date, end: dt.date) -> ExportDays:
        # Fixed shares of the export span: over the survey year the full exports fall
        # in November and April ("after platform maintenance"), the rest well apart.
        first, last = start + dt.timedelta(days=1), end + WINDOW
        span = (last - first).days

        def at(share: float) -> dt.date:
            return first + dt.timedelta(days=round(share * span))

        return cls(
            first,
            last,
            (at(0.18), at(0.6)),
            missing=at(0.33),
            late=at(0.75),
            truncated=at(0.45),
            empty=at(0.88),
        )


def render(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def export_name(survey_id: str, day: dt.date, full: bool = False) -> str:
    return f"web/survey_{survey_id}_{day:%Y%m%d}{'_full' if full else ''}.csv"
