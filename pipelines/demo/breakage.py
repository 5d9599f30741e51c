"""The broken input planted on purpose, and when it is planted.

Each kind is a handful of instances whose pipeline outcome is simple to state
(the `effect` written to breakage.csv): the questionnaire is not counted, one
item is missing, or nothing is lost. Instances are spread over the range: each
has a target day and lands on the first eligible day on or after it.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from pipelines.core.registry import Questionnaire
from pipelines.demo import tablet, web

UNKNOWN_CENTRE = "kz-unbekannt"
BAD_TABLET_TIMES = ("2020-13-45 25:61:00", "gestern")
BAD_WEB_TIMES = ("2020-13-45 25:61:00", "0000-00-00 00:00:00")
OUT_OF_RANGE = ("7", "0")

NOT_COUNTED, ITEM_MISSING, NONE = "questionnaire_not_counted", "item_missing", "none"

# Instances per kind. Row-level kinds hit questionnaires, file-level kinds whole files.
TABLET_KINDS = {
    "unknown_centre": 3,
    "out_of_range": 3,
    "item_not_in_version": 3,
    "bad_timestamp": 2,
    "truncated_file": 1,
    "empty_file": 1,
    "garbage_file": 1,
}
WEB_KINDS = {"unknown_centre": 2, "out_of_range": 2, "item_not_in_version": 2, "bad_timestamp": 2}
# Upload quirks of the tablets (not broken input: nothing is quarantined, rows arrive twice or late).
TABLET_QUIRKS = {"retry": 3, "retry_lost": 1, "reupload": 3}


class Schedule:
    """Target days of planted instances, spread evenly over the days with a random offset."""

    def __init__(self, rng: np.random.Generator, days: list[dt.date], counts: dict[str, int]):
        self._targets: dict[str, list[dt.date]] = {}
        for kind, n in counts.items():
            spots = [(i + rng.uniform(0.1, 0.9)) / n for i in range(n)]
            self._targets[kind] = [days[min(int(s * len(days)), len(days) - 1)] for s in spots]
        self.placed: dict[str, int] = dict.fromkeys(counts, 0)

    def due(self, kind: str, day: dt.date) -> int:
        """Instances of the kind whose target day has come and that are not planted yet."""
        return sum(1 for t in self._targets.get(kind, ()) if t <= day) - self.placed.get(kind, 0)

    def done(self, kind: str) -> None:
        self.placed[kind] += 1


def foreign_item(questionnaire: Questionnaire, version: int) -> str:
    """An answer item of another version, e.g. Q07 on a version-1 questionnaire."""
    own = set(questionnaire.version(version).items)
    return next(i.code for i in questionnaire.answer_items if i.code not in own)


def _scale_rows(session: tablet.Session, questionnaire: Questionnaire) -> list[int]:
    items = questionnaire.items
    return [
        k
        for k, row in enumerate(session.rows)
        if row[tablet.CODE] in items and items[row[tablet.CODE]].kind == "scale"
    ]


def tablet_eligible(kind: str, session: tablet.Session, questionnaire: Questionnaire) -> bool:
    if session.misuse or session.breakage:
        return False
    if kind == "out_of_range":  # another valid row keeps the session counted
        return len(session.rows) >= 2 and bool(_scale_rows(session, questionnaire))
    return True


def break_tablet(
    kind: str, session: tablet.Session, rnd: random.Random, questionnaire: Questionnaire
) -> None:
    rows = session.rows
    if kind in ("unknown_centre", "bad_timestamp"):
        column = tablet.COLUMNS.index("centre_code") if kind == "unknown_centre" else tablet.TIME
        value = UNKNOWN_CENTRE if kind == "unknown_centre" else rnd.choice(BAD_TABLET_TIMES)
        for k, row in enumerate(rows):
            row[column] = value
            session.breakage.append((k, kind, "", NOT_COUNTED))
    elif kind == "out_of_range":
        k = rnd.choice(_scale_rows(session, questionnaire))
        rows[k][tablet.ANSWER] = rnd.choice(OUT_OF_RANGE)
        session.breakage.append((k, kind, rows[k][tablet.CODE], ITEM_MISSING))
    elif kind == "item_not_in_version":
        code = foreign_item(questionnaire, session.version)
        k = len(rows) - 1 if rows[-1][tablet.CODE] == "C01" else len(rows)
        extra = list(rows[max(k - 1, 0)])  # a copy of its neighbour, with another item
        extra[0] = tablet.new_uuid(rnd)
        extra[tablet.CODE], extra[tablet.ANSWER] = code, str(questionnaire.items[code].valid[0])
        rows.insert(k, extra)
        session.breakage.append((k, kind, code, NONE))
    else:
        raise ValueError(kind)


def web_eligible(kind: str, response: web.Response, questionnaire: Questionnaire) -> bool:
    """Finished in one go, so the broken value is in the one state every export shows."""
    if not response.finished or len(response.rows) != 1 or response.breakage is not None:
        return False
    return kind != "out_of_range" or any(questionnaire.items[c].kind == "scale" for c in response.answers)


def break_web(
    kind: str, response: web.Response, rnd: random.Random, questionnaire: Questionnaire, layout: web.Layout
) -> None:
    """Breaks every state of the response: it is broken in every export it appears in."""
    item = ""
    if kind == "unknown_centre":
        changes = {web.KZ: UNKNOWN_CENTRE}
    elif kind == "bad_timestamp":
        changes = {web.SUBMITDATE: rnd.choice(BAD_WEB_TIMES)}
    elif kind == "out_of_range":
        answered = [c for c, a in response.answers.items() if questionnaire.items[c].kind == "scale"]
        item = rnd.choice(answered)
        changes = {layout.column_of(item): rnd.choice(OUT_OF_RANGE)}
    elif kind == "item_not_in_version":
        item = foreign_item(questionnaire, response.version)
        changes = {layout.column_of(item): str(questionnaire.items[item].valid[0])}
    else:
        raise ValueError(kind)
    for row in response.rows:
        for column, value in changes.items():
            row[column] = value
        if kind == "unknown_centre":  # the QR code's query string names the same centre
            row[web.REFURL] = row[web.REFURL].replace(f"kz={response.centre}&", f"kz={UNKNOWN_CENTRE}&")
    response.breakage = (kind, item)
