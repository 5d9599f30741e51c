"""Licence plates in any case: German ("HH-AB 123", "hh ab 1234" in a comment about a
car) and Turkish ("34 ABC 123"); weekday ranges ("DI-FR 9") are opening hours."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipelines.ingest.redaction.patterns import _NEVER, DASH, _alt
from pipelines.ingest.redaction.rules import word_list

_I = re.IGNORECASE

# Licence plates. German: district code 1-3 letters, 1-2 letters, 1-4 digits, E/H.
# "HH-AB 123", "SH ZL-430H", "hh ab 1234"; Turkish: "34 ABC 123".
# (dots as separators only both times: "HH.NM.952", not "z.B. 12")
_PLATE_DE = re.compile(
    rf"(?<![\w/-])(?P<a>[A-Za-zÄÖÜäöü]{{1,3}})(?P<s1>[ \u00a0]?[:/{DASH}][ \u00a0]?|[ \u00a0]|\.(?=[A-Za-z]{{1,2}}\.\d))"
    rf"(?P<b>[A-Za-z]{{1,2}})(?P<s2>[ \u00a0]?[{DASH}][ \u00a0]?|(?<=\.[A-Za-z])\.|(?<=\.[A-Za-z]{{2}})\.|[ \u00a0]?)"
    r"(?P<d>\d{1,4})(?P<e>[EHeh]?)(?![\w-])(?![.,:]\d)"
)
# Turkish: province code, letters, digits ("34 ABC 123"); in lower case only in a comment about a car
_PLATE_TR_SHAPE = r"(?<![\w.,-])(?:0[1-9]|[1-7]\d|8[01])[ \u00a0]?{letters}[ \u00a0]?\d{{2,4}}(?!\w|[.,]\d)"
_PLATE_TR = re.compile(_PLATE_TR_SHAPE.format(letters="[A-Z]{1,3}"))
_PLATE_TR_LOWER = re.compile(_PLATE_TR_SHAPE.format(letters="[a-z]{1,3}"))
_PLATE_JOINED = re.compile(r"(?<![\w-])[A-ZÄÖÜ]{3,5}\d{1,4}[EH]?(?![\w-])")
# Weekday abbreviations (de/en/tr): "Mo-Fr 8", "DI-FR 9", "Pzt-Cum 9" are opening hours.
WEEKDAYS = frozenset(
    [
        "mo",
        "di",
        "mi",
        "do",
        "fr",
        "sa",
        "so",
        "mon",
        "tue",
        "tu",
        "wed",
        "we",
        "thu",
        "th",
        "fri",
        "sat",
        "sun",
        "su",
        "pzt",
        "sal",
        "çar",
        "car",
        "per",
        "cum",
        "cmt",
        "paz",
    ]
)


class Plates:
    """The car words of the rules (`structures.plate_context`), compiled."""

    def __init__(self, rules: Mapping[str, Any], placeholders: Mapping[str, str]):
        self.P = dict(placeholders)
        plate_kw = word_list(rules, "structures.plate_context")
        # also inside a compound: "Wunschkennzeichen", "Autokennzeichen"
        whole = word_list(rules, "structures.plate_context_words")
        self._plate_context = re.compile(
            rf"(?<!\[)(?:{_alt(plate_kw)})(?:s|es)?(?![a-zäöüß])|(?<![\w\[])(?:{_alt(whole) or _NEVER})(?!\w)",
            _I,
        )

    def plates(self, text: str) -> str:
        context = self._plate_context.search(text) is not None
        text = _PLATE_DE.sub(lambda m: self._plate(m, context), text)
        if context or re.search(r"\d{2} ?[A-Z]{1,3} ?\d{2,4}", text):
            text = _PLATE_TR.sub(lambda m: self._plate_tr(m, context), text)
        if context:
            # in a comment about a car: a Turkish plate in lower case ("38 lbu 130"), a
            # German one typed without separators ("HLYY56", "HHGF2E")
            text = _PLATE_TR_LOWER.sub(self.P["KENNZEICHEN"], text)
            text = _PLATE_JOINED.sub(self.P["KENNZEICHEN"], text)
        return text

    def _plate(self, m: re.Match[str], context: bool) -> str:
        a, b = m.group("a"), m.group("b")
        if a.casefold() in WEEKDAYS and b.casefold() in WEEKDAYS:
            return m.group()  # "DI-FR 9 bis 12"
        # a dash, or a colon or slash typed for one ("HH:M 2569", "b:y 5889", "HH/SC 890"), marks a plate
        # (a dash only before the digits is a ticket or line: "C-301", "X-35")
        if f"{a}/{b}".casefold() in ("km/h", "m/s"):
            return m.group()  # "km/h 30": a speed
        dash = any(c in DASH for c in m.group("s1")) or m.group("s1").strip() in (":", ".", "/")
        if a.isupper() and b.isupper():
            # capitals with a space only ("ICH WAR UM 9") are left to the shape rule of `shapes`;
            # a dash before the digits after two letter groups marks one too ("HH KC-409")
            second = len(b) >= 2 and any(c in DASH for c in m.group("s2"))
            return self.P["KENNZEICHEN"] if dash or second or context else m.group()
        # lower or mixed case: "hh-ab 123", or "knöllchen für hh ab 1234" with a car word
        if (dash or context) and len(m.group("d")) >= 2:
            return self.P["KENNZEICHEN"]
        if dash and context:
            return self.P["KENNZEICHEN"]  # "hh-sp 7" in a comment about a car
        return m.group()

    def _plate_tr(self, m: re.Match[str], context: bool) -> str:
        s = m.group()
        if context or re.fullmatch(r"\d{2} [A-Z]{1,3} \d{2,4}", s):
            return self.P["KENNZEICHEN"]
        return s
