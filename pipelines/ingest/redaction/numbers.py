"""Numbers found by pattern and confirmed by a validator (IBAN, phone) or by shape (IP, UUID).

These run before the older keyword and shape rules (see `structured`), so an IBAN written with
dashes or in lower case, or a phone number written with dots, is replaced before the
generic digit rules could cut it into pieces. A validator decides wherever a checksum or
a numbering plan exists, so look-alikes (bus lines, opening hours, counts, prices,
waiting numbers) stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import phonenumbers
from stdnum import iban as _iban
from stdnum.de import idnr as _idnr
from stdnum.tr import tckimlik as _tckimlik

from pipelines.ingest.redaction.patterns import _IBAN_LENGTH

# IBAN candidate: country code, check digits, then letters/digits in any grouping, with
# spaces, dashes or dots between groups, any case. Trimmed and validated in `_iban_sub`.
_IBAN_CAND = re.compile(
    r"(?<![\w])[A-Za-z]{2}[ \u00a0.-]?\d{2}(?:[ \u00a0.-]?[0-9A-Za-z]){11,30}(?![0-9A-Za-z])"
)
_SEP = re.compile(r"[ \u00a0.-]")

# IPv4 (each part checked <= 255 in code); never inside a longer dotted number.
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_IP_WORD = re.compile(r"(?i)(?<![\w])ip(?:-?adres\w*|[ -]address)?(?!\w)")
# IPv6 in its common full or compressed form (at least three groups and one "::" or 8 groups).
_IPV6 = re.compile(
    r"(?<![\w:])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}"
    r"|(?=[0-9a-fA-F:]*::)(?:[0-9a-fA-F]{1,4}:){0,6}:?(?::[0-9a-fA-F]{1,4}){1,6}(?=[^\w:]|$)"
    r"|(?:[0-9a-fA-F]{1,4}:){2,6}:)(?![\w:])"
)
_UUID = re.compile(
    r"(?<![\w-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])"
)

# Eleven digits, run together or grouped 2-3-3-3 ("12 345 678 903"): Steuer-ID or
# TC kimlik no when the check digit fits (python-stdnum decides).
_ELEVEN = re.compile(r"(?<![\d.,/-])(?:\d{11}|\d{2} \d{3} \d{3} \d{3})(?![\d])")

# Phone candidate: an optional +/00 or "(", digits with at most two separators of
# space, dot, slash or dash between them, at least six digits in all. Only a candidate
# is handed to phonenumbers (its matcher is slow on long texts).
_PHONE_CAND = re.compile(r"(?<![\w+/.,:-])(?:\+|\(\+?)?\d(?:[ \u00a0./()-]{0,3}\d){5,}\)?(?![\w])")
# Words that say "this is a phone number" in de/en/tr: with one of them a merely
# POSSIBLE number (right length, no valid prefix) counts too.
_PHONE_CONTEXT = re.compile(
    r"(?i)(?<![\w\[])(?:tel|telefon|phone|handy|mobil|mobile|cell|anruf|rückruf|ruckruf|rufnummer|"
    r"erreichbar|whatsapp|call|ring|cep|arayın|arayin|ara)"
)
# German mobile prefixes 015x, 016x, 017x (national or +49/0049): nothing else starts so
_MOBILE = re.compile(r"(?:\+49|0049|\(0\)|0)[ \u00a0./()-]*1[5-7]\d")
_DATE_LIKE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}")
_TIME_RANGE = re.compile(r"\d{1,2}[.:]\d{2}\s*-\s*\d{1,2}[.:]\d{2}")


def _iban_sub(m: re.Match[str], placeholder: str) -> str:
    raw = m.group()
    compact = _SEP.sub("", raw).upper()
    # The greedy candidate may run into following words/numbers: try the longest
    # valid prefix (an IBAN is 15..34 characters).
    known = _IBAN_LENGTH.get(compact[:2])
    lengths = [known] if known else range(min(len(compact), 34), 14, -1)
    for length in lengths:
        if len(compact) >= length and _iban.is_valid(compact[:length]):
            break
    else:
        return raw
    count = 0
    for i, ch in enumerate(raw):
        if not _SEP.match(ch):
            count += 1
            if count == length:
                return placeholder + raw[i + 1 :]
    return placeholder


def _tax_sub(m: re.Match[str], placeholders: Mapping[str, str]) -> str:
    """An 11-digit number with a valid check digit: German Steuer-ID or TC kimlik no."""
    digits = re.sub(r"\D", "", m.group())
    if _idnr.is_valid(digits):
        return placeholders["AKTENZEICHEN"]
    if _tckimlik.is_valid(digits):
        return placeholders["AUSWEISNUMMER"]
    return m.group()


def _ip_sub(m: re.Match[str], placeholder: str, context: bool) -> str:
    parts = m.group().split(".")
    if context and all(int(p) <= 255 for p in parts):
        return placeholder  # "got ip 10.6.15.10"
    if all(int(p) <= 255 for p in parts) and not all(len(p) <= 2 for p in parts[:3]):
        return placeholder
    # "12.10.20.30" and the like: all short parts could be a version or a list; still
    # an IP when every part is in range and the first part is not a day
    if all(int(p) <= 255 for p in parts) and int(parts[0]) > 31:
        return placeholder
    return m.group()


def _phone_sub(m: re.Match[str], text: str, placeholder: str) -> str:
    s = m.group()
    digits = sum(c.isdigit() for c in s)
    if digits < 7 or digits > 16:
        return s
    if _DATE_LIKE.fullmatch(s.strip()) or _TIME_RANGE.fullmatch(s.strip()):
        return s
    context = _PHONE_CONTEXT.search(text, max(0, m.start() - 30), m.start()) is not None
    for region in ("DE", "TR"):
        try:
            num = phonenumbers.parse(s, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num):
            # a valid number without prefix ("4669563") is still only a local number:
            # accept it when it starts like a phone number or a context word precedes
            if s[0] in "+(0" or context:
                return placeholder
        elif context and phonenumbers.is_possible_number(num) and digits >= 7:
            return placeholder
    if context and digits >= 7 and s[0] in "+(0":
        return placeholder
    if _MOBILE.match(s) and 10 <= digits <= 13:
        return placeholder  # a German mobile prefix, a digit too many or too few
    return s


class SpelledNumbers:
    """Phone numbers read out as number words ("null eins fünf eins, zwei drei ..."): at
    least `min_words` of them in a row, from the rules' `spelled_numbers`."""

    _SPLIT = re.compile(r"[\s,.;/-]+")

    def __init__(self, rules: Mapping[str, object]):
        def alt(words: object) -> str:
            return "|".join(re.escape(str(w)) for w in sorted(map(str, words), key=len, reverse=True))  # type: ignore[call-overload]

        units, tens = alt(rules["units"]), alt(rules["tens"])
        word = rf"(?:(?:{units})und(?:{tens})|{tens}|{units})"
        self.min_words = int(rules["min_words"])  # type: ignore[call-overload]
        self.words = frozenset(str(w).casefold() for key in ("units", "tens") for w in rules[key])  # type: ignore[attr-defined]
        # a dialling code in digits may come first: "0174 drei sieben fünf ...", "+49 eins fünf ..."
        code = r"(?:(?:\+|00)\d{1,3}(?:[ \t]?\(0\))?|0\d{2,5})[ \t,.;/-]+"
        self.pattern = re.compile(
            rf"(?i)(?<![\w+])(?:{code})?{word}(?:[ \t,.;/-]+{word}){{{self.min_words - 1},}}(?!\w)"
        )

    def sub(self, text: str, low: str, placeholder: str) -> str:
        """`text` with each run replaced; `low` is its lower-case form (a cheap count first)."""
        if sum(w in self.words for w in self._SPLIT.split(low)) < self.min_words:
            return text
        return self.pattern.sub(placeholder, text)


def redact_numbers(text: str, placeholders: Mapping[str, str]) -> str:
    """IBANs, IP addresses and UUIDs in `text` replaced by placeholders."""
    if not any(c.isdigit() for c in text):
        return text
    ph_iban = placeholders["IBAN"]
    text = _IBAN_CAND.sub(lambda m: _iban_sub(m, ph_iban), text)
    code = placeholders["AKTENZEICHEN"]
    if "-" in text:
        text = _UUID.sub(code, text)
    if text.count(".") >= 3:
        context = _IP_WORD.search(text) is not None
        text = _IPV4.sub(lambda m: _ip_sub(m, code, context), text)
    if _ELEVEN.search(text):
        text = _ELEVEN.sub(lambda m: _tax_sub(m, placeholders), text)
    if "::" in text or text.count(":") >= 4:
        text = _IPV6.sub(code, text)
    return text


def redact_phones(text: str, placeholders: Mapping[str, str]) -> str:
    """Phone numbers in any separator style, confirmed by phonenumbers (regions DE, TR)."""
    tel = placeholders["TELEFON"]
    return _PHONE_CAND.sub(lambda m: _phone_sub(m, m.string, tel), text)
