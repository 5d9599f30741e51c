"""The tablets' daily uploads, with the quirks of real kiosks and the broken files.

Every device of an open centre uploads once a day (a header-only file when
nobody answered). Quirks: a retry repeats a day's rows in the device's next file;
a lost upload arrives only inside the next file; a few files are copied into
another centre's folder; the moved device's first files after the move still
land in its old folder. Broken files: one truncated mid-row, one empty, one of
random bytes. Devices with quirks never carry row-level breakage as well, so
every planted problem has exactly one copy and one simple outcome.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path

from pipelines.core.registry import Centre, Questionnaire
from pipelines.demo import breakage, tablet
from pipelines.demo.breakage import ITEM_MISSING, NONE, Schedule
from pipelines.demo.calendar import VisitCalendar
from pipelines.demo.comments import for_cp1252
from pipelines.demo.tablet import Device, Fleet, Session
from pipelines.demo.truth import Truth

SESSION_KINDS = ("unknown_centre", "out_of_range", "item_not_in_version", "bad_timestamp")


class TabletUploads:
    def __init__(
        self,
        landing: Path,
        fleet: Fleet,
        calendar: VisitCalendar,
        centres: dict[str, Centre],
        schedule: Schedule,
        quirks: Schedule,
        questionnaire: Questionnaire,
        truth: Truth,
    ):
        self.landing, self.fleet, self.calendar, self.centres = landing, fleet, calendar, centres
        self.schedule, self.quirks, self.questionnaire, self.truth = schedule, quirks, questionnaire, truth
        # device id -> (sessions to repeat in its next file, their day, whether their own file was lost)
        self.carry: dict[str, tuple[list[Session], dt.date, bool]] = {}
        self.stats: Counter[str] = Counter()
        self.log: list[dict] = []  # one entry per quirk, for the summary

    def upload_day(self, day: dt.date, sessions: list[Session], rnd: random.Random) -> None:
        active = [d for d in self.fleet.devices if self.calendar.hours(self.centres[d.centre_on(day)], day)]
        by_device: dict[str, list[Session]] = {d.device_id: [] for d in active}
        devices = {d.device_id: d for d in active}
        serving: dict[str, list[Device]] = {}
        for session in sorted(sessions, key=lambda s: s.start):
            if session.centre not in serving:
                serving[session.centre] = self.fleet.serving(session.centre, day)
            device = rnd.choice(serving[session.centre])
            by_device[device.device_id].append(session)
            if device.old_firmware:
                session.comment, session.pii = (
                    for_cp1252(session.comment),
                    [for_cp1252(p) for p in session.pii],
                )
            session.lay_out(device, rnd)
        marks = self._mark_quirks(day, active, by_device, rnd)
        plain = [d for d in active if d.device_id not in marks and self._plain(d, day)]
        pool = [s for d in plain for s in by_device[d.device_id]]
        for kind in SESSION_KINDS:
            for _ in range(self.schedule.due(kind, day)):
                eligible = [s for s in pool if breakage.tablet_eligible(kind, s, self.questionnaire)]
                if not eligible:
                    break
                breakage.break_tablet(kind, rnd.choice(eligible), rnd, self.questionnaire)
                self.schedule.done(kind)
        for session in sessions:
            self.truth.tablet(session)
            self.truth.pii(*session.pii)
        for device_id in sorted(by_device):
            self._write(devices[device_id], day, by_device[device_id], marks.get(device_id), rnd)
        self._extra_files(day, {d.device_id for d in active}, rnd)

    def _plain(self, device: Device, day: dt.date) -> bool:
        """No quirk touches the device's file today."""
        return device.device_id not in self.carry and day not in device.misfiled_days

    def _mark_quirks(self, day, active, by_device, rnd) -> dict[str, str]:
        marks: dict[str, str] = {}
        for kind, schedule in (
            ("retry", self.quirks),
            ("retry_lost", self.quirks),
            ("reupload", self.quirks),
            ("truncated_file", self.schedule),
        ):
            for _ in range(schedule.due(kind, day)):
                pool = [
                    d
                    for d in active
                    if by_device[d.device_id]
                    and d.device_id not in marks
                    and self._plain(d, day)
                    and (kind != "truncated_file" or _truncatable(by_device[d.device_id][-1]))
                ]
                if not pool:
                    break
                marks[rnd.choice(pool).device_id] = kind
                schedule.done(kind)
        return marks

    def _write(self, device: Device, day: dt.date, sessions: list[Session], mark: str | None, rnd) -> None:
        folder = device.folder_on(day)
        name = f"tablet/{folder}/{device.device_id}_{day:%Y%m%d}.csv"
        self.truth.pii(device.device_id)
        carried, carried_day, lost = self.carry.pop(device.device_id, ([], None, False))
        if mark in ("retry", "retry_lost"):
            self.carry[device.device_id] = (sessions, day, mark == "retry_lost")
            if mark == "retry_lost":
                return  # this day's file never arrives: its rows come with the next one
        content = carried + sessions
        rows = [row for s in content for row in s.rows]
        data = tablet.render(rows).encode(device.encoding)
        if mark == "truncated_file":
            data = data[: tablet.cut_offset(rows, device.encoding)]
            last = content[-1]
            self.truth.breakage(
                "truncated_file",
                name,
                len(rows),
                "tablet",
                last.session_id,
                rows[-1][tablet.CODE],
                ITEM_MISSING,
            )
            self.stats["truncated"] += 1
        path = self.landing / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        offset = 0
        for s in content:
            for k, kind, item, effect in s.breakage:
                self.truth.breakage(kind, name, offset + k + 1, "tablet", s.session_id, item, effect)
            offset += len(s.rows)
        if carried:
            repeated = sum(len(s.rows) for s in carried)
            self.stats["rows_reuploaded"] += 0 if lost else repeated
            first = f"tablet/{device.folder_on(carried_day)}/{device.device_id}_{carried_day:%Y%m%d}.csv"
            self.log.append(
                {
                    "quirk": "retry_lost" if lost else "retry",
                    "device": device.device_id,
                    "file": first,  # absent when the upload was lost
                    "rows": repeated,
                    "repeated_in": name,
                }
            )
        if mark == "reupload":
            other = rnd.choice(sorted(c for c in self.centres if c != folder))
            copy = f"tablet/{other}/{device.device_id}_{day:%Y%m%d}.csv"
            (self.landing / copy).parent.mkdir(parents=True, exist_ok=True)
            (self.landing / copy).write_bytes(data)
            self.stats["reupload_copies"] += 1
            self.stats["rows_reuploaded"] += len(rows)
            self.log.append(
                {
                    "quirk": "reupload",
                    "device": device.device_id,
                    "file": name,
                    "copy": copy,
                    "rows": len(rows),
                }
            )
        if folder != device.centre_on(day):
            self.stats["misfiled_files"] += 1
            self.log.append({"quirk": "moved_device_old_folder", "device": device.device_id, "file": name})

    def _extra_files(self, day: dt.date, uploading: set[str], rnd: random.Random) -> None:
        """The empty and the garbage file, on a day their device uploads nothing else (extra files)."""
        for kind in ("empty_file", "garbage_file"):
            if not self.schedule.due(kind, day):
                continue
            idle = [d for d in self.fleet.devices if d.device_id not in uploading]
            if not idle:
                continue
            device = rnd.choice(idle)
            uploading.add(device.device_id)
            name = f"tablet/{device.folder_on(day)}/{device.device_id}_{day:%Y%m%d}.csv"
            path = self.landing / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"" if kind == "empty_file" else rnd.randbytes(rnd.randint(512, 4096)))
            self.truth.breakage(kind, name, None, "tablet", "", "", NONE)
            self.truth.pii(device.device_id)
            self.stats[kind] += 1
            self.schedule.done(kind)


def _truncatable(last: Session) -> bool:
    """Cutting the file's last row must cost one item of a session that still counts."""
    return not last.misuse and len(last.rows) >= 2 and last.rows[-1][tablet.CODE] != "C01"
