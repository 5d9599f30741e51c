"""A seeded demo survey year: landing files exactly as the spec describes them, plus the ground truth.

The year is generated day by day from generators seeded with (seed, day), so
the same arguments give byte-identical files, and nothing but a week of web
responses is held in memory: ten times the volume fits as well as one.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import numpy as np

from pipelines.core import registry
from pipelines.demo import answers, breakage, web
from pipelines.demo.breakage import Schedule
from pipelines.demo.calendar import VisitCalendar
from pipelines.demo.comments import PII_SHARE, CommentWriter
from pipelines.demo.personal_data import Names
from pipelines.demo.tablet import Fleet, Session, new_uuid
from pipelines.demo.truth import Truth
from pipelines.demo.uploads import TabletUploads
from pipelines.demo.web_exports import WebExports

TABLET_SHARE = 0.6  # of counted questionnaires
MISUSE = 0.015  # of tablet completions
ABANDON = 0.04  # tablet completions left part-way (the web calls that "unfinished")
LANGUAGES = ("de", "en", "tr")
LANGUAGE_SHARES = (0.85, 0.08, 0.07)
CENTRE_LEVEL_SD = 0.12  # centres differ a little in overall satisfaction
# Comment rate by mood: the unhappy write more. Mood: z > 0 positive, z < -1 negative.
COMMENT_RATE = {"positive": 0.15, "mixed": 0.22, "negative": 0.35}
LANDING_PARTS = {"tablet", "web"}


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def prepare_landing(landing: Path) -> None:
    """Empties the landing folder; refuses a folder that holds anything but tablet/ and web/."""
    if landing.exists():
        if not landing.is_dir():
            raise ValueError(f"{landing} is not a folder")
        strange = sorted(p.name for p in landing.iterdir() if p.name not in LANDING_PARTS or not p.is_dir())
        if strange:
            raise ValueError(
                f"{landing} does not look like a landing folder (found {', '.join(strange[:5])}); not deleting it"
            )
        for part in LANDING_PARTS:
            shutil.rmtree(landing / part, ignore_errors=True)
    (landing / "tablet").mkdir(parents=True)
    (landing / "web").mkdir(parents=True)


class _Year:
    def __init__(self, landing: Path, truth: Path, seed: int, start: dt.date, end: dt.date, scale: float):
        self.landing, self.seed, self.start, self.end, self.scale = landing, seed, start, end, scale
        self.survey, self.questionnaire = registry.survey(), registry.questionnaire()
        centres = registry.registry().centres
        self.centres = {c.code: c for c in centres}
        self.calendar = VisitCalendar(self.survey, centres)
        self.layout = web.Layout(self.questionnaire)
        self.names = Names()
        self.comments = CommentWriter(self.names)
        setup = np.random.default_rng([seed, 0])
        self.level = {c.code: float(setup.normal(0, CENTRE_LEVEL_SD)) for c in centres}
        days = _days(start, end)
        move_day = days[len(days) * 11 // 20]
        move_day -= dt.timedelta(days=move_day.weekday())  # devices are moved over a weekend
        move_day = max(move_day, start)

        def open_days(code: str) -> list[dt.date]:
            return [d for d in days if self.calendar.hours(self.centres[code], d)]

        self.fleet = Fleet.plan(
            setup, {c.code: self.calendar.weight(c.code) for c in centres}, move_day, open_days
        )
        self.tablet_schedule = Schedule(setup, days, breakage.TABLET_KINDS)
        # Retries need a later upload of the same device inside the range.
        self.quirks = Schedule(setup, days[:-7] or days[:1], breakage.TABLET_QUIRKS if len(days) > 7 else {})
        self.web_schedule = Schedule(setup, days, breakage.WEB_KINDS)
        self.export_days = web.ExportDays.for_range(start, end)
        self.truth = Truth(truth, self.survey, self.questionnaire, list(self.centres))
        self.uploads = TabletUploads(
            landing,
            self.fleet,
            self.calendar,
            self.centres,
            self.tablet_schedule,
            self.quirks,
            self.questionnaire,
            self.truth,
        )
        self.exports = WebExports(
            landing, self.survey.web_survey_id, self.layout, self.export_days, self.truth
        )

    # ---------------------------------------------------------------- one day of visits

    def _visits(self, day: dt.date, rng: np.random.Generator, rnd: random.Random):
        """The day's tablet completions and web responses, answered and commented."""
        midnight = dt.datetime.combine(day, dt.time())
        tablet_version = self.questionnaire.version_on(day).version
        visits = []  # (centre, time, on tablet)
        for code, centre in self.centres.items():
            hours = self.calendar.hours(centre, day)
            if not hours:
                continue
            expected = self.calendar.expected(centre, day) * self.scale
            n_tablet = rng.poisson(expected * TABLET_SHARE / (1 - MISUSE))
            n_web = rng.poisson(expected * (1 - TABLET_SHARE) / (1 - web.UNFINISHED))
            seconds = self.calendar.visit_seconds(rng, hours, n_tablet + n_web)
            on_tablet = rng.permutation(n_tablet + n_web) < n_tablet
            for s, is_tablet in zip(seconds.tolist(), on_tablet.tolist(), strict=True):
                visits.append((code, midnight + dt.timedelta(seconds=s), is_tablet))
        n = len(visits)
        languages = rng.choice(LANGUAGES, size=n, p=LANGUAGE_SHARES).tolist()
        misuse = (rng.random(n) < MISUSE).tolist()
        targets: list[Session | web.Response] = [
            Session(new_uuid(rnd), code, time, tablet_version, languages[k], [], misuse=misuse[k])
            if is_tablet
            else web.Response.plan(rnd, code, time, languages[k], self.questionnaire, (day, k))
            for k, (code, time, is_tablet) in enumerate(visits)
        ]
        is_tablet = np.array([v[2] for v in visits], dtype=bool)
        abandoned = (is_tablet & (rng.random(n) < ABANDON)).tolist()
        coded, z = answers.draw(
            rng,
            self.questionnaire,
            np.array([t.version for t in targets], dtype=int),
            np.array([self.level[code] for code, _, _ in visits]),
            [answers.dip_drops(code, day) for code, _, _ in visits],
            np.array(abandoned, dtype=bool),
        )
        codes = [i.code for i in self.questionnaire.answer_items]
        for k, target in enumerate(targets):
            on_tablet = isinstance(target, Session)
            if on_tablet and target.misuse:
                target.answers = self._presses(rnd, target.version)
                continue
            given = [(codes[j], int(a)) for j, a in enumerate(coded[k].tolist()) if a]
            mood = "positive" if z[k] > 0 else "negative" if z[k] < -1 else "mixed"
            reached_comment = not abandoned[k] if on_tablet else target.finished
            if reached_comment and rnd.random() < COMMENT_RATE[mood]:
                dip = next((d.cause for d in answers.DIPS if d.covers(target.centre, day)), None)
                target.comment, target.pii = self.comments.write(
                    rnd,
                    target.language,
                    mood,
                    with_pii=rnd.random() < PII_SHARE,
                    dip_cause=dip,
                    newline="\n" if on_tablet else "\r\n",  # browsers send CRLF from a textarea
                )
                target.has_pii = bool(target.pii)
            if on_tablet:
                target.answers = given
            else:
                target.answers = dict(given)
                target.fill(rnd, self.layout, self.names)
        sessions = [t for t in targets if isinstance(t, Session)]
        responses = [t for t in targets if not isinstance(t, Session)]
        self._break_web(day, responses, rnd)
        return sessions, responses

    def _presses(self, rnd: random.Random, version: int) -> list[tuple[str, int]]:
        """A misuse completion: someone hammering the same or random buttons."""
        same = rnd.random() < 0.5
        fixed = rnd.randint(1, 5)
        out = []
        for item in self.questionnaire.items_of(version):
            if item.kind != "text" and rnd.random() < 0.8:
                out.append((item.code, fixed if same and fixed in item.valid else rnd.choice(item.valid)))
        return out or [("Q01", fixed)]

    def _break_web(self, day: dt.date, responses: list[web.Response], rnd: random.Random) -> None:
        for kind in breakage.WEB_KINDS:
            for _ in range(self.web_schedule.due(kind, day)):
                pool = [r for r in responses if breakage.web_eligible(kind, r, self.questionnaire)]
                if not pool:
                    break
                breakage.break_web(kind, rnd.choice(pool), rnd, self.questionnaire, self.layout)
                self.web_schedule.done(kind)

    # ---------------------------------------------------------------- the year

    def run(self) -> dict:
        for day in _days(self.start, self.export_days.last - dt.timedelta(days=1)):
            if day <= self.end:
                rng = np.random.default_rng([self.seed, day.toordinal()])
                rnd = random.Random(f"{self.seed}:{day.isoformat()}")
                sessions, responses = self._visits(day, rng, rnd)
                self.uploads.upload_day(day, sessions, rnd)
                self.exports.add(responses)
            self.exports.end_of_day(day)
        self.exports.close()
        return self.truth.finish(self._summary())

    def _summary(self) -> dict:
        e, stats = self.export_days, self.uploads.stats
        files = {"tablet": 0, "web_daily": 0, "web_full": 0}
        total_bytes = 0
        for path in self.landing.rglob("*"):
            if path.is_file():
                total_bytes += path.stat().st_size
                kind = (
                    "tablet"
                    if path.parts[-3] == "tablet"
                    else "web_full"
                    if path.stem.endswith("_full")
                    else "web_daily"
                )
                files[kind] += 1
        moved = self.fleet.moved
        in_range = [d for d in answers.DIPS if d.first <= self.end and d.last >= self.start]
        return {
            "seed": self.seed,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "scale": self.scale,
            "files": {
                **files,
                "bytes": total_bytes,
                "tablet_reupload_copies": stats["reupload_copies"],
                "tablet_in_old_folder": stats["misfiled_files"],
                "tablet_truncated": stats["truncated"],
                "tablet_empty": stats["empty_file"],
                "tablet_garbage": stats["garbage_file"],
                "web_truncated": self.exports.stats["truncated"],
                "web_empty": self.exports.stats["empty"],
            },
            "exports": {
                "first": e.first.isoformat(),
                "last": e.last.isoformat(),
                "missing": [e.missing.isoformat()],
                "late": [e.late.isoformat()],
                "full": [d.isoformat() for d in e.full],
                "truncated": e.truncated.isoformat(),
                "empty": e.empty.isoformat(),
            },
            "duplicates": {
                "tablet_rows_reuploaded": stats["rows_reuploaded"],
                "web_versions_superseded": self.exports.superseded_rows,
                "web_responses_seen_unfinished_then_finished": len(self.exports.seen_unfinished),
            },
            "tablet_quirks": self.uploads.log,
            "dips": [
                {
                    "centre": d.centre,
                    "from": d.first.isoformat(),
                    "to": d.last.isoformat(),
                    "weeks": d.weeks(),
                    "items": sorted(d.items),
                    "cause": d.cause,
                }
                for d in in_range
            ],
            "devices": {
                "total": len(self.fleet.devices),
                "old_firmware": sorted(d.device_id for d in self.fleet.devices if d.old_firmware),
                "moved": {
                    "device": moved.device_id,
                    "from": moved.centre,
                    "to": moved.moved_to,
                    "on": moved.moved_on.isoformat(),
                    "files_in_old_folder": sorted(d.isoformat() for d in moved.misfiled_days),
                },
            },
        }


def generate(
    landing: Path,
    truth: Path,
    *,
    seed: int = 2020,
    start: dt.date | None = None,
    end: dt.date | None = None,
    scale: float = 1.0,
) -> dict:
    """Generates a demo survey year into `landing` and its ground truth into `truth`; returns the summary."""
    survey = registry.survey()
    start, end = start or survey.start, end or survey.end
    first_version = min(v.valid_from for v in registry.questionnaire().versions)
    if not first_version <= start <= end:
        raise ValueError(f"need {first_version} <= start <= end, got {start}..{end}")
    if scale <= 0:
        raise ValueError("scale must be positive")
    landing, truth = Path(landing).resolve(), Path(truth).resolve()
    if truth == landing or landing in truth.parents:
        raise ValueError("the truth folder must not lie inside the landing folder")
    prepare_landing(landing)
    return _Year(landing, truth, seed, start, end, scale).run()
