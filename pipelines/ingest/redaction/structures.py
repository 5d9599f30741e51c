"""Structured data found by the shape of the language around it, not by a checksum.

E-mail addresses written to fool spam filters, web addresses without a scheme and
social-media handles, device serials and booking codes, licence plates in any case,
dates of birth without a keyword, and streets without a capitalised street word.
They run in `core.Redactor._structured` before the older rules, each behind a cheap
test, and only ever insert placeholders (never remove one), so redacting a second
time finds nothing new.

Words come from `config/redaction.yaml` (section `structures` and `addresses`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipelines.ingest.redaction.patterns import DASH
from pipelines.ingest.redaction.rules import word_list

_I = re.IGNORECASE

# Top-level domains accepted after an obfuscated dot ("web dot de"): only these, so
# "we met at noon dot" stays.
_TLDS = r"(?:de|com|net|org|info|eu|tr|at|ch|nl|pl|uk|co|io|me|biz|edu|gov|ru|fr|it|es|dk|se|no)"
_DOT_WORD = r"(?:\s*[(\[{]\s*(?:dot|punkt|nokta)\s*[)\]}]\s*|\s+(?:dot|punkt|nokta)\s+|[ ]?\.[ ]?)"
_AT_WORD = r"(?:\s*@\s*|\s*[(\[{]\s*(?:at|ät)\s*[)\]}]\s*|\s+(?:at|ät)\s+)"
# "anna punkt beispiel at web dot de", "ayse.hh (at) yahoo (punkt) com", "max [at] gmx [dot] de".
_EMAIL_OBF = re.compile(
    rf"(?<![\w.+-])[\w+-]+(?:{_DOT_WORD}[\w+-]+)*{_AT_WORD}[\w-]+(?:{_DOT_WORD}[\w-]+)*?{_DOT_WORD}{_TLDS}(?![\w-])",
    _I,
)
_EMAIL_HINT = re.compile(r"@|\bat\b|\bät\b|\(at\)|\[at\]", _I)

# Web address without a scheme: host with a known top-level domain, optional path.
_HOST = re.compile(
    r"(?<![\w@./-])(?:[a-z0-9-]+\.)+(?:de|com|net|org|info|eu|tr|io|me|tv|app|ly|gl|be|co|uk|at|ch|nl|pl|ru"
    r"|blog|online|site|xyz|art|photo|photos|studio|page|shop|store|website|space|digital|media|club|fm|cc"
    r"|gg|dev|tech|sh|im)"
    r"(?![\w-])(?:/[^\s<>\"'„“”«»]*)?",
    _I,
)
_TRAIL = ".,;:!?)]}'\""
# Social-media handle: "@some_handle_88" (not the "@" of an e-mail, not "@ team").
_HANDLE = re.compile(r"(?<![\w.@])@([A-Za-z0-9_][A-Za-z0-9_.]{2,29})(?![\w@])")

# Code shapes. A token of letters and digits in groups joined by "-", "/", "_" or ".".
_TOKEN = r"[A-Za-z0-9ÄÖÜäöü]+(?:[-_/.][A-Za-z0-9]+)*"
# A mixed code: at least 6 letters/digits, at least 3 digits and a letter, or two
# groups of 3+ letters/digits in capitals ("VGHG-RW7G", "TAB-0981", "GER-141-513").
# (The look-aheads keep tokens without both a digit and a letter out of Python: speed.)
_NEVER = "\ue000"  # an alternative that matches nothing (an empty word list)
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
# A word right before a number ("kirchenallee 13", "Nr. 5"): where streets can be.
# Prefix, dash, five or more capitals with at most one vowel: "BK-QWNTQG" (not "EU-WEIT")
_CAPS_CODE = re.compile(
    r"(?<![\w-])[A-Z]{2,3}-(?=[A-Z]{5,8}(?![\w-]))(?![A-Z]*[AEIOUÄÖÜ][A-Z]*[AEIOUÄÖÜ])[A-Z]{5,8}"
)
_LETTER_HOUSE = re.compile(r"[a-zäöüß] ?\d{1,4}[a-h](?!\w)", re.I)
_HASH_NUMBER = re.compile(r"(?<![\w#&])#\d{4,}(?![\d\w])")
_POSTCODE = re.compile(r"\d[ \u00a0]*,?[ \u00a0]*(?:D-)?\d{5}(?!\d)")
_BEFORE_NUMBER = re.compile(
    r"([^\W\d_][\w'.-]*)[ \u00a0]*(?:(?:nr|no|hausnr|nummer)\.?:?[ \u00a0]*)?\d", re.I
)
# Something date-shaped: "12.05.", "12/5", "6. Dez", "May 12, 1980", "*1985".
_DATE_HINT = re.compile(
    r"\d ?[./-] ?\d|\d(?:st|nd|rd|th) of |\d\.? ?[^\W\d_]{3}|[^\W\d_]{3}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\*"
)
# Words between a wrong and the right date ("[date] statt 16.04.02", "not [date] but 3.4.01")
_CORRECTION = frozenset(
    [
        "statt",
        "anstatt",
        "nicht",
        "sondern",
        "richtig",
        "ist",
        "sei",
        "wäre",
        "eingetragen",
        "steht",
        "instead",
        "of",
        "not",
        "but",
        "it",
        "is",
        "should",
        "be",
        "yerine",
        "değil",
        "doğrusu",
        "olmalı",
    ]
)
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

# Words ending like an adjective that never name a street ("in der Straße 5").
_NOT_ADJECTIVES = frozenset(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "einer",
        "eine",
        "einen",
        "seiner",
        "seine",
        "ihrer",
        "ihre",
        "meiner",
        "meine",
        "deiner",
        "deine",
        "unserer",
        "unsere",
        "eurer",
        "dieser",
        "diese",
        "jener",
        "jede",
        "jeder",
        "welcher",
        "welche",
        "aber",
        "oder",
        "über",
        "unter",
        "hinter",
        "wieder",
        "andere",
        "anderen",
        "gleiche",
        "gleichen",
        "nächste",
        "nächsten",
        "the",
    ]
)


def _alt(words: tuple[str, ...]) -> str:
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(set(words), key=len, reverse=True))


class Structures:
    """The rules of this module, compiled once from the configuration."""

    def __init__(
        self,
        rules: Mapping[str, Any],
        placeholders: Mapping[str, str],
        months: tuple[str, ...],
        everyday: frozenset[str] = frozenset(),
    ):
        self.P = dict(placeholders)
        self.everyday = everyday  # the gazetteer's ordinary_words
        self.keep_hosts = tuple(
            h.casefold() for h in word_list(rules, "structures.keep_hosts", ("hamburg.de",))
        )
        self.generic_handles = frozenset(w.casefold() for w in word_list(rules, "structures.generic_handles"))
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
        plate_kw = word_list(rules, "structures.plate_context")
        # also inside a compound: "Wunschkennzeichen", "Autokennzeichen"
        whole = word_list(rules, "structures.plate_context_words")
        self._plate_context = re.compile(
            rf"(?<!\[)(?:{_alt(plate_kw)})(?:s|es)?(?![a-zäöüß])|(?<![\w\[])(?:{_alt(whole) or _NEVER})(?!\w)",
            _I,
        )
        m = _alt(tuple(x.rstrip(".") for x in months))
        self._date = (
            r"(?:\d{4}-\d{1,2}-\d{1,2}"
            r"|\d{1,2}[ ]?[./-][ ]?\d{1,2}[ ]?[./-][ ]?(?:\d{4}|\d{2})(?!\d)"
            rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?[ ]?(?:of[ ])?(?:{m})\b\.?[ ,]{{0,2}}\d{{4}}"
            rf"|(?:{m})\b\.?[ ]\d{{1,2}}(?:st|nd|rd|th)?,?[ ]\d{{4}})"
        )
        # a date in brackets or commas right after a name or a person: "[NAME] (17. September
        # 2011)", "Ich, [NAME], 23/09/2006, ...", "Mein Kind (2.8.2009)": a date of birth
        persons = _alt((self.P["NAME"], *word_list(rules, "structures.birth_persons")))
        self._name_date = re.compile(
            rf"((?:{persons})(?:[ ]?\([ ]?|,[ ]))((?:\*[ ]?)?(?:{self._date}))([ ]?\)|,)", _I
        )
        self._full_date = re.compile(rf"(?<![\d.\w])(?:{self._date})(?![\d])", _I)
        # "*04.11.1952", "* 6. Dezember 1963", "(*17.04.1965)": the star marks a birth.
        self._star_date = re.compile(rf"\*[ ]?(?:{self._date}|(?:19|20)\d\d(?!\d))", _I)
        birth = word_list(rules, "keywords.birth_before") + word_list(rules, "keywords.birth_after")
        self._birth_kw = re.compile(rf"(?<![\w\[])(?:{_alt(birth)})", _I)
        self._birth_after_kw = re.compile(
            rf"(?<![\w\[])(?:{_alt(word_list(rules, 'keywords.birth_after'))})", _I
        )
        self.max_birth_year = int(rules.get("structures", {}).get("max_birth_year", 2006))
        self.max_birth_year_keyword = int(rules.get("structures", {}).get("max_birth_year_keyword", 2016))

        a = rules.get("addresses", {})
        suffixes = tuple(str(s).rstrip(".") for s in a.get("street_suffixes", ()))
        words = tuple(str(s).rstrip(".") for s in a.get("street_words", ()))
        self._not_streets = frozenset(str(s).casefold() for s in a.get("not_streets", ()))
        house = r"\d{1,4}(?:[ \u00a0]?[a-zA-Z](?![\w]))?(?:[ \u00a0]?[-/][ \u00a0]?\d{1,4}[a-zA-Z]?)?(?![\d.,:]\d|\d)"
        floor = (
            r"(?:,?[ \u00a0]*(?:\d{1,2}\.?[ \u00a0]*(?:og|stock|etage|obergeschoss|kat)\b\.?"
            r"|(?:eg|og|dg|hh|vh|hinterhaus|links|rechts|li|re)\b\.?"
            r"|(?:whg|wohnung|apt|daire|d)\.?:?[ \u00a0]*\d{1,3}(?!\d)))"
        )
        town = (
            r"(?:,?[ \u00a0]*(?:D-)?\d{5}(?![\d])(?:[ \u00a0]+[A-Za-zÄÖÜäöüß-]{3,}(?:/[A-Za-zÄÖÜäöüß-]+)?)?)"
        )
        tail = rf"(?:{floor}{{0,2}}{town}?)"
        self._unit_after = re.compile(
            r"[ \u00a0]*(?:min|minuten|uhr|std|stunden|%|€|euro|tl|leute|personen|mal|x)\b", _I
        )
        # (A possessive word run, then look-behinds for the suffix: no backtracking.)
        behind = "|".join(f"(?<={re.escape(x)})" for x in sorted(set(suffixes), key=len, reverse=True))
        # Any case: a word ending in a street suffix ("kirchenallee 13", "rübenkamp 89"),
        # or an adjective + separate street word ("bramfelder chaussee 112", "ohlsdorfer str. 26c").
        self._street_lc = re.compile(
            rf"(?<![\w\[\]-])(?P<st>[\wäöüß-]++(?:{behind})\.?"
            rf"|[\wäöüß-]+(?:er|e|en|sche|scher|sches)[ \u00a0]+(?:{_alt(words)})\.?)"
            rf"[ \u00a0]*(?:(?:nr|no|hausnr|nummer)\.?:?[ \u00a0]*)?(?P<no>{house}){tail}",
            _I,
        )
        # "Am Stadtrand 204", "Beim Schlump 57", "An der Alster 3", "Auf dem Sande 1".
        preps = word_list(rules, "structures.street_prepositions")
        self._street_prep = re.compile(
            rf"(?<![\w\[\]-])(?P<p>{_alt(preps)})[ \u00a0]+(?P<w>[A-Za-zÄÖÜäöüß][\wäöüß-]{{2,}})"
            rf"[ \u00a0]*(?P<no>{house}){tail}",
            _I,
        )
        # Any capitalised street name, no suffix needed ("Reeperbahn 29"): before a
        # postcode, or in a comment about where someone lives.
        self._street_postcode = re.compile(
            rf"(?<![\w\[\]-])(?P<w>[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß-]{{2,}})[ \u00a0]*(?P<no>{house}),?[ \u00a0]*(?:D-)?\d{{5}}(?!\d)"
            rf"(?:[ \u00a0]+[A-ZÄÖÜ][A-Za-zÄÖÜäöüß-]{{2,}})?"
        )
        self._street_any = re.compile(
            rf"(?<![\w\[\]-])(?P<w>[A-ZÄÖÜ][\wäöüß-]{{2,}}(?:[ \u00a0][A-ZÄÖÜ][\wäöüß-]{{2,}})?)"
            rf"[ \u00a0]*(?:(?i:nr|hausnr|nummer)\.?:?[ \u00a0]*)?(?P<no>{house}){tail}"
        )
        self._street_lower = re.compile(
            rf"(?<![\w\[\]-])(?P<w>[a-zäöüß][a-zäöüß-]{{3,}})[ \u00a0]*(?P<no>{house}){tail}"
        )
        # "Rugenbarg 23a", "dehnhaide 22b in 22081 hamburg": a house number with a letter
        self._street_letter = re.compile(
            r"(?<![\w\[\]-])(?P<w>[A-Za-zÄÖÜäöüß][a-zäöüß-]{3,})[ \u00a0]*(?P<no>\d{1,4}[a-h])(?![\w])"
            r"(?:,?[ \u00a0]*(?:in[ \u00a0]+)?\d{5}(?:[ \u00a0]+[A-Za-zÄÖÜäöüß-]{3,})?)?"
        )
        self._months = frozenset(str(m).casefold().rstrip(".") for m in months)
        # a postcode and town after an address already replaced: "[ADRESSE], 22111 Hamburg"
        self._after_address = re.compile(
            re.escape(self.P["ADRESSE"])
            + r"(?:,?[ \u00a0]*(?:in[ \u00a0]+)?(?:D-)?\d{5}(?!\d)(?:[ \u00a0]+[A-Za-zÄÖÜäöüß-]{3,})?)"
        )
        self._ordinary = frozenset(w.casefold() for w in word_list(rules, "structures.not_street_nouns"))
        self._residence = re.compile(
            rf"(?<![\w\[])(?:{_alt(word_list(rules, 'structures.residence_context'))})", _I
        )
        self._suffix_tuple = tuple(x.casefold() for x in suffixes)
        self._street_words = frozenset(x.casefold() for x in words)
        self._prep_words = frozenset(x.casefold() for x in preps)

    def unit_after(self, text: str, pos: int) -> bool:
        """A unit follows at `pos` ("5 min", "20 %"): the number before is no house number."""
        return self._unit_after.match(text, pos) is not None

    # ------------------------------------------------------------------ e-mail, URL, handle

    def emails(self, text: str) -> str:
        if not _EMAIL_HINT.search(text):
            return text
        return _EMAIL_OBF.sub(self._email_obf, text)

    def _email_obf(self, m: re.Match[str]) -> str:
        # "everything at www.hamburg.de": a web address after "at", not a mailbox
        domain = re.split(_AT_WORD, m.group(), maxsplit=1, flags=_I)[-1]
        if domain.casefold().startswith("www") or self._kept_host(re.sub(_DOT_WORD, ".", domain, flags=_I)):
            return m.group()
        return self.P["EMAIL"]

    def _kept_host(self, host: str) -> bool:
        host = host.casefold().split("/")[0]
        host = host.removeprefix("www.")
        return any(host == k or host.endswith("." + k) for k in self.keep_hosts)

    def url_sub(self, url: str) -> str:
        core = url.rstrip(_TRAIL)
        bare = re.sub(r"^(?:https?://)", "", core, flags=_I)
        if self._kept_host(bare):
            return url
        return self.P["URL"] + url[len(core) :]

    def urls(self, text: str) -> str:
        if "." in text:
            text = _HOST.sub(lambda m: self.url_sub(m.group()), text)
        if "@" in text:
            text = _HANDLE.sub(self._handle, text)
        return text

    def _handle(self, m: re.Match[str]) -> str:
        if m.group(1).casefold().rstrip(".") in self.generic_handles:
            return m.group()
        # "@" stays in front: a handle is a contact; the comment is held back for it
        return "@" + self.P["URL"]

    # ------------------------------------------------------------------ codes

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

    # ------------------------------------------------------------------ plates

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
            # capitals with a space only ("ICH WAR UM 9") are left to core's shape rule;
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

    # ------------------------------------------------------------------ dates of birth

    def births(self, text: str) -> str:
        if not _DATE_HINT.search(text):
            return text  # no date shape at all (speed)
        dob = self.P["GEBURTSDATUM"]
        if "*" in text:
            text = self._star_date.sub("*" + dob, text)
        keyword = self._birth_kw.search(text) is not None
        return self._full_date.sub(lambda m: self._birth(m, keyword and self._near_birth(m), dob), text)

    def births_after_names(self, text: str) -> str:
        """A full date in brackets or commas right after a name or person word: "[NAME]
        (17. September 2011)", "Mein Kind (2.8.2009)"."""
        if "(" not in text and "," not in text:
            return text
        return self._name_date.sub(lambda m: m.group(1) + self.P["GEBURTSDATUM"] + m.group(3), text)

    def _near_birth(self, m: re.Match[str]) -> bool:
        """A birth word next to this date, with no other date or number between ("geb. 2019"
        does not make "Termin am 12.03.2021" a birth date): up to 60 characters before
        it or a word such as "geboren" up to 20 after it."""
        text = m.string

        def free(between: str) -> bool:  # (a date already replaced counts as a number)
            if not any(c.isdigit() for c in between) and self.P["GEBURTSDATUM"] not in between:
                return True
            # ... unless it is the wrong date of birth corrected: "Geburtsdatum [..] statt 16.04.02"
            dob = self.P["GEBURTSDATUM"]
            between = self._full_date.sub(dob, between)
            rest = between.replace(dob, " ", 1).casefold().split()
            return between.count(dob) == 1 and all(w.strip(",:;!") in _CORRECTION for w in rest)

        before = [k.end() for k in self._birth_kw.finditer(text, max(0, m.start() - 60), m.start())]
        if before and free(text[before[-1] : m.start()]):
            return True
        after = self._birth_after_kw.search(text, m.end(), m.end() + 20)
        return after is not None and free(text[m.end() : after.start()])

    def _birth(self, m: re.Match[str], keyword: bool, dob: str) -> str:
        """A full date is a birth date when its year lies before `max_birth_year`
        (visitors write about recent appointments), or before `max_birth_year_keyword`
        when the comment speaks of birth ("Geburtsdatum falsch: 5. August 2008 statt ...")."""
        s = m.group()
        years = re.findall(r"\d{4}", s)
        if years:
            year = int(years[-1])
            limit = self.max_birth_year_keyword if keyword else self.max_birth_year
            return dob if 1900 <= year < limit else s
        if keyword and re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2}", s):
            return dob
        two = re.search(r"(\d{2})$", s)
        if two and int(two.group(1)) >= 30 and re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2}", s):
            return dob  # "3.4.85"
        return s

    # ------------------------------------------------------------------ addresses

    def addresses(self, text: str) -> str:
        # Cheap test first (speed): the word right before each number, and the words
        # before that; the regexes run only when a street suffix or word, or a
        # preposition two words before a number, is there.
        street = prep = False
        for m in _BEFORE_NUMBER.finditer(text):
            word = m.group(1).casefold().rstrip(".")
            if word.endswith(self._suffix_tuple) or word in self._street_words:
                street = True
            before = text[max(0, m.start() - 12) : m.start()].casefold().split()
            if before and (before[-1] in self._prep_words or " ".join(before[-2:]) in self._prep_words):
                prep = True
            if street and prep:
                break
        adr = self.P["ADRESSE"]
        if street:
            text = self._street_lc.sub(lambda m: self._street(m, adr), text)
        if prep:
            text = self._street_prep.sub(lambda m: self._prep(m, adr), text)
        if _POSTCODE.search(text):
            text = self._street_postcode.sub(lambda m: self._any_street(m, adr), text)
        if adr in text:
            text = self._after_address.sub(adr, text)
        if _LETTER_HOUSE.search(text):
            text = self._street_letter.sub(lambda m: self._any_street(m, adr), text)
        if self._residence.search(text):
            text = self._street_any.sub(lambda m: self._any_street(m, adr), text)
            if self.everyday:
                text = self._street_lower.sub(lambda m: self._any_street(m, adr, lower=True), text)
        return text

    def _any_street(self, m: re.Match[str], adr: str, lower: bool = False) -> str:
        """A street without a street suffix: not a place in the centre, a month, a count;
        in lower case only a word that is no word ("vogelweide 36", not "seit 5")."""
        words = m.group("w").casefold().split()
        if lower and words[-1] in self.everyday:
            return m.group()
        if (
            words[-1] in self._ordinary
            or words[-1] in self._months
            or words[-1] in self._not_streets
            or words[0] in _NOT_ADJECTIVES
            or self._unit_after.match(m.string, m.end("no"))
        ):
            return m.group()
        return adr

    def _street(self, m: re.Match[str], adr: str) -> str:
        st = m.group("st")
        parts = st.split()
        last = parts[-1].casefold().rstrip(".")
        first = parts[0].casefold()
        # "Platz 5" is a seat, "Eidelstedter Platz 42a" or "Neuer Wall Nr. 42" a street: a
        # capitalised adjective first, or an ordinary one with "Nr." before the number
        named = (
            len(parts) > 1
            and parts[0][:1].isupper()
            and first.endswith("er")
            and first not in _NOT_ADJECTIVES
            and (first not in self.everyday or m.start("no") - m.end("st") > 2)
        )
        if (
            (last in self._not_streets and not named)
            or last.endswith(("äufer", "aeufer"))
            or self._unit_after.match(m.string, m.end("no"))
        ):
            return m.group()  # "Parkplatz 3", "Umweg 20 min"
        if len(parts) > 1:
            # a separate street word needs an adjective before it ("Kieler Straße 5",
            # "bramfelder chaussee 112"), not an article or pronoun ("in der Straße 5")
            adj = parts[0].casefold()
            if adj in _NOT_ADJECTIVES or adj in self._ordinary or len(adj) < 4:
                return m.group()
        return adr

    def _prep(self, m: re.Match[str], adr: str) -> str:
        word = m.group("w").casefold()
        if word in self._ordinary or self._unit_after.match(m.string, m.end("no")):
            return m.group()
        if m.group("w")[0].isupper() or self._residence.search(m.string):
            return adr
        return m.group()
