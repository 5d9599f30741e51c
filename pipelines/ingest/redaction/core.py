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
from itertools import accumulate
from pathlib import Path
from typing import Any

from pipelines.ingest.redaction.names.context import NameContext
from pipelines.ingest.redaction.names.gazetteer import load_gazetteer
from pipelines.ingest.redaction.names.words import TR_LOCATIVE, calendar_words, never_names
from pipelines.ingest.redaction.numbers import SpelledNumbers, redact_numbers, redact_phones
from pipelines.ingest.redaction.patterns import (
    _AT_WORD,
    _CAPWORD,
    _CODE,
    _DATE_GROUPS,
    _DE_ID,
    _DE_ID_LOWER,
    _DIGIT,
    _DIGITS_AFTER,
    _DIGITS_BEFORE,
    _EMAIL,
    _FIRST,
    _FIVE_DIGITS,
    _GAP,
    _HOUSE,
    _IBAN,
    _PHONE,
    _PHONE_SPLIT,
    _PLATE_CODE,
    _SHAPES,
    _SPACES,
    _URL,
    _WORD,
    _YEAR,
    _fold,
    _iban_length,
    _keywords,
    _norm,
    _phrase,
    _prefilter,
    _tckn_valid,
    _trie,
    fold_case,
)
from pipelines.ingest.redaction.rules import (
    RULES_FILE,
    RedactionConfigError,
    load_rules,
    placeholders,
    read_names,
    setting,
)
from pipelines.ingest.redaction.structures import WEEKDAYS, Structures

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


# --------------------------------------------------------------------------- tokens


@dataclass(slots=True)
class _Words:
    """The word tokens of a text as parallel lists (cheaper than one object per word)."""

    words: list[str]
    keys: list[str]  # case-folded
    cap: list[bool]  # starts with a capital letter
    ph: list[str | None]  # the kind, when the word is a placeholder
    start: list[int]
    end: list[int]
    adj: list[bool]  # only spaces (or a title's dot and spaces) before it
    title: list[bool]  # a title written before a name


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
        self._kind_of = {v: k for k, v in self.placeholders.items()}
        self._NAME = self.placeholders["NAME"]

        self._first = _fold(first_names)
        self._sur = _fold(surnames)
        if not self._first or not self._sur:
            raise RedactionConfigError("the first-name and surname lists must not be empty")
        blockers = never_names(rules)
        self._first -= blockers
        self._sur -= blockers
        self._names = self._first | self._sur
        # frequent words of the three languages, popular names excepted: "Juni", "Lage"
        self._ordinary = frozenset(ordinary_words)
        # names that are also ordinary words need context (a title, another name ...)
        self._ambiguous = (
            _fold(setting(rules, "names.ambiguous"))
            | _fold(common_words)
            | _fold(rules["names"].get("not_names", ()))
            | (self._names & self._ordinary)
            | calendar_words(rules)
        ) - blockers
        self._stop = _fold(setting(rules, "names.stopwords"))
        self._months = _fold(str(m).rstrip(".") for m in setting(rules, "months"))
        titles = [str(t) for t in setting(rules, "names.titles_before")]
        self._titles_dot = _fold(t[:-1] for t in titles if t.endswith("."))
        self._titles_plain = _fold(t for t in titles if not t.endswith("."))
        self._titles_after = _fold(setting(rules, "names.titles_after"))
        self._titles_all = self._titles_dot | self._titles_plain
        self._weak = _fold(setting(rules, "names.weak_context"))
        streets = setting(rules, "addresses")
        self._suffixes = tuple(str(s).casefold().rstrip(".") for s in streets["street_suffixes"])
        self._not_streets = _fold(streets["not_streets"])

        held = setting(rules, "held_back")
        self._max_unknown = int(held["max_unknown_after_name"])
        self._max_share = float(held["max_placeholder_share"])
        self._min_ph = int(held["min_placeholders"])
        self._reasons = {str(k): str(v) for k, v in dict(held["reasons"]).items()}
        for key in ("digits", "at_sign", "uncertain_name", "mostly_placeholders"):
            if key not in self._reasons:
                raise RedactionConfigError(f"{RULES_FILE}: missing held_back.reasons.{key}")
        self._long_digits = re.compile(rf"\d{{{int(held['min_digit_run'])},}}")

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
        self._ctx = NameContext(
            rules, self._first, self._sur, self._ambiguous, self._stop, self._NAME, self._ordinary,
            {lang: frozenset(ws) for lang, ws in (ordinary_by_language or {}).items()},
            primary_language,
        )  # fmt: skip
        self._st = Structures(
            rules, self.placeholders, tuple(str(m) for m in setting(rules, "months")), self._ordinary
        )

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

        n = setting(rules, "names")
        # Intros and sign-offs, followed by optional punctuation; the name tokens follow.
        self._intro = re.compile(rf"{_keywords(n['intros'])}[ \t\u00a0,:;\-–—\"'„“”‚‘»«]*", I)
        self._signoff = re.compile(rf"{_keywords(n['sign_offs'])}[\s,:;\-–—!.]*", I)
        self._pre_intro = _prefilter(n["intros"])
        self._pre_signoff = _prefilter(n["sign_offs"])

        ph = "|".join(re.escape(p) for p in sorted(self.placeholders.values(), key=len, reverse=True))
        self._split = re.compile(rf"({ph}|{_WORD})").split  # gap, word, gap, word, ..., gap
        name = re.escape(self._NAME)
        self._name_run = re.compile(rf"{name}(?:[ \t\u00a0]+{name})+")
        # words that make the token-level name rules worth running
        self._hot = (
            self._names | self._titles_dot | self._titles_plain | self._titles_after | {self._NAME.casefold()}
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
        parts = self._split(out)
        named, words = self._redact_names(out, parts)
        named = self._ctx.redact(named)
        # a name found makes its neighbours names ("Laut [NAME]", "Selam [NAME]"): the name
        # rules again until nothing changes, so that redacting twice changes nothing
        for _ in range(2):
            if self._NAME not in named:
                break
            again = self._ctx.redact(self._redact_names(named, self._split(named))[0])
            if again == named:
                break
            named, words = again, None
        named = self._st.births_after_names(named)
        if named != out:
            parts, words = self._split(named), None
        kinds = tuple(sorted({self._kind_of[w] for w in parts[1::2] if w in self._kind_of}))
        reasons = self._risks(named, parts, words)
        for k in range(len(idioms), 0, -1):  # (longest mark first: a mark holds the shorter ones)
            named = named.replace(_IDIOM_MARK * k, idioms[k - 1])
        return Redacted(named, kinds, bool(reasons), "; ".join(reasons) if reasons else None)

    def _idiom_mark(self, m: re.Match[str], idioms: list[str]) -> str:
        """The mark for a saying or brand, unless a title stands before it: "Frau Kamps" is
        a person, "bei Kamps" the bakery."""
        prev = m.string[max(0, m.start() - 20) : m.start()].split()
        before = [w.casefold() for w in prev]
        one_word = not any(c.isspace() for c in m.group())  # ("Frau Erika Mustermann" stays a saying)
        if one_word and before and before[-1].rstrip(".") in self._titles_all:
            return m.group()
        if any(" ".join(before[-k:]) in self._intros_strong for k in (1, 2, 3) if len(before) >= k):
            return m.group()  # "My name is John Doe": a person who says so
        if one_word and prev and m.string[m.start() - 1] == " " and prev[-1][:1].isupper():
            given = before[-1]
            if given in self._first and given not in self._ordinary and given not in self._ambiguous:
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
        st = self._st
        text = st.emails(text)
        text = st.urls(text)
        text = redact_numbers(text, P)
        text = self._spelled.sub(text, low, P["TELEFON"])
        text = st.births(text)
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
            text = st.codes(text)
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
        text = st.codes(text)
        if P["AKTENZEICHEN"] in text:
            text = self._joined_case.sub(lambda m: m.group(1) + P["AKTENZEICHEN"], text)
        text = st.plates(text)
        text = _SHAPES.sub(self._shape, text)
        text = _DE_ID_LOWER.sub(self._lower_id, text)
        text = st.addresses(text)
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
        return self._st.url_sub(m.group())

    def _keep_keyword(self, m: re.Match[str], kind: str, *, min_digits: int = 0, min_len: int = 0) -> str:
        value = m.group("v")
        if (
            _LETTER_CODE.fullmatch(value) and value.casefold() not in self._ordinary
        ) or _MIXED_CODE.fullmatch(value):
            return (
                m.group("kw") + m.group("gap") + self.placeholders[kind]
            )  # "Buchung TRMFYNDMW", "kodum 83BRBAS"
        if sum(map(str.isdigit, value)) < min_digits or sum(map(str.isalnum, value)) < min_len:
            return m.group()
        head = re.split(r"[ \u00a0/.-]", value, maxsplit=1)[0]
        # (a short abbreviation in capitals is a code's prefix: "KZ-W 446/2023")
        if head.isalpha() and not (head.isupper() and len(head) <= 3) and head.casefold() in self._ordinary:
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
            m.group("a").casefold() in self._stop or m.group("b").casefold() in self._stop
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
            if word.group().casefold().rstrip(".,") not in self._stop:
                return word.start()
        return None

    def _street_sub(self, m: re.Match[str]) -> str:
        prefix = m.group("pre")
        start = self._name_start(prefix)
        key = m.group("st").casefold().rstrip(".")
        if key in self._not_streets or self._st.unit_after(m.string, m.end()):
            return m.group()  # "Parkplatz 3", "Stadtpark 5 min"
        attached = any(key.endswith(s) and len(key) > len(s) for s in self._suffixes)
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

    # ------------------------------------------------------------------ names

    def _lookup(self, key: str) -> tuple[bool, bool, bool]:
        """(is a listed name, is a listed first name, is ambiguous) for a casefolded token."""
        names = self._names
        if key in names:
            return True, key in self._first, key in self._ambiguous
        if "-" in key:
            if key.endswith(self._suffixes):
                return False, False, False  # "Thomas-Mann-Straße"
            parts = key.split("-")
            hits = [p for p in parts if p in names and p not in self._ambiguous]
            if hits and all(p in names for p in parts):  # "Anna-Lena", not "Otto-Normalverbraucher"
                return True, any(p in self._first for p in hits), False
            return False, False, False
        if (
            len(key) > 3
            and key[-1] == "s"
            and key[:-1] in names
            and key[:-1] not in self._ambiguous
            and key not in self._ordinary
        ):
            return True, False, False  # German genitive "Annas", not "Chaos" of "Chao"
        return False, False, False

    def _words(self, text: str, parts: list[str]) -> _Words:
        """Token lists for `text`; `parts` is `self._split(text)`: gap, word, gap, ... gap."""
        words = parts[1::2]
        gaps = parts[0::2]
        n = len(words)
        offsets = list(accumulate(map(len, parts), initial=0))
        start = offsets[1::2][:n]
        end = offsets[2::2]
        keys = list(map(fold_case, words))
        kind_of, dot, plain = self._kind_of, self._titles_dot, self._titles_plain
        title = [k in plain or (k in dot and gaps[i + 1][:1] == ".") for i, k in enumerate(keys)]
        adj = [False] * n  # adj[i]: only spaces between word i-1 and word i
        full = _SPACES.fullmatch
        for i in range(1, n):
            gap = gaps[i]
            if gap == " " or full(gap):
                adj[i] = True
            elif gap[:1] == "." and keys[i - 1] in dot and (len(gap) == 1 or full(gap, 1)):
                adj[i] = True  # "Dr. Schulz"
        return _Words(
            words=words,
            keys=keys,
            cap=list(map(str.isupper, map(_FIRST, words))),  # "[NAME]" starts with "[": never
            ph=list(map(kind_of.get, words)),
            start=start,
            end=end,
            adj=adj,
            title=title,
        )

    def _may_hold_names(self, text: str, words: list[str]) -> bool:
        """Cheap test on the word strings: can any name rule apply at all?"""
        keys = set(map(fold_case, words))
        if not keys.isdisjoint(self._hot):
            return True
        names = self._names
        for key in keys:
            if "-" in key and any(p in names for p in key.split("-")):
                return True
            if key[-1:] == "s" and key[:-1] in names:
                return True
        low = _norm(text)
        return self._pre_intro.search(low) or self._pre_signoff.search(low)

    def _redact_names(self, text: str, parts: list[str]) -> tuple[str, _Words | None]:
        """The text with names replaced, and its tokens when they were built and still hold."""
        if not self._may_hold_names(text, parts[1::2]):
            return text, None
        W = self._words(text, parts)
        n = len(W.words)
        keys, cap, ph, adj, titles = W.keys, W.cap, W.ph, W.adj, W.title
        mark = [False] * n
        stop, lookup, NAME, after = self._stop, self._lookup, self._NAME, self._titles_after

        def chain(j: int, strong: bool, maxlen: int = 4) -> None:
            """Mark the name words starting at word j (after a title or intro). After an
            intro (maxlen 3) any second capitalised word is part of the name: the
            gazetteer lists many given names as surnames too ("Brekke Quast")."""
            seen: list[str] = []  # "first", "sur", "unknown"
            while j < n and len(seen) < maxlen and (not seen or adj[j]):
                key = keys[j]
                if ph[j] or key in stop or titles[j] or key in after:
                    return
                listed, first, amb = lookup(key)
                if listed and (cap[j] or not amb):
                    mark[j] = True
                    seen.append("first" if first else "sur")
                elif (
                    cap[j]
                    and strong
                    and (
                        not seen
                        or (len(seen) == 1 and (seen[0] == "unknown" or maxlen == 3))
                        or all(s == "first" for s in seen)
                    )
                    # (after a name, an everyday word ends it: "Mehmet Öztürk Aktenzeichen ...")
                    and not (seen and key in self._ordinary and not listed)
                ):
                    mark[j] = True
                    seen.append("unknown")
                else:
                    return
                j += 1

        # 1. titles before a name: "Frau Schulz", "Herr Dr. Zorro", "Sayın Kaya"
        for i in range(n):
            if not titles[i]:
                continue
            if i + 1 < n and titles[i + 1] and adj[i + 1]:
                continue  # the last title of a chain does the work
            k = i
            while k > 0 and titles[k - 1] and adj[k]:
                k -= 1  # first title of the chain
            weak = not cap[k] or (k > 0 and adj[k] and keys[k - 1] in self._weak)
            if i + 1 < n and adj[i + 1]:
                chain(i + 1, strong=not weak)
        # 2. titles after a name: "Ahmet Bey", "Ayşe Hanım'a", "Mehmet Yılmaz bey"
        for i in range(1, n):
            if keys[i] not in after or not adj[i]:
                continue
            p = i - 1
            if ph[p] or keys[p] in stop or titles[p] or TR_LOCATIVE.fullmatch(keys[p]):
                continue
            listed, _, amb = lookup(keys[p])
            if not (cap[p] or (listed and not amb)):
                continue
            mark[p] = True
            for q in (p - 1, p - 2):
                if q < 0 or not adj[q + 1] or not mark[q + 1]:
                    break
                if ph[q] or not cap[q] or not lookup(keys[q])[0]:
                    break
                mark[q] = True
        # 3. intros and sign-offs: "mein Name ist ...", "Viele Grüße\n..."
        low = _norm(text)
        for pre, regex in ((self._pre_intro, self._intro), (self._pre_signoff, self._signoff)):
            if pre.search(low):
                starts = {p: i for i, p in enumerate(W.start)}
                for m in regex.finditer(text):
                    j = starts.get(m.end())
                    if j is not None:
                        chain(j, strong=True, maxlen=3)
        # 4. listed names anywhere (not ambiguous ones, not "12. Jan" or "100 Mark")
        firsts: list[int] = []
        surs: list[int] = []
        for i in range(n):
            if not cap[i]:
                continue
            listed, first, amb = lookup(keys[i])
            if not listed or amb:
                continue
            if _DIGITS_BEFORE.search(text, max(0, W.start[i] - 3), W.start[i]):
                continue
            if keys[i] in self._months and _DIGITS_AFTER.match(text, W.end[i]):
                continue
            mark[i] = True
            (firsts if first else surs).append(i)

        def unknown(j: int) -> bool:
            key = keys[j]
            return (
                cap[j] and not mark[j] and key not in stop and not titles[j]
                and key not in after and not lookup(key)[0]
            )  # fmt: skip

        # first name + unknown surname ("Anna Zorro"), unknown first name + surname ("Xaver Schulz")
        for i in firsts:
            if i + 1 < n and adj[i + 1] and unknown(i + 1):
                mark[i + 1] = True
        for i in surs:
            if i > 0 and adj[i] and unknown(i - 1) and not (i > 1 and mark[i - 2] and adj[i - 1]):
                mark[i - 1] = True
        # 5. ambiguous names next to a name: "Anna Lange"; "Lange Wartezeit" stays
        amb_names = self._ambiguous
        ambiguous = [i for i in range(n) if cap[i] and not mark[i] and keys[i] in amb_names]
        changed = bool(ambiguous)
        while changed:
            changed = False
            for i in ambiguous:
                if mark[i]:
                    continue
                left = i > 0 and adj[i] and (mark[i - 1] or ph[i - 1] == "NAME")
                right = i + 1 < n and adj[i + 1] and (mark[i + 1] or ph[i + 1] == "NAME")
                if left or right:
                    mark[i] = changed = True

        if not any(mark):
            return (self._name_run.sub(NAME, text) if NAME in text else text), W
        out = []
        pos = 0
        for i in range(n):
            if mark[i]:
                out.append(text[pos : W.start[i]])
                out.append(NAME)
                pos = W.end[i]
        out.append(text[pos:])
        return self._name_run.sub(NAME, "".join(out)), None

    # ------------------------------------------------------------------ hold-back

    def _risks(self, text: str, parts: list[str], W: _Words | None = None) -> list[str]:
        """Reasons to hold the redacted `text` back (`parts` is `self._split(text)`,
        `W` its tokens if already built)."""
        reasons = []
        if self._long_digits.search(text):
            reasons.append(self._reasons["digits"])
        if _AT_WORD.search(text) and _AT_WORD.search(self._st.group_handle.sub("", text)):
            # an "@" touching a word may be a half-redacted address or handle;
            # "danke @ team", "@team", "@all" greet a group
            reasons.append(self._reasons["at_sign"])
        words = parts[1::2]
        maybe = self._NAME in words or not self._titles_all.isdisjoint(map(str.casefold, words))
        if maybe and self._uncertain(W or self._words(text, parts)):
            reasons.append(self._reasons["uncertain_name"])
        placeholders = sum(1 for w in words if w in self._kind_of)
        if words and placeholders >= self._min_ph and placeholders / len(words) > self._max_share:
            reasons.append(self._reasons["mostly_placeholders"])
        return reasons

    def _uncertain(self, W: _Words) -> bool:
        """Capitalised unknown words right after [NAME] or a title were left in the text."""
        n = len(W.words)
        keys, cap, ph, adj, titles = W.keys, W.cap, W.ph, W.adj, W.title
        stop, after, lookup = self._stop, self._titles_after, self._lookup

        def unknown_run(j: int) -> int:
            c = 0
            while j < n and adj[j]:
                key = keys[j]
                if not cap[j] or key in stop or titles[j] or key in after or lookup(key)[0]:
                    break
                c += 1
                j += 1
            return c

        for i in range(n):
            # after [NAME], or after a capitalised title that ends a chain of titles
            after_name = ph[i] == "NAME"
            after_title = titles[i] and cap[i] and not (i + 1 < n and titles[i + 1] and adj[i + 1])
            if (after_name or after_title) and unknown_run(i + 1) > self._max_unknown:
                return True
        return False
