"""Ingestion: landed files → pseudonymous staging → the response store.

Every raw row ends up in exactly one of: accepted, duplicate, excluded (misuse,
unfinished) or quarantined. Personal data stops here: identifiers are hashed with
a key, clock times are cut to a date and a part of the day, free text is redacted,
IP addresses and referrer URLs are dropped. Only quarantine keeps raw content.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from pipelines import contracts, exports, landing, registry
from pipelines.anonymise import Pseudonymiser, daypart
from pipelines.redaction import Redactor
from pipelines.warehouse import schema

OUTCOMES = ("accepted", "duplicate", "excluded", "quarantined")
_IN_CHUNK = 500
FILES_PER_TRANSACTION = 500
_TABLET_NAME = re.compile(r"^tablet/([^/]+)/(.+)_(\d{8})\.csv$")


@dataclass
class FileOutcome:
    path: str
    channel: str
    status: str  # ingested | quarantined
    encoding: str | None = None
    counts: Counter = field(default_factory=Counter)  # per outcome
    reasons: Counter = field(default_factory=Counter)  # quarantine rule → rows
    dates: set = field(default_factory=set)

    @property
    def rows_read(self) -> int:
        return sum(self.counts[o] for o in OUTCOMES)


@dataclass
class IngestSummary:
    files_seen: int = 0
    files_unchanged: int = 0
    files_new: int = 0
    files_changed: int = 0
    outcomes: list[FileOutcome] = field(default_factory=list)

    def totals(self) -> Counter:
        total = Counter()
        for o in self.outcomes:
            total.update({k: o.counts[k] for k in OUTCOMES})
        total["rows_read"] = sum(o.rows_read for o in self.outcomes)
        return total

    def reasons(self) -> Counter:
        total = Counter()
        for o in self.outcomes:
            total.update(o.reasons)
        return total

    def files_quarantined(self) -> int:
        return sum(1 for o in self.outcomes if o.status == "quarantined")

    def encodings(self) -> Counter:
        return Counter(o.encoding or "unreadable" for o in self.outcomes)


class Ingestor:
    def __init__(
        self,
        engine: sa.Engine,
        landing_dir: Path,
        quarantine_dir: Path,
        pseudonymiser: Pseudonymiser,
        redactor: Redactor | None = None,
        run_id: str | None = None,
    ):
        self.engine = engine
        self.landing_dir = Path(landing_dir)
        self.quarantine_dir = Path(quarantine_dir)
        self.pseudo = pseudonymiser
        self.redactor = redactor or Redactor.default()
        self.run_id = run_id or "local"
        self.now = dt.datetime.now(dt.UTC)
        self.items = registry.questionnaire().answer_items
        self.text_item = registry.questionnaire().text_items[0].code

    # ------------------------------------------------------------------ files

    def ingest_new_files(self) -> IngestSummary:
        summary = IngestSummary()
        landed = landing.scan(self.landing_dir)
        summary.files_seen = len(landed)
        with self.engine.connect() as conn:
            known = dict(
                conn.execute(sa.select(schema.ingested_files.c.path, schema.ingested_files.c.sha256)).all()
            )
        todo = []
        for f in landed:
            ref = self.file_ref(f.path)
            if known.get(ref) == f.sha256:
                summary.files_unchanged += 1
                continue
            if ref in known:
                summary.files_changed += 1
            else:
                summary.files_new += 1
            todo.append(f)
        # Files are committed in batches (each batch is one transaction, ledger and staging
        # together): a commit per file would cost more than reading it.
        for i in range(0, len(todo), FILES_PER_TRANSACTION):
            with self.engine.begin() as conn:
                summary.outcomes += [self.ingest_file(f, conn) for f in todo[i : i + FILES_PER_TRANSACTION]]
        return summary

    def file_ref(self, rel: str) -> str:
        """The file's name as stored: tablet file names carry the device serial, which is
        personal data, so it is replaced by its pseudonym."""
        m = _TABLET_NAME.match(rel)
        if not m:
            return rel
        return f"tablet/{m.group(1)}/dev-{self.pseudo('device', m.group(2))[:12]}_{m.group(3)}.csv"

    def ingest_file(self, f: landing.LandedFile, conn: sa.Connection) -> FileOutcome:
        data = (self.landing_dir / f.path).read_bytes()
        ref = self.file_ref(f.path)
        # From here on the file is known by its stored name only.
        f = dataclasses.replace(f, path=ref)
        outcome = FileOutcome(ref, f.channel, "ingested")
        if f.channel == "unknown":
            parsed = exports.Parsed(
                [], [], 0, exports.Reject(None, "file_name_unknown", "Dateiname passt zu keinem Export")
            )
        else:
            encodings = ("utf-8-sig", "cp1252") if f.channel == "tablet" else ("utf-8-sig",)
            decoded = landing.decode(data, encodings)
            if decoded is None:
                parsed = exports.Parsed(
                    [],
                    [],
                    0,
                    exports.Reject(
                        None, "encoding", f"Zeichenkodierung nicht lesbar (erwartet: {', '.join(encodings)})"
                    ),
                )
            else:
                text, encoding = decoded
                if encoding == "utf-8-sig":
                    encoding = "utf-8-bom" if data.startswith(codecs.BOM_UTF8) else "utf-8"
                outcome.encoding = encoding
                parse = exports.parse_tablet if f.channel == "tablet" else exports.parse_web
                parsed = parse(text.removeprefix("\ufeff"), f.path)
        # A file delivered again with other content replaces exactly its own rows.
        for table in (schema.tablet_rows, schema.web_versions, schema.quarantine):
            conn.execute(sa.delete(table).where(table.c.source_file == ref))
        if parsed.file_reject is not None:
            outcome.status = "quarantined"
            self._quarantine_file(conn, f, data, parsed.file_reject, outcome)
        else:
            if parsed.rejects:
                self._quarantine_rows(conn, f, parsed.rejects, outcome)
            if f.channel == "tablet":
                self._stage_tablet(conn, f, parsed.rows, outcome)
            else:
                self._stage_web(conn, f, parsed.rows, outcome)
        self._mark_dates(conn, outcome.dates)
        self._record(conn, f, outcome)
        return outcome

    # ------------------------------------------------------------------ quarantine

    def _quarantine_dir(self) -> Path:
        path = self.quarantine_dir / self.now.strftime("%Y-%m-%d")
        path.mkdir(parents=True, exist_ok=True)
        return path

    @staticmethod
    def _safe_name(rel: str) -> str:
        return re.sub(r"[^A-Za-z0-9_.-]", "__", rel)

    def _quarantine_file(self, conn, f, data: bytes, reject: exports.Reject, outcome: FileOutcome):
        target = self._quarantine_dir() / self._safe_name(f.path)
        target.write_bytes(data)
        conn.execute(
            sa.insert(schema.quarantine),
            [self._q_row(f, None, reject.rule, reject.reason, target)],
        )
        outcome.reasons[reject.rule] += 1

    def _quarantine_rows(self, conn, f, rejects: list[exports.Reject], outcome: FileOutcome):
        target = self._quarantine_dir() / (self._safe_name(f.path) + ".rows.csv")
        with target.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["source_row", "rule", "fields"])
            for r in rejects:
                writer.writerow([r.source_row, r.rule, *r.raw])
        conn.execute(
            sa.insert(schema.quarantine),
            [self._q_row(f, r.source_row, r.rule, r.reason, target) for r in rejects],
        )
        outcome.counts["quarantined"] += len(rejects)
        outcome.reasons.update(r.rule for r in rejects)

    def _q_row(self, f, source_row, rule, reason, target: Path) -> dict:
        return {
            "source_file": f.path,
            "source_row": source_row,
            "channel": f.channel,
            "rule": rule[:60],
            "reason": reason[:300],
            "content_ref": target.relative_to(self.quarantine_dir).as_posix(),
            "run_id": self.run_id,
            "quarantined_at": self.now,
        }

    # ------------------------------------------------------------------ staging

    def _comment(self, text: str) -> tuple[str | None, str, str | None]:
        if not text or not text.strip():
            return None, "none", None
        redacted = self.redactor.redact(text)
        kinds = ",".join(redacted.kinds) or None
        if redacted.held_back:
            return None, "held_back", kinds
        return redacted.text, "published", kinds

    def _existing(self, conn, column, keys: list[str], exclude_file: str) -> dict:
        """Staged rows of other files with these keys (chunked IN queries)."""
        out = {}
        table = column.table
        for i in range(0, len(keys), _IN_CHUNK):
            chunk = keys[i : i + _IN_CHUNK]
            if table is schema.web_versions:
                query = (
                    sa.select(column, sa.func.max(table.c.progress_seconds))
                    .where(column.in_(chunk), table.c.source_file != exclude_file)
                    .group_by(column)
                )
            else:
                query = sa.select(column, sa.literal(0)).where(
                    column.in_(chunk), table.c.source_file != exclude_file
                )
            out.update(dict(conn.execute(query).all()))
        return out

    def _stage_tablet(self, conn, f, rows: list[dict], outcome: FileOutcome):
        staged = []
        for row in rows:
            moment = contracts.parse_time(row["local_time"])
            is_text = row["question_code"] == self.text_item
            comment, status, kinds = self._comment(row["free_text"]) if is_text else (None, "none", None)
            staged.append(
                {
                    "source_file": f.path,
                    "source_row": row["source_row"],
                    "feedback_key": self.pseudo("tablet-row", row["feedback_id"].lower()),
                    "session_key": self.pseudo("tablet-session", row["session_id"].lower()),
                    "device_key": self.pseudo("device", row["device_id"]),
                    "centre": row["centre_code"],
                    "response_date": moment.date(),
                    "daypart": daypart(moment),
                    "questionnaire_version": int(row["questionnaire_version"]),
                    "language": row["language"],
                    "question_code": row["question_code"],
                    "answer": int(row["answer"]) if row["answer"] else None,
                    "comment": comment,
                    "comment_status": status,
                    "comment_redactions": kinds,
                    "misuse": row["misuse"] == "1",
                }
            )
        seen = self._existing(
            conn, schema.tablet_rows.c.feedback_key, sorted({s["feedback_key"] for s in staged}), f.path
        )
        for s in staged:
            if s["feedback_key"] in seen:
                outcome.counts["duplicate"] += 1
            else:
                seen[s["feedback_key"]] = 0
                outcome.counts["excluded" if s["misuse"] else "accepted"] += 1
            outcome.dates.add(s["response_date"])
        if staged:
            conn.execute(sa.insert(schema.tablet_rows), staged)

    def _stage_web(self, conn, f, rows: list[dict], outcome: FileOutcome):
        staged = []
        for row in rows:
            finished = bool(row["submitdate"])
            last = contracts.parse_time(row["datestamp"])
            started = contracts.parse_time(row["startdate"]) if row["startdate"] else last
            moment = contracts.parse_time(row["submitdate"]) if finished else last
            comment, status, kinds = self._comment(row[self.text_item])
            record = {
                "source_file": f.path,
                "source_row": row["source_row"],
                "response_key": self.pseudo("web-response", row["id"]),
                "progress_seconds": int((last - started).total_seconds()),
                "finished": finished,
                "centre": row["KZ"],
                "response_date": moment.date(),
                "daypart": daypart(moment),
                "questionnaire_version": int(row["QV"]),
                "language": row["startlanguage"],
                "comment": comment,
                "comment_status": status,
                "comment_redactions": kinds,
            }
            for item in self.items:
                record[item.code] = int(row[item.code]) if row[item.code] else None
            staged.append(record)
        newest = self._existing(
            conn, schema.web_versions.c.response_key, sorted({s["response_key"] for s in staged}), f.path
        )
        for s in staged:
            key, progress = s["response_key"], s["progress_seconds"]
            if key in newest and newest[key] >= progress:
                outcome.counts["duplicate"] += 1  # the same or an older state of a known response
            else:
                newest[key] = progress
                outcome.counts["accepted" if s["finished"] else "excluded"] += 1
            outcome.dates.add(s["response_date"])
        if staged:
            keys = sorted({s["response_key"] for s in staged})
            outcome.dates.update(self._dates_of_keys(conn, keys))
            conn.execute(sa.insert(schema.web_versions), staged)

    def _dates_of_keys(self, conn, keys: list[str]) -> set:
        """Dates of earlier versions: a newer version can move a response to another day."""
        dates = set()
        t = schema.web_versions
        for i in range(0, len(keys), _IN_CHUNK):
            q = sa.select(t.c.response_date).where(t.c.response_key.in_(keys[i : i + _IN_CHUNK])).distinct()
            dates.update(conn.execute(q).scalars())
        return dates

    def _mark_dates(self, conn, dates: set):
        if not dates:
            return
        t = schema.pending_dates
        existing = set(conn.execute(sa.select(t.c.response_date)).scalars())
        new = sorted(dates - existing)
        if new:
            conn.execute(sa.insert(t), [{"response_date": d} for d in new])

    def _record(self, conn, f, outcome: FileOutcome):
        t = schema.ingested_files
        conn.execute(sa.delete(t).where(t.c.path == f.path))
        conn.execute(
            sa.insert(t),
            [
                {
                    "path": f.path,
                    "sha256": f.sha256,
                    "size": f.size,
                    "channel": f.channel,
                    "status": outcome.status,
                    "encoding": outcome.encoding,
                    "rows_read": outcome.rows_read,
                    **{o: outcome.counts[o] for o in OUTCOMES},
                    "run_id": self.run_id,
                    "ingested_at": self.now,
                }
            ],
        )

    def purge_quarantine(self, retention_days: int) -> int:
        """Delete raw quarantine content older than the retention period."""
        cutoff = (self.now - dt.timedelta(days=retention_days)).strftime("%Y-%m-%d")
        removed = 0
        if self.quarantine_dir.is_dir():
            for folder in self.quarantine_dir.iterdir():
                if (
                    folder.is_dir()
                    and re.fullmatch(r"\d{4}-\d{2}-\d{2}", folder.name)
                    and folder.name < cutoff
                ):
                    shutil.rmtree(folder)
                    removed += 1
        return removed


# --------------------------------------------------------------------------- responses


@dataclass
class RebuildResult:
    dates: list
    frame: pd.DataFrame  # the rows written to `responses`
    excluded: pd.DataFrame  # the rows written to `excluded_responses`


def pending_dates(engine: sa.Engine) -> list[dt.date]:
    with engine.connect() as conn:
        return sorted(conn.execute(sa.select(schema.pending_dates.c.response_date)).scalars())


def all_staged_dates(engine: sa.Engine) -> list[dt.date]:
    with engine.connect() as conn:
        dates = set(conn.execute(sa.select(schema.tablet_rows.c.response_date).distinct()).scalars())
        dates |= set(conn.execute(sa.select(schema.web_versions.c.response_date).distinct()).scalars())
    return sorted(dates)


def build_responses(engine: sa.Engine, dates: list[dt.date]) -> RebuildResult:
    """Derive the response store rows of these dates from staging (no writes)."""
    items = [i.code for i in registry.questionnaire().answer_items]
    text_item = registry.questionnaire().text_items[0].code
    columns = contracts.load("responses").columns
    date_set = set(dates)
    tablet, web = _load_staged(engine, dates)

    frames, excluded = [], []
    if not tablet.empty:
        # The same row uploaded twice counts once: keep its first delivery.
        tablet = tablet.sort_values(["source_file", "source_row"]).drop_duplicates("feedback_key")
        first = tablet.groupby("session_key", sort=False).first()
        answers = (
            tablet[tablet.question_code != text_item]
            .pivot_table(index="session_key", columns="question_code", values="answer", aggfunc="first")
            .reindex(columns=items)
        )
        comments = (
            tablet[tablet.question_code == text_item]
            .groupby("session_key")[["comment", "comment_status", "comment_redactions"]]
            .first()
        )
        sessions = first[
            [
                "centre",
                "response_date",
                "daypart",
                "questionnaire_version",
                "language",
                "device_key",
                "source_file",
            ]
        ]
        sessions = sessions.join(answers).join(comments)
        sessions["misuse"] = tablet.groupby("session_key")["misuse"].any()
        sessions["channel"] = "tablet"
        sessions["comment_status"] = sessions["comment_status"].fillna("none")
        sessions = sessions.reset_index().rename(columns={"session_key": "response_key"})
        sessions = sessions[sessions.response_date.isin(date_set)]
        excluded.append(sessions.loc[sessions.misuse].assign(reason="misuse"))
        frames.append(sessions.loc[~sessions.misuse])
    if not web.empty:
        # Newest datestamp wins; equal states are the same version seen twice.
        web = web.sort_values(
            ["response_key", "progress_seconds", "finished", "source_file", "source_row"],
            ascending=[True, False, False, True, True],
        ).drop_duplicates("response_key")
        web = web[web.response_date.isin(date_set)].copy()
        web["channel"] = "web"
        web["device_key"] = None
        excluded.append(web.loc[~web.finished].assign(reason="unfinished"))
        frames.append(web.loc[web.finished])

    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    frame = frame.reindex(columns=columns)
    for code in items:
        frame[code] = frame[code].astype("Int16")
    frame["questionnaire_version"] = frame["questionnaire_version"].astype("Int16")
    frame = frame.sort_values(["response_date", "centre", "response_key"], ignore_index=True)
    ex_cols = ["response_key", "channel", "centre", "response_date", "reason"]
    excl = pd.concat(excluded, ignore_index=True)[ex_cols] if excluded else pd.DataFrame(columns=ex_cols)
    return RebuildResult(
        sorted(date_set), frame, excl.sort_values(["response_date", "response_key"], ignore_index=True)
    )


def _load_staged(engine, dates) -> tuple[pd.DataFrame, pd.DataFrame]:
    t, w = schema.tablet_rows, schema.web_versions
    tablet_parts, web_parts = [], []
    with engine.connect() as conn:
        for i in range(0, len(dates), 60):
            chunk = dates[i : i + 60]
            sessions = sa.select(t.c.session_key).where(t.c.response_date.in_(chunk))
            tablet_parts.append(pd.read_sql(sa.select(t).where(t.c.session_key.in_(sessions)), conn))
            keys = sa.select(w.c.response_key).where(w.c.response_date.in_(chunk))
            web_parts.append(pd.read_sql(sa.select(w).where(w.c.response_key.in_(keys)), conn))
    tablet = pd.concat(tablet_parts, ignore_index=True) if tablet_parts else pd.DataFrame()
    web = pd.concat(web_parts, ignore_index=True) if web_parts else pd.DataFrame()
    if not web.empty:
        web = web.drop_duplicates(["source_file", "source_row"])
        web["finished"] = web["finished"].astype(bool)
    if not tablet.empty:
        tablet = tablet.drop_duplicates(["source_file", "source_row"])
        tablet["misuse"] = tablet["misuse"].astype(bool)
    for frame in (tablet, web):
        if not frame.empty:
            frame["response_date"] = pd.to_datetime(frame["response_date"]).dt.date
    return tablet, web


def write_responses(engine: sa.Engine, result: RebuildResult) -> None:
    """Replace exactly these dates, in one transaction (delete, then insert)."""
    r, e, p = schema.responses, schema.excluded_responses, schema.pending_dates
    rows = _records(result.frame)
    excl = _records(result.excluded)
    with engine.begin() as conn:
        for i in range(0, len(result.dates), 300):
            chunk = result.dates[i : i + 300]
            for table in (r, e, p):
                conn.execute(sa.delete(table).where(table.c.response_date.in_(chunk)))
        if rows:
            conn.execute(sa.insert(r), rows)
        if excl:
            conn.execute(sa.insert(e), excl)


def _records(frame: pd.DataFrame) -> list[dict]:
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")
