"""The context rules for names, which find the names the rules of `lists` miss: the word
sets and token tests they share (`NameContext`) and the order they run in (`RULES`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from pipelines.ingest.redaction.names import cues, forms, joins, languages, sentences
from pipelines.ingest.redaction.names.scan import NameScan
from pipelines.ingest.redaction.names.words import (
    FOREIGN,
    KO_GIVEN,
    NORTH_END,
    SURNAME_END,
    ascii_fold,
    ascii_fold_all,
    calendar_words,
    name_words,
    never_names,
    one_edit,
)
from pipelines.ingest.redaction.patterns import fold_case

# A token: a placeholder, or letters with apostrophes and hyphens inside ("Ayşe'ye", "Anna-Lena")
_TOKEN = re.compile(r"\[[A-Z-]+\]|[^\W\d_]+(?:['’`][^\W\d_]+)*(?:-[^\W\d_]+(?:['’`][^\W\d_]+)*)*")
# Turkish plural endings: what people did, not one person ("çalışıyorlar")
_TR_PLURAL = ("lar", "ler", "lardı", "lerdi", "lardi", "lar.", "larmış", "lermiş")
# An initial before a word: "T. Ahlers", "k.meier"
_INITIAL = re.compile(r"(?<!\w)[^\W\d_]\.[ \t]?[^\W\d_]{2,}")


# The word lists of the rules' `names` section that the rules read as they are
# (case-folded): attribute of `NameContext` -> key.
_WORD_LISTS = {
    "proper_words": "proper_words",
    "first_person": "first_person",
    "staff_cues": "staff_cues",
    "person_preps": "person_prepositions",
    "places": "places",
    "titles": "context_titles",
    "short_titles": "context_short_titles",
    "roles": "context_roles",
    "thanks": "context_thanks",
    "fillers": "context_fillers",
    "thanks_before": "context_thanks_before",
    "evaluations": "subject_evaluations",
    "particles": "particles",
    "name_starts": "particles_starting_names",
    "joiners": "joiners",
    "weak": "weak_context",
    "verbs": "subject_verbs",
    "objects": "subject_objects",
    "person_after": "person_after",
    "speech": "speech_verbs",
    "person_before": "person_before",
    "object_verbs": "object_verbs",
    "object_adverbs": "object_adverbs",
    "person_nouns": "person_nouns",
    "quote_words": "quote_context",
    "bell": "bell_words",
}


class NameContext:
    """Context rules for names, run on the text after `lists` replaced the names its
    title/intro/list rules find. Each rule marks whole word tokens; marked tokens become
    the name placeholder. Rules only look at words and placeholders around a token, so
    on an already redacted text they find nothing new (idempotence).

    A token is "name-like" when it is not a stop word or placeholder and either listed
    in the gazetteer (not as an ordinary word) or, in a strong context, capitalised or
    written in lower case after a lower-case context that expects a name.
    """

    def __init__(self, rules: Mapping[str, Any], first: frozenset[str], sur: frozenset[str],
                 common: frozenset[str], stop: frozenset[str], name_placeholder: str,
                 ordinary: frozenset[str] = frozenset(),
                 ordinary_in: Mapping[str, frozenset[str]] | None = None,
                 primary: Mapping[str, str] | None = None):  # fmt: skip
        self.common, self.NAME, self.ordinary = common, name_placeholder, ordinary
        for attr, key in _WORD_LISTS.items():
            setattr(self, attr, name_words(rules, key))
        self.stop = stop | name_words(rules, "not_names")
        self.honorifics = tuple(name_words(rules, "context_honorifics"))
        self.long_places = tuple(p for p in self.places if len(p) >= 5)
        self.street_suffixes = tuple(
            str(x).casefold().rstrip(".") for x in (rules.get("addresses") or {}).get("street_suffixes", ())
        )
        self._read_phrases(rules)
        self._read_languages(rules, ordinary_in, primary)
        self._read_names(rules, first, sur, common)
        # word tests that try every one-letter typo: asked again and again for the same words
        self.place = functools.lru_cache(maxsize=1 << 16)(self.place)
        self.compound = functools.lru_cache(maxsize=1 << 16)(self.compound)
        self.hot = self._hot_words(common)

    def _read_phrases(self, rules: Mapping[str, Any]) -> None:
        """Intros as word tuples, one-word sign-offs and what a person does in Turkish."""
        predicates = name_words(rules, "tr_person_predicates")
        self.tr_predicates = frozenset(p for p in predicates if " " not in p)
        self.tr_predicate_starts = tuple(p for p in self.tr_predicates if len(p) >= 4)
        self.intro_weak = [tuple(p.split()) for p in name_words(rules, "context_intros_weak")]
        self.intro_strong = [tuple(p.split()) for p in name_words(rules, "context_intros_strong")]
        self.intro_cap = [tuple(p.split()) for p in name_words(rules, "context_intros_capitalised")]
        self.intro_heads = frozenset(p[0] for p in self.intro_weak + self.intro_strong + self.intro_cap)
        # one-word sign-offs ("VG", "LG", "Cheers") before an initial: "lg k. meier"
        self.signoffs = frozenset(
            str(p).casefold().strip(",:.")
            for p in (rules.get("names") or {}).get("sign_offs", ())
            if " " not in str(p)
        )

    def _read_languages(
        self,
        rules: Mapping[str, Any],
        ordinary_in: Mapping[str, frozenset[str]] | None,
        primary: Mapping[str, str] | None,
    ) -> None:
        """The words of each language and the language that says each word most often."""
        # languages that capitalise only names (and peoples, languages, places) within a sentence
        self.proper_case = frozenset(str(x) for x in (rules.get("names") or {}).get("proper_case", ()))
        # the words of each language, with the words it borrows from others
        self.ordinary_in = dict(ordinary_in or {})
        self.primary = dict(primary or {})
        borrowed = (rules.get("names") or {}).get("borrowed_words") or {}
        self.words_of = {
            lang: words.union(*(self.ordinary_in.get(str(o), ()) for o in borrowed.get(lang, ())))
            for lang, words in self.ordinary_in.items()
        }

    def _read_names(
        self, rules: Mapping[str, Any], first: frozenset[str], sur: frozenset[str], common: frozenset[str]
    ) -> None:
        """The names (never-names taken out) and their folded forms, and the calendar words."""
        never = never_names(rules)
        self.first, self.sur = first - never, sur - never
        self.names = self.first | self.sur
        # names without diacritics, for names typed with other ones or none
        self.folded = frozenset(ascii_fold_all(self.names - common))
        self.first_folded = frozenset(ascii_fold_all(self.first))
        self.months = frozenset(str(m).casefold().rstrip(".") for m in rules.get("months", ()))
        # (a month of three letters may be a name: "Mai", "May")
        self.calendar = calendar_words(rules, min_month_len=4)
        self.hand_ambiguous = name_words(rules, "ambiguous") | self.calendar
        # names that are words, for the language rules ("koch": German; "savaş": Turkish)
        # (also typed without their letters: "Hulya" for "Hülya")
        unlettered = frozenset(ascii_fold_all(w for w in self.names if not w.isascii()))
        self.word_names = ((self.names | unlettered) & self.ordinary) if self.words_of else frozenset()

    def _hot_words(self, common: frozenset[str]) -> frozenset[str]:
        """Words that make the rules worth running (listed names that are not words,
        context words); see `_may_apply`."""
        return (
            (self.names - common)
            | self.titles | self.short_titles | self.roles | (self.thanks - {"an", "to"})
            | self.thanks_before | self.person_nouns | self.quote_words | self.bell | self.signoffs
            | self.intro_heads
            | self.person_before | self.name_starts | self.speech
            | {w.split()[0] for w in self.person_after | self.object_verbs}
        )  # fmt: skip

    # ------------------------------------------------------------------ token tests

    def listed(self, key: str) -> bool:
        base = re.split(r"['’`]", key)[0]
        if base in self.names and base not in self.common:
            return True
        if not base.isascii() or base in self.folded:
            # "Kristín", "Ozlem", "Ilgin": the name without (or with other) diacritics
            folded = ascii_fold(base)
            if (
                folded in self.folded
                and folded not in self.ordinary
                and base not in self.ordinary
                and base not in self.common
            ):
                return True
        if "-" in base:
            # "Anna-Lena", not "Otto-Normalverbraucher" or "Kaiser-Friedrich-Straße"
            parts = base.split("-")
            if (
                len(base) >= 6
                and KO_GIVEN.fullmatch(base)
                and parts[0] != parts[1]
                and base.replace("-", "") not in self.ordinary
            ):
                return True
            return all(p in self.names for p in parts) and any(p not in self.common for p in parts)
        return False

    def place(self, key: str) -> bool:
        """A place ("Jenfeld"), its adjective ("Jenfelder") or a compound ending in a
        street suffix or a place ("Mönckebergstraße", "Neuallermöhe")."""
        places = self.places
        if key in places or key.endswith(self.street_suffixes):
            return True
        if key.endswith("er") and (key[:-2] in places or key[:-3] + "el" in places):
            return True  # "Jenfelder", "Fuhlsbüttler"
        if len(key) > 5 and (key.startswith(self.long_places) or key.endswith(self.long_places)):
            return True  # "Eilbektal", "Neuallermöhe"
        return len(key) >= 6 and any(w in places for w in one_edit(key))  # "Eiimsbüttel"

    def language_of(self, keys: list[str], ignore: frozenset[str] = frozenset()) -> str | None:
        """The comment's language, where its words say it clearly: each word votes for the
        language that says it most often; the winner needs two votes and twice as many as
        any other (the words in `ignore` do not vote)."""
        votes = dict.fromkeys(self.ordinary_in, 0)
        primary = self.primary
        for key in keys:
            if key in ignore:
                continue  # (the names in question do not vote: "Termin für Serhat Bingöl")
            lang = primary.get(key)
            if lang is not None:
                votes[lang] += 1
        ranked = sorted(votes.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
            return None
        return ranked[0][0]

    def _language_cue(self, text: str, keys: list[str]) -> bool:
        """Can a language rule apply? A name that is a word is capitalised in `text` and is
        no word of the comment's language, or the comment's language capitalises only names,
        or a Turkish sentence may start with a name and end in what a person did."""
        lang = None
        capitalised = frozenset(k for k in keys if k in self.word_names and k[:1].upper() + k[1:] in text)
        for key in capitalised:
            lang = lang or (self.language_of(keys) or self.language_of(keys, capitalised)) or "?"
            if lang in self.proper_case or (lang != "?" and key not in self.words_of.get(lang, ())):
                return True
            if lang == "tr" and any(self.tr_predicate(k) for k in keys):
                return True
        return False

    def no_word(self, key: str, word: str) -> bool:
        """`key` (of `word`) is no word of the three languages, no compound, typo or place
        and no acronym: "guelay" (of "guelay'a"), not "KUZ" (of "KUZ'a") or "Bürgeramt"."""
        return (
            len(key) >= 3
            and key not in self.ordinary
            and key not in self.common
            and not word[: len(key)].isupper()
            and not self.place(key)
            and not self.compound(key)
        )

    def tr_predicate(self, key: str) -> bool:
        # (a plural verb says what people did, not one person: "aslan gibi çalışıyorlar")
        return key in self.tr_predicates or (
            key.startswith(self.tr_predicate_starts) and not key.endswith(_TR_PLURAL)
        )

    def compound(self, key: str) -> bool:
        """A word after all: an inflected form ("Anliegens"), a compound of words or names
        ("Terminsystem", "Bäckermeister", "Wartebereichs"), or a typo one letter away from
        a word or a compound ("Lichtblck", "Wrtebereich", "Temrinsystem")."""
        if SURNAME_END.fullmatch(key):
            return False  # "karakuşoğlu", "kowalczyk": surnames made of words
        if self._made_of_words(key):
            return True
        if len(key) < 6:
            return False
        # (no replacement in a surname's ending: "Iwersen" is no typo of a word)
        edits = one_edit(key, replace=not NORTH_END.fullmatch(key))
        # (a compound's typo only for long words: short names are one letter from a compound)
        return any(w in self.ordinary for w in edits) or (
            len(key) >= 9 and any(self._made_of_words(w, names=False) for w in edits)
        )

    def _made_of_words(self, key: str, names: bool = True) -> bool:
        """An inflected word or a compound of words (or names: "Bäckermeister")."""
        known = self.ordinary
        listed = self.names if names else frozenset()

        def word(w: str) -> bool:
            return w in known or w in listed

        for end in ("s", "es", "n", "en", "e", "er", "ern"):
            # (of words of four letters or more: "Oltmanns" is a name's genitive, "Hayen"
            # no "hay" inflected)
            if key.endswith(end) and len(key) - len(end) >= 4 and key[: -len(end)] in known:
                return True
        by_lang = self.ordinary_in

        def same_language(head: str, tail: str) -> bool:
            """Words of one language make a compound, a name may join any: "Papa|daki",
            "ha|idari" (German and Turkish) are names."""
            if not by_lang or head not in known or tail not in known:
                return True
            return any(head in ws and tail in ws for ws in by_lang.values())

        for k in range(2, len(key) - 2):
            tail = key[k:]
            if len(tail) == 3 and k < 4:
                continue  # a three-letter tail only after a long head: "Schnellbus"
            if not word(tail) and not (tail.endswith("s") and word(tail[:-1])):
                continue
            if k < 4 and tail not in known:
                continue  # a name after a short head is a name: "Za|wadi", "An|anya"
            head = key[:k]
            for h in (
                head,
                head[:-1] if head[-1:] in "sn" else "",
                head[:-2] if head[-2:] in ("es", "en", "er") else "",
            ):
                if h and word(h) and same_language(h, tail if tail in known else tail[:-1]):
                    return True
        return False

    def _may_apply(self, text: str, seq: list[str]) -> bool:
        """Cheap test on the case-folded tokens: can any rule apply? (Most comments have
        no name at all.)"""
        keys = set(seq)
        if not keys.isdisjoint(self.hot) or self.NAME in text:
            return True
        if ("'" in text or "’" in text) and any(
            (b := re.split(r"['’]", k, maxsplit=1)[0]) in self.names or self.no_word(b, b)
            for k in keys
            if "'" in k or "’" in k
        ):
            return True  # "Sevda'ya"
        if not text.isascii() and any(not k.isascii() and ascii_fold(k) in self.folded for k in keys):
            return True  # "Kristín"
        if any(k.startswith(self.honorifics) for k in keys):
            return True
        if not keys.isdisjoint(self.staff_cues) and not keys.isdisjoint(self.joiners):
            return True  # "Sommer und Schmied am Empfang"
        if seq and seq[0] in self.names and any(self.tr_predicate(k) for k in seq[1:4]):
            return True  # "sevda beni hiç dinlemedi": a name, then what a person did
        if not keys.isdisjoint(self.evaluations) and not keys.isdisjoint(self.names):
            return True  # "Tekin war nett"
        if any(len(k) >= 4 and k not in self.ordinary and k not in self.names for k in keys) and re.search(
            r"\b[A-ZÄÖÜ][a-zäöüß]{3,}", text
        ):
            return True  # maybe a capitalised word that is no word: "Semhar"
        if not keys.isdisjoint(self.word_names) and self._language_cue(text, seq):
            return True  # a capitalised name that is a word of another language: "Koch at the desk"
        verbs, first, ordinary, common, sur = self.verbs, self.first, self.ordinary, self.common, self.sur
        for a, b in zip(seq, seq[1:], strict=False):
            if b in verbs and (a in self.names or (len(a) >= 3 and a not in ordinary)):
                return True  # "Smirnow konnte nichts", "Trang is the best"
            if a in first and ((len(b) >= 3 and b not in ordinary and b not in common) or b in sur):
                return True  # a given name and a word that is none or a surname: "sevgi kahramanlı"
        return (
            FOREIGN.search(text.lower()) is not None
            or SURNAME_END.search(text) is not None
            or _INITIAL.search(text) is not None
        )

    def redact(self, text: str) -> str:
        toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        words = [t[2] for t in toks]
        keys = [fold_case(w) for w in words]
        if not toks or not self._may_apply(text, keys):
            return text
        scan = NameScan(self, text, toks, words, keys)
        for rule in RULES:
            rule(scan)
        return scan.redacted()


# The rules in the order they run: each sees the marks of those before it.
RULES = (
    cues.after_cue_words,
    cues.after_intros,
    cues.beside_person_words,
    cues.speaking,
    cues.signature,
    cues.before_honorifics,
    cues.initials,
    joins.names_joined,
    joins.comma_lists,
    joins.in_brackets,
    forms.surname_forms,
    languages.other_language_names,
    sentences.turkish_subjects,
    sentences.staff_pairs,
    sentences.after_person_prepositions,
    sentences.joined_to_first_person,
    sentences.praised_subjects,
    joins.particles_starting_names,
    joins.particles_after_names,
    forms.listed_no_words,
    joins.ampersands,
    forms.possessives,
    forms.turkish_case_endings,
    forms.capitalised_no_words,
    joins.names_going_on,
    joins.names_joined,  # again: names the rules above found have partners ("Umut ve Kurt")
    joins.neighbours,
    languages.before_names,
    languages.likenesses,
)
