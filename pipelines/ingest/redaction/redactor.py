"""Redaction of personal data in free-text comments, before anything is stored.

Rules, no models: ``re``, plus `python-stdnum` (IBAN, Steuer-ID, TC kimlik checksums)
and `phonenumbers` (numbering plans of DE and TR). `Redactor.redact` replaces personal
data with typed German placeholders and decides whether the comment must still be held
back::

    >>> r = Redactor.default()
    >>> r.redact("Frau Schulz war sehr nett, Tel. 040 428 28 1234").text
    'Frau [NAME] war sehr nett, Tel. [TELEFON]'

Order of work:

1. structured data (`structured`): URLs with a scheme and e-mails; then `web`
   (obfuscated e-mails, bare URLs and handles; the city's own *.hamburg.de stays),
   `numbers` (validated IBANs, IP addresses, UUIDs, Steuer-ID / TC kimlik by
   checksum), dates of birth (`keywords`: after a keyword; `births`: "*", or a full
   date with a year before `structures.max_birth_year`); case, ID and plate numbers
   after a keyword (`keywords`); codes (`codes`: serials, booking codes, mixed
   letter-digit codes), plates in any case (`plates`), streets in any case and after
   "Am"/"Beim"/"An der" (`addresses`); the older street, postcode and shape rules
   (`addresses`, `shapes`); phone numbers confirmed by phonenumbers, then the older
   phone shapes;
2. names, on word tokens of what is left (sayings with names in them set aside,
   `sayings`): after a title ("Frau", "Mr.", "Sayın", "... Bey"), after an intro
   ("mein Name ist", "my name is", "benim adım") or a sign-off ("Viele Grüße",
   "Kontoinhaber"), and any first name or surname of the hand lists and the gazetteer
   (`config/names/gazetteer`: Faker, nam_dict and the U.S. Census surnames; a set
   lookup per token): `names.lists`.
   Then `names.context.NameContext`: titles in any case, roles, thanks/blame, Turkish
   honorifics with suffixes, initials, particles, names joined by "und"/"and",
   brackets/quotes after a person noun, surnames with foreign letters or endings.
   Names that are also words (gazetteer `common_words.txt` and `ordinary_words.txt`,
   `names.ambiguous`, `names.not_names`) need context; a word in neither list is "no
   word" and is taken as a name where a name may stand;
3. the hold-back check (`holdback`), on the redacted text alone, so that redacting
   twice gives the same result (`redact(redact(x).text) == redact(x)`).

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.ingest.redaction.holdback import HoldBack
from pipelines.ingest.redaction.names.context import NameContext
from pipelines.ingest.redaction.names.gazetteer import load_gazetteer
from pipelines.ingest.redaction.names.lists import NameLists
from pipelines.ingest.redaction.rules import load_rules, placeholders, read_names
from pipelines.ingest.redaction.sayings import Sayings
from pipelines.ingest.redaction.structured import StructuredData


@dataclass(frozen=True)
class Redacted:
    text: str  # redacted text with typed placeholders
    kinds: tuple[str, ...]  # sorted distinct placeholder kinds in `text`
    held_back: bool  # still looks risky after redaction: must not be published
    reason: str | None  # why it was held back; generic, never quotes the comment


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
        self._lists = lists = NameLists(
            rules, first_names, surnames, common_words, ordinary_words, self.placeholders
        )
        self._hold = HoldBack(rules, lists)
        self._structured = StructuredData(rules, self.placeholders, lists)
        self._sayings = Sayings(rules, lists)
        self._ctx = NameContext(
            rules, lists.first, lists.sur, lists.ambiguous, lists.stop, lists.NAME, lists.ordinary,
            {lang: frozenset(ws) for lang, ws in (ordinary_by_language or {}).items()},
            primary_language,
        )  # fmt: skip

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

    # ------------------------------------------------------------------ public

    def redact(self, text: str | None) -> Redacted:
        if not text:
            return Redacted("", (), False, None)
        out = self._structured.redact(text)
        # sayings with names in them ("Hans im Glück", "Hinz und Kunz") are set aside for
        # the name rules
        out, sayings = self._sayings.set_aside(out)
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
        named = self._structured.births.births_after_names(named)
        if named != out:
            parts, words = lists.split(named), None
        kind_of = lists.kind_of
        kinds = tuple(sorted({kind_of[w] for w in parts[1::2] if w in kind_of}))
        reasons = self._hold.reasons(named, parts, words)
        named = self._sayings.restore(named, sayings)
        return Redacted(named, kinds, bool(reasons), "; ".join(reasons) if reasons else None)

    def __call__(self, text: str | None) -> Redacted:
        return self.redact(text)
