"""Pseudonymisation and coarsening, applied in ingestion before anything is stored."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac

from pipelines.warehouse.bulk import each

# Reports need the local date and at most a part of the day; nothing finer is stored.
DAYPARTS = ((12, "vormittags"), (17, "nachmittags"), (24, "abends"))


class Pseudonymiser:
    """Keyed hash (HMAC-SHA256): stable for one key, not reversible without it."""

    def __init__(self, key: str):
        if not key:
            raise ValueError("a pseudonymisation key is required")
        self._key = key.encode("utf-8")
        self._keyed = hmac.new(
            self._key, digestmod=hashlib.sha256
        )  # copied per value: the key is set up once
        # The rows of one questionnaire repeat its session and device: hash each once.
        self._cached = functools.lru_cache(maxsize=1 << 16)(self._hash)

    def __call__(self, kind: str, value: str) -> str:
        return self._cached(kind, value)

    def many(self, kind: str, values: list[str]) -> list[str]:
        """The pseudonyms of many values (a file's column), each distinct value looked up once."""
        return each(functools.partial(self._cached, kind), values)

    def fingerprint(self) -> str:
        """Identifies the key without revealing it: the warehouse stores this, never the key,
        to refuse a run with another key (which would make every pseudonym new)."""
        return self._hash("key-fingerprint", "survey")[:16]

    def _hash(self, kind: str, value: str) -> str:
        # The kind is mixed in so the same string as device and as response id
        # gives unrelated pseudonyms. 128 bits are plenty to stay collision-free.
        mac = self._keyed.copy()
        mac.update(f"{kind}\x1f{value}".encode())
        return mac.hexdigest()[:32]


def daypart(moment: dt.datetime) -> str:
    for end_hour, name in DAYPARTS:
        if moment.hour < end_hour:
            return name
    raise AssertionError("unreachable")
