"""Small hand-made landing folders in exactly the formats of the spec."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

TABLET_HEADER = [
    "feedback_id", "session_id", "device_id", "centre_code", "local_time", "questionnaire_version",
    "language", "question_code", "answer", "free_text", "misuse",
]  # fmt: skip
WEB_ITEMS = ["Q01", "Q02", "Q03[SQ001]", "Q03[SQ002]", "Q03[SQ003]", "Q04", "Q05[SQ001]", "Q05[SQ002]",
             "Q05[SQ003]", "Q05[SQ004]", "Q06", "Q07", "Q08", "C01"]  # fmt: skip
WEB_HEADER = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "ipaddr",
              "refurl", "KZ", "QV", *WEB_ITEMS]  # fmt: skip

V1 = {"Q01": 1, "Q02": 1, "Q03_SQ001": 1, "Q03_SQ002": 2, "Q03_SQ003": 2, "Q04": 3, "Q05_SQ001": 1,
      "Q05_SQ002": 2, "Q05_SQ003": 1, "Q05_SQ004": 99, "Q06": 1}  # fmt: skip
V2 = {k: v for k, v in V1.items() if k != "Q06"} | {"Q07": 2, "Q08": 1}


def uid(n: int) -> str:
    return str(uuid.UUID(int=n, version=4))


def completion(session: int, *, centre="altona", time="2020-09-15 10:12:00", version=1, language="de",
               answers=None, comment=None, misuse=0, device="TAB-0417", first_row=None) -> list[dict]:  # fmt: skip
    """The long-format rows of one tablet questionnaire completion."""
    answers = dict(V1 if version == 1 else V2) if answers is None else answers
    base = first_row if first_row is not None else session * 100
    rows = []
    for i, (code, value) in enumerate(answers.items()):
        rows.append(dict(feedback_id=uid(base + i), session_id=uid(10**9 + session), device_id=device,
                         centre_code=centre, local_time=time, questionnaire_version=str(version),
                         language=language, question_code=code, answer=str(value), free_text="",
                         misuse=str(misuse)))  # fmt: skip
    if comment is not None:
        rows.append(dict(feedback_id=uid(base + 99), session_id=uid(10**9 + session), device_id=device,
                         centre_code=centre, local_time=time, questionnaire_version=str(version),
                         language=language, question_code="C01", answer="", free_text=comment,
                         misuse=str(misuse)))  # fmt: skip
    return rows


def tablet_text(rows: list[dict]) -> str:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", quotechar='"', lineterminator="\n")
    writer.writerow(TABLET_HEADER)
    for row in rows:
        writer.writerow([row.get(c, "") for c in TABLET_HEADER])
    return buf.getvalue()


def write_tablet(
    landing: Path, folder: str, device: str, day: str, rows: list[dict], encoding="utf-8"
) -> Path:
    path = landing / "tablet" / folder / f"{device}_{day.replace('-', '')}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(tablet_text(rows).encode(encoding))
    return path


def web_response(rid: int, *, submit="2020-09-15 18:30:00", datestamp=None, start=None, centre="altona",
                 version=1, language="de", answers=None, comment="", ip="203.0.113.7",
                 refurl="https://www.hamburg.de/kundenzentren/umfrage?kz=altona&src=qr") -> dict:  # fmt: skip
    answers = dict(V1 if version == 1 else V2) if answers is None else answers
    datestamp = datestamp or submit or "2020-09-15 18:30:00"
    start = start or (datestamp[:11] + "08:00:00")
    row = dict(id=str(rid), submitdate=submit or "", lastpage="3", startlanguage=language, seed="12345",
               startdate=start, datestamp=datestamp, ipaddr=ip, refurl=refurl, KZ=centre, QV=str(version))  # fmt: skip
    for col in WEB_ITEMS:
        code = col.replace("[", "_").replace("]", "")
        row[col] = comment if code == "C01" else str(answers.get(code, ""))
    return row


def web_text(rows: list[dict]) -> str:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=",", quotechar='"', quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(WEB_HEADER)
    for row in rows:
        writer.writerow([row.get(c, "") for c in WEB_HEADER])
    return buf.getvalue()


def write_web(landing: Path, day: str, rows: list[dict], full=False, bom=True) -> Path:
    suffix = "_full" if full else ""
    path = landing / "web" / f"survey_482915_{day.replace('-', '')}{suffix}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + web_text(rows).encode("utf-8"))
    return path
