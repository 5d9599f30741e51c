"""The staging rows of a file, built column by column from its parsed rows.

A file repeats most of its values (a tablet questionnaire's session, device and time on
each of its rows; the codes of the answers), so each value is converted, parsed or
pseudonymised once per distinct value, and the columns go to `bulk.insert_columns`
without a dict per row.
"""

from __future__ import annotations

from collections.abc import Callable

from pipelines.core import contracts
from pipelines.ingest.pseudonyms import Pseudonymiser, daypart
from pipelines.warehouse.bulk import each

Comment = Callable[[str], tuple]  # text → (comment, comment_status, comment_redactions)


def _code(value: str) -> int | None:
    return int(value) if value else None


def _comments(texts: list[str], comment: Comment) -> dict[str, list]:
    stored = [comment(t) for t in texts]
    return {
        "comment": [s[0] for s in stored],
        "comment_status": [s[1] for s in stored],
        "comment_redactions": [s[2] for s in stored],
    }


def tablet(path: str, rows: list[dict], pseudo: Pseudonymiser, comment: Comment, text_item: str) -> dict:
    """The columns of `stage_tablet_rows` for these rows."""
    if not rows:
        return {}
    col = {name: [r[name] for r in rows] for name in rows[0]}
    moment = each(contracts.parse_time, col["local_time"])
    no_comment = (None, "none", None)
    texts = [
        t if q == text_item else None for q, t in zip(col["question_code"], col["free_text"], strict=True)
    ]
    return {
        "source_file": [path] * len(rows),
        "source_row": col["source_row"],
        "feedback_key": pseudo.many("tablet-row", [v.lower() for v in col["feedback_id"]]),
        "session_key": pseudo.many("tablet-session", [v.lower() for v in col["session_id"]]),
        "device_key": pseudo.many("device", col["device_id"]),
        "centre": col["centre_code"],
        "response_date": each(lambda m: m.date(), moment),
        "daypart": each(daypart, moment),
        "questionnaire_version": each(int, col["questionnaire_version"]),
        "language": col["language"],
        "question_code": col["question_code"],
        "answer": each(_code, col["answer"]),
        **_comments(texts, lambda t: no_comment if t is None else comment(t)),
        "misuse": each(lambda m: m == "1", col["misuse"]),
    }


def web(
    path: str, rows: list[dict], pseudo: Pseudonymiser, comment: Comment, text_item: str, items: list[str]
) -> dict:
    """The columns of `stage_web_versions` for these rows."""
    if not rows:
        return {}
    col = {name: [r[name] for r in rows] for name in rows[0]}
    finished = [bool(s) for s in col["submitdate"]]
    last = each(contracts.parse_time, col["datestamp"])
    started = [contracts.parse_time(s) if s else at for s, at in zip(col["startdate"], last, strict=True)]
    moment = [
        contracts.parse_time(s) if done else at
        for s, done, at in zip(col["submitdate"], finished, last, strict=True)
    ]
    return {
        "source_file": [path] * len(rows),
        "source_row": col["source_row"],
        "response_key": pseudo.many("web-response", col["id"]),
        "progress_seconds": [int((a - b).total_seconds()) for a, b in zip(last, started, strict=True)],
        "finished": finished,
        "centre": col["KZ"],
        "response_date": each(lambda m: m.date(), moment),
        "daypart": each(daypart, moment),
        "questionnaire_version": each(int, col["QV"]),
        "language": col["startlanguage"],
        **_comments(col[text_item], comment),
        **{code: each(_code, col[code]) for code in items},
    }
