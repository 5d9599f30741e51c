"""Reading the raw exports of both channels and checking every row against the contracts.

Pure logic: text in, valid rows and rejected rows (with a specific reason) out.
The rows still carry raw identifiers; `ingestion` pseudonymises them right away.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import operator
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipelines.core import contracts, registry

_SHOWABLE = re.compile(r"^[\w.:+-]{0,24}$")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def show(value: str | None) -> str:
    """A raw value quoted in a reason: only short codes, never free text or identifiers."""
    if value is None or value == "":
        return "(leer)"
    return f"'{value}'" if _SHOWABLE.match(value) else "(Wert nicht angezeigt)"


def _quoted(contract: contracts.Contract, column: str, row: dict) -> str:
    """A broken rule's value as a reason may quote it: never a classified column's."""
    return show(row.get(column)) if contract.quotable(column) else "(Wert nicht angezeigt)"


@dataclass
class Reject:
    source_row: int | None  # 1-based data record; None: the whole file
    rule: str
    reason: str
    raw: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    rows: list[dict]
    rejects: list[Reject]
    rows_read: int
    file_reject: Reject | None = None


def _records(text: str, form: contracts.FileFormat) -> Iterator[list[str]]:
    # newline="" keeps line breaks inside quoted comments intact.
    return csv.reader(
        io.StringIO(text, newline=""), delimiter=form.delimiter, quotechar=form.quotechar, strict=False
    )


def _read(text: str, form: contracts.FileFormat, header: list[str], label: str):
    """Header check, then (record number, fields) pairs. Returns (records, file reject)."""
    if not text.strip():
        return [], Reject(None, "file_empty", f"{label}: Datei ist leer")
    records = _records(text, form)
    try:
        found = next(records)
    except (csv.Error, StopIteration):
        return [], Reject(None, "file_unreadable", f"{label}: keine lesbare Kopfzeile")
    if found and found[0].startswith("\ufeff"):
        found[0] = found[0][1:]
    if found != header:
        missing = [c for c in header if c not in found]
        extra = [c for c in found if c not in header]
        if len(extra) > 5 or not any(c in header for c in found):
            detail = "keine erkennbare Kopfzeile (kein CSV dieses Exports)"
        else:
            detail = f"Kopfzeile weicht ab (fehlt: {', '.join(missing) or '-'}; zusätzlich: {len(extra)})"
        return [], Reject(None, "header_mismatch", f"{label}: {detail}")
    out = []
    try:
        for number, fields in enumerate(records, start=1):
            if fields == []:
                continue  # a blank line, e.g. at the end of the file
            out.append((number, fields))
    except csv.Error as exc:
        return [], Reject(None, "file_unreadable", f"{label}: CSV nicht lesbar ({type(exc).__name__})")
    return out, None


def _nul(fields: list[str]) -> tuple[str, str] | None:
    # A NUL byte is never text (PostgreSQL refuses it in text columns): the row is broken.
    if any("\x00" in f for f in fields):
        return "nul_character", "Zeile enthält ein NUL-Zeichen (Datei beschädigt?)"
    return None


def _time(value: str) -> dt.datetime | None:
    return contracts.parse_time(value, TIME_FORMAT) if value else None


class _Rules:
    """Reference-data rules shared by both channels (registry and questionnaire). Each
    answer is a pure function of its arguments and the reference data: worked out once
    per distinct value (`_rules` keeps one instance per state of the reference data)."""

    def __init__(self):
        self.survey = registry.survey()
        self.registry = registry.registry()
        self.questionnaire = registry.questionnaire()
        # (bound per instance, as Pseudonymiser does: the cache goes with the reference data)
        self.centre = functools.lru_cache(maxsize=1 << 16)(self._centre)
        self.version = functools.lru_cache(maxsize=1 << 16)(self._version)
        self.answer = functools.lru_cache(maxsize=1 << 16)(self._answer)
        # A tablet row's checks in two parts: of its questionnaire's centre, day and version
        # (the same on each of its rows) and of its item (a handful of distinct answers).
        self.tablet_when = functools.lru_cache(maxsize=1 << 16)(self._tablet_when)
        self.tablet_item = functools.lru_cache(maxsize=1 << 12)(self._tablet_item)

    def _centre(self, code: str, day: dt.date, column: str) -> tuple[str, str] | None:
        centre = self.registry.by_code.get(code)
        if centre is None:
            return f"{column}_unknown", f"{column} {show(code)} ist kein Kundenzentrum des Registers"
        if not centre.is_open_on(day):
            return f"{column}_closed", f"Kundenzentrum {show(code)} war am {day.isoformat()} nicht in Betrieb"
        return None

    def _version(self, number: int, day: dt.date, column: str) -> tuple[str, str] | None:
        version = self.questionnaire.version(number)
        if day < version.valid_from:
            return (
                f"{column}_not_yet_valid",
                f"Fragebogen-Version {number} gilt erst ab {version.valid_from.isoformat()}",
            )
        if day < self.survey.start:
            return "date_before_survey", f"Datum {day.isoformat()} liegt vor Beginn der Befragung"
        return None

    def _answer(self, item_code: str, version: int, value: str) -> tuple[str, str] | None:
        """Check one coded answer (non-empty) of an item."""
        item = self.questionnaire.items.get(item_code)
        if item is None:
            return "question_code_unknown", f"Frage {show(item_code)} gibt es im Fragebogen nicht"
        if item_code not in self.questionnaire.version(version).items:
            return (
                "item_not_in_version",
                f"Frage {item_code} gehört nicht zu Fragebogen-Version {version}",
            )
        if item.kind == "text":
            return "answer_on_text_item", f"Frage {item_code} ist ein Freitext, hat aber einen Antwortcode"
        if not value.isdigit() or not item.accepts(int(value)):
            allowed = ", ".join(str(v) for v in item.valid) + (
                f", {item.cannot_judge}" if item.cannot_judge else ""
            )
            return (
                "answer_out_of_range",
                f"Antwort {show(value)} ist für {item_code} ungültig (gültig: {allowed})",
            )
        return None

    def _tablet_when(self, centre: str, day: str, version: str) -> tuple[str, str] | None:
        """`day`: the date part of a valid `local_time` (TIME_FORMAT starts with it)."""
        day = dt.date.fromisoformat(day)
        return self.centre(centre, day, "centre_code") or self.version(
            int(version), day, "questionnaire_version"
        )

    def _tablet_item(self, code: str, version: str, answer: str, has_text: bool) -> tuple[str, str] | None:
        item = self.questionnaire.items.get(code)
        if item is not None and item.kind == "text":
            if answer:
                return (
                    "answer_on_text_item",
                    f"Frage {item.code} ist ein Freitext, hat aber einen Antwortcode",
                )
            if code not in self.questionnaire.version(int(version)).items:
                return (
                    "item_not_in_version",
                    f"Frage {item.code} gehört nicht zu Fragebogen-Version {version}",
                )
            return None
        if has_text:
            return "free_text_on_item_row", f"Freitext in einer Zeile der Frage {show(code)}"
        if not answer:
            return "answer_required", f"Frage {show(code)} ohne Antwortcode"
        return self.answer(code, int(version), answer)


_RULES: list[_Rules] = []


def _rules() -> _Rules:
    """The rules of the current reference data (a new instance when it changes)."""
    s, r, q = registry.survey(), registry.registry(), registry.questionnaire()
    known = _RULES[0] if _RULES else None
    if known is None or known.survey is not s or known.registry is not r or known.questionnaire is not q:
        _RULES[:] = [_Rules()]
    return _RULES[0]


# --------------------------------------------------------------------------- tablet


def parse_tablet(text: str, label: str) -> Parsed:
    contract = contracts.raw("tablet")
    header = contract.columns
    records, file_reject = _read(text, contract.file_format, header, label)
    if file_reject:
        return Parsed([], [], 0, file_reject)
    rules = _rules()
    whole = [fields for _, fields in records if len(fields) == len(header)]
    broken = iter(_broken(contract, header, whole))
    rows, rejects = [], []
    has_nul = "\x00" in text  # no NUL in the file: none in any field
    for number, fields in records:
        row, rule = None, None
        if len(fields) == len(header):
            row, rule = dict(zip(header, fields, strict=True)), next(broken)
        reject = (has_nul and _nul(fields)) or _check_tablet(fields, row, rule, header, contract, rules)
        if reject:
            rejects.append(Reject(number, reject[0], reject[1], fields))
        else:
            row["source_row"] = number
            rows.append(row)
    rows, more = _consistent_sessions(rows)
    rejects.extend(more)
    return Parsed(rows, sorted(rejects, key=lambda r: r.source_row), len(records))


def _check_tablet(
    fields, row: dict | None, broken: str | None, header, contract, rules: _Rules
) -> tuple[str, str] | None:
    """`broken`: the row's first broken contract rule (`_broken`)."""
    if row is None:  # not as many fields as the header
        return (
            "field_count",
            f"{len(fields)} statt {len(header)} Felder (Zeile abgeschnitten oder verschoben)",
        )
    if broken:
        column = _column_of(broken, header)
        return broken, f"Regel {broken} verletzt (Spalte {column}: {_quoted(contract, column, row)})"
    version = row["questionnaire_version"]
    return rules.tablet_when(row["centre_code"], row["local_time"][:10], version) or rules.tablet_item(
        row["question_code"], version, row["answer"], bool(row["free_text"])
    )


def _broken(contract, names: list[str], rows: list[list[str]]) -> list[str | None]:
    """The first broken contract rule of each row (fields named by `names`), or None."""
    columns = dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else {}
    found = contracts.check_rows(contract, columns)
    return [found.get(i) for i in range(len(rows))]


def _column_of(rule: str, header: list[str]) -> str:
    for column in sorted(header, key=len, reverse=True):
        if rule.startswith(column + "_"):
            return column
    return rule


_SESSION = operator.itemgetter(
    "session_id", "device_id", "centre_code", "questionnaire_version", "language", "misuse"
)
_LOCAL_TIME, _DAY = operator.itemgetter("local_time"), operator.itemgetter(slice(0, 10))


def _consistent_sessions(rows: list[dict]) -> tuple[list[dict], list[Reject]]:
    """All rows of one completion must agree on who/where/when; else none of them counts."""
    # The distinct (session, fields, day) of the file: a session with two is inconsistent.
    days = map(_DAY, map(_LOCAL_TIME, rows))
    signatures = set(zip(map(_SESSION, rows), days, strict=True))
    sessions = Counter(sig[0][0] for sig in signatures)
    bad = {s for s, n in sessions.items() if n > 1}
    if not bad:
        return rows, []
    keep, rejects = [], []
    for row in rows:
        if row["session_id"] in bad:
            fields = [row[c] for c in contracts.raw("tablet").columns]
            rejects.append(
                Reject(
                    row["source_row"],
                    "session_inconsistent",
                    "Zeilen derselben Befragung widersprechen sich (Gerät, Zentrum, Datum, Version, Sprache oder Missbrauch)",
                    fields,
                )
            )
        else:
            keep.append(row)
    return keep, rejects


# --------------------------------------------------------------------------- web


def web_item_column(code: str) -> str:
    """`Q03_SQ001` → `Q03[SQ001]` (LimeSurvey's naming of sub-questions)."""
    base, _, sub = code.partition("_")
    return f"{base}[{sub}]" if sub else code


def web_header() -> list[str]:
    contract = contracts.raw("web")
    q = registry.questionnaire()
    fixed = [c for c in contract.columns if c not in {i.code for i in q.text_items}]
    return fixed + [web_item_column(i.code) for i in q.items.values()]


def parse_web(text: str, label: str) -> Parsed:
    contract = contracts.raw("web")
    header = web_header()
    records, file_reject = _read(text, contract.file_format, header, label)
    if file_reject:
        return Parsed([], [], 0, file_reject)
    rules = _rules()
    items = list(rules.questionnaire.items.values())
    fixed = [c for c in contract.columns if c in set(header)]
    renamed = [(item.code, web_item_column(item.code)) for item in items]
    names = {column: code for code, column in renamed}  # a header's column → its name in a row
    has_nul = "\x00" in text  # no NUL in the file: none in any field
    whole = [fields for _, fields in records if len(fields) == len(header)]
    broken = iter(_broken(contract, [names.get(c, c) for c in header], whole))
    rows, rejects = [], []
    for number, fields in records:
        rule = next(broken) if len(fields) == len(header) else None
        if has_nul and (nul := _nul(fields)):
            rejects.append(Reject(number, *nul, fields))
            continue
        if len(fields) != len(header):
            rejects.append(
                Reject(
                    number,
                    "field_count",
                    f"{len(fields)} statt {len(header)} Felder (Zeile abgeschnitten?)",
                    fields,
                )
            )
            continue
        raw = dict(zip(header, fields, strict=True))
        # Normalise LimeSurvey item names: Q03[SQ001] → Q03_SQ001.
        row = {c: raw[c] for c in fixed}
        for code, column in renamed:
            row[code] = raw[column]
        reject = _check_web(row, rule, contract, rules, items)
        if reject:
            rejects.append(Reject(number, reject[0], reject[1], fields))
        else:
            row["source_row"] = number
            rows.append(row)
    return Parsed(rows, rejects, len(records))


def _check_web(row, broken: str | None, contract, rules: _Rules, items) -> tuple[str, str] | None:
    """`broken`: the row's first broken contract rule (`_broken`)."""
    if broken:
        column = _column_of(broken, contract.columns)
        return broken, f"Regel {broken} verletzt (Spalte {column}: {_quoted(contract, column, row)})"
    finished = bool(row["submitdate"])
    day = _time(row["submitdate"] if finished else row["datestamp"]).date()
    version = int(row["QV"])
    for check in (rules.centre(row["KZ"], day, "KZ"), rules.version(version, day, "QV")):
        if check:
            return check
    if finished and _time(row["submitdate"]) > _time(row["datestamp"]):
        return "submitdate_after_datestamp", "submitdate liegt nach der letzten Aktion (datestamp)"
    for item in items:
        value = row[item.code]
        if not value:
            continue
        if item.kind == "text":
            if item.code not in rules.questionnaire.version(version).items:
                return (
                    "item_not_in_version",
                    f"Frage {item.code} gehört nicht zu Fragebogen-Version {version}",
                )
            continue
        check = rules.answer(item.code, version, value)
        if check:
            return check
    return None
