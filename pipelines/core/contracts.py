"""Data contracts (ODCS YAML in `data_contracts/`) and what is derived from them.

The contracts are the one source for: the row checks of the raw exports (which
rows go to quarantine, and why), the warehouse table of responses, and the Great
Expectations suite that guards the response store before anything is written.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

CONTRACTS_DIR = Path(__file__).resolve().parents[2] / "data_contracts"


@dataclass(frozen=True)
class Rule:
    """One checkable rule of a contract property (or of the whole dataset)."""

    name: str
    kind: str  # required | unique | pattern | valid_values | max_length | datetime | versions | duplicates
    column: str | None
    value: object = None


@dataclass(frozen=True)
class Property:
    name: str
    logical_type: str
    physical_type: str | None
    required: bool
    unique: bool
    primary_key: bool
    classification: str | None
    description: str
    pattern: str | None
    max_length: int | None
    datetime_format: str | None
    valid_values: tuple | None
    valid_values_from: str | None
    versions: tuple[int, ...] | None

    @functools.cached_property
    def regex(self) -> re.Pattern | None:
        return re.compile(self.pattern) if self.pattern else None

    @functools.cached_property
    def valid_strings(self) -> frozenset[str] | None:
        return frozenset(str(v) for v in self.valid_values) if self.valid_values is not None else None


@dataclass(frozen=True)
class FileFormat:
    """How a delivered file is read (the contract's `format` custom property)."""

    delimiter: str
    quotechar: str
    header: bool
    encodings: tuple[str, ...]  # tried in order


@dataclass(frozen=True)
class Contract:
    id: str
    name: str
    version: str
    properties: tuple[Property, ...]
    dataset_rules: tuple[Rule, ...]
    raw: dict

    @functools.cached_property
    def by_name(self) -> dict[str, Property]:
        return {p.name: p for p in self.properties}

    @property
    def columns(self) -> list[str]:
        return [p.name for p in self.properties]

    def personal_columns(self) -> list[str]:
        return [p.name for p in self.properties if p.classification == "personal"]

    def quotable(self, column: str) -> bool:
        """Whether a value of `column` may be quoted (in a quarantine reason, a check's
        examples): only unclassified columns, never personal or identifying ones."""
        prop = self.by_name.get(column)
        return prop is not None and not prop.classification

    @functools.cached_property
    def file_format(self) -> FileFormat:
        raw = _custom(self.raw.get("customProperties"), "format")
        if not raw:
            raise ValueError(f"contract {self.name} declares no file format")
        return FileFormat(
            delimiter=raw["delimiter"],
            quotechar=raw.get("quotechar", '"'),
            header=bool(raw.get("header", True)),
            encodings=tuple(raw["encodings"]),
        )

    def rules(self) -> list[Rule]:
        """Every rule of the contract, each with a stable name (used in check metadata)."""
        out: list[Rule] = list(self.dataset_rules)
        for p in self.properties:
            if p.required:
                out.append(Rule(f"{p.name}_required", "required", p.name))
            if p.unique:
                out.append(Rule(f"{p.name}_unique", "unique", p.name))
            if p.pattern:
                out.append(Rule(f"{p.name}_pattern", "pattern", p.name, p.pattern))
            if p.max_length:
                out.append(Rule(f"{p.name}_max_length", "max_length", p.name, p.max_length))
            if p.datetime_format:
                out.append(Rule(f"{p.name}_datetime", "datetime", p.name, p.datetime_format))
            if p.valid_values is not None:
                out.append(Rule(f"{p.name}_valid_values", "valid_values", p.name, p.valid_values))
            if p.versions is not None:
                out.append(Rule(f"{p.name}_only_in_versions", "versions", p.name, p.versions))
        return out


def contracts_dir() -> Path:
    return Path(os.environ.get("SURVEY_CONTRACTS_DIR") or CONTRACTS_DIR)


def _custom(entries: list | None, key: str):
    for entry in entries or []:
        if entry.get("property") == key:
            return entry.get("value")
    return None


def _valid_values(quality: list | None) -> tuple | None:
    for q in quality or []:
        if q.get("metric") == "invalidValues":
            return tuple((q.get("arguments") or {}).get("validValues") or ())
    return None


def parse_contract(data: dict) -> Contract:
    (schema,) = data["schema"]  # one dataset per contract
    props = []
    for raw in schema["properties"]:
        opts = raw.get("logicalTypeOptions") or {}
        versions = _custom(raw.get("customProperties"), "questionnaireVersions")
        props.append(
            Property(
                name=raw["name"],
                logical_type=raw.get("logicalType", "string"),
                physical_type=raw.get("physicalType"),
                required=bool(raw.get("required", False)),
                unique=bool(raw.get("unique", False)),
                primary_key=bool(raw.get("primaryKey", False)),
                classification=raw.get("classification"),
                description=str(raw.get("description") or ""),
                pattern=opts.get("pattern"),
                max_length=opts.get("maxLength"),
                datetime_format=opts.get("format"),
                valid_values=_valid_values(raw.get("quality")),
                valid_values_from=_custom(raw.get("customProperties"), "validValuesFrom"),
                versions=tuple(versions) if versions is not None else None,
            )
        )
    dataset_rules = []
    for q in schema.get("quality") or []:
        if q.get("metric") == "duplicateValues":
            cols = tuple((q.get("arguments") or {}).get("properties") or ())
            dataset_rules.append(Rule(q["name"], "duplicates", None, cols))
    return Contract(
        id=data["id"],
        name=data["name"],
        version=str(data["version"]),
        properties=tuple(props),
        dataset_rules=tuple(dataset_rules),
        raw=data,
    )


@functools.lru_cache(maxsize=16)
def _load(path: str) -> Contract:
    with open(path, encoding="utf-8") as fh:
        return parse_contract(yaml.safe_load(fh))


def load(name: str) -> Contract:
    return _load(str(contracts_dir() / f"{name}.odcs.yaml"))


def raw(channel: str) -> Contract:
    """The contract of a channel's files as delivered (`tablet`, `web`)."""
    return load(f"{channel}_raw")


# --------------------------------------------------------------------------- row checks


def check_value(prop: Property, value: str | None) -> str | None:
    """Check one raw string value against its property; return the broken rule or None.

    Rules that need reference data (`validValuesFrom`) are checked by the parsers,
    which know the registry and the questionnaire.
    """
    if value is None or value == "":
        return f"{prop.name}_required" if prop.required else None
    if prop.max_length and len(value) > prop.max_length:
        return f"{prop.name}_max_length"
    if prop.regex is not None and not prop.regex.match(value):
        return f"{prop.name}_pattern"
    if prop.valid_values is not None and value not in prop.valid_strings:
        return f"{prop.name}_valid_values"
    if prop.datetime_format and parse_time(value, prop.datetime_format) is None:
        return f"{prop.name}_datetime"
    return None


_ISO_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


@functools.lru_cache(maxsize=1 << 16)
def parse_time(value: str, fmt: str = "%Y-%m-%d %H:%M:%S") -> dt.datetime | None:
    """A timestamp in the contract's format, or None. Cached: the rows of one
    questionnaire share their time, and strptime is slow."""
    try:
        if fmt == "%Y-%m-%d %H:%M:%S":  # fast path for the format both exports use
            return dt.datetime.fromisoformat(value) if _ISO_SECONDS.match(value) else None
        return dt.datetime.strptime(value, fmt)
    except ValueError:
        return None


def check_row(
    contract: Contract, row: dict[str, str | None], columns: Iterable[str] | None = None
) -> str | None:
    """First broken rule of a raw row (in contract order), or None."""
    by_name = contract.by_name
    for name in columns or by_name:  # (every column, in contract order)
        broken = check_value(by_name[name], row.get(name))
        if broken:
            return broken
    return None


def check_rows(contract: Contract, columns: dict[str, Sequence[str | None]]) -> dict[int, str]:
    """`check_row` of many rows at once, given column by column (a column not given is
    empty in every row): {row position: first broken rule} of the rows that break one.
    `check_value` is a pure function of property and value, so it runs once per distinct
    value of a column; only a row holding a bad value is walked in contract order."""
    bad: dict[str, dict] = {}
    for prop in contract.properties:
        values = columns.get(prop.name)
        found = {v: rule for v in set(values or (None,)) if (rule := check_value(prop, v))}
        if found:
            bad[prop.name] = found
    count = len(next(iter(columns.values()), ()))
    flagged: set[int] = set()
    for name, found in bad.items():
        values = columns.get(name)
        flagged.update(range(count) if values is None else (i for i, v in enumerate(values) if v in found))
    out = {}
    for i in sorted(flagged):
        for name, found in bad.items():  # (contract order)
            values = columns.get(name)
            value = None if values is None else values[i]
            if value in found:
                out[i] = found[value]
                break
    return out
