"""Regular-expression building blocks and the fixed patterns of the rules (no configuration).

Keyword phrases become tries (fast to reject), phrases are matched across any run of
white space, and the fixed shapes (URL, e-mail, IBAN, phone run, ID number, plate,
house number ...) each carry a comment on what they catch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from operator import itemgetter


def fold_case(word: str) -> str:
    """`word` case-folded; a Turkish capital "İ" becomes "i" ("ELİF" -> "elif"), not "i"
    with a combining dot."""
    key = word.casefold()
    return key.replace("\u0307", "") if "\u0307" in key else key


def folded_as_one(fold: Callable[[str], str], words: list[str]) -> list[str]:
    """`fold` of each word, all folded as one text (several times quicker for the 300k
    words of the name lists). For a fold that goes letter by letter (case folding; NFKD,
    which never moves a mark across the line break between two words) the words come out
    as they would one by one."""
    folded = fold("\n".join(words)).split("\n")
    if len(folded) != len(words):  # a word with a line break (or no word): one by one
        return [fold(w) for w in words]
    return folded


def fold_all(words: Iterable[str]) -> list[str]:
    """`fold_case` of each word (`folded_as_one`)."""
    words = list(words)
    if not all(isinstance(w, str) for w in words):  # a number or a truth value in the rules: "2020", "no"
        words = [str(w) for w in words]
    return folded_as_one(fold_case, words)


def _fold(words: Iterable[str]) -> frozenset[str]:
    return frozenset(fold_all(words))


def _norm(text: str) -> str:
    """Case-folded, Turkish dotless/dotted i folded to i: for cheap substring prefilters."""
    return text.casefold().replace("ı", "i").replace("\u0307", "")


def _prefilter(phrases: Iterable[str]) -> re.Pattern[str]:
    """Search pattern for the longest word of each phrase, normalised (see `_norm`):
    if it finds nothing in a normalised text, no phrase can occur there."""
    words = {_norm(max(str(p).split(), key=len)).strip(".:-") or _norm(str(p)) for p in phrases}
    return re.compile(_trie([[re.escape(c) for c in w] for w in words]))


# --------------------------------------------------------------------------- regex building


def _phrase(text: str) -> str:
    """A keyword phrase as a regex: escaped, any white-space run for a space."""
    return r"\s+".join(re.escape(part) for part in str(text).split())


def _phrases(phrases: Iterable[object]) -> str:
    """The phrases as one alternation (see `_phrase`), the longest first."""
    return "|".join(_phrase(p) for p in sorted(map(str, phrases), key=len, reverse=True))


def _alt(words: tuple[str, ...]) -> str:
    """The distinct phrases as one alternation, the longest first; any white-space run
    for a space."""
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(set(words), key=len, reverse=True))


_NEVER = "\ue000"  # an alternative that matches nothing (for an empty word list)


def _units(phrase: str) -> list[str]:
    """A phrase as regex units: one per character (lower case), `\\s+` per white-space run."""
    units: list[str] = []
    for i, word in enumerate(str(phrase).split()):
        if i:
            units.append(r"\s+")
        units.extend(re.escape(c) for c in word.lower())
    return units


def _trie(sequences: list[list[str]]) -> str:
    """A regex matching any of the unit sequences, shaped as a trie (fast to reject).
    Longer continuations are tried first, as in a longest-first alternation."""
    root: dict = {}
    for seq in sequences:
        node = root
        for unit in seq:
            node = node.setdefault(unit, {})
        node[""] = {}  # end of a phrase

    def build(node: dict) -> str:
        branches = [u + build(child) for u, child in node.items() if u]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # "": a phrase may end here

    return build(root)


def _keywords(phrases: Iterable[str]) -> str:
    """Regex for a list of phrases (case-insensitive use), bounded like \\b but also
    after a final dot ("Az."). Short all-capital entries ("AZ", "LG") are matched
    case-sensitively even inside a case-insensitive pattern."""
    phrases = sorted({str(p) for p in phrases})
    strict = [p for p in phrases if p.isupper() and len(p) <= 3]
    loose = [p for p in phrases if p not in strict]
    parts = [_trie([_units(p) for p in loose])] if loose else []
    parts += [f"(?-i:{_phrase(p)})" for p in strict]
    return r"(?<!\w)(?:" + "|".join(parts) + r")(?:(?<!\w)|(?!\w))"


# Fixed patterns (no configuration needed). Each with a comment on what it catches.

# URL: http(s):// or www. up to white space; not inside an e-mail ("a@www.x.de").
_URL = re.compile(r"(?<![\w@.])(?:https?://|www\.)[^\s<>\"'„“”«»]+", re.IGNORECASE)
# E-mail, also "name (at) host.de" / "name [at] host [dot] de".
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+"
    r"(?:@|\s?[(\[]at[)\]]\s?)"
    r"[\w-]+(?:(?:\.|\s?[(\[]dot[)\]]\s?)[\w-]+)*(?:\.|\s?[(\[]dot[)\]]\s?)[A-Za-z]{2,}(?![\w-])",
    re.IGNORECASE,
)
# IBAN: country code, two check digits, 11..30 letters/digits, optionally in groups.
# Trimmed to the country's length (known countries) or to the last digit group.
_IBAN = re.compile(r"(?<![\w])[A-Za-z]{2}\d{2}(?:[ \u00a0]?[0-9A-Z]){11,30}(?![0-9a-z])")
_IBAN_LENGTH = {
    "DE": 22, "TR": 26, "AT": 20, "CH": 21, "NL": 18, "BE": 16, "FR": 27, "IT": 27,
    "ES": 24, "PL": 28, "GB": 22, "DK": 18, "SE": 24, "NO": 15, "LU": 20, "IE": 22,
    "PT": 25, "GR": 27, "CZ": 24, "HU": 28, "RO": 24, "BG": 22, "HR": 21, "SI": 19,
    "SK": 24, "FI": 18, "LT": 20, "LV": 21, "EE": 20,
}  # fmt: skip
# Phone-shaped run: optional +/00, digit groups split by space, "/" or "-",
# "(040)" or "(0)". Whether it is a phone is decided in `_phone` (>= 7 digits ...).
_PHONE = re.compile(
    r"(?<![\w+/.,-])(?:(?:\+|00)[ \u00a0]?)?(?:\(\d{1,5}\)|\d+)"
    r"(?:(?:[ \t\u00a0]?[/-][ \t\u00a0]?|[ \t\u00a0]|(?<=\)))(?:\(\d{1,5}\)|\d+))*(?!\w)"
)
# Where a too long phone-shaped run is split: " / ", " - ", or a space before "0"/"+".
_PHONE_SPLIT = re.compile(r"([ \t\u00a0]+[/-][ \t\u00a0]+|(?<=\d)[ \t\u00a0]+(?=\+|0))")
_YEAR = re.compile(r"(?:19|20)\d\d")
# Date-shaped digit groups (12 10 2020, 2020-10-12, 12/10/20): never a phone number.
_DATE_GROUPS = re.compile(r"\d{1,2}[ /-]\d{1,2}[ /-](?:\d{2}|\d{4})|\d{4}[ /-]\d{1,2}[ /-]\d{1,2}")
# Turkish identity number: 11 digits, first not 0, two check digits (checked in code).
_TCKN = r"(?<![\d.,/-])[1-9]\d{10}(?!\d)"
# German ID card / passport number: 9 characters of this alphabet, optional check digit;
# a digit and a letter are required (checked in code) unless a keyword comes first.
_DE_ID = re.compile(r"(?<![\w-])[CFGHJKLMNPRTVWXYZ0-9]{9}\d?(?![\w-])")
# ... typed in lower case ("crxhhrryy0"): the alphabet has no vowels, so no word has this shape
_DE_ID_LOWER = re.compile(r"(?<![\w-])[cfghjklmnprtvwxyz0-9]{9}\d?(?![\w-])")
# Dashes typed between the parts of a plate or code: hyphen, en and em dash, the Unicode
# hyphens and a middle dot ("HH–XJ 9750", "HH·JR 7727"), as phones and word processors put them.
DASH = "\u2010\u2011\u2012\u2013\u2014\u00b7-"  # (the hyphen last: literal in a character class)
# German licence plate: 1-3 letters, a dash or " ", 1-2 letters, 1-4 digits, E/H suffix.
_PLATE = (
    rf"(?<![\w-])(?P<a>[A-ZÄÖÜ]{{1,3}})(?P<sep>[{DASH}]|[ \u00a0])(?P<b>[A-Z]{{1,2}})[ \u00a0]?\d{{1,4}}[EH]?"
    r"(?![\w-])(?![.,:]\d)"
)
# The three in one scan (their shapes do not overlap); `Redactor._shape` tells them apart.
_SHAPES = re.compile(rf"(?P<tckn>{_TCKN})|(?P<deid>{_DE_ID.pattern})|(?P<plate>{_PLATE})")
# Code after a keyword (case number, ID number): groups of letters/digits joined by
# / . - or by a space when the next group has a digit early on or is a court-style
# letter group before digits ("39 C 1469/20"). Digit count is checked in code.
_CODE = (
    r"[A-Za-z0-9]+(?:[/.\-][A-Za-z0-9]+"
    r"|[ \u00a0](?:(?=[A-Za-z]{0,3}\d)[A-Za-z0-9]+|[A-Z]{1,3}(?=[ \u00a0]\d)))*"
)
# Plate after a keyword: German "HH-AB 123" or Turkish "34 ABC 123".
_PLATE_CODE = (
    r"(?:\d{2}[ \u00a0]?[A-Za-z]{1,3}[ \u00a0]?\d{2,4}"
    rf"|[A-Za-zÄÖÜäöü]{{1,3}}(?:[ \u00a0{DASH}]|\.(?=[A-Za-z]{{1,2}}\.\d))[A-Za-z]{{1,2}}[ \u00a0.{DASH}]?\d{{1,4}}[EHeh]?)"
    r"(?![\w-])"
)
# Between a keyword and its value: ":", "#", "Nr.", "ist", "is" ...
_GAP = r"(?:[\s:#=(]|-(?=\s)|\b(?:Nr|No|Nummer|number|ist|lautet|lautete|is|was|war|to)\b\.?){0,6}"
# House number: 12, 12a, 12 a, 12-14, 12/3.
_HOUSE = r"\d{1,4}(?:[ \u00a0]?[a-zA-Z](?![\w:]))?(?:[ \u00a0]?[-/][ \u00a0]?\d{1,4}[a-zA-Z]?)?(?!\d)"
_CAPWORD = r"[A-ZÄÖÜÇĞİŞ][\wäöüßçğıöşü'.]*(?:-[\wäöüßçğıöşü'.]+)*"
_SPACES = re.compile(r"[ \t\u00a0]+")
_FIVE_DIGITS = re.compile(r"\d{5}")
_DIGIT = re.compile(r"\d")
_DIGITS_BEFORE = re.compile(r"\d[.\s\u00a0]{0,2}$")
_DIGITS_AFTER = re.compile(r"\.?[\s\u00a0]{0,2}\d")  # used with .match(text, pos)
_WORD = r"[^\W\d_]+(?:-[^\W\d_]+)*"
_FIRST = itemgetter(0)
_AT_WORD = re.compile(r"\w@|@[\w\[]")


def _iban_length(raw: str) -> int | None:
    """Characters of `raw` (a greedy IBAN match) that belong to the IBAN, or None."""
    want = _IBAN_LENGTH.get(raw[:2].upper())
    if want is None:
        # unknown country: drop trailing letter-only groups ("... BIC")
        parts = raw.split()
        while len(parts) > 1 and not any(map(str.isdigit, parts[-1])):
            parts.pop()
        want = sum(len(p) for p in parts)
    count = 0
    for i, c in enumerate(raw):
        if c.isalnum():
            count += 1
            if count == want:
                end = i + 1
                break
    else:
        if count < 15:
            return None
        end = len(raw)
    if sum(map(str.isdigit, raw[:end])) < 10:
        return None
    return end


def _tckn_valid(digits: str) -> bool:
    d = [int(c) for c in digits]
    if len(d) != 11 or d[0] == 0:
        return False
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    return d10 == d[9] and sum(d[:10]) % 10 == d[10]
