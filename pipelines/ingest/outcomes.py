"""What became of each landed file and its rows: the accounting of one ingestion."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# Every raw row ends in exactly one of these.
OUTCOMES = ("accepted", "duplicate", "excluded", "quarantined")


@dataclass
class FileOutcome:
    path: str
    channel: str
    status: str  # ingested | quarantined | kept_previous | failed
    encoding: str | None = None
    records: int = 0  # data records the parser read from the file (its own count)
    counts: Counter = field(default_factory=Counter)  # per outcome
    reasons: Counter = field(default_factory=Counter)  # quarantine rule → rows
    dates: set = field(default_factory=set)

    @property
    def accounted(self) -> int:
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
        total["rows_read"] = sum(o.records for o in self.outcomes)
        return total

    def unbalanced(self) -> list[str]:
        """Files whose records, as counted by the parser, are not all accounted for."""
        return [f"{o.path}: {o.records} read, {o.accounted} accounted" for o in self.outcomes
                if o.records != o.accounted]  # fmt: skip

    def reasons(self) -> Counter:
        total = Counter()
        for o in self.outcomes:
            total.update(o.reasons)
        return total

    def files_with(self, status: str) -> list[str]:
        return [o.path for o in self.outcomes if o.status == status]

    def files_quarantined(self) -> int:
        return len(self.files_with("quarantined"))

    def encodings(self) -> Counter:
        return Counter(o.encoding or "unreadable" for o in self.outcomes)
