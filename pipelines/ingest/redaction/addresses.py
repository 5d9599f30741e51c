"""Streets in any case and without a capitalised street word: a word ending in a
street suffix ("kirchenallee 13"), an adjective and a street word ("bramfelder chaussee
112"), "Am"/"Beim"/"An der" + a name, any name before a postcode or in a comment about
where someone lives; floor, flat and town after them go too. Words from `addresses` and
`structures`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipelines.ingest.redaction.patterns import (
    _CAPWORD,
    _FIVE_DIGITS,
    _HOUSE,
    _alt,
    _fold,
    _norm,
    _phrases,
    _prefilter,
    _trie,
)
from pipelines.ingest.redaction.rules import setting, word_list

_I = re.IGNORECASE

_LETTER_HOUSE = re.compile(r"[a-zäöüß] ?\d{1,4}[a-h](?!\w)", re.I)
_POSTCODE = re.compile(r"\d[ \u00a0]*,?[ \u00a0]*(?:D-)?\d{5}(?!\d)")
# A word right before a number ("kirchenallee 13", "Nr. 5"): where streets can be.
_BEFORE_NUMBER = re.compile(
    r"([^\W\d_][\w'.-]*)[ \u00a0]*(?:(?:nr|no|hausnr|nummer)\.?:?[ \u00a0]*)?\d", re.I
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
# House number of these rules: 12, 12a, 12 a, 12-14, 12/3 (no date, time or price after it).
_HOUSE_NO = (
    r"\d{1,4}(?:[ \u00a0]?[a-zA-Z](?![\w]))?(?:[ \u00a0]?[-/][ \u00a0]?\d{1,4}[a-zA-Z]?)?(?![\d.,:]\d|\d)"
)
# Floor or flat after the house number: ", 2. OG", "links", "Whg. 3".
_FLOOR = (
    r"(?:,?[ \u00a0]*(?:\d{1,2}\.?[ \u00a0]*(?:og|stock|etage|obergeschoss|kat)\b\.?"
    r"|(?:eg|og|dg|hh|vh|hinterhaus|links|rechts|li|re)\b\.?"
    r"|(?:whg|wohnung|apt|daire|d)\.?:?[ \u00a0]*\d{1,3}(?!\d)))"
)
# Postcode and town after it: ", 22765 Hamburg".
_TOWN = r"(?:,?[ \u00a0]*(?:D-)?\d{5}(?![\d])(?:[ \u00a0]+[A-Za-zÄÖÜäöüß-]{3,}(?:/[A-Za-zÄÖÜäöüß-]+)?)?)"
_TAIL = rf"(?:{_FLOOR}{{0,2}}{_TOWN}?)"
# A unit after a number ("5 min", "20 %"): no house number.
_UNIT_AFTER = re.compile(r"[ \u00a0]*(?:min|minuten|uhr|std|stunden|%|€|euro|tl|leute|personen|mal|x)\b", _I)
# Any capitalised street name, no suffix needed ("Reeperbahn 29"): before a
# postcode, or in a comment about where someone lives.
_STREET_POSTCODE = re.compile(
    rf"(?<![\w\[\]-])(?P<w>[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß-]{{2,}})[ \u00a0]*(?P<no>{_HOUSE_NO}),?[ \u00a0]*(?:D-)?\d{{5}}(?!\d)"
    rf"(?:[ \u00a0]+[A-ZÄÖÜ][A-Za-zÄÖÜäöüß-]{{2,}})?"
)
_STREET_ANY = re.compile(
    rf"(?<![\w\[\]-])(?P<w>[A-ZÄÖÜ][\wäöüß-]{{2,}}(?:[ \u00a0][A-ZÄÖÜ][\wäöüß-]{{2,}})?)"
    rf"[ \u00a0]*(?:(?i:nr|hausnr|nummer)\.?:?[ \u00a0]*)?(?P<no>{_HOUSE_NO}){_TAIL}"
)
_STREET_LOWER = re.compile(
    rf"(?<![\w\[\]-])(?P<w>[a-zäöüß][a-zäöüß-]{{3,}})[ \u00a0]*(?P<no>{_HOUSE_NO}){_TAIL}"
)
# "Rugenbarg 23a", "dehnhaide 22b in 22081 hamburg": a house number with a letter
_STREET_LETTER = re.compile(
    r"(?<![\w\[\]-])(?P<w>[A-Za-zÄÖÜäöüß][a-zäöüß-]{3,})[ \u00a0]*(?P<no>\d{1,4}[a-h])(?![\w])"
    r"(?:,?[ \u00a0]*(?:in[ \u00a0]+)?\d{5}(?:[ \u00a0]+[A-Za-zÄÖÜäöüß-]{3,})?)?"
)


class AnyCaseStreets:
    """Streets in any case: the street words, prepositions and residence words of the
    rules, compiled."""

    def __init__(
        self,
        rules: Mapping[str, Any],
        placeholders: Mapping[str, str],
        months: tuple[str, ...],
        everyday: frozenset[str] = frozenset(),
    ):
        self.P = dict(placeholders)
        self.everyday = everyday  # the gazetteer's ordinary_words
        a = rules.get("addresses", {})
        suffixes = tuple(str(s).rstrip(".") for s in a.get("street_suffixes", ()))
        words = tuple(str(s).rstrip(".") for s in a.get("street_words", ()))
        self._not_streets = frozenset(str(s).casefold() for s in a.get("not_streets", ()))
        # (A possessive word run, then look-behinds for the suffix: no backtracking.)
        behind = "|".join(f"(?<={re.escape(x)})" for x in sorted(set(suffixes), key=len, reverse=True))
        # Any case: a word ending in a street suffix ("kirchenallee 13", "rübenkamp 89"),
        # or an adjective + separate street word ("bramfelder chaussee 112", "ohlsdorfer str. 26c").
        self._street_lc = re.compile(
            rf"(?<![\w\[\]-])(?P<st>[\wäöüß-]++(?:{behind})\.?"
            rf"|[\wäöüß-]+(?:er|e|en|sche|scher|sches)[ \u00a0]+(?:{_alt(words)})\.?)"
            rf"[ \u00a0]*(?:(?:nr|no|hausnr|nummer)\.?:?[ \u00a0]*)?(?P<no>{_HOUSE_NO}){_TAIL}",
            _I,
        )
        # "Am Stadtrand 204", "Beim Schlump 57", "An der Alster 3", "Auf dem Sande 1".
        preps = word_list(rules, "structures.street_prepositions")
        self._street_prep = re.compile(
            rf"(?<![\w\[\]-])(?P<p>{_alt(preps)})[ \u00a0]+(?P<w>[A-Za-zÄÖÜäöüß][\wäöüß-]{{2,}})"
            rf"[ \u00a0]*(?P<no>{_HOUSE_NO}){_TAIL}",
            _I,
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

    def redact(self, text: str) -> str:
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
            text = _STREET_POSTCODE.sub(lambda m: self._any_street(m, adr), text)
        if adr in text:
            text = self._after_address.sub(adr, text)
        if _LETTER_HOUSE.search(text):
            text = _STREET_LETTER.sub(lambda m: self._any_street(m, adr), text)
        if self._residence.search(text):
            text = _STREET_ANY.sub(lambda m: self._any_street(m, adr), text)
            if self.everyday:
                text = _STREET_LOWER.sub(lambda m: self._any_street(m, adr, lower=True), text)
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
            or _UNIT_AFTER.match(m.string, m.end("no"))
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
            or _UNIT_AFTER.match(m.string, m.end("no"))
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
        if word in self._ordinary or _UNIT_AFTER.match(m.string, m.end("no")):
            return m.group()
        if m.group("w")[0].isupper() or self._residence.search(m.string):
            return adr
        return m.group()


# Postcode and town after a capitalised street: ", 22765 Hamburg", " 34710 Kadıköy/İstanbul".
_TOWN_AFTER_STREET = rf"(?:,?[ \u00a0]*(?:D-)?\d{{5}}[ \u00a0]+{_CAPWORD}(?:/{_CAPWORD})?)"
# Flat after the house number: "D:4", "Daire 4", "Whg. 3".
_FLAT = r"(?:[ \u00a0]*(?:D|Daire|Kat|Apt|Whg|Wohnung)\.?:?[ \u00a0]*\d{1,3}(?!\d))"
# Any street (also without a street word: "Lange Reihe 12") followed by postcode
# and town: "Große Freiheit 36, 22767 Hamburg".
_STREET_TOWN = re.compile(
    rf"(?<![\w\[\]-])(?P<pre>(?:{_CAPWORD}[ \u00a0]+){{1,3}})(?P<no>{_HOUSE}){_FLAT}?"
    rf",?[ \u00a0]*(?:D-)?\d{{5}}[ \u00a0]+{_CAPWORD}(?:/{_CAPWORD})?"
)


class CapitalisedAddresses:
    """Streets with a capital and a street word ("Kieler Str. 5a", "Max-Brauer-Allee 20"),
    any capitalised street before postcode and town, the English order ("221B Baker
    Street"), Turkish neighbourhoods ("Moda Mah."), and a postcode before a listed town
    ("22765 Hamburg"). Leading `stop` words are no part of a street name."""

    def __init__(
        self,
        rules: Mapping[str, Any],
        placeholders: Mapping[str, str],
        stop: frozenset[str],
        suffixes: tuple[str, ...],
    ):
        self.P = placeholders
        self._stop = stop
        self._suffixes = suffixes  # case-folded, without their dot
        a = setting(rules, "addresses")
        self._not_streets = _fold(a["not_streets"])
        suffixes, words, words_en = (
            _phrases(a["street_suffixes"]),
            _phrases(a["street_words"]),
            _phrases(a["street_words_en"]),
        )
        hoods, cities = _phrases(a["neighbourhood_words"]), _phrases(a["cities"])
        # Street: up to two capitalised words, a word ending in a street suffix or a
        # separate street word, "Nr."/"No:", house number, optional postcode and town.
        self._street = re.compile(
            rf"(?<![\w\[\]-])(?P<pre>(?:{_CAPWORD}[ \u00a0]+){{0,2}})"
            rf"(?P<st>[A-ZÄÖÜÇĞİŞ][\wäöüß'-]*?(?i:{suffixes})(?<=\w|\.)|(?:{words})(?:(?<=\.)|(?!\w)))"
            rf"[ \u00a0]*(?:(?:Nr|No|Hausnr|Nummer|nummer)\.?:?[ \u00a0]*)?(?P<no>{_HOUSE}){_FLAT}?{_TOWN_AFTER_STREET}?"
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
        # street any town is taken (see `_TOWN_AFTER_STREET`). Runs before the phone numbers.
        self._postcode = re.compile(
            rf"(?<![\w.,/-])(?:D-)?\d{{5}}[ \u00a0]+(?:{_CAPWORD}/)?(?:{cities})(?:/{_CAPWORD})?(?!\w)"
        )

    def redact(self, text: str, low: str) -> str:
        """`low` is `_norm` of the text before any rule ran."""
        if self._street_hint.search(low):
            text = self._street.sub(self._street_sub, text)
        if _FIVE_DIGITS.search(text):
            text = _STREET_TOWN.sub(self._street_town_sub, text)
        text = self._street_en.sub(self.P["ADRESSE"], text)
        text = self.neighbourhoods(text, low)
        if _FIVE_DIGITS.search(text):
            text = self._postcode.sub(self.P["ADRESSE"], text)
        return text

    def neighbourhoods(self, text: str, low: str) -> str:
        return self._hood.sub(self.P["ADRESSE"], text) if self._pre_hood.search(low) else text

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
        if key in self._not_streets or _UNIT_AFTER.match(m.string, m.end()):
            return m.group()  # "Parkplatz 3", "Stadtpark 5 min"
        attached = any(key.endswith(s) and len(key) > len(s) for s in self._suffixes)
        if not attached and start is None:
            return m.group()  # "Platz 3", "die Straße 5": no street name in front
        return prefix[: len(prefix) if start is None else start] + self.P["ADRESSE"]

    def _street_town_sub(self, m: re.Match[str]) -> str:
        prefix = m.group("pre")
        start = self._name_start(prefix)
        if start is None:
            return m.group()  # "Danke 3, 22765 Hamburg"
        return prefix[:start] + self.P["ADRESSE"]
