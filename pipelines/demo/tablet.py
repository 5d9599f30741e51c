"""The tablet channel: devices, their daily files, and the upload quirks of real kiosks.

A file is `tablet/<folder>/<device id>_<YYYYMMDD>.csv` in long format, one row
per answered item. The folder is normally the device's centre, but devices get
moved: the row's centre_code is what counts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import uuid
from dataclasses import dataclass, field

import numpy as np

COLUMNS = (
    "feedback_id",
    "session_id",
    "device_id",
    "centre_code",
    "local_time",
    "questionnaire_version",
    "language",
    "question_code",
    "answer",
    "free_text",
    "misuse",
)
TIME, ANSWER, CODE = COLUMNS.index("local_time"), COLUMNS.index("answer"), COLUMNS.index("question_code")

OLD_FIRMWARE_DEVICES = 3  # write Windows-1252
MISFILED_AFTER_MOVE = 3  # files of a moved device that still land in its old folder


def new_uuid(rnd: random.Random) -> str:
    return str(uuid.UUID(int=rnd.getrandbits(128), version=4))


@dataclass
class Device:
    device_id: str
    centre: str
    old_firmware: bool = False
    moved_to: str | None = None
    moved_on: dt.date | None = None
    misfiled_days: frozenset[dt.date] = frozenset()

    @property
    def encoding(self) -> str:
        return "cp1252" if self.old_firmware else "utf-8"

    def centre_on(self, day: dt.date) -> str:
        return self.moved_to if self.moved_on and day >= self.moved_on else self.centre

    def folder_on(self, day: dt.date) -> str:
        return self.centre if day in self.misfiled_days else self.centre_on(day)


def devices_for(weight: float) -> int:
    return 3 if weight >= 2.2 else 2 if weight >= 1.2 else 1


@dataclass
class Fleet:
    devices: list[Device]
    moved: Device

    @classmethod
    def plan(cls, rng: np.random.Generator, weights: dict[str, float], move_day: dt.date, open_days) -> Fleet:
        """Devices by centre size; a few on old firmware; one big-centre device moved to a small centre.

        open_days(code) lists the days a centre is open in the range (for the misfiled uploads).
        """
        numbers = rng.choice(
            np.arange(100, 10_000), size=sum(devices_for(w) for w in weights.values()), replace=False
        )
        devices, i = [], 0
        for code, weight in weights.items():
            for _ in range(devices_for(weight)):
                devices.append(Device(f"TAB-{numbers[i]:04d}", code))
                i += 1
        big = [d for d in devices if devices_for(weights[d.centre]) == 3]
        small = [c for c, w in weights.items() if devices_for(w) == 1]
        moved = big[int(rng.integers(len(big)))]
        moved.moved_to = small[int(rng.integers(len(small)))]
        moved.moved_on = move_day
        later = [d for d in open_days(moved.moved_to) if d >= move_day]
        moved.misfiled_days = frozenset(later[:MISFILED_AFTER_MOVE])
        # Old firmware sits in busy centres, so its files carry comments (and umlauts).
        busy = [d for d in devices if weights[d.centre] >= 1.5 and d is not moved]
        for k in rng.choice(len(busy), size=OLD_FIRMWARE_DEVICES, replace=False):
            busy[int(k)].old_firmware = True
        return cls(devices, moved)

    def serving(self, centre: str, day: dt.date) -> list[Device]:
        return [d for d in self.devices if d.centre_on(day) == centre]


@dataclass
class Session:
    """One questionnaire completion on a tablet, before it is laid out as rows."""

    session_id: str
    centre: str
    start: dt.datetime
    version: int
    language: str
    answers: list[tuple[str, int]]  # answered items in questionnaire order
    comment: str = ""
    has_pii: bool = False
    misuse: bool = False
    pii: list[str] = field(default_factory=list)  # personal data planted in the comment
    rows: list[list[str]] = field(default_factory=list)
    # (row index within the session, kind, item, effect) of planted breakage
    breakage: list[tuple[int, str, str, str]] = field(default_factory=list)

    def lay_out(self, device: Device, rnd: random.Random) -> None:
        """One row per answered item, a few seconds apart (misuse: presses in quick succession)."""
        t = self.start
        common = [self.session_id, device.device_id, self.centre]
        tail = [str(self.version), self.language]
        misuse = "1" if self.misuse else "0"
        for code, answer in self.answers:
            t += dt.timedelta(seconds=rnd.randint(0, 1) if self.misuse else rnd.randint(3, 20))
            self.rows.append([new_uuid(rnd), *common, t.isoformat(" "), *tail, code, str(answer), "", misuse])
        if self.comment:
            t += dt.timedelta(seconds=rnd.randint(20, 240))
            self.rows.append(
                [new_uuid(rnd), *common, t.isoformat(" "), *tail, "C01", "", self.comment, misuse]
            )


def render(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buf.getvalue()


def cut_offset(rows: list[list[str]], encoding: str) -> int:
    """Byte offset inside the last row's local_time (after the hour): the file ends mid-row."""
    before = len(render(rows[:-1]).encode(encoding))
    last = rows[-1]
    return before + len(";".join(last[:TIME]).encode(encoding)) + 1 + len("YYYY-MM-DD HH")
