"""The survey's reference data: calendar, centres and questionnaire.

Everything here is read from the YAML files in `config/` (or the folder named by
`SURVEY_CONFIG_DIR`) and validated on load, so an administration can adapt the
pipeline to its own sites and questionnaire by changing data, not code.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"
_CODE = re.compile(r"^[a-z][a-z0-9_-]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RegistryError(ValueError):
    """A reference-data file is missing something or contradicts itself."""


def config_dir() -> Path:
    return Path(os.environ.get("SURVEY_CONFIG_DIR") or DEFAULT_CONFIG_DIR)


def _load(name: str, directory: Path | None = None) -> dict:
    path = (directory or config_dir()) / name
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise RegistryError(f"{path}: file not found") from exc
    if not isinstance(data, dict):
        raise RegistryError(f"{path}: expected a mapping at the top level")
    return data


def _date(value, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise RegistryError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


def _recipients(values, where: str) -> tuple[str, ...]:
    if not values:
        raise RegistryError(f"{where}: at least one recipient is needed")
    for address in values:
        if not _EMAIL.match(str(address)):
            raise RegistryError(f"{where}: {address!r} is not an e-mail address")
    return tuple(str(a) for a in values)


# --------------------------------------------------------------------------- survey


@dataclass(frozen=True)
class Survey:
    name: str
    timezone: str
    start: dt.date
    end: dt.date
    midterm_end: dt.date
    holiday_country: str
    holiday_subdivision: str | None
    web_survey_id: str
    report_hour: int  # local hour the reports of the period just ended are built
    reports_due_hour: int  # local hour by which the weekly reports must be out

    def days(self) -> list[dt.date]:
        n = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(n)]

    def public_holidays(self) -> dict[dt.date, str]:
        import holidays  # imported lazily: only the calendar-aware steps need it

        years = range(self.start.year, self.end.year + 1)
        calendar = holidays.country_holidays(
            self.holiday_country, subdiv=self.holiday_subdivision, years=years
        )
        return {d: name for d, name in sorted(calendar.items()) if self.start <= d <= self.end}


def load_survey(directory: Path | None = None) -> Survey:
    data = _load("survey.yaml", directory)
    try:
        survey = Survey(
            name=str(data["name"]),
            timezone=str(data["timezone"]),
            start=_date(data["start"], "survey.start"),
            end=_date(data["end"], "survey.end"),
            midterm_end=_date(data["midterm_end"], "survey.midterm_end"),
            holiday_country=str(data["holidays"]["country"]),
            holiday_subdivision=data["holidays"].get("subdivision"),
            web_survey_id=str(data["web_survey_id"]),
            report_hour=int(data["schedule"]["report_hour"]),
            reports_due_hour=int(data["schedule"]["reports_due_hour"]),
        )
    except KeyError as exc:
        raise RegistryError(f"survey.yaml: missing key {exc}") from exc
    if survey.start.isoweekday() != 1:
        raise RegistryError("survey.start must be a Monday (weeks are ISO weeks)")
    if not survey.start < survey.midterm_end < survey.end:
        raise RegistryError("survey: start < midterm_end < end must hold")
    if not 0 <= survey.report_hour < survey.reports_due_hour <= 23:
        raise RegistryError("survey.schedule: 0 <= report_hour < reports_due_hour <= 23 must hold")
    return survey


# --------------------------------------------------------------------------- centres


@dataclass(frozen=True)
class Centre:
    code: str
    name: str
    district: str
    valid_from: dt.date
    valid_to: dt.date | None
    recipients: tuple[str, ...]

    def is_open_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Registry:
    city_code: str
    city_name: str
    city_recipients: tuple[str, ...]
    engineers: tuple[str, ...]
    centres: tuple[Centre, ...]

    @functools.cached_property
    def by_code(self) -> dict[str, Centre]:
        return {c.code: c for c in self.centres}

    def districts(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for c in self.centres:
            out.setdefault(c.district, []).append(c.code)
        return out

    def open_on(self, day: dt.date) -> list[Centre]:
        return [c for c in self.centres if c.is_open_on(day)]


def load_registry(directory: Path | None = None) -> Registry:
    data = _load("centres.yaml", directory)
    centres = []
    for i, raw in enumerate(data.get("centres") or []):
        where = f"centres.yaml: centre #{i + 1}"
        try:
            code = str(raw["code"])
            centre = Centre(
                code=code,
                name=str(raw["name"]),
                district=str(raw["district"]),
                valid_from=_date(raw["valid_from"], f"{where} valid_from"),
                valid_to=_date(raw["valid_to"], f"{where} valid_to") if raw.get("valid_to") else None,
                recipients=_recipients(raw.get("recipients"), f"{where} ({code})"),
            )
        except KeyError as exc:
            raise RegistryError(f"{where}: missing key {exc}") from exc
        if not _CODE.match(code):
            raise RegistryError(f"{where}: code {code!r} must be lower-case letters, digits, - or _")
        if centre.valid_to and centre.valid_to < centre.valid_from:
            raise RegistryError(f"{where} ({code}): valid_to is before valid_from")
        centres.append(centre)
    if not centres:
        raise RegistryError("centres.yaml: no centres")
    codes = [c.code for c in centres]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise RegistryError(f"centres.yaml: duplicate centre codes {dupes}")
    city = data.get("city") or {}
    if city.get("code") in codes:
        raise RegistryError("centres.yaml: the city code must differ from every centre code")
    return Registry(
        city_code=str(city.get("code") or "city"),
        city_name=str(city.get("name") or ""),
        city_recipients=_recipients(city.get("recipients"), "centres.yaml: city"),
        engineers=_recipients(data.get("engineers"), "centres.yaml: engineers"),
        centres=tuple(centres),
    )


# --------------------------------------------------------------------------- questionnaire


@dataclass(frozen=True)
class Item:
    code: str
    kind: str  # "scale", "categorical" or "text"
    label: str
    label_en: str
    valid: tuple[int, ...] = ()
    cannot_judge: int | None = None
    top_two: tuple[int, ...] = ()
    labels: dict[int, str] = field(default_factory=dict)
    max_length: int | None = None

    def accepts(self, code: int) -> bool:
        return code in self.valid or (self.cannot_judge is not None and code == self.cannot_judge)


@dataclass(frozen=True)
class Version:
    version: int
    valid_from: dt.date
    items: tuple[str, ...]


@dataclass(frozen=True)
class Questionnaire:
    items: dict[str, Item]
    versions: tuple[Version, ...]
    languages: tuple[str, ...]
    headline: str  # the scale item the reports lead with
    settled: str | None  # the categorical item "matter settled?", if the survey asks it

    def version(self, number: int) -> Version:
        for v in self.versions:
            if v.version == number:
                return v
        raise KeyError(number)

    def version_on(self, day: dt.date) -> Version:
        current = [v for v in self.versions if v.valid_from <= day]
        if not current:
            raise KeyError(day)
        return max(current, key=lambda v: v.valid_from)

    def items_of(self, number: int) -> list[Item]:
        return [self.items[c] for c in self.version(number).items]

    @property
    def answer_items(self) -> list[Item]:
        """Items with coded answers, in questionnaire order."""
        return [i for i in self.items.values() if i.kind != "text"]

    @property
    def scale_codes(self) -> list[str]:
        """Codes of the scale items (those with a top-two share), in questionnaire order."""
        return [c for c, i in self.items.items() if i.kind == "scale"]

    @property
    def text_items(self) -> list[Item]:
        return [i for i in self.items.values() if i.kind == "text"]

    def common_items(self) -> list[str]:
        """Items present in every version: the only ones trends may cross a switch on."""
        sets = [set(v.items) for v in self.versions]
        common = set.intersection(*sets)
        return [c for c in self.items if c in common]


def load_questionnaire(directory: Path | None = None) -> Questionnaire:
    data = _load("questionnaire.yaml", directory)
    scales = data.get("scales") or {}
    items: dict[str, Item] = {}
    for raw in data.get("items") or []:
        code = str(raw.get("code"))
        scale = scales.get(raw.get("scale"))
        if scale is None:
            raise RegistryError(f"questionnaire.yaml: item {code}: unknown scale {raw.get('scale')!r}")
        if code in items:
            raise RegistryError(f"questionnaire.yaml: item {code} defined twice")
        kind = scale["kind"]
        if kind not in ("scale", "categorical", "text"):
            raise RegistryError(f"questionnaire.yaml: scale kind {kind!r} unknown")
        items[code] = Item(
            code=code,
            kind=kind,
            label=str(raw.get("label") or code),
            label_en=str(raw.get("label_en") or raw.get("label") or code),
            valid=tuple(int(v) for v in scale.get("valid", [])),
            cannot_judge=scale.get("cannot_judge"),
            top_two=tuple(int(v) for v in scale.get("top_two", [])),
            labels={int(k): str(v) for k, v in (scale.get("labels") or {}).items()},
            max_length=scale.get("max_length"),
        )
        if kind == "scale" and not set(items[code].top_two) <= set(items[code].valid):
            raise RegistryError(f"questionnaire.yaml: item {code}: top_two must be valid codes")
    versions = []
    for raw in data.get("versions") or []:
        unknown = [c for c in raw["items"] if c not in items]
        if unknown:
            raise RegistryError(f"questionnaire.yaml: version {raw['version']}: unknown items {unknown}")
        versions.append(
            Version(
                version=int(raw["version"]),
                valid_from=_date(raw["valid_from"], f"version {raw['version']} valid_from"),
                items=tuple(raw["items"]),
            )
        )
    if not versions:
        raise RegistryError("questionnaire.yaml: no versions")
    numbers = [v.version for v in versions]
    if len(set(numbers)) != len(numbers):
        raise RegistryError("questionnaire.yaml: duplicate version numbers")
    roles = data.get("report_items") or {}
    headline, settled = roles.get("headline"), roles.get("settled")
    if headline not in items or items[headline].kind != "scale":
        raise RegistryError(f"questionnaire.yaml: report_items.headline {headline!r} must be a scale item")
    if settled is not None and (settled not in items or items[settled].kind != "categorical"):
        raise RegistryError(
            f"questionnaire.yaml: report_items.settled {settled!r} must be a categorical item"
        )
    return Questionnaire(
        items=items,
        versions=tuple(sorted(versions, key=lambda v: v.valid_from)),
        languages=tuple(data.get("languages") or ("de",)),
        headline=headline,
        settled=settled,
    )


@dataclass(frozen=True)
class ReportSettings:
    max_comments: dict[str, int]  # by cadence: the newest comments shown


def load_report_settings(directory: Path | None = None) -> ReportSettings:
    data = _load("reports.yaml", directory)
    from pipelines.core.periods import CADENCES  # (periods reads the survey from here)

    limits = data.get("max_comments") or {}
    if set(limits) != set(CADENCES) or not all(isinstance(v, int) and v > 0 for v in limits.values()):
        raise RegistryError(
            f"reports.yaml: max_comments must give a positive number for each of {', '.join(CADENCES)}"
        )
    return ReportSettings(max_comments={str(k): int(v) for k, v in limits.items()})


@functools.lru_cache(maxsize=4)
def _cached(directory: str):
    d = Path(directory)
    return load_survey(d), load_registry(d), load_questionnaire(d), load_report_settings(d)


def survey() -> Survey:
    return _cached(str(config_dir()))[0]


def registry() -> Registry:
    return _cached(str(config_dir()))[1]


def questionnaire() -> Questionnaire:
    return _cached(str(config_dir()))[2]


def report_settings() -> ReportSettings:
    return _cached(str(config_dir()))[3]
