"""Codes found by their shape or a word before them: device serials and booking codes
("Tablet TBL-ALT-95", "VGHG-RW7G"), court file numbers ("39 C 1469/20"), file numbers
with two kinds of separator, ticket numbers ("#50075"). Words from `structures`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipelines.ingest.redaction.patterns import _NEVER, _alt
from pipelines.ingest.redaction.rules import word_list

_I = re.IGNORECASE

# Code shapes. A token of letters and digits in groups joined by "-", "/", "_" or ".".
_TOKEN = r"[A-Za-z0-9ÄÖÜäöü]+(?:[-_/.][A-Za-z0-9]+)*"
# A mixed code: at least 6 letters/digits, at least 3 digits and a letter, or two
# groups of 3+ letters/digits in capitals ("VGHG-RW7G", "TAB-0981", "GER-141-513").
# (The look-aheads keep tokens without both a digit and a letter out of Python: speed.)
_CODE_ANY = re.compile(
    r"(?<![\w./-])(?=[A-Za-z0-9_/-]*[0-9])(?=[A-Za-z0-9_/-]*[A-Za-z])"
    r"[A-Za-z0-9]+(?:[-_/][A-Za-z0-9]+)*(?![\w]|[-/]\w)"
)
# A file number of digit groups joined by two kinds of separator: "188.65-1632/25" (a
# date uses one kind, a phone number starts with 0 or +).
_FILE_NUMBER = re.compile(r"(?<![\w.,/+-])[1-9]\d*(?:[./-]\d+){2,}(?![\w]|[./-]\d)")
# Counts with units, ordinals and decades: never codes ("40min", "1990er", "10km", "3x").
_UNIT = re.compile(
    r"\d+(?:er|ern|th|st|nd|rd|min|mins|h|std|km|kg|mm|cm|m|eur|euro|uhr|x|tl|pm|am|°|s|jährige|j)",
    _I,
)
# Prefix, dash, five or more capitals with at most one vowel: "BK-QWNTQG" (not "EU-WEIT")
_CAPS_CODE = re.compile(
    r"(?<![\w-])[A-Z]{2,3}-(?=[A-Z]{5,8}(?![\w-]))(?![A-Z]*[AEIOUÄÖÜ][A-Z]*[AEIOUÄÖÜ])[A-Z]{5,8}"
)
_HASH_NUMBER = re.compile(r"(?<![\w#&])#\d{4,}(?![\d\w])")


class Codes:
    """The code words and court registers of the rules, compiled."""

    def __init__(self, rules: Mapping[str, Any], placeholders: Mapping[str, str]):
        self.P = dict(placeholders)
        code_kw = word_list(rules, "structures.code_context")
        # long words also close a compound ("Selbstbedienungsterminal tbl-alt-95")
        long_kw = tuple(w for w in code_kw if len(w) >= 5)
        short_kw = tuple(w for w in code_kw if len(w) < 5)
        self._code_kw = re.compile(
            rf"(?:(?<![\[])(?:{_alt(long_kw) or _NEVER})|(?<![\w\[])(?:{_alt(short_kw) or _NEVER}))(?!\w)(?P<gap>(?:\s*(?:[:#=(]|nr\.?|no\.?|nummer|number|numaras[ıi]|ist|is|was|war|lautet)\s*|\s+){{1,3}})"
            rf"(?P<v>{_TOKEN})",
            _I,
        )
        # a court file number: number, register, number/year ("39 C 1469/20", "4 js 3919/20")
        registers = word_list(rules, "structures.court_registers")
        self._court_file = re.compile(
            rf"(?<![\w./-])\d{{1,4}}[ \u00a0]?(?:{_alt(registers) or _NEVER})[ \u00a0]?\d{{2,6}}/\d{{2}}(?:\d{{2}})?(?![\w/]|[.,]\d)",
            _I,
        )

    def codes(self, text: str) -> str:
        code = self.P["AKTENZEICHEN"]
        text = self._code_kw.sub(lambda m: self._code_after_kw(m, code), text)
        if any(c.isdigit() for c in text):
            if "/" in text:
                text = self._court_file.sub(code, text)
            text = _CODE_ANY.sub(lambda m: code if self._is_code(m.group()) else m.group(), text)
            text = _FILE_NUMBER.sub(lambda m: code if self._is_file_number(m.group()) else m.group(), text)
            if "#" in text:
                text = _HASH_NUMBER.sub(code, text)  # "Ticket #50075"
        if "-" in text:
            text = _CAPS_CODE.sub(code, text)  # "BK-QWNTQG": a booking code of capitals
        return text

    def _code_after_kw(self, m: re.Match[str], code: str) -> str:
        v = m.group("v")
        alnum = sum(c.isalnum() for c in v)
        digits = sum(c.isdigit() for c in v)
        # after "Tablet", "Buchungscode" ...: a code with a digit, or letters in groups
        # ("llxt-ncne"), but not an ordinary word ("Tablet am Eingang")
        if alnum >= 4 and (digits or re.search(r"[-_/]", v) or (v.isupper() and alnum >= 5)):
            return m.group()[: m.start("v") - m.start()] + code
        return m.group()

    @staticmethod
    def _is_file_number(s: str) -> bool:
        """Two kinds of separator, seven digits, and a slash or a group of four: not a range
        of prices or times ("12.50-15.00", "9.30-12.30") or of thousands ("10.000-12.000")."""
        groups = re.split(r"[./-]", s)
        return (
            len(set(re.findall(r"[./-]", s))) >= 2
            and sum(map(len, groups)) >= 7
            and ("/" in s or any(len(g) >= 4 for g in groups))
        )

    def _is_code(self, s: str) -> bool:
        alnum = sum(c.isalnum() for c in s)
        digits = sum(c.isdigit() for c in s)
        letters = alnum - digits
        if not digits or not letters or alnum < 6:
            return False
        if _UNIT.fullmatch(s) or re.fullmatch(r"(?i)covid-?19|sars-cov-2|h1n1|mp3|mp4|a4|a5|b2b|4k", s):
            return False
        if re.fullmatch(r"[A-Za-z]{2,6}-\d{1,2}", s):
            return False  # "Linie-25", "COVID-19": a name and a short number
        groups = re.split(r"[-_/]", s)
        if digits >= 3:
            return True
        if (
            8 <= alnum <= 12
            and letters >= 3
            and re.fullmatch(
                r"[A-Za-z0-9]*\d[A-Za-z]+\d[A-Za-z0-9]*|[A-Za-z]+\d+[A-Za-z]+\d*", re.sub(r"[-_/]", "", s)
            )
        ):
            return True  # "cfnt23xpy", "x1twtrz1f": letters and digits mixed (a passport or card number)
        # "VGHG-RW7G": capital groups with a digit
        return (
            len(groups) >= 2
            and s.upper() == s
            and (
                all(len(g) >= 3 for g in groups)
                or (len(groups[-1]) >= 5 and all(len(g) >= 2 for g in groups))
                or (len(groups) >= 3 and all(len(g) >= 2 for g in groups))
            )
        )  # "VGHG-RW7G", "BK-FZDB9V"
