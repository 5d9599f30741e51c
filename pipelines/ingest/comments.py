"""Free-text comments as staging stores them: redacted once per run each, and when a
batch of files brings many new ones, half of them in a worker process beside this one.

Redaction is the slowest step of ingestion (about a millisecond a comment) and a pure
function of the text and the rules, so a worker's result is the one this process would
get. The cache lives in this process's memory for one run; the worker receives comments
through a pipe and keeps nothing: no comment is written anywhere but to staging.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pipelines.core import workers
from pipelines.ingest.redaction import Redactor

CACHED = 50_000  # distinct comments kept per run; the cache starts over when full
# Fewer new comments than this in a batch: redacting them here is quicker than a round trip.
SHARE_FROM = 100
# Files to ingest from which a worker pays for its start (imports, rules: about 2 s).
WORKER_FROM_FILES = 200

Stored = tuple[str | None, str, str | None]  # (comment, comment_status, comment_redactions)


def stored_form(redactor: Redactor, text: str) -> Stored:
    redacted = redactor.redact(text)
    kinds = ",".join(redacted.kinds) or None
    if redacted.held_back:
        return None, "held_back", kinds
    return redacted.text, "published", kinds


_WORKER: dict = {}


def _start_worker(directory: str) -> None:
    """Pool set-up (`workers.pool`: a killed run leaves no worker behind): build the
    redactor once."""
    _WORKER["redactor"] = Redactor.default(Path(directory))


def _redact_many(texts: list[str]) -> list[Stored]:
    return [stored_form(_WORKER["redactor"], t) for t in texts]


class Comments:
    """The stored form of each comment of one run. `directory`: the configuration the
    redactor is built from (`Redactor.default`) when none is given; None keeps all work in
    this process."""

    def __init__(self, redactor: Redactor | None, directory: Path | None = None):
        self._redactor = redactor
        self._directory = directory
        self._done: dict[str, Stored] = {}
        self._pool: ProcessPoolExecutor | None = None

    @property
    def redactor(self) -> Redactor:
        # Built on first need (about 1 s): a run without new files never needs it.
        if self._redactor is None:
            self._redactor = Redactor.default(self._directory)
        return self._redactor

    def ready(self) -> None:
        """Build the redactor now (a broken configuration fails here, not inside a file)."""
        _ = self.redactor

    def get(self, text: str) -> Stored:
        if not text or not text.strip():
            return None, "none", None
        done = self._done.get(text)
        if done is None:
            done = self._store(text, stored_form(self.redactor, text))
        return done

    def _store(self, text: str, stored: Stored) -> Stored:
        if len(self._done) >= CACHED:
            self._done.clear()
        self._done[text] = stored
        return stored

    def start_worker(self, files: int) -> None:
        """Start the worker now, so that it is ready by the first batch, when there are
        enough files to ingest for it to pay."""
        if self._directory is None or files < WORKER_FROM_FILES or self._pool is not None:
            return
        # PR_SET_PDEATHSIG fires when the thread that started the worker ends: this one
        # (blocked on the result) or the pool's manager thread, alive as long as the pool.
        self._pool = workers.pool(1, _start_worker, str(self._directory))

    def prepare(self, texts: Iterable[str]) -> None:
        """Redact the new comments of a batch ahead: half here, half in the worker."""
        new = list(dict.fromkeys(t for t in texts if t and t.strip() and t not in self._done))
        if self._pool is None or len(new) < SHARE_FROM:
            return  # `get` redacts them when they are staged
        mine, theirs = new[: len(new) // 2], new[len(new) // 2 :]
        try:
            future = self._pool.submit(_redact_many, theirs)
        except Exception:  # noqa: BLE001 - a broken pool: everything here
            self.close()
            return
        for text in mine:
            self._store(text, stored_form(self.redactor, text))
        try:
            results = future.result()
        except Exception:  # noqa: BLE001 - the worker died: the same work here
            self.close()
            results = [stored_form(self.redactor, t) for t in theirs]
        for text, stored in zip(theirs, results, strict=True):
            self._store(text, stored)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
