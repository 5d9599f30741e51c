"""An independent reading of a landing folder: what the response store must hold.

Written from the spec with the csv module only (none of the pipeline's code), for small
hand-made landings with valid rows: tablet completions count once per session (the first
delivery of a feedback id wins, misuse excluded); web responses once per id, the newest
datestamp winning, on the date of their submitdate (unfinished ones excluded).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from pipelines.warehouse import schema


def expected(contents: dict[str, str]) -> Counter:
    """(channel, centre, date, Q01) → number of counted responses, from file texts by path."""
    sessions: dict[str, tuple] = {}
    seen_rows: set[str] = set()
    web: dict[str, tuple] = {}
    for path in sorted(contents):
        text = contents[path].lstrip("\ufeff")
        if path.startswith("tablet/"):
            for row in csv.DictReader(io.StringIO(text, newline=""), delimiter=";"):
                if row["feedback_id"] in seen_rows:
                    continue
                seen_rows.add(row["feedback_id"])
                first = sessions.setdefault(
                    row["session_id"], (row["centre_code"], row["local_time"][:10], {}, set())
                )
                if row["question_code"] == "Q01":
                    first[2]["Q01"] = int(row["answer"])
                first[3].add(row["misuse"])
        else:
            for row in csv.DictReader(io.StringIO(text, newline=""), delimiter=","):
                state = (row["datestamp"], row["submitdate"], row["KZ"], row["Q01"])
                if row["id"] not in web or state[0] > web[row["id"]][0]:
                    web[row["id"]] = state
    out = Counter()
    for centre, day, answers, misuse in sessions.values():
        if misuse != {"0"}:
            continue
        out[("tablet", centre, day, answers.get("Q01"))] += 1
    for _, submit, centre, q01 in web.values():
        if submit:
            out[("web", centre, submit[:10], int(q01) if q01 else None)] += 1
    return out


def stored(engine: sa.Engine) -> Counter:
    """The same view of what the response store holds."""
    with engine.connect() as conn:
        frame = pd.read_sql(sa.select(schema.responses), conn)
    out = Counter()
    for row in frame.itertuples():
        q01 = None if pd.isna(row.Q01) else int(row.Q01)
        out[(row.channel, row.centre, str(row.response_date)[:10], q01)] += 1
    return out


def landing_texts(landing: Path) -> dict[str, str]:
    """The current text of every CSV file in a landing folder, by relative path."""
    return {
        p.relative_to(landing).as_posix(): p.read_bytes().decode("utf-8-sig")
        for p in sorted(landing.rglob("*.csv"))
        if p.is_file() and not p.is_symlink()
    }
