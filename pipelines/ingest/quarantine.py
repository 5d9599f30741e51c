"""Quarantine: rejected files and rows, with a reason in the warehouse and their raw
content in a restricted folder (one folder per day, purged after the retention period).

Raw content may carry personal data: it is kept only here, readable by the owner only,
and the `quarantine` table names files by their stored (pseudonymous) names.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import shutil
from pathlib import Path

import sqlalchemy as sa

from pipelines.ingest.parsing import Reject
from pipelines.warehouse import schema

_DAY_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}")


def _safe_name(rel: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]", "__", rel)
    if len(name) > 150:  # file names are limited to 255 bytes
        name = f"{name[:100]}~{hashlib.sha256(rel.encode()).hexdigest()[:16]}"
    return name


def _private(path: Path):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return open(fd, "wb")


class Quarantine:
    def __init__(self, folder: Path, run_id: str, now: dt.datetime):
        self.folder, self.run_id, self.now = Path(folder), run_id, now
        self.original: dict[str, str] = {}  # stored name → name in the landing folder

    def _day_folder(self) -> Path:
        # Raw content may carry personal data: folders and files for the owner only.
        path = self.folder / self.now.strftime("%Y-%m-%d")
        for folder in (self.folder, path):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            folder.chmod(0o700)
        return path

    def _note_original_name(self, ref: str) -> None:
        """The operator finds a quarantined file in the landing folder by its original name,
        kept only here, in the restricted quarantine folder."""
        original = self.original.get(ref, ref)
        if original == ref:
            return
        path = self._day_folder() / "names.csv"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with open(fd, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerow([ref, original])

    def entry(
        self, path: str, channel: str, source_row, rule: str, reason: str, target: Path | None = None
    ) -> dict:
        """A row of the `quarantine` table."""
        return {
            "source_file": path,
            "source_row": source_row,
            "channel": channel,
            "rule": rule[:60],
            "reason": reason[:300],
            "content_ref": target.relative_to(self.folder).as_posix() if target else None,
            "run_id": self.run_id,
            "quarantined_at": self.now,
        }

    def file(self, conn: sa.Connection, path: str, channel: str, data: bytes | None, reject: Reject) -> None:
        """A whole file: its content kept, one entry for it."""
        self._note_original_name(path)
        target = None
        if data is not None:  # a link or special file is named, its content never copied
            target = self._day_folder() / _safe_name(path)
            with _private(target) as fh:
                fh.write(data)
        conn.execute(
            sa.insert(schema.quarantine),
            [self.entry(path, channel, None, reject.rule, reject.reason, target)],
        )

    def rows(self, conn: sa.Connection, path: str, channel: str, rejects: list[Reject]) -> None:
        """Rejected rows of a file read otherwise: their fields kept, one entry each."""
        self._note_original_name(path)
        target = self._day_folder() / (_safe_name(path) + ".rows.csv")
        with _private(target) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["source_row", "rule", "fields"])
            for r in rejects:
                writer.writerow([r.source_row, r.rule, *r.raw])
        conn.execute(
            sa.insert(schema.quarantine),
            [self.entry(path, channel, r.source_row, r.rule, r.reason, target) for r in rejects],
        )

    def purge(self, retention_days: int) -> int:
        """Delete raw quarantine content older than the retention period; returns the day
        folders removed."""
        cutoff = (self.now - dt.timedelta(days=retention_days)).strftime("%Y-%m-%d")
        removed = 0
        if self.folder.is_dir():
            for folder in self.folder.iterdir():
                if folder.is_dir() and _DAY_FOLDER.fullmatch(folder.name) and folder.name < cutoff:
                    shutil.rmtree(folder)
                    removed += 1
        return removed
