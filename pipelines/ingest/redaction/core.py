"""Redaction of personal data in free-text comments, before anything is stored.

Rules, no models: ``re``, plus `python-stdnum` (IBAN, Steuer-ID, TC kimlik checksums)
and `phonenumbers` (numbering plans of DE and TR). `Redactor.redact` replaces personal
data with typed German placeholders and decides whether the comment must still be held
back::

    >>> r = Redactor.default()
    >>> r.redact("Frau Schulz war sehr nett, Tel. 040 428 28 1234").text
    'Frau [NAME] war sehr nett, Tel. [TELEFON]'

Order of work:

1. structured data (`_structured`): URLs with a scheme and e-mails; then
   `structures` (obfuscated e-mails, bare URLs and handles; the city's own
   *.hamburg.de stays), `numbers` (validated IBANs, IP addresses, UUIDs, Steuer-ID /
   TC kimlik by checksum), dates of birth (keyword, "*", or a full date with a year
   before `structures.max_birth_year`); the keyword rules of this module (case, ID,
   plate numbers after a keyword); codes (serials, booking codes, mixed letter-digit
   codes), plates in any case, streets in any case and after "Am"/"Beim"/"An der";
   the older street, postcode and shape rules; phone numbers confirmed by
   phonenumbers, then the older phone shapes;
2. names, on word tokens of what is left: after a title ("Frau", "Mr.", "Sayın",
   "... Bey"), after an intro ("mein Name ist", "my name is", "benim adım") or a
   sign-off ("Viele Grüße", "Kontoinhaber"), and any first name or surname of the
   hand lists and the gazetteer (`config/names/gazetteer`: Faker, nam_dict and the U.S.
   Census surnames; a set lookup per token).
   Then `names.NameContext`: titles in any case, roles, thanks/blame, Turkish
   honorifics with suffixes, initials, particles, names joined by "und"/"and",
   brackets/quotes after a person noun, surnames with foreign letters or endings.
   Names that are also words (gazetteer `common_words.txt` and `ordinary_words.txt`,
   `names.ambiguous`, `names.not_names`) need context; a word in neither list is "no
   word" and is taken as a name where a name may stand;
3. the hold-back check, on the redacted text alone, so that redacting twice gives
   the same result (`redact(redact(x).text) == redact(x)`).

Known gaps (measured in bench/bench_redaction.py, listed in the README): names that
are also everyday words standing without any cue ("bei Aydın am Schalter", "Nachname
Wolf"); unknown names in lower case without a cue; names typed without diacritics
when they are also words ("ozlem"); case numbers in unusual notation; dates of birth
after 2005 without a birth word. Over-redaction accepted where cheap: a capitalised
noun right after a title or role ("Frau Kollegin") becomes [NAME]; so do capitalised
words that are no word of the three languages (typos, brand names) and listed
surnames that are nouns ("Rosen am Eingang").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.ingest.redaction.addresses import Addresses
from pipelines.ingest.redaction.births import Births
from pipelines.ingest.redaction.codes import Codes
from pipelines.ingest.redaction.holdback import HoldBack
from pipelines.ingest.redaction.names.context import NameContext
from pipelines.ingest.redaction.names.gazetteer import load_gazetteer
from pipelines.ingest.redaction.names.lists import NameLists
from pipelines.ingest.redaction.numbers import SpelledNumbers, redact_numbers, redact_phones
from pipelines.ingest.redaction.patterns import (
    _CAPWORD,
    _CODE,
    _DATE_GROUPS,
    _DE_ID,
    _DE_ID_LOWER,
    _DIGIT,
    _EMAIL,
    _FIVE_DIGITS,
    _GAP,
    _HOUSE,
    _IBAN,
    _PHONE,
    _PHONE_SPLIT,
    _PLATE_CODE,
    _SHAPES,
    _URL,
    _YEAR,
    _fold,
    _iban_length,
    _keywords,
    _norm,
    _phrase,
    _prefilter,
    _tckn_valid,
    _trie,
)
from pipelines.ingest.redaction.plates import WEEKDAYS, Plates
from pipelines.ingest.redaction.rules import (
    load_rules,
    placeholders,
    read_names,
    setting,
)
from pipelines.ingest.redaction.web import WebAddresses

_IDIOM_MARK = "\ue000"  # a private-use character: no word, no digit, no rule reads it

# A code of capitals only after a keyword: six or more, at most one vowel (no word is so)
_LETTER_CODE = re.compile(r"(?=[A-Z]{6,12}$)[B-DF-HJ-NP-TV-Z]*[AEIOU]?[B-DF-HJ-NP-TV-Z]*")
# ... or of letters and digits mixed, six or more ("83BRBAS", "T-P4BT-7C")
_MIXED_CODE = re.compile(
    r"(?=[\w-]*\d)(?=[\w-]*[A-Za-z])(?=(?:[-]?[A-Za-z0-9]){6})[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
)


@dataclass(frozen=True)
class Redacted:
    text: str  # redacted text with typed placeholders
    kinds: tuple[str, ...]  # sorted distinct placeholder kinds in `text`
    held_back: bool  # still looks risky after redaction: must not be published
    reason: str | None  # why it was held back; generic, never quotes the comment


# --------------------------------------------------------------------------- redactor


class Redactor:
    """Redacts personal data; build once (regexes compile here), call `redact` often."""

    def __init__(
        self,
        first_names: Iterable[str],
        surnames: Iterable[str],
        *,
        rules: Mapping[str, Any] | None = None,
        common_words: Iterable[str] = (),
        ordinary_words: Iterable[str] = (),
        ordinary_by_language: Mapping[str, Iterable[str]] | None = None,
        primary_language: Mapping[str, str] | None = None,
    ):
        rules = load_rules() if rules is None else rules
        self.placeholders = placeholders(rules)
        self._lists = NameLists(rules, first_names, surnames, common_words, ordinary_words, self.placeholders)
        self._not_streets = _fold(setting(rules, "addresses")["not_streets"])
        self._hold = HoldBack(rules, self._lists)
        self._compile(rules)
        sayings = [str(p) for p in setting(rules, "names").get("idioms", ())] or ["\ue000"]
        self._intros_strong = frozenset(
            " ".join(str(p).casefold().split()) for p in setting(rules, "names.context_intros_strong")
        )
        # (the longest first: "like Sherlock Holmes" before "like Sherlock")
        self._idioms = re.compile(
            rf"(?<!\w)(?:{'|'.join(_phrase(p) for p in sorted(sayings, key=len, reverse=True))})(?!\w)",
            re.IGNORECASE,
        )
        heads = {re.escape(p.split()[0].casefold()) for p in sayings}
        self._idiom_hint = re.compile("|".join(sorted(heads)), re.IGNORECASE)
        lists = self._lists
        self._ctx = NameContext(
            rules, lists.first, lists.sur, lists.ambiguous, lists.stop, lists.NAME, lists.ordinary,
            {lang: frozenset(ws) for lang, ws in (ordinary_by_language or {}).items()},
            primary_language,
        )  # fmt: skip
        months = tuple(str(m) for m in setting(rules, "months"))
        self._web = WebAddresses(rules, self.placeholders)
        self._codes = Codes(rules, self.placeholders)
        self._plates = Plates(rules, self.placeholders)
        self._births = Births(rules, self.placeholders, months)
        self._addresses = Addresses(rules, self.placeholders, months, self._lists.ordinary)

    @classmethod
    def default(cls, directory: Path | None = None) -> Redactor:
        """The bundled name lists (`config/names/*.txt`) and rules (`config/redaction.yaml`).
        Built once per configuration folder and state of its files (a redactor holds no
        state between calls; building one reads 200k words)."""
        if directory is None:
            from pipelines.core.registry import config_dir

            directory = config_dir()
        directory = Path(directory).resolve()
        files = sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".txt") and p.is_file())
        stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
        return cls._built(directory, stamp)

    @classmethod
    @functools.lru_cache(maxsize=8)
    def _built(cls, directory: Path, stamp: tuple) -> Redactor:
        rules = load_rules(directory)
        first = read_names(directory / "names" / "first_names.txt")
        sur = read_names(directory / "names" / "surnames.txt")
        gaz = load_gazetteer(directory, rules)
        return cls(
            [*first, *gaz.first],
            [*sur, *gaz.sur],
            rules=rules,
            common_words=gaz.common,
            ordinary_words=gaz.ordinary,
            ordinary_by_language=gaz.ordinary_in,
            primary_language=gaz.primary,
        )

    # ------------------------------------------------------------------ compile

    def _compile(self, rules: Mapping[str, Any]) -> None:
        I = re.IGNORECASE  # noqa: E741
        self._spelled = SpelledNumbers(setting(rules, "spelled_numbers"))
        kw = setting(rules, "keywords")
        months = "|".join(
            _phrase(m)
            for m in sorted({str(m).rstrip(".") for m in setting(rules, "months")}, key=len, reverse=True)
        )
        date = (
            r"(?<![\d.])(?:"
            r"\d{4}-\d{1,2}-\d{1,2}"  # 1980-05-12
            r"|\d{1,2}[ ]?[./-][ ]?\d{1,2}[ ]?[./-][ ]?(?:\d{4}|\d{2})(?!\d)"  # 12.05.1980, 12/5/80
            rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?[ ]?(?:{months})\b\.?(?:[ ,]{{0,2}}\d{{4}})?"  # 12. Mai 1980
            rf"|(?:{months})\b\.?[ ]\d{{1,2}}(?:st|nd|rd|th)?,?[ ]\d{{4}}"  # May 12, 1980
            r"|\d{1,2}\.[ ]?\d{1,2}\.(?!\d)"  # 12.05. (no year)
            r"|(?:19|20)\d\d(?!\d)"  # 1980 (only next to a birth keyword)
            r")"
        )
        # Date of birth: keyword, up to 25 characters (no digit, no sentence or clause
        # end, no placeholder), date.
        self._dob_before = re.compile(
            rf"(?P<kw>{_keywords(kw['birth_before'])})(?P<gap>[^\d\n.!?,;\[\]]{{0,25}}?)(?P<v>{date})", I
        )
        # Date of birth: date, up to 20 characters, keyword ("am 12.05.1980 geboren").
        after = "|".join(_phrase(p) for p in sorted(map(str, kw["birth_after"]), key=len, reverse=True))
        self._dob_after = re.compile(rf"(?P<v>{date})(?=[^\d\n.!?,;\[\]]{{0,20}}?(?<!\w)(?:{after}))", I)
        # Case / file number after a keyword.
        self._case = re.compile(rf"(?P<kw>{_keywords(kw['case_number'])})(?P<gap>{_GAP})(?P<v>{_CODE})", I)
        # ID / passport number after a keyword.
        self._id = re.compile(rf"(?P<kw>{_keywords(kw['id_number'])})(?P<gap>{_GAP})(?P<v>{_CODE})", I)
        # Licence plate after a keyword.
        self._plate_kw = re.compile(
            rf"(?P<kw>{_keywords(kw['plate'])})(?P<gap>{_GAP})(?P<v>{_PLATE_CODE})", I
        )
        # Keyword-anchored patterns run only when a keyword's first word occurs (speed).
        self._pre_birth = _prefilter(kw["birth_before"])
        self._pre_birth_after = _prefilter(kw["birth_after"])
        self._pre_case = _prefilter(kw["case_number"])
        # words that name a number only when it is long ("Antrag 26678", not "Rechnung 125 Euro")
        bare = kw.get("case_number_long") or ["\ue000"]
        self._case_long = re.compile(rf"(?P<kw>{_keywords(bare)})(?P<gap>{_GAP})(?P<v>{_CODE})", I)
        self._pre_case_long = _prefilter(bare)
        code = self.placeholders["AKTENZEICHEN"]
        # a number named after it (Turkish: "81734 numarasını") or joined to a case number
        # already replaced ("[AKTENZEICHEN] and 95104")
        self._number_named_after = re.compile(
            r"(?<![\w./-])\d[\d/.-]{2,}\d(?=\s*(?:numara|nolu|no['’]lu))", I
        )
        self._joined_case = re.compile(
            rf"(?<={re.escape(code)})(\s*(?:,|und|and|ve|&)\s*)[1-9]\d{{3,}}(?![\d.,/-])", I
        )
        self._pre_id = _prefilter(kw["id_number"])
        self._pre_plate = _prefilter(kw["plate"])

        a = setting(rules, "addresses")
        suffixes = "|".join(_phrase(s) for s in sorted(map(str, a["street_suffixes"]), key=len, reverse=True))
        words = "|".join(_phrase(s) for s in sorted(map(str, a["street_words"]), key=len, reverse=True))
        words_en = "|".join(_phrase(s) for s in sorted(map(str, a["street_words_en"]), key=len, reverse=True))
        hoods = "|".join(
            _phrase(s) for s in sorted(map(str, a["neighbourhood_words"]), key=len, reverse=True)
        )
        cities = "|".join(_phrase(s) for s in sorted(map(str, a["cities"]), key=len, reverse=True))
        # Postcode and town, after a street: ", 22765 Hamburg", " 34710 Kadıköy/İstanbul".
        town = rf"(?:,?[ \u00a0]*(?:D-)?\d{{5}}[ \u00a0]+{_CAPWORD}(?:/{_CAPWORD})?)"
        # Flat after the house number: "D:4", "Daire 4", "Whg. 3".
        flat = r"(?:[ \u00a0]*(?:D|Daire|Kat|Apt|Whg|Wohnung)\.?:?[ \u00a0]*\d{1,3}(?!\d))"
        # Street: up to two capitalised words, a word ending in a street suffix or a
        # separate street word, "Nr."/"No:", house number, optional postcode and town.
        self._street = re.compile(
            rf"(?<![\w\[\]-])(?P<pre>(?:{_CAPWORD}[ \u00a0]+){{0,2}})"
            rf"(?P<st>[A-ZÄÖÜÇĞİŞ][\wäöüß'-]*?(?i:{suffixes})(?<=\w|\.)|(?:{words})(?:(?<=\.)|(?!\w)))"
            rf"[ \u00a0]*(?:(?:Nr|No|Hausnr|Nummer|nummer)\.?:?[ \u00a0]*)?(?P<no>{_HOUSE}){flat}?{town}?"
        )
        # Any street (also without a street word: "Lange Reihe 12") followed by postcode
        # and town: "Große Freiheit 36, 22767 Hamburg".
        self._street_town = re.compile(
            rf"(?<![\w\[\]-])(?P<pre>(?:{_CAPWORD}[ \u00a0]+){{1,3}})(?P<no>{_HOUSE}){flat}?"
            rf",?[ \u00a0]*(?:D-)?\d{{5}}[ \u00a0]+{_CAPWORD}(?:/{_CAPWORD})?"
        )
        # Cheap hint, searched in the normalised text (see `_norm`) first: a street
        # suffix or word, then a house number.
        street_words = {_norm(str(w).rstrip(".")) for w in [*a["street_suffixes"], *a["street_words"]]}
        self._street_hint = re.compile(
            "(?:" + _trie([[re.escape(c) for c in w] for w in street_words]) + ")"
            r"\.?[ \u00a0]*(?:(?:nr|no|hausnr|nummer)\.?:?[ \u00a0]*)?\d"
        )
        self._pre_hood = _prefilter(a["neighbourhood_words"])
        # English order: "221B Baker Street".
        self._street_en = re.compile(
            rf"(?<![\w.,/-])\d{{1,4}}[A-Za-z]?[ \u00a0]+(?:{_CAPWORD}[ \u00a0]+){{1,3}}(?:{words_en})(?:(?<=\.)|(?!\w))"
        )
        # Turkish neighbourhood: "Caferağa Mahallesi", "Moda Mah.".
        self._hood = re.compile(
            rf"(?<![\w\[\]-])(?:{_CAPWORD}[ \u00a0]+){{1,2}}(?:{hoods})(?:(?<=\.)|(?!\w))"
        )
        # Postcode + listed town ("22765 Hamburg", "34710 Kadıköy/İstanbul"); after a
        # street any town is taken (see `town`). Runs before the phone numbers.
        self._postcode = re.compile(
            rf"(?<![\w.,/-])(?:D-)?\d{{5}}[ \u00a0]+(?:{_CAPWORD}/)?(?:{cities})(?:/{_CAPWORD})?(?!\w)"
        )

    # ------------------------------------------------------------------ public

    def redact(self, text: str | None) -> Redacted:
        if not text:
            return Redacted("", (), False, None)
        out = self._structured(text)
        # sayings with names in them ("Hans im Glück", "Hinz und Kunz") are set aside for
        # the name rules: a mark no rule reads stands in for each
        idioms: list[str] = []
        if self._idiom_hint.search(out):
            out = self._idioms.sub(lambda m: self._idiom_mark(m, idioms), out)
        lists = self._lists
        parts = lists.split(out)
        named, words = lists.redact(out, parts)
        named = self._ctx.redact(named)
        # a name found makes its neighbours names ("Laut [NAME]", "Selam [NAME]"): the name
        # rules again until nothing changes, so that redacting twice changes nothing
        for _ in range(2):
            if lists.NAME not in named:
                break
            again = self._ctx.redact(lists.redact(named, lists.split(named))[0])
            if again == named:
                break
            named, words = again, None
        named = self._births.births_after_names(named)
        if named != out:
            parts, words = lists.split(named), None
        kind_of = lists.kind_of
        kinds = tuple(sorted({kind_of[w] for w in parts[1::2] if w in kind_of}))
        reasons = self._hold.reasons(named, parts, words)
        for k in range(len(idioms), 0, -1):  # (longest mark first: a mark holds the shorter ones)
            named = named.replace(_IDIOM_MARK * k, idioms[k - 1])
        return Redacted(named, kinds, bool(reasons), "; ".join(reasons) if reasons else None)

    def _idiom_mark(self, m: re.Match[str], idioms: list[str]) -> str:
        """The mark for a saying or brand, unless a title stands before it: "Frau Kamps" is
        a person, "bei Kamps" the bakery."""
        prev = m.string[max(0, m.start() - 20) : m.start()].split()
        before = [w.casefold() for w in prev]
        one_word = not any(c.isspace() for c in m.group())  # ("Frau Erika Mustermann" stays a saying)
        if one_word and before and before[-1].rstrip(".") in self._lists.titles_all:
            return m.group()
        if any(" ".join(before[-k:]) in self._intros_strong for k in (1, 2, 3) if len(before) >= k):
            return m.group()  # "My name is John Doe": a person who says so
        if one_word and prev and m.string[m.start() - 1] == " " and prev[-1][:1].isupper():
            given = before[-1]
            if (
                given in self._lists.first
                and given not in self._lists.ordinary
                and given not in self._lists.ambiguous
            ):
                return m.group()  # a given name before it: "Marco Ferrari" is a person
        idioms.append(m.group())
        return _IDIOM_MARK * len(idioms)

    def __call__(self, text: str | None) -> Redacted:
        return self.redact(text)

    # ------------------------------------------------------------------ structured data

    def _structured(self, text: str) -> str:
        P = self.placeholders
        low = _norm(text)
        if "http" in low or "www." in low:
            text = _URL.sub(self._url, text)
        if "@" in text or "(at)" in low or "[at]" in low:
            text = _EMAIL.sub(P["EMAIL"], text)
        text = self._web.emails(text)
        text = self._web.urls(text)
        text = redact_numbers(text, P)
        text = self._spelled.sub(text, low, P["TELEFON"])
        text = self._births.births(text)
        hood = self._pre_hood.search(low)
        has_id_keyword = self._pre_id.search(low)
        if not _DIGIT.search(text):
            # only a letters-only ID number after a keyword, or a neighbourhood, can be here
            if has_id_keyword:
                text = self._id.sub(self._id_sub, text)
            if self._pre_case_long.search(low):  # (a code of capitals: "Buchung TRMFYNDMW")
                text = self._case_long.sub(
                    lambda m: self._keep_keyword(m, "AKTENZEICHEN", min_digits=5), text
                )
            text = self._codes.codes(text)
            return self._hood.sub(P["ADRESSE"], text) if hood else text
        text = self._ibans(text)
        keep_kw = self._keep_keyword
        if self._pre_birth.search(low):
            text = self._dob_before.sub(lambda m: keep_kw(m, "GEBURTSDATUM"), text)
        if self._pre_birth_after.search(low):
            text = self._dob_after.sub(P["GEBURTSDATUM"], text)
        if self._pre_case.search(low):
            text = self._case.sub(lambda m: keep_kw(m, "AKTENZEICHEN", min_digits=3, min_len=3), text)
        if self._pre_case_long.search(low):
            text = self._case_long.sub(lambda m: keep_kw(m, "AKTENZEICHEN", min_digits=5, min_len=5), text)

        if has_id_keyword:
            text = self._id.sub(self._id_sub, text)
        if self._pre_plate.search(low):
            text = self._plate_kw.sub(lambda m: keep_kw(m, "KENNZEICHEN"), text)
        text = self._codes.codes(text)
        if P["AKTENZEICHEN"] in text:
            text = self._joined_case.sub(lambda m: m.group(1) + P["AKTENZEICHEN"], text)
        text = self._plates.plates(text)
        text = _SHAPES.sub(self._shape, text)
        text = _DE_ID_LOWER.sub(self._lower_id, text)
        text = self._addresses.addresses(text)
        if self._street_hint.search(low):
            text = self._street.sub(self._street_sub, text)
        if _FIVE_DIGITS.search(text):
            text = self._street_town.sub(self._street_town_sub, text)
        text = self._street_en.sub(P["ADRESSE"], text)
        if hood:
            text = self._hood.sub(P["ADRESSE"], text)
        if _FIVE_DIGITS.search(text):
            text = self._postcode.sub(P["ADRESSE"], text)
        text = redact_phones(text, P)
        text = _PHONE.sub(self._phone, text)
        if "numara" in low or "nolu" in low or "no'lu" in low:  # (after the phone numbers)
            text = self._number_named_after.sub(
                lambda m: P["AKTENZEICHEN"] if sum(map(str.isdigit, m.group())) >= 4 else m.group(), text
            )
        return text

    def _url(self, m: re.Match[str]) -> str:
        return self._web.url_sub(m.group())

    def _keep_keyword(self, m: re.Match[str], kind: str, *, min_digits: int = 0, min_len: int = 0) -> str:
        value = m.group("v")
        if (
            _LETTER_CODE.fullmatch(value) and value.casefold() not in self._lists.ordinary
        ) or _MIXED_CODE.fullmatch(value):
            return (
                m.group("kw") + m.group("gap") + self.placeholders[kind]
            )  # "Buchung TRMFYNDMW", "kodum 83BRBAS"
        if sum(map(str.isdigit, value)) < min_digits or sum(map(str.isalnum, value)) < min_len:
            return m.group()
        head = re.split(r"[ \u00a0/.-]", value, maxsplit=1)[0]
        # (a short abbreviation in capitals is a code's prefix: "KZ-W 446/2023")
        if (
            head.isalpha()
            and not (head.isupper() and len(head) <= 3)
            and head.casefold() in self._lists.ordinary
        ):
            return m.group()  # "Reisepass kostet 70 Euro": a word, then a price
        return m.group("kw") + m.group("gap") + self.placeholders[kind]

    def _id_sub(self, m: re.Match[str]) -> str:
        if _DE_ID.fullmatch(m.group("v")):  # after a keyword the letters-only shape counts too
            return m.group("kw") + m.group("gap") + self.placeholders["AUSWEISNUMMER"]
        return self._keep_keyword(m, "AUSWEISNUMMER", min_digits=1, min_len=6)

    def _ibans(self, text: str) -> str:
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
            out.append(self.placeholders["IBAN"])
            pos = m.start() + length
        out.append(text[pos:])
        return "".join(out)

    def _shape(self, m: re.Match[str]) -> str:
        """A Turkish identity number, a German ID number or a German licence plate."""
        s = m.group()
        match m.lastgroup:
            case "tckn":
                return self.placeholders["AUSWEISNUMMER"] if _tckn_valid(s) else s
            case "deid":
                if any(map(str.isdigit, s)) and any(map(str.isalpha, s)):
                    return self.placeholders["AUSWEISNUMMER"]
                return s
        if m.group("a").casefold() in WEEKDAYS and m.group("b").casefold() in WEEKDAYS:
            return m.group()  # opening hours: "DI-FR 9 bis 12"
        if m.group("sep") != "-" and (
            m.group("a").casefold() in self._lists.stop or m.group("b").casefold() in self._lists.stop
        ):
            # "ICH WAR AM 12 DA": words in a text written in capitals, not a plate
            context = m.string[max(0, m.start() - 12) : m.start()] + m.string[m.end() : m.end() + 12]
            if not any(map(str.islower, context)):
                return m.group()
        return self.placeholders["KENNZEICHEN"]

    def _lower_id(self, m: re.Match[str]) -> str:
        s = m.group()
        letters = sum(map(str.isalpha, s))
        return self.placeholders["AUSWEISNUMMER"] if letters >= 5 and letters < len(s) else s

    def _name_start(self, prefix: str) -> int | None:
        """Where the street name starts in the capitalised words before a street word:
        leading stop words are no part of it ("Danke Kieler Straße 5"). None: no name."""
        for word in re.finditer(r"\S+", prefix):
            if word.group().casefold().rstrip(".,") not in self._lists.stop:
                return word.start()
        return None

    def _street_sub(self, m: re.Match[str]) -> str:
        prefix = m.group("pre")
        start = self._name_start(prefix)
        key = m.group("st").casefold().rstrip(".")
        if key in self._not_streets or self._addresses.unit_after(m.string, m.end()):
            return m.group()  # "Parkplatz 3", "Stadtpark 5 min"
        attached = any(key.endswith(s) and len(key) > len(s) for s in self._lists.suffixes)
        if not attached and start is None:
            return m.group()  # "Platz 3", "die Straße 5": no street name in front
        return prefix[: len(prefix) if start is None else start] + self.placeholders["ADRESSE"]

    def _street_town_sub(self, m: re.Match[str]) -> str:
        prefix = m.group("pre")
        start = self._name_start(prefix)
        if start is None:
            return m.group()  # "Danke 3, 22765 Hamburg"
        return prefix[:start] + self.placeholders["ADRESSE"]

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
                return self.placeholders["TELEFON"]  # a phone number and more
            return s
        if digits < 7:
            return s
        # (a match starts with "+", "(" or a digit, never with white space)
        if _DATE_GROUPS.fullmatch(s):
            return s  # 12 10 2020, 01/02/1980
        if s[0] in "+(0":
            return self.placeholders["TELEFON"]  # national or international prefix
        groups = re.findall(r"\d+", s)
        if all(len(g) == 4 and _YEAR.fullmatch(g) for g in groups):
            return s  # a list of years
        if len(groups) == 1:
            return s  # one long number: not phone-shaped; left for the hold-back check
        return self.placeholders["TELEFON"]  # local number in groups: "428 28 1234"
