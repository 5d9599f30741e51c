"""What lies in the landing folder: which files, of which channel, with which content hash."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pipelines import registry


@dataclass(frozen=True)
class LandedFile:
    path: str  # relative to the landing folder, with forward slashes
    channel: str  # tablet | web | unknown
    size: int
    sha256: str
    sort_key: tuple  # order of ingestion: by channel, then by the date in the name


def _web_pattern() -> re.Pattern:
    survey_id = re.escape(registry.survey().web_survey_id)
    return re.compile(rf"^web/survey_{survey_id}_(\d{{8}})(_full)?\.csv$")


_TABLET = re.compile(r"^tablet/([^/]+)/([^/]+)_(\d{8})\.csv$")


def classify(rel: str) -> tuple[str, tuple]:
    if m := _TABLET.match(rel):
        return "tablet", (0, m.group(3), rel)
    if m := _web_pattern().match(rel):
        # A full export sorts after the daily export of the same date.
        return "web", (1, m.group(1), 1 if m.group(2) else 0, rel)
    return "unknown", (2, rel)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def scan(landing: Path) -> list[LandedFile]:
    """Every regular file below `tablet/` and `web/`, in ingestion order."""
    files = []
    for sub in ("tablet", "web"):
        base = landing / sub
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            if not path.is_file() or path.name.startswith("."):
                continue  # dot files are partial uploads in progress
            rel = path.relative_to(landing).as_posix()
            channel, key = classify(rel)
            files.append(LandedFile(rel, channel, path.stat().st_size, sha256_of(path), key))
    return sorted(files, key=lambda f: f.sort_key)


def decode(data: bytes, encodings: tuple[str, ...]) -> tuple[str, str] | None:
    """Decode with the first encoding that fits; None when none does."""
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None
