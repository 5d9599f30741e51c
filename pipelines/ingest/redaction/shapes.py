"""Fixed shapes of `patterns` decided in code: IBANs (scanned by hand), Turkish identity
numbers (check digits), German ID numbers and plates (one scan), ID numbers typed in
lower case, and the phone-shaped runs that phonenumbers did not confirm."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pipelines.ingest.redaction.patterns import (
    _DATE_GROUPS,
    _DE_ID_LOWER,
    _IBAN,
    _PHONE,
    _PHONE_SPLIT,
    _SHAPES,
    _YEAR,
    _iban_length,
    _tckn_valid,
)
from pipelines.ingest.redaction.plates import WEEKDAYS


class Shapes:
    """The shape rules; `stop` (the name rules' stop words) tells words written in
    capitals from a plate."""

    def __init__(self, placeholders: Mapping[str, str], stop: frozenset[str]):
        self.P = placeholders
        self._stop = stop

    def ibans(self, text: str) -> str:
        """Replace IBANs. Scans by hand: a greedy match may run into the next IBAN
        ("DE89 ... 00 DE12 ..."), so the scan resumes right after the trimmed IBAN."""
        out: list[str] = []
        pos = 0
        while (m := _IBAN.search(text, pos)) is not None:
            length = _iban_length(m.group())
            if length is None:
                out.append(text[pos : m.start() + 1])
                pos = m.start() + 1
                continue
            out.append(text[pos : m.start()])
            out.append(self.P["IBAN"])
            pos = m.start() + length
        out.append(text[pos:])
        return "".join(out)

    def ids_and_plates(self, text: str) -> str:
        text = _SHAPES.sub(self._shape, text)
        return _DE_ID_LOWER.sub(self._lower_id, text)

    def phones(self, text: str) -> str:
        return _PHONE.sub(self._phone, text)

    def _shape(self, m: re.Match[str]) -> str:
        """A Turkish identity number, a German ID number or a German licence plate."""
        s = m.group()
        match m.lastgroup:
            case "tckn":
                return self.P["AUSWEISNUMMER"] if _tckn_valid(s) else s
            case "deid":
                if any(map(str.isdigit, s)) and any(map(str.isalpha, s)):
                    return self.P["AUSWEISNUMMER"]
                return s
        if m.group("a").casefold() in WEEKDAYS and m.group("b").casefold() in WEEKDAYS:
            return m.group()  # opening hours: "DI-FR 9 bis 12"
        if m.group("sep") != "-" and (
            m.group("a").casefold() in self._stop or m.group("b").casefold() in self._stop
        ):
            # "ICH WAR AM 12 DA": words in a text written in capitals, not a plate
            context = m.string[max(0, m.start() - 12) : m.start()] + m.string[m.end() : m.end() + 12]
            if not any(map(str.islower, context)):
                return m.group()
        return self.P["KENNZEICHEN"]

    def _lower_id(self, m: re.Match[str]) -> str:
        s = m.group()
        letters = sum(map(str.isalpha, s))
        return self.P["AUSWEISNUMMER"] if letters >= 5 and letters < len(s) else s

    def _phone(self, m: re.Match[str]) -> str:
        return self._phone_run(m.group())

    def _phone_run(self, s: str) -> str:
        digits = sum(map(str.isdigit, s))
        if digits > 15:
            # several numbers in a row: "040 123456 / 0176 1234567", "0176 1234567 0176 7654321"
            pieces = _PHONE_SPLIT.split(s)
            if len(pieces) > 1:
                return "".join(p if i % 2 else self._phone_run(p) for i, p in enumerate(pieces))
            if s[0] in "+(0":
                return self.P["TELEFON"]  # a phone number and more
            return s
        if digits < 7:
            return s
        # (a match starts with "+", "(" or a digit, never with white space)
        if _DATE_GROUPS.fullmatch(s):
            return s  # 12 10 2020, 01/02/1980
        if s[0] in "+(0":
            return self.P["TELEFON"]  # national or international prefix
        groups = re.findall(r"\d+", s)
        if all(len(g) == 4 and _YEAR.fullmatch(g) for g in groups):
            return s  # a list of years
        if len(groups) == 1:
            return s  # one long number: not phone-shaped; left for the hold-back check
        return self.P["TELEFON"]  # local number in groups: "428 28 1234"
