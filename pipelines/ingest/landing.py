"""What lies in the landing folder: which files, of which channel, with which content hash.

Only regular files inside the landing folder are read. A symbolic link (to a file, a
folder, or anything outside) or any other special file is listed by name so that
ingestion can quarantine it with a reason, but its content is never opened.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from pipelines.core import registry


@dataclass(frozen=True)
class LandedFile:
    path: str  # relative to the landing folder, with forward slashes
    channel: str  # tablet | web | unknown
    size: int
    sha256: str
    sort_key: tuple  # order of ingestion: by channel, then by the date in the name
    regular: bool = True  # False: a link or special file, never read


def _web_pattern() -> re.Pattern:
    survey_id = re.escape(registry.survey().web_survey_id)
    return re.compile(rf"^web/survey_{survey_id}_(\d{{8}})(_full)?\.csv$")


# The one pattern of tablet file names: centre folder, device serial (personal data,
# any characters but a slash, newlines included), date. Ingestion pseudonymises group 2.
TABLET_NAME = re.compile(r"^tablet/([^/]+)/([^/]+)_(\d{8})\.csv$", re.DOTALL)


def classify(rel: str) -> tuple[str, tuple]:
    if m := TABLET_NAME.match(rel):
        return "tablet", (0, m.group(3), rel)
    if m := _web_pattern().match(rel):
        # A full export sorts after the daily export of the same date.
        return "web", (1, m.group(1), 1 if m.group(2) else 0, rel)
    return "unknown", (2, rel)


def sha256_of(path: Path | str) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _entries(folder: str, rel: str):
    """(path, relative path, lstat) of every entry below `folder`, without following any
    link. Plain strings and scandir: a Path object per file cost more than hashing it."""
    try:
        with os.scandir(folder) as it:
            found = [(e.path, f"{rel}/{e.name}", e.stat(follow_symlinks=False)) for e in it]
    except OSError:
        return  # an unreadable folder is skipped, as os.walk does
    for path, sub, info in found:
        if stat.S_ISDIR(info.st_mode):
            yield from _entries(path, sub)  # a real folder (a link to one is listed, not entered)
        else:
            yield path, sub, info


def scan(landing: Path) -> list[LandedFile]:
    """Every file below `tablet/` and `web/`, in ingestion order."""
    files = []
    for sub in ("tablet", "web"):
        base = landing / sub
        if base.is_symlink() or not base.is_dir():
            if base.is_symlink():
                files.append(_irregular(landing, base))
            continue
        for path, rel, info in _entries(str(base), sub):
            if rel.rpartition("/")[2].startswith("."):
                continue  # dot files are partial uploads in progress
            if not stat.S_ISREG(info.st_mode):
                files.append(_irregular(landing, Path(path)))
                continue
            # Every landed file is hashed on every run (the demo year: 10k files, 0.3 s).
            # Not in threads: the files are small and opening one holds the GIL; two
            # threads took as long as one.
            channel, key = classify(rel)
            files.append(LandedFile(rel, channel, info.st_size, sha256_of(path), key))
    return sorted(files, key=lambda f: f.sort_key)


def _irregular(landing: Path, path: Path) -> LandedFile:
    rel = path.relative_to(landing).as_posix()
    channel, key = classify(rel)
    # The identity of a link is where it points, never what it points at.
    target = os.readlink(path) if path.is_symlink() else f"mode {path.lstat().st_mode:o}"
    digest = hashlib.sha256(f"not-regular\x1f{target}".encode("utf-8", "surrogateescape")).hexdigest()
    return LandedFile(rel, channel, 0, digest, key, regular=False)


def decode(data: bytes, encodings: tuple[str, ...]) -> tuple[str, str] | None:
    """Decode with the first encoding that fits; None when none does."""
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None
