"""Report files written atomically: each through a temporary file beside it, renamed over
it when complete, so that readers never see half a file; and the temporary files that a
killed writer left removed."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path

# Temporary files are written beside their target as `.<name>.<host>-<pid>.<random>.tmp`
# and renamed over it when complete. A process killed meanwhile leaves its temporary file
# (never a half-written report); the next write of the folder removes it.
_TEMP_NAME = re.compile(r"^\.(?P<target>.+)\.(?P<host>[A-Za-z0-9_]+)-(?P<pid>\d+)\.[^.]+\.tmp$")
_OLD_TEMP_NAME = re.compile(r"^\..+\.tmp$")
STALE_TEMP_SECONDS = 3600  # a temporary file of another host (or unknown owner) this old is stale


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", os.uname().nodename) or "host"


def write_temp(path: Path, data: bytes) -> str:
    """`data` in a new temporary file beside `path`; returns its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.{_host()}-{os.getpid()}.", suffix=".tmp"
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def atomic_write(path: Path, data: bytes) -> None:
    """Write through a temporary file beside `path`, so readers never see half a report."""
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _owner_gone(match: re.Match) -> bool:
    if match["host"] != _host():
        return False
    pid = int(match["pid"])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def remove_stale_temp_files(folder: Path, target: str | None = None) -> list[Path]:
    """Remove temporary report files left by killed writers under `folder` (recursively;
    only those of `target` with a name given): their process on this host is gone, or
    they are older than STALE_TEMP_SECONDS. Returns the files removed."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    pattern = f".{target}.*.tmp" if target else ".*.tmp"
    found = folder.glob(pattern) if target else folder.rglob(pattern)
    removed = []
    now = dt.datetime.now().timestamp()
    for path in found:
        match = _TEMP_NAME.match(path.name)
        if match is None and not _OLD_TEMP_NAME.match(path.name):
            continue
        try:
            old = now - path.stat().st_mtime > STALE_TEMP_SECONDS
            if (match is not None and _owner_gone(match)) or old:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue  # removed meanwhile
    return removed
