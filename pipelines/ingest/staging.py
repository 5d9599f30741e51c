"""Ingestion: landed files → pseudonymous, redacted staging (the file ledger beside it).

Every raw row ends up in exactly one of: accepted, duplicate, excluded (misuse,
unfinished) or quarantined (`outcomes`). Personal data stops here: identifiers are hashed with
a key, clock times are cut to a date and a part of the day, free text is redacted,
IP addresses and referrer URLs are dropped. Only quarantine keeps raw content.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import logging
from pathlib import Path

import sqlalchemy as sa

from pipelines import warehouse
from pipelines.core import contracts, registry
from pipelines.ingest import columns, landing, lookups, parsing, pseudonym_key, response_store
from pipelines.ingest.comments import Comments
from pipelines.ingest.outcomes import OUTCOMES, FileOutcome, IngestSummary
from pipelines.ingest.pseudonyms import Pseudonymiser
from pipelines.ingest.quarantine import Quarantine
from pipelines.ingest.redaction import Redactor
from pipelines.warehouse import bulk, schema

log = logging.getLogger(__name__)
FILES_PER_TRANSACTION = 500
READ_AHEAD_BYTES = 8 << 20  # files parsed ahead, so that their new comments are redacted together


def _by_size(batch: list) -> list[list]:
    """Consecutive parts of a batch of (file, ledger row) of about READ_AHEAD_BYTES each."""
    parts, size = [[]], 0
    for item in batch:
        if parts[-1] and size + item[0].size > READ_AHEAD_BYTES:
            parts.append([])
            size = 0
        parts[-1].append(item)
        size += item[0].size
    return parts


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
        self.pseudo = pseudonymiser
        self.run_id = run_id or "local"
        self.now = dt.datetime.now(dt.UTC)
        self.items = registry.questionnaire().answer_items
        self.text_item = registry.questionnaire().text_items[0].code
        self.centre_codes = set(registry.registry().by_code)
        self.quarantine = Quarantine(Path(quarantine_dir), self.run_id, self.now)
        self.comments = Comments(redactor, registry.config_dir() if redactor is None else None)
        self._reads: dict[str, tuple] = {}  # stored name → what `_read` gave, read ahead
        self._queued = lookups.Queued()

    def check_key(self, conn: sa.Connection) -> None:
        pseudonym_key.check(conn, self.pseudo)

    def rotate_key(self) -> int:
        """Start over with the current key (`pseudonym_key.rotate`)."""
        with warehouse.exclusive(self.engine, "ingest"), self.engine.begin() as conn:
            return pseudonym_key.rotate(conn, self.pseudo)

    # ------------------------------------------------------------------ files

    def ingest_new_files(self) -> IngestSummary:
        # One ingestion at a time, whichever run or process starts it.
        with warehouse.exclusive(self.engine, "ingest"):
            return self._ingest_new_files()

    def _ingest_new_files(self) -> IngestSummary:
        summary = IngestSummary()
        with self.engine.begin() as conn:
            self.check_key(conn)
        landed = landing.scan(self.landing_dir)
        summary.files_seen = len(landed)
        t = schema.ingested_files
        with self.engine.connect() as conn:
            known = {row.path: row for row in conn.execute(sa.select(t)).all()}
        todo = []
        for f in landed:
            ref = self.file_ref(f.path)
            if ref in known and known[ref].sha256 == f.sha256:
                summary.files_unchanged += 1
                continue
            if ref in known:
                summary.files_changed += 1
            else:
                summary.files_new += 1
            todo.append((f, known.get(ref)))
        # Files are committed in batches (each batch is one transaction, ledger and staging
        # together): a commit per file would cost more than reading it. Should a batch fail,
        # it is done again file by file, so one broken file never holds back its neighbours.
        if todo:  # (before the first file's transaction: a broken configuration fails the run)
            self.comments.ready()
        self.comments.start_worker(len(todo))
        try:
            for i in range(0, len(todo), FILES_PER_TRANSACTION):
                summary.outcomes += self._ingest_batch(todo[i : i + FILES_PER_TRANSACTION])
        finally:
            self.comments.close()
        return summary

    def _ingest_batch(self, batch: list) -> list[FileOutcome]:
        try:
            with self.engine.begin() as conn:
                self._queued = lookups.look_ahead(conn, [self.file_ref(f.path) for f, _ in batch])
                outcomes = []
                for part in _by_size(batch):
                    self._read_ahead([f for f, _ in part])
                    outcomes += [self.ingest_file(f, conn, before) for f, before in part]
                self._flush(conn)
                return outcomes
        except Exception as exc:  # noqa: BLE001 - isolated below, file by file
            self._reads.clear()
            log.warning(
                "a batch of %d files failed (%s); storing them one by one", len(batch), type(exc).__name__
            )
            return [self._ingest_alone(f, before) for f, before in batch]

    def _read_ahead(self, files: list[landing.LandedFile]) -> None:
        """Parse these files now and redact their new comments together (`Comments.prepare`)."""
        texts = []
        for f in files:
            ref = self.file_ref(f.path)
            self._reads[ref] = read = self._read(f, ref)
            for row in read[1].rows:
                if f.channel == "web":
                    texts.append(row[self.text_item])
                elif row["question_code"] == self.text_item:
                    texts.append(row["free_text"])
        self.comments.prepare(texts)

    def _flush(self, conn) -> None:
        """The batch's ledger rows and the dates its files touched, in its transaction."""
        queued, self._queued = self._queued, lookups.Queued()
        response_store.mark_dates(conn, queued.dates)
        if queued.ledger:
            conn.execute(sa.insert(schema.ingested_files), queued.ledger)

    def _ingest_alone(self, f: landing.LandedFile, before) -> FileOutcome:
        self._queued = lookups.Queued()
        try:
            with self.engine.begin() as conn:
                outcome = self.ingest_file(f, conn, before)
                self._flush(conn)
                return outcome
        except Exception as exc:  # noqa: BLE001 - this file's failure is its quarantine entry
            ref = self.file_ref(f.path)
            reason = (
                f"Datei konnte nicht gespeichert werden ({type(exc).__name__}); die zuletzt gelesene "
                "Fassung bleibt in Kraft, die Datei wird beim nächsten Lauf erneut gelesen"
            )
            q = schema.quarantine
            with self.engine.begin() as conn:
                conn.execute(sa.delete(q).where(q.c.source_file == ref, q.c.rule == "ingest_error"))
                conn.execute(
                    sa.insert(q), [self.quarantine.entry(ref, f.channel, None, "ingest_error", reason)]
                )
            outcome = FileOutcome(ref, f.channel, "failed")
            outcome.reasons["ingest_error"] += 1
            return outcome

    def file_ref(self, rel: str) -> str:
        """The file's name as stored. Tablet file names carry the device serial, which is
        personal data, so it is replaced by its pseudonym, and so is a tablet folder that is
        no centre of the registry (e.g. one folder per device). A name that fits no export
        may carry a serial or a name anywhere: only its top folder stays. The quarantine
        folder keeps the original names (`names.csv`) for the operator."""
        if m := landing.TABLET_NAME.fullmatch(rel):
            folder = m.group(1)
            if folder not in self.centre_codes:
                folder = f"folder-{self.pseudo('tablet-folder', folder)[:8]}"
            return f"tablet/{folder}/dev-{self.pseudo('device', m.group(2))[:12]}_{m.group(3)}.csv"
        if landing.classify(rel)[0] == "web":
            return rel
        top = rel.split("/", 1)[0] if rel.split("/", 1)[0] in ("tablet", "web") else "other"
        return f"{top}/name-{self.pseudo('file-name', rel)[:16]}"

    def _read(self, f: landing.LandedFile, ref: str) -> tuple[bytes | None, parsing.Parsed, str | None, bool]:
        """(raw bytes, parsed, encoding, ends inside a record)."""
        if not f.regular:
            reject = parsing.Reject(
                None,
                "not_regular_file",
                "Keine reguläre Datei (z. B. symbolischer Link): Inhalt nicht gelesen",
            )
            return None, parsing.Parsed([], [], 0, reject), None, False
        data = (self.landing_dir / f.path).read_bytes()
        if f.channel == "unknown":
            reject = parsing.Reject(None, "file_name_unknown", "Dateiname passt zu keinem Export")
            return data, parsing.Parsed([], [], 0, reject), None, False
        encodings = contracts.raw(f.channel).file_format.encodings
        decoded = landing.decode(data, encodings)
        if decoded is None:
            reject = parsing.Reject(
                None, "encoding", f"Zeichenkodierung nicht lesbar (erwartet: {', '.join(encodings)})"
            )
            return data, parsing.Parsed([], [], 0, reject), None, False
        text, encoding = decoded
        if encoding == "utf-8-sig":
            encoding = "utf-8-bom" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        parse = parsing.parse_tablet if f.channel == "tablet" else parsing.parse_web
        parsed = parse(text.removeprefix("\ufeff"), ref)
        last = parsed.rejects[-1] if parsed.rejects else None
        cut = (
            not text.endswith(("\n", "\r"))
            and last is not None
            and last.rule == "field_count"
            and last.source_row == parsed.rows_read
        )
        return data, parsed, encoding, cut

    def ingest_file(self, f: landing.LandedFile, conn: sa.Connection, before=None) -> FileOutcome:
        """Read one landed file into staging. `before` is its ledger row, if it was read before."""
        ref = self.file_ref(f.path)
        data, parsed, encoding, cut = self._reads.pop(ref, None) or self._read(f, ref)
        self.quarantine.original[ref] = f.path
        # From here on the file is known by its stored name only.
        f = dataclasses.replace(f, path=ref)
        outcome = FileOutcome(ref, f.channel, "ingested", encoding=encoding, records=parsed.rows_read)
        in_force = (
            before is not None
            and before.status != "quarantined"
            and (before.accepted + before.duplicate + before.excluded > 0)
        )
        unreadable = parsed.file_reject
        if in_force and unreadable is None and parsed.rows_read == 0:
            unreadable = parsing.Reject(None, "file_empty", "Datei enthält keine Datenzeilen mehr")
        if in_force and unreadable is None and cut:
            unreadable = parsing.Reject(
                None,
                "file_truncated",
                f"Datei endet mitten in Zeile {parsed.rows_read} (Übertragung abgebrochen?)",
            )
        if in_force and unreadable is not None:
            return self._keep_previous(conn, f, data, unreadable, outcome, before)
        # A file delivered again with other content replaces exactly its own rows; the dates
        # its old rows were on are derived again too (a session may have moved to another day).
        # (A file never read before has no staged rows: nothing to look up.)
        old_dates = lookups.dates_sharing_keys(conn, ref) if before is not None else set()
        for table in lookups.OWN_ROWS:
            if self._queued.may_have(table, ref):
                conn.execute(sa.delete(table).where(table.c.source_file == ref))
        if unreadable is not None:
            outcome.status = "quarantined"
            self._quarantine_file(conn, f, data, unreadable, outcome)
        else:
            if parsed.rejects:
                self._quarantine_rows(conn, f, parsed.rejects, outcome)
            if f.channel == "tablet":
                self._stage_tablet(conn, f, parsed.rows, outcome)
            else:
                self._stage_web(conn, f, parsed.rows, outcome)
        self._queued.dates |= outcome.dates | old_dates
        self._record(
            conn, f, outcome, before, in_force_sha256=f.sha256 if outcome.status == "ingested" else None
        )
        return outcome

    def _keep_previous(
        self, conn, f, data, reject: parsing.Reject, outcome: FileOutcome, before
    ) -> FileOutcome:
        """An unreadable re-delivery: quarantined, while the content read last stays in force."""
        outcome.status = "kept_previous"
        reject = dataclasses.replace(
            reject, reason=f"{reject.reason}; die zuletzt lesbare Fassung bleibt in Kraft"
        )
        q = schema.quarantine
        # Row entries of the content in force stay; an earlier unreadable delivery's entry goes.
        conn.execute(sa.delete(q).where(q.c.source_file == f.path, q.c.source_row.is_(None)))
        self._quarantine_file(conn, f, data, reject, outcome)
        t = schema.ingested_files
        conn.execute(
            sa.update(t)
            .where(t.c.path == f.path)
            .values(
                sha256=f.sha256, size=f.size, status="kept_previous",
                in_force_sha256=before.in_force_sha256 or before.sha256, run_id=self.run_id, ingested_at=self.now,
            )
        )  # fmt: skip
        return outcome

    def _quarantine_file(self, conn, f, data: bytes | None, reject: parsing.Reject, outcome: FileOutcome):
        self.quarantine.file(conn, f.path, f.channel, data, reject)
        # Every record of a file quarantined whole is quarantined with it.
        outcome.counts["quarantined"] += outcome.records
        outcome.reasons[reject.rule] += 1

    def _quarantine_rows(self, conn, f, rejects: list[parsing.Reject], outcome: FileOutcome):
        self.quarantine.rows(conn, f.path, f.channel, rejects)
        outcome.counts["quarantined"] += len(rejects)
        outcome.reasons.update(r.rule for r in rejects)

    # ------------------------------------------------------------------ staging

    def _comment(self, text: str) -> tuple[str | None, str, str | None]:
        # Redacted once per run (web exports repeat a response in several files, tablets
        # upload a file again), in memory only (`comments`).
        return self.comments.get(text)

    def _stage_tablet(self, conn, f, rows: list[dict], outcome: FileOutcome):
        staged = columns.tablet(f.path, rows, self.pseudo, self._comment, self.text_item)
        if not staged:
            return
        keys = staged["feedback_key"]
        seen = lookups.existing(conn, schema.tablet_rows.c.feedback_key, sorted(set(keys)), f.path)
        for key, misuse in zip(keys, staged["misuse"], strict=True):
            if key in seen:
                outcome.counts["duplicate"] += 1
            else:
                seen[key] = 0
                outcome.counts["excluded" if misuse else "accepted"] += 1
        outcome.dates.update(staged["response_date"])
        bulk.insert_columns(conn, schema.tablet_rows, staged)

    def _stage_web(self, conn, f, rows: list[dict], outcome: FileOutcome):
        items = [item.code for item in self.items]
        staged = columns.web(f.path, rows, self.pseudo, self._comment, self.text_item, items)
        if not staged:
            return
        keys = staged["response_key"]
        newest = lookups.existing(conn, schema.web_versions.c.response_key, sorted(set(keys)), f.path)
        for key, progress, finished in zip(keys, staged["progress_seconds"], staged["finished"], strict=True):
            if key in newest and newest[key] >= progress:
                outcome.counts["duplicate"] += 1  # the same or an older state of a known response
            else:
                newest[key] = progress
                outcome.counts["accepted" if finished else "excluded"] += 1
        outcome.dates.update(staged["response_date"])
        bulk.insert_columns(conn, schema.web_versions, staged)
        # Dates of other versions too: a newer version can move a response to another day.
        outcome.dates.update(lookups.dates_sharing_keys(conn, f.path))

    def _record(self, conn, f, outcome: FileOutcome, before, in_force_sha256: str | None):
        t = schema.ingested_files
        if before is not None:  # a file without a ledger row (`before`) has none to replace
            conn.execute(sa.delete(t).where(t.c.path == f.path))
        self._queued.ledger.append(
            {
                "path": f.path,
                "sha256": f.sha256,
                "in_force_sha256": in_force_sha256,
                "size": f.size,
                "channel": f.channel,
                "status": outcome.status,
                "encoding": outcome.encoding,
                "rows_read": outcome.records,
                **{o: outcome.counts[o] for o in OUTCOMES},
                "run_id": self.run_id,
                "ingested_at": self.now,
            }
        )
