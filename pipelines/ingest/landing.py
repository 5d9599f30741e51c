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
from concurrent.futures import ThreadPoolExecutor
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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _entries(base: Path):
    """(path, lstat) of every entry below `base`, without following any link."""
    for folder, dirs, names in os.walk(base, followlinks=False):
        for name in dirs + names:
            path = Path(folder) / name
            info = path.lstat()
            if stat.S_ISDIR(info.st_mode):
                continue  # a real folder: os.walk descends into it
            yield path, info


def scan(landing: Path) -> list[LandedFile]:
    """Every file below `tablet/` and `web/`, in ingestion order."""
    files, regular = [], []
    for sub in ("tablet", "web"):
        base = landing / sub
        if base.is_symlink() or not base.is_dir():
            if base.is_symlink():
                files.append(_irregular(landing, base))
            continue
        for path, info in _entries(base):
            if path.name.startswith("."):
                continue  # dot files are partial uploads in progress
            if not stat.S_ISREG(info.st_mode):
                files.append(_irregular(landing, path))
                continue
            regular.append((path, info))
    # Hashing reads every landed file on every run; hashlib lets go of the GIL, so two
    # threads hash two files at a time.
    with ThreadPoolExecutor(max_workers=2) as pool:
        digests = list(pool.map(sha256_of, [path for path, _ in regular]))
    for (path, info), digest in zip(regular, digests, strict=True):
        rel = path.relative_to(landing).as_posix()
        channel, key = classify(rel)
        files.append(LandedFile(rel, channel, info.st_size, digest, key))
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
