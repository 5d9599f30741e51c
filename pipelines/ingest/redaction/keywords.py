"""Values after a keyword of the rules' `keywords` section: dates of birth ("geb.",
"date of birth", and a date before "geboren"), case and file numbers, ID and passport
numbers, licence plates; a number named after it ("81734 numarasını") or joined to a
case number already replaced. Each pattern runs only when its keyword can occur (a
prefilter on the normalised text, see `patterns._norm`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pipelines.ingest.redaction.patterns import (
    _CODE,
    _DE_ID,
    _GAP,
    _NEVER,
    _PLATE_CODE,
    _keywords,
    _phrases,
    _prefilter,
)
from pipelines.ingest.redaction.rules import setting

_I = re.IGNORECASE
# A code of capitals only after a keyword: six or more, at most one vowel (no word is so)
_LETTER_CODE = re.compile(r"(?=[A-Z]{6,12}$)[B-DF-HJ-NP-TV-Z]*[AEIOU]?[B-DF-HJ-NP-TV-Z]*")
# ... or of letters and digits mixed, six or more ("83BRBAS", "T-P4BT-7C")
_MIXED_CODE = re.compile(
    r"(?=[\w-]*\d)(?=[\w-]*[A-Za-z])(?=(?:[-]?[A-Za-z0-9]){6})[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
)
# a number named after it (Turkish: "81734 numarasını")
_NUMBER_NAMED_AFTER = re.compile(r"(?<![\w./-])\d[\d/.-]{2,}\d(?=\s*(?:numara|nolu|no['’]lu))", _I)


def _date(months: Iterable[Any]) -> str:
    """A date as written after a birth keyword, with the months of the rules."""
    names = _phrases({str(m).rstrip(".") for m in months})
    return (
        r"(?<![\d.])(?:"
        r"\d{4}-\d{1,2}-\d{1,2}"  # 1980-05-12
        r"|\d{1,2}[ ]?[./-][ ]?\d{1,2}[ ]?[./-][ ]?(?:\d{4}|\d{2})(?!\d)"  # 12.05.1980, 12/5/80
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?[ ]?(?:{names})\b\.?(?:[ ,]{{0,2}}\d{{4}})?"  # 12. Mai 1980
        rf"|(?:{names})\b\.?[ ]\d{{1,2}}(?:st|nd|rd|th)?,?[ ]\d{{4}}"  # May 12, 1980
        r"|\d{1,2}\.[ ]?\d{1,2}\.(?!\d)"  # 12.05. (no year)
        r"|(?:19|20)\d\d(?!\d)"  # 1980 (only next to a birth keyword)
        r")"
    )


class KeywordRules:
    """The keyword patterns of the rules, compiled; `ordinary` (frequent words) tells a
    word after a keyword from a code."""

    def __init__(self, rules: Mapping[str, Any], placeholders: Mapping[str, str], ordinary: frozenset[str]):
        self.P = placeholders
        self._ordinary = ordinary
        kw = setting(rules, "keywords")
        date = _date(setting(rules, "months"))
        # Date of birth: keyword, up to 25 characters (no digit, no sentence or clause
        # end, no placeholder), date.
        self._dob_before = re.compile(
            rf"(?P<kw>{_keywords(kw['birth_before'])})(?P<gap>[^\d\n.!?,;\[\]]{{0,25}}?)(?P<v>{date})", _I
        )
        # Date of birth: date, up to 20 characters, keyword ("am 12.05.1980 geboren").
        self._dob_after = re.compile(
            rf"(?P<v>{date})(?=[^\d\n.!?,;\[\]]{{0,20}}?(?<!\w)(?:{_phrases(kw['birth_after'])}))", _I
        )
        # Case / file number after a keyword.
        self._case = re.compile(rf"(?P<kw>{_keywords(kw['case_number'])})(?P<gap>{_GAP})(?P<v>{_CODE})", _I)
        # ID / passport number after a keyword.
        self._id = re.compile(rf"(?P<kw>{_keywords(kw['id_number'])})(?P<gap>{_GAP})(?P<v>{_CODE})", _I)
        # Licence plate after a keyword.
        self._plate = re.compile(rf"(?P<kw>{_keywords(kw['plate'])})(?P<gap>{_GAP})(?P<v>{_PLATE_CODE})", _I)
        # words that name a number only when it is long ("Antrag 26678", not "Rechnung 125 Euro")
        bare = kw.get("case_number_long") or [_NEVER]
        self._case_long = re.compile(rf"(?P<kw>{_keywords(bare)})(?P<gap>{_GAP})(?P<v>{_CODE})", _I)
        # a number joined to a case number already replaced ("[AKTENZEICHEN] and 95104")
        self._joined_case = re.compile(
            rf"(?<={re.escape(self.P['AKTENZEICHEN'])})(\s*(?:,|und|and|ve|&)\s*)[1-9]\d{{3,}}(?![\d.,/-])",
            _I,
        )
        # Keyword-anchored patterns run only when a keyword's first word occurs (speed).
        self._pre_birth = _prefilter(kw["birth_before"])
        self._pre_birth_after = _prefilter(kw["birth_after"])
        self._pre_case = _prefilter(kw["case_number"])
        self._pre_case_long = _prefilter(bare)
        self._pre_id = _prefilter(kw["id_number"])
        self._pre_plate = _prefilter(kw["plate"])

    def letters_only(self, text: str, low: str) -> str:
        """In a text without digits (`low`: `_norm(text)`): an ID number or a code of
        capitals after its keyword ("Buchung TRMFYNDMW")."""
        if self._pre_id.search(low):
            text = self._id.sub(self._id_sub, text)
        if self._pre_case_long.search(low):
            text = self._case_long.sub(lambda m: self._keep_keyword(m, "AKTENZEICHEN", min_digits=5), text)
        return text

    def values(self, text: str, low: str) -> str:
        """Dates of birth, case numbers, ID numbers and plates after their keywords."""
        P, keep_kw = self.P, self._keep_keyword
        if self._pre_birth.search(low):
            text = self._dob_before.sub(lambda m: keep_kw(m, "GEBURTSDATUM"), text)
        if self._pre_birth_after.search(low):
            text = self._dob_after.sub(P["GEBURTSDATUM"], text)
        if self._pre_case.search(low):
            text = self._case.sub(lambda m: keep_kw(m, "AKTENZEICHEN", min_digits=3, min_len=3), text)
        if self._pre_case_long.search(low):
            text = self._case_long.sub(lambda m: keep_kw(m, "AKTENZEICHEN", min_digits=5, min_len=5), text)

        if self._pre_id.search(low):
            text = self._id.sub(self._id_sub, text)
        if self._pre_plate.search(low):
            text = self._plate.sub(lambda m: keep_kw(m, "KENNZEICHEN"), text)
        return text

    def joined_cases(self, text: str) -> str:
        """A number joined to a case number already replaced: "[AKTENZEICHEN] and 95104"."""
        code = self.P["AKTENZEICHEN"]
        if code in text:
            text = self._joined_case.sub(lambda m: m.group(1) + code, text)
        return text

    def named_numbers(self, text: str, low: str) -> str:
        """A number of four digits or more named after it: "81734 numarasını"."""
        if "numara" in low or "nolu" in low or "no'lu" in low:
            code = self.P["AKTENZEICHEN"]
            text = _NUMBER_NAMED_AFTER.sub(
                lambda m: code if sum(map(str.isdigit, m.group())) >= 4 else m.group(), text
            )
        return text

    def _keep_keyword(self, m: re.Match[str], kind: str, *, min_digits: int = 0, min_len: int = 0) -> str:
        value = m.group("v")
        if (
            _LETTER_CODE.fullmatch(value) and value.casefold() not in self._ordinary
        ) or _MIXED_CODE.fullmatch(value):
            return m.group("kw") + m.group("gap") + self.P[kind]  # "Buchung TRMFYNDMW", "kodum 83BRBAS"
        if sum(map(str.isdigit, value)) < min_digits or sum(map(str.isalnum, value)) < min_len:
            return m.group()
        head = re.split(r"[ \u00a0/.-]", value, maxsplit=1)[0]
        # (a short abbreviation in capitals is a code's prefix: "KZ-W 446/2023")
        if head.isalpha() and not (head.isupper() and len(head) <= 3) and head.casefold() in self._ordinary:
            return m.group()  # "Reisepass kostet 70 Euro": a word, then a price
        return m.group("kw") + m.group("gap") + self.P[kind]

    def _id_sub(self, m: re.Match[str]) -> str:
        if _DE_ID.fullmatch(m.group("v")):  # after a keyword the letters-only shape counts too
            return m.group("kw") + m.group("gap") + self.P["AUSWEISNUMMER"]
        return self._keep_keyword(m, "AUSWEISNUMMER", min_digits=1, min_len=6)
