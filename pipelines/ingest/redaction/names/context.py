"""Names: context rules that find the names the title/intro/list rules of `core` miss."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from pipelines.ingest.redaction.names.words import (
    FOREIGN,
    KO_GIVEN,
    NORTH_END,
    NORTH_END_CAP,
    QUOTE_OPEN,
    SURNAME_END,
    TR_LOCATIVE,
    ascii_fold,
    calendar_words,
    name_words,
    never_names,
    one_edit,
)
from pipelines.ingest.redaction.patterns import fold_case

_TOKEN = re.compile(r"\[[A-Z-]+\]|[^\W\d_]+(?:['’`][^\W\d_]+)*(?:-[^\W\d_]+(?:['’`][^\W\d_]+)*)*")
# Subject "verbs" that only place a person ("Rossi from ...", "Tekin am ..."): not
# enough before an object word ("bill from the machine")
_PLACE_WORDS = frozenset({"hier", "da", "dort", "am", "im", "an", "auf", "vom", "from"})
# "Rossi at counter 11", "Tekin am Schalter": a name placed at a desk.
_DESKS = frozenset(
    {"counter", "desk", "schalter", "empfang", "tresen", "infotresen", "infopoint", "reception"}
)
_TR_PLURAL = ("lar", "ler", "lardı", "lerdi", "lardi", "lar.", "larmış", "lermiş")
_BETWEEN = frozenset({"heute", "gestern", "echt", "wirklich", "immer", "today", "really", "always", "bugün"})
_COPULAS = frozenset({"was", "war", "waren", "were", "is", "ist", "it's"})
_ARTICLES = frozenset({"der", "den", "dem", "des", "die", "das"})
# Turkish case endings after an apostrophe (dative, accusative, genitive, locative,
# ablative, instrumental, "-ki", diminutive)
_TR_ENDING = re.compile(
    r"y?[aeıiuü]|n?[ıiuü]n|[dt][ae]n?|[dt][ae]ki|y?l[ae]|c[ıiuü]ğ?[ıiuü]m|[ıiuü]m|[ıiuü]n[ıiuü]z"
)
# "sooo", "superrr": a letter written three times or more counts once
_DRAWN_OUT = re.compile(r"(\w)\1{2,}")
_INITIAL = re.compile(r"(?<!\w)[^\W\d_]\.[ \t]?[^\W\d_]{2,}")
_WS = re.compile(r"[ \t\u00a0]+")
# German adjective and noun endings that names do not have ("biometrisches", "Zuständigkeit")
_ADJECTIVE_END = re.compile(r"(?:isch|lich|ig|bar|sam|haft|los|ung|heit|keit|schaft|tion|ität)(?:e[mnrs]?)?$")


class NameContext:
    """Context rules for names, run on the text after `core` replaced the names its
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
        self.first, self.sur, self.common, self.NAME = first, sur, common, name_placeholder
        self.ordinary = ordinary
        # languages that capitalise only names (and peoples, languages, places) within a sentence
        self.proper_case = frozenset(str(x) for x in (rules.get("names") or {}).get("proper_case", ()))
        self.proper_words = name_words(rules, "proper_words")
        predicates = name_words(rules, "tr_person_predicates")
        self.tr_predicates = frozenset(p for p in predicates if " " not in p)
        self.tr_predicate_starts = tuple(p for p in self.tr_predicates if len(p) >= 4)
        self.first_person = name_words(rules, "first_person")
        self.staff_cues = name_words(rules, "staff_cues")
        self.person_preps = name_words(rules, "person_prepositions")
        # the words of each language, with the words it borrows from others
        self.ordinary_in = dict(ordinary_in or {})
        self.primary = dict(primary or {})
        borrowed = (rules.get("names") or {}).get("borrowed_words") or {}
        self.words_of = {
            lang: words.union(*(self.ordinary_in.get(str(o), ()) for o in borrowed.get(lang, ())))
            for lang, words in self.ordinary_in.items()
        }
        self.places = name_words(rules, "places")
        self.long_places = tuple(p for p in self.places if len(p) >= 5)
        self.street_suffixes = tuple(
            str(x).casefold().rstrip(".") for x in (rules.get("addresses") or {}).get("street_suffixes", ())
        )
        self.stop = stop | name_words(rules, "not_names")
        self.titles = name_words(rules, "context_titles")
        self.short_titles = name_words(rules, "context_short_titles")
        self.roles = name_words(rules, "context_roles")
        self.thanks = name_words(rules, "context_thanks")
        self.fillers = name_words(rules, "context_fillers")
        self.thanks_before = name_words(rules, "context_thanks_before")
        self.evaluations = name_words(rules, "subject_evaluations")
        self.honorifics = tuple(name_words(rules, "context_honorifics"))
        self.particles = name_words(rules, "particles")
        self.name_starts = name_words(rules, "particles_starting_names")
        self.joiners = name_words(rules, "joiners")
        self.weak = name_words(rules, "weak_context")
        self.verbs = name_words(rules, "subject_verbs")
        self.objects = name_words(rules, "subject_objects")
        self.person_after = name_words(rules, "person_after")
        self.speech = name_words(rules, "speech_verbs")
        self.person_before = name_words(rules, "person_before")
        self.object_verbs = name_words(rules, "object_verbs")
        self.object_adverbs = name_words(rules, "object_adverbs")
        self.person_nouns = name_words(rules, "person_nouns")
        self.intro_weak = [tuple(p.split()) for p in name_words(rules, "context_intros_weak")]
        self.intro_strong = [tuple(p.split()) for p in name_words(rules, "context_intros_strong")]
        self.intro_cap = [tuple(p.split()) for p in name_words(rules, "context_intros_capitalised")]
        self.intro_heads = frozenset(p[0] for p in self.intro_weak + self.intro_strong + self.intro_cap)
        self.quote_words = name_words(rules, "quote_context")
        self.bell = name_words(rules, "bell_words")
        # one-word sign-offs ("VG", "LG", "Cheers") before an initial: "lg k. meier"
        self.signoffs = frozenset(
            str(p).casefold().strip(",:.")
            for p in (rules.get("names") or {}).get("sign_offs", ())
            if " " not in str(p)
        )
        never = never_names(rules)
        self.first, self.sur = first - never, sur - never
        self.names = self.first | self.sur
        # names without diacritics, for names typed with other ones or none
        self.folded = frozenset(ascii_fold(w) for w in self.names - common)
        self.first_folded = frozenset(ascii_fold(w) for w in self.first)
        self.months = frozenset(str(m).casefold().rstrip(".") for m in rules.get("months", ()))
        # (a month of three letters may be a name: "Mai", "May")
        self.calendar = calendar_words(rules, min_month_len=4)
        self.hand_ambiguous = name_words(rules, "ambiguous") | self.calendar

        # word tests that try every one-letter typo: asked again and again for the same words
        self._place = functools.lru_cache(maxsize=1 << 16)(self._place)
        self._compound = functools.lru_cache(maxsize=1 << 16)(self._compound)
        # names that are words, for the language rules ("koch": German; "savaş": Turkish)
        # (also typed without their letters: "Hulya" for "Hülya")
        unlettered = frozenset(ascii_fold(w) for w in self.names if not w.isascii())
        self.word_names = ((self.names | unlettered) & self.ordinary) if self.words_of else frozenset()
        # words that make the rules worth running (listed names that are not words,
        # context words); see `_may_apply`
        self.hot = (
            (self.names - common)
            | self.titles | self.short_titles | self.roles | (self.thanks - {"an", "to"})
            | self.thanks_before | self.person_nouns | self.quote_words | self.bell | self.signoffs
            | self.intro_heads
            | self.person_before | self.name_starts | self.speech
            | {w.split()[0] for w in self.person_after | self.object_verbs}
        )  # fmt: skip

    # ------------------------------------------------------------------ token tests

    def _listed(self, key: str) -> bool:
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

    def _place(self, key: str) -> bool:
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

    def _language(self, keys: list[str], ignore: frozenset[str] = frozenset()) -> str | None:
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
            lang = lang or (self._language(keys) or self._language(keys, capitalised)) or "?"
            if lang in self.proper_case or (lang != "?" and key not in self.words_of.get(lang, ())):
                return True
            if lang == "tr" and any(self._tr_predicate(k) for k in keys):
                return True
        return False

    def _no_word(self, key: str, word: str) -> bool:
        """`key` (of `word`) is no word of the three languages, no compound, typo or place
        and no acronym: "guelay" (of "guelay'a"), not "KUZ" (of "KUZ'a") or "Bürgeramt"."""
        return (
            len(key) >= 3
            and key not in self.ordinary
            and key not in self.common
            and not word[: len(key)].isupper()
            and not self._place(key)
            and not self._compound(key)
        )

    def _tr_predicate(self, key: str) -> bool:
        # (a plural verb says what people did, not one person: "aslan gibi çalışıyorlar")
        return key in self.tr_predicates or (
            key.startswith(self.tr_predicate_starts) and not key.endswith(_TR_PLURAL)
        )

    def _compound(self, key: str) -> bool:
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
            (b := re.split(r"['’]", k, maxsplit=1)[0]) in self.names or self._no_word(b, b)
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
        if seq and seq[0] in self.names and any(self._tr_predicate(k) for k in seq[1:4]):
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
        n = len(toks)
        ph = [w.startswith("[") for w in words]
        isname = [w == self.NAME for w in words]
        cap = [w[:1].isupper() for w in words]
        gaps = [text[toks[i - 1][1] : toks[i][0]] if i else text[: toks[0][0]] for i in range(n)]
        adj = [i > 0 and (gaps[i] == " " or bool(_WS.fullmatch(gaps[i]))) for i in range(n)]
        stop, listed = self.stop, self._listed
        mark = [False] * n

        months = self.months

        def never(j: int) -> bool:
            """Never (part of) a name: placeholders, stop words, titles, roles, honorifics,
            a month before digits ("Jan. 2021")."""
            key = keys[j]
            if (
                ph[j]
                or key in stop
                or key in self.titles
                or key in self.short_titles
                or key in self.roles
                or key.startswith(self.honorifics)
            ):
                return True
            if TR_LOCATIVE.fullmatch(key):
                return True  # "danışmadaki hanımefendi": the lady at the desk
            if not cap[j] and key.endswith(("leri", "ları", "lari")):
                return True  # a Turkish plural with its owner: "bayan tuvaletleri"
            if (key in self.proper_words or key in self.places) and not (
                j > 0 and keys[j - 1] in self.titles
            ):
                return True  # a language, people or place ("görevli İngilizce konuştu", "Thanks Lokstedt")
            if j > 0 and gaps[j] == "." and len(words[j - 1]) >= 2 and len(key.split("'")[0]) <= 4:
                return True  # a host name's ending: "hamburg.de", "hamburg.de'de" (not "wardak.ehsan")
            return key in months and re.match(r"\.?\s*\d", text[toks[j][1] : toks[j][1] + 4]) is not None

        blocked = [never(j) for j in range(n)].__getitem__  # asked many times per token

        def rare(j: int) -> bool:
            """Not a word of the three languages and not a name that is one: "strüver".
            (Without an everyday-word list nothing is "no word".)"""
            key = keys[j]
            return bool(self.ordinary) and (
                len(key) >= 3
                and key not in self.ordinary
                and key not in self.common
                and key not in self.verbs
            )

        compound: dict[int, bool] = {}

        def noword(j: int) -> bool:
            """No word at all, nor a compound, inflection or typo of one: "strüver", not
            "Anliegens" (memoised: the compound test is the costly one)."""
            if not rare(j):
                return False
            if j not in compound:
                compound[j] = not self._compound(keys[j])
            return compound[j]

        def ok(j: int, level: int) -> bool:
            """Can token j be (part of) a name? level -1: gazetteer only; 0: also no word
            at all; 1: also any capitalised word; 2: also a lower-case word."""
            if j >= n or blocked(j):
                return False
            if listed(keys[j]) or (level >= 0 and rare(j)):
                return True
            if level >= 1 and cap[j] and len(words[j]) >= 2:
                return True
            return level >= 2 and len(words[j]) >= 3 and keys[j] not in self.verbs

        def chain(
            j: int, level: int, maxlen: int = 3, follow: int | None = None, skip_ph: bool = False
        ) -> int:
            """Mark up to `maxlen` name tokens from j (particles and a name placeholder
            pass); returns the marked count. Tokens after the first need `follow`
            (default: capitalised or listed; a strong intro passes 2: "jana nováková").
            Only after an intro a name placeholder passes (`skip_ph`): after a title an
            unknown word next to [NAME] is left to the hold-back check."""
            count = 0
            first = True
            first_marked = False
            while skip_ph and j < n and isname[j] and (first or adj[j]):
                j += 1  # "my name is [NAME] quast": the rest of the name
                count += 1
                first = False
            while j < n and count < maxlen and (first or adj[j]):
                k = j
                # particles: "von der Lühe", "van Dijk", "de la Cruz"
                while k < n and keys[k] in self.particles and k + 1 < n and adj[k + 1]:
                    k += 1
                later = (1 if cap[k] else 0) if follow is None else follow
                # a second word that is a listed name, also one that is a word: "herr özgür yılmaz"
                second = (
                    count > 0
                    and keys[k] in self.names
                    and (cap[k] or keys[k] not in self.common or keys[k] in self.sur)
                    and not blocked(k)
                )
                if not second and not ok(k, level if count == 0 else later):
                    break
                if count and not second and keys[k] in self.ordinary and not listed(keys[k]):
                    break  # an everyday word ends a name: "benim adım [NAME] Aktenzeichen laut"
                if count and not first_marked and not cap[k] and not listed(keys[k]):
                    # a lower-case word right after a placeholder ("my name is [NAME]
                    # quast") only when the name ends there: "[NAME] doğum tarihim" stays
                    end = text[toks[k][1] : toks[k][1] + 1]
                    if end and end not in ",.;!?)\n":
                        break
                if k != j and not (listed(keys[k]) or cap[k] or level >= 2):
                    break
                mark[k] = True
                first_marked = first_marked or count == 0
                count += 1
                first = False
                j = k + 1
                level = max(level, 1) if cap[k] else level
            return count

        def gap_ok(i: int, allow: str = "") -> bool:
            """Only white space (no line break) and the characters `allow` before token i."""
            if "\n" in gaps[i] or "\r" in gaps[i]:
                return False
            g = gaps[i].strip()
            return all(c in allow for c in g)

        for i in range(n):
            key = keys[i]
            nxt = i + 1
            # titles in any case, with or without dot: "frau lindqvist", "Hr Brandau", "Sn. Koc"
            if (key in self.titles or key in self.short_titles) and nxt < n and gap_ok(nxt, "."):
                weak = i > 0 and keys[i - 1] in self.weak and adj[i]
                if key in self.short_titles and not cap[i] and gaps[nxt].strip() != ".":
                    level = 0  # "mo-fr geöffnet": lower-case "fr" only before a listed name
                elif weak:
                    level = 0
                else:
                    level = 1 if cap[i] else 2
                if i > 0 and gaps[i].strip() in ("-", "–") and key in self.short_titles:
                    continue  # "Mo-Fr 8-16"
                if (
                    chain(nxt, level) == 0
                    and keys[nxt] in self.names
                    and not blocked(nxt)
                    and nxt + 1 < n
                    and adj[nxt + 1]
                    and keys[nxt + 1] in self.verbs
                ):
                    mark[nxt] = True  # "hr acar war mega nett": a name that is also a word
            # roles before a name: "Sachbearbeiterin Frau ...", "Memur Şimşek", "Kollege Jan"
            elif key in self.roles and nxt < n and gap_ok(nxt, ":,"):
                # (a lower-case word after a capitalised role is a verb: "Sohn kam")
                if (
                    chain(nxt, 1 if cap[nxt] else -1) == 0  # (lower case: a listed name, not "zuvorkommend")
                    and keys[nxt] in self.names
                    and not blocked(nxt)
                    and (cap[nxt] or not cap[i])
                ):
                    mark[nxt] = True  # "der kollege çetin", "mein Sohn Can": a name that is also a word
            # thanks or blame directed at a person: "danke an layla", "außer Hatice", "Thanks a lot
            # Eirik", "greetings to Eirik" ("an", "to" only after thanks)
            elif (key in self.thanks or key == "to") and (
                key not in ("an", "to") or (i > 0 and keys[i - 1] in self.thanks_before)
            ):
                j = nxt
                while j < n and keys[j] in self.fillers and gap_ok(j, ","):
                    j += 1
                # (an everyday word that is no given name is thanks, not a person: "Danke Schön")
                # ("an Lange", "to Jule" after praise still name a person)
                plain = (
                    j < n
                    and key not in ("an", "to")
                    and keys[j] in self.ordinary
                    and keys[j] not in self.first
                )
                # (a given name and a surname in lower case too: "greetings to erdem güler")
                if (
                    j < n
                    and j > i
                    and gap_ok(j, ",")
                    and not ph[j]
                    and not plain
                    and chain(j, 1) == 0
                    and j + 1 < n
                    and adj[j + 1]
                    and keys[j] in self.first
                    and keys[j + 1] in self.sur
                    and not blocked(j)
                    and not blocked(j + 1)
                ):
                    mark[j] = mark[j + 1] = True
            # person noun + name in brackets or quotes: "die Frau am Schalter (Polat)"
            if key in self.person_nouns or key in self.quote_words:
                for j in range(nxt, min(n, nxt + 5)):
                    g = gaps[j].rstrip()
                    if g and g[-1] in "(" + QUOTE_OPEN:
                        chain(j, 1 if key in self.person_nouns else 2)
                        break
                    if any(c in ".!?;" for c in gaps[j]):
                        break
            # "bei o'brien klingeln": "bei" + up to three words + a bell word
            if key in self.bell and i >= 2:
                for b in range(i - 1, max(-1, i - 5), -1):
                    if keys[b] == "bei" and b < i - 1:
                        for j in range(b + 1, i):
                            if not ph[j] and keys[j] not in stop:
                                mark[j] = True
                        break
        # self-introductions
        where: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            if key in self.intro_heads:
                where.setdefault(key, []).append(i)
        intros = ((self.intro_strong, 2), (self.intro_cap, 1), (self.intro_weak, 0))
        for phrases, level in intros if where else ():
            for phrase in phrases:
                m = len(phrase)
                for i in where.get(phrase[0], ()):
                    if (
                        i < n - m
                        and tuple(keys[i : i + m]) == phrase
                        and all(adj[i + k] or gaps[i + k] == "'" for k in range(1, m))
                    ):
                        j = i + m
                        if not gap_ok(j, ",:'’"):
                            continue
                        if level == 0:
                            # "ich bin Frank"? only a listed name, or capitalised words before one
                            if chain(j, -1) == 0 and cap[j] and noword(j) and len(phrase) > 1:
                                chain(j, 1)  # "ich bin Giorgos voß" (not "im Wartebereich")
                            elif not mark[j] and cap[j] and j + 1 < n and adj[j + 1] and listed(keys[j + 1]):
                                chain(j, 1)
                        else:
                            chain(
                                j,
                                level if not cap[j] else 1,
                                maxlen=2,
                                follow=None if cap[j] else 2,
                                skip_ph=True,
                            )
        # words after a person ("Dilek sağ olsun", "Hêvî sayesinde", "ingrid and i"), before
        # a person ("Sevgili Azad", "Dear Kofi"), and verbs with a person as object ("ich
        # kann koç nur empfehlen", "fand harms sehr kompetent", "hat mich Ehlers")
        for i in range(n):
            if mark[i] or blocked(i) or not (keys[i] in self.names or (len(keys[i]) >= 3 and rare(i))):
                continue
            after = keys[i + 1] if i + 1 < n and adj[i + 1] else ""
            after2 = " ".join(keys[i + 1 : i + 3]) if i + 2 < n and adj[i + 1] and adj[i + 2] else ""
            before = keys[i - 1] if i > 0 and adj[i] else ""
            two_before = " ".join(keys[i - 2 : i]) if i > 1 and adj[i] and adj[i - 1] else ""
            if (
                after in self.person_after
                or after2 in self.person_after
                or before in self.person_before
                or (
                    (before in self.object_verbs or two_before in self.object_verbs)
                    and after in self.object_adverbs
                    and keys[i] not in self.hand_ambiguous
                )
            ):
                mark[i] = True
        # a name that speaks: "Baran meinte, ...", "Zilan dedi ki", "Arjun told me"
        for i in range(n - 1):
            if (
                not mark[i]
                and adj[i + 1]
                and keys[i + 1] in self.speech
                and not blocked(i)
                # (a word that is also a name speaks only as a sentence's subject, without
                # an article: "Koch meinte", not "der Koch meinte", "im August sagte")
                and (
                    keys[i] not in self.hand_ambiguous
                    or (
                        cap[i]
                        and keys[i] not in self.calendar
                        and (i == 0 or any(c in ".!?\n:;" for c in gaps[i]))
                    )
                )
                and (keys[i] in self.names or (cap[i] and rare(i)))
                # (a German or English word in lower case is a thing: "the door said", "form says")
                and (cap[i] or not any(keys[i] in self.words_of.get(g, ()) for g in ("de", "en")))
            ):
                mark[i] = True
        # a signature: the comment's last word after a comma, dash, line break or a
        # one-word sign-off ("thanks, jan", "– Arjun", "xx Wei", "lg wei")
        last = n - 1
        while last >= 0 and ph[last] and not isname[last]:
            last -= 1
        if last > 0 and not mark[last] and not blocked(last) and keys[last] not in self.hand_ambiguous:
            tail = "".join(c for c in text[toks[last][1] :] if c.isalnum())  # (emoji may follow: "Volkan 👋")
            signoff = keys[last - 1] in self.signoffs or keys[last - 1] in self.thanks
            if keys[last - 1] in self.thanks and keys[last] in self.ordinary and keys[last] not in self.first:
                signoff = False  # thanks, not a person: "danke schön"
            cue = signoff or gaps[last].strip(" ") in (",", "-", "–", "—", "\n", "\r\n")
            # (after a mere comma a word must be no word or a capitalised name: not "Geht so, naja")
            name_like = listed(keys[last]) or noword(last)
            two = (
                not cue
                and last > 1
                and adj[last]
                and keys[last - 1] in self.first
                and not blocked(last - 1)
                and (
                    gaps[last - 1].strip(" ") in (",", "-", "–", "—", "\n") or keys[last - 2] in self.signoffs
                )
            )
            if two and not tail and (keys[last] in self.sur or name_like):
                mark[last] = mark[last - 1] = True  # "iyi çalışmalar, Ozlem Polat"
            elif not tail and cue and (name_like or (keys[last] in self.names and (signoff or cap[last]))):
                mark[last] = True
                if last > 1 and adj[last] and not blocked(last - 1) and keys[last - 1] in self.first:
                    mark[last - 1] = True
        # Turkish honorifics with suffixes: "Gülsüm Hanımın", "Ahmet Bey'e", "Gokhan hocam"
        for i in range(1, n):
            honorific = keys[i].startswith(self.honorifics) and adj[i] and not blocked(i - 1)
            # (in lower case too: "deniz hanım'a", "uçar bey", "tigist abla"; not "görevli hanım")
            lone_suffix = gaps[i - 1][-1:] in ("'", "’")  # "Schalter 3'teki hanım"
            if honorific and not lone_suffix and (cap[i - 1] or keys[i - 1] in self.names or rare(i - 1)):
                mark[i - 1] = True
                if i > 1 and adj[i - 1] and cap[i - 2] and listed(keys[i - 2]) and keys[i - 2] not in stop:
                    mark[i - 2] = True
        # initials with a surname: "T. Ahlers", "k. meier", "VG [NAME]. Greenwood"
        for i in range(1, n):
            if gaps[i].strip() != "." or (blocked(i) and keys[i] not in self.particles):
                continue
            prev = words[i - 1]
            if (len(prev) == 1 and prev.isalpha()) or isname[i - 1]:
                chain = isname[i - 1] and i > 1 and isname[i - 2]  # "[NAME]. [NAME]. Acar": initials
                if not chain and (
                    (len(prev) == 1 and i > 1 and len(words[i - 2]) == 1)
                    or (gaps[i - 1].strip() == "." and keys[i - 2] not in self.signoffs)
                ):
                    continue  # "z. B.", "d. h." (but "Gez. W. Ritter")
                after_signoff = i > 1 and keys[i - 2] in self.signoffs
                # (after "[NAME]." a word is a new sentence: "My name is [NAME]. Waited more")
                word_after_ph = isname[i - 1] and keys[i] in self.ordinary and not chain
                initial = len(prev) == 1
                if keys[i] in self.particles:
                    if (
                        i + 1 < n
                        and adj[i + 1]
                        and (cap[i + 1] or listed(keys[i + 1]))
                        and not blocked(i + 1)
                    ):
                        mark[i + 1] = True  # "MfG G. von Ahlefeldt", "VG [NAME]. von Elm"
                        mark[i - 1] = mark[i - 1] or initial
                    continue
                if (
                    listed(keys[i])
                    or after_signoff
                    or (initial and keys[i] in self.names and not cap[i - 1])  # "thanks to b. kocabaş"
                    or (cap[i] and not word_after_ph and (isname[i - 1] or prev.isupper()))
                ):
                    if initial and not (cap[i] or keys[i] in self.names or after_signoff):
                        continue
                    mark[i] = True
                    if len(prev) == 1:
                        mark[i - 1] = True

        def join_names() -> None:
            """Names joined by "und", "and", "ve" ...: "tjark and zoltán", "layla und thu"."""
            for _ in range(2):
                for i in range(1, n - 1):
                    if keys[i] in self.joiners and adj[i] and adj[i + 1]:
                        left = mark[i - 1] or isname[i - 1]
                        right = mark[i + 1] or isname[i + 1]
                        # a title and a name on the right count as a name: "Boje und Frau [NAME]"
                        titled = (
                            not right
                            and i + 2 < n
                            and adj[i + 2]
                            and (keys[i + 1] in self.titles or keys[i + 1] in self.short_titles)
                            and (mark[i + 2] or isname[i + 2])
                        )
                        lf = listed(keys[i - 1]) and keys[i - 1] in self.first
                        rf = listed(keys[i + 1]) and keys[i + 1] in self.first
                        if (
                            left
                            and not right
                            and (
                                (listed(keys[i + 1]) and not blocked(i + 1))
                                or (
                                    not blocked(i + 1)
                                    and keys[i + 1] not in self.verbs
                                    and (
                                        keys[i + 1] in self.names
                                        or (not cap[i + 1] and (isname[i - 1] or not cap[i - 1]))
                                        or (cap[i + 1] and rare(i + 1))  # "[NAME] und Ibrahima"
                                    )
                                )
                            )
                        ):
                            mark[i + 1] = True
                        elif (
                            (right or titled)
                            and not left
                            and not blocked(i - 1)
                            and keys[i - 1] not in self.verbs
                            and keys[i - 1] not in self.calendar
                            and (
                                listed(keys[i - 1])
                                or keys[i - 1] in self.names
                                or (cap[i - 1] and rare(i - 1))
                            )
                        ):
                            mark[i - 1] = True  # "Umut ve [NAME]", "mit Boje und [NAME]"
                        elif lf and rf:
                            mark[i - 1] = mark[i + 1] = True

        join_names()

        # a name that is also a word, in a comma list of names: "lob: Krüger, [NAME], [NAME]"
        def comma_name(j: int, k: int) -> bool:
            """Token k is a name, and a comma stands between tokens j and j + 1 (k is one of them)."""
            return 0 <= k < n and 0 < j + 1 < n and gaps[j + 1].strip() == "," and (mark[k] or isname[k])

        if "," in text and (any(isname) or any(mark)):
            for _ in range(2):
                for i in range(n):
                    if mark[i] or not cap[i]:
                        continue
                    left, right = comma_name(i - 1, i - 1), comma_name(i, i + 1)
                    if not (
                        (left and right)
                        or (right and comma_name(i + 1, i + 2))
                        or (left and comma_name(i - 2, i - 2))
                    ):
                        continue
                    if blocked(i) or keys[i] in self.calendar:
                        continue
                    if keys[i] in self.names or noword(i):  # (also a name no list has)
                        mark[i] = True

        # a name in brackets beside a name: "[NAME] (Krüger)", "Selim ([NAME])"
        def after(j: int) -> str:
            return gaps[j + 1] if j + 1 < n else text[toks[j][1] :]

        def bracketed(j: int) -> bool:
            return 0 <= j < n and gaps[j].rstrip().endswith("(") and after(j).lstrip().startswith(")")

        for i in range(n if "(" in text and (any(isname) or any(mark)) else 0):
            if mark[i] or not (
                (bracketed(i) and i > 0 and (mark[i - 1] or isname[i - 1]))
                or (bracketed(i + 1) and isname[i + 1] and after(i).strip() == "(")
            ):
                continue
            if not blocked(i) and (keys[i] in self.names or rare(i)) and keys[i] not in self.calendar:
                mark[i] = True
        # words next to a name: first name + unknown capitalised word ("Umut Özdemir"),
        # capitalised words with foreign letters or surname endings ("Szymańska war nett")
        for i in range(n):
            if mark[i] or blocked(i):
                continue
            if (cap[i] or rare(i)) and (FOREIGN.search(keys[i]) or SURNAME_END.fullmatch(words[i])):
                mark[i] = True  # (also in lower case, if no word: "bei begić", "hrytsenko")
            elif (
                len(keys[i]) <= 12
                and (NORTH_END.fullmatch(keys[i]) or NORTH_END_CAP.fullmatch(words[i]))
                and noword(i)  # not "Anliegens"
            ):
                mark[i] = True  # "Feddersen", "siemers", "claußen": no word, a surname's ending
        # a capitalised name that is a word only in another language than the comment's:
        # "Koch at the counter", "bei Kılıç musste ich", not "Koch" in a German comment
        # (where all words leave the language open, the capitalised names do not count:
        # "Termin für Serhat Bingöl")
        capitalised = frozenset(keys[i] for i in range(n) if cap[i] and keys[i] in self.word_names)
        lang: str | None = None

        def language() -> str:
            """The comment's language ("?" where its words leave it open), worked out once."""
            nonlocal lang
            if lang is None:
                lang = self._language(keys) or self._language(keys, capitalised) or "?"
            return lang

        for i in range(n):
            key = keys[i]
            if (
                mark[i]
                or not cap[i]
                or len(key) < 3
                or key not in self.word_names
                or blocked(i)
                or key in self.calendar
                or (gaps[i][-1:] in QUOTE_OPEN and i + 1 < n and gaps[i + 1][:1] in QUOTE_OPEN)
            ):
                continue  # (a quoted word is a label: the "Weiter" button)
            lang = language()
            if lang in self.proper_case and i > 0 and not any(c in ".!?\n:;" for c in gaps[i]):
                if not self._place(key) and key not in self.proper_words:
                    mark[i] = True  # "Bugün Savaş ona her şeyi açıkladı": Turkish capitalises names only
                    if (
                        adj[i]
                        and cap[i - 1]
                        and ascii_fold(keys[i - 1]) in self.first_folded
                        and not blocked(i - 1)
                    ):
                        mark[i - 1] = True  # "Özlem Polat" at the start of a sentence
            elif (
                lang != "?"
                and key not in self.words_of.get(lang, ())
                and not self._place(key)
                and not (i > 0 and adj[i] and self._place(keys[i - 1]))  # "Osdorfer Born"
            ):
                mark[i] = True
        # a name that starts a Turkish sentence, then what a person does or is: "Aslan çok
        # ilgiliydi", "Güler beni başka masaya yolladı" (the verb comes last in Turkish)
        for i in range(n - 1):
            key = keys[i]
            start = i == 0 or any(c in ".!?\n" for c in gaps[i])
            if (
                not start
                or mark[i]
                or blocked(i)
                or key in self.calendar
                or not (key in self.names or noword(i))
            ):
                continue
            j, follows = i + 1, False
            while j < min(n, i + 4) and not any(c in ".!?\n;:" for c in gaps[j]):
                # ("bana göre": in my view, no person)
                cue = self._tr_predicate(keys[j]) and not (j + 1 < n and keys[j + 1] in ("göre", "gore"))
                follows = follows or cue
                j += 1
            if follows and language() == "tr" and key not in self.proper_words and not self._place(key):
                mark[i] = True
        # two names joined at a clause's start, said of staff: "Sommer und Schmied waren heute
        # am Empfang", "rose and violet were on duty", "it was Jack or June at desk 19"
        for i in range(n - 2):
            a, b = i, i + 2
            if (
                keys[i + 1] not in self.joiners
                or not (adj[i + 1] and adj[b])
                or cap[a] != cap[b]
                or (mark[a] and mark[b])
                or not all(
                    not blocked(k)
                    and keys[k] not in self.calendar
                    and (keys[k] in self.names or (cap[k] and rare(k)))
                    for k in (a, b)
                )
            ):
                continue
            start = a == 0 or any(c in ".!?\n:,;–(" for c in gaps[a]) or keys[a - 1] in _COPULAS
            end = next((j for j in range(b + 1, n) if any(c in ".!?\n" for c in gaps[j])), n)
            if start and any(keys[j] in self.staff_cues for j in range(b + 1, min(end, b + 7))):
                mark[a] = mark[b] = True
        lowered = not any(c.isupper() for c in text.replace(self.NAME, ""))
        # a given name right after a preposition that takes a person: "mit Iris", "Für Ming",
        # "zu selim nach altona", "ask for Babajide" (not a month: "bis Mai")
        for i in range(1, n):
            if (
                mark[i]
                or not adj[i]
                or keys[i - 1] not in self.person_preps
                or not (keys[i] in self.first or (cap[i] and len(keys[i]) >= 4 and noword(i)))
                or blocked(i)
                or keys[i] in self.hand_ambiguous
                or keys[i] in months
                or self._place(keys[i])
                # (in lower case only in a comment written all in lower case: not "zu lang")
                or (not cap[i] and not lowered)
                # (a word and a capitalised word: a shop, "bei Dat Backhus")
                or (keys[i] in self.ordinary and i + 1 < n and adj[i + 1] and cap[i + 1] and not mark[i + 1])
            ):
                continue
            mark[i] = True
        # "Mark und ich", "ingrid and i": a name joined to the first person
        for i in range(n - 2):
            if (
                not mark[i]
                and keys[i] in self.names
                and keys[i + 1] in self.joiners
                and keys[i + 2] in self.first_person
                and adj[i + 1]
                and adj[i + 2]
                and not blocked(i)
                and keys[i] not in self.calendar
            ):
                mark[i] = True
        # a name written as the subject, then a verb and praise or blame: "Tekin war nett",
        # "Rossi at counter 11" (needed for names that are also words; "Lange war die Wartezeit" stays)
        for i in range(n - 2):
            # "Smirnow konnte", "sediqa hat mir" (not "Kinderecke ist super")
            short_rare = 3 <= len(keys[i]) <= 10 and noword(i) and not self._place(keys[i])
            if mark[i] or blocked(i) or (keys[i] not in self.names and not short_rare):
                continue
            if keys[i] in self.hand_ambiguous:
                continue
            # (a word that is no word may stand anywhere: "also stührmann war echt ne wucht")
            start = i == 0 or any(c in ".!?\n:,;–" for c in gaps[i]) or short_rare
            # (an adverb may come between: "Jack war heute super geduldig")
            k = i + 2
            while k + 1 < n and keys[k] in _BETWEEN and adj[k + 1]:
                k += 1
            verb = keys[i + 1]
            thens = {_DRAWN_OUT.sub(r"\1", keys[j]) for j in (i + 2, k)}  # "sooo lieb"
            praised = verb in self.verbs and any(
                then in self.evaluations or (then in self.objects and verb not in _PLACE_WORDS)
                for then in thens
            )
            # "at counter 5", "at the front desk", "am schalter"
            placed = verb in ("at", "am") and any(k in _DESKS for k in keys[i + 2 : i + 5])
            if start and adj[i + 1] and adj[i + 2] and (praised or placed):
                mark[i] = True
        # a particle that starts a name: "de Boer", "Honestly van Houten", "bei von der lühe"
        for i in range(n - 1):
            if (
                keys[i] not in self.name_starts
                or not adj[i + 1]
                or (i > 0 and (mark[i - 1] or isname[i - 1]))
            ):
                continue
            j = i + 1
            while j < n and keys[j] in self.particles and adj[j]:
                j += 1
            # (a place only after one particle: "von Altona", but "van den Berg")
            place = self._place(keys[j]) if j < n else False
            if place and j - i >= 2 and cap[j] and keys[j] in self.sur and keys[j] not in self.places:
                place = False
            if j < n and adj[j] and not blocked(j) and not mark[j] and not place:
                # (not a weekday or month: "Termin von Montag")
                surname = listed(keys[j]) or (
                    cap[j] and keys[j] in self.sur and keys[j] not in self.hand_ambiguous
                )
                if surname or (len(keys[j]) >= 3 and noword(j)):
                    mark[j] = True
            # the given name before: "Jan de Vries"
            if (
                j < n
                and (mark[j] or isname[j])
                and i > 0
                and adj[i]
                and cap[i - 1]
                and keys[i - 1] in self.first
                and not blocked(i - 1)
            ):
                mark[i - 1] = True
        # particles after a name: "[NAME] von Elm", "Anna de la Cruz"
        for i in range(1, n):
            if keys[i] in _ARTICLES:
                continue  # an article starts no particle chain: "[NAME] den Antrag", "van den Berg"
            if (mark[i - 1] or isname[i - 1]) and adj[i] and keys[i] in self.particles:
                j = i
                while j < n and keys[j] in self.particles and adj[j]:
                    j += 1
                if j < n and adj[j] and not blocked(j) and (cap[j] or listed(keys[j]) or noword(j)):
                    mark[j] = True
        # listed names that are no word, in any case and anywhere: "kai war sooo lieb"
        for i in range(n):
            if not mark[i] and len(keys[i]) >= 3 and listed(keys[i]) and not blocked(i):
                mark[i] = True
        # "[NAME] & Hadiya", "Anna + Jens": an ampersand or plus joins two names
        for i in range(1, n):
            if (
                gaps[i].strip() in ("&", "+")
                and (mark[i - 1] or isname[i - 1])
                and not mark[i]
                and not blocked(i)
                and (listed(keys[i]) or keys[i] in self.names or (cap[i] and rare(i)))
            ):
                mark[i] = True
        # an English possessive on a given name, before a noun: "Frank's explanation"
        # ("Valentine's day", "McDonald's" are no person's)
        for i in range(n - 1):
            key = keys[i]
            if mark[i] or not cap[i] or not key.endswith(("'s", "’s")) or not adj[i + 1] or cap[i + 1]:
                continue
            base = key[:-2]
            mark[i] = (
                base in self.first
                and base not in self.stop
                and base not in self.calendar
                and base not in months
                and keys[i + 1] not in ("day", "days", "eve", "law")
            )
        # Turkish writes a case ending on a proper noun after an apostrophe: "Deniz'e",
        # "ayşe'ye", "Çağlar'ın" are names, unless the noun is a place ("Hamburg'da")
        for i in range(n):
            if "'" in keys[i] or "’" in keys[i]:
                base, _, ending = re.split(r"(['’])", keys[i], maxsplit=1)
                if (
                    not mark[i]
                    and not blocked(i)
                    and _TR_ENDING.fullmatch(ending)
                    and base not in self.places
                    and base not in months  # "kasım'da": in November
                    and (base in self.names or self._no_word(base, words[i]))
                ):
                    mark[i] = True  # (also a name no list has: "guelay'a", "Nûjiyan'la")
        # (in a comment written in capitals, a word in capitals is no acronym: "BEI BRÜGGEMANN")
        # (three everyday words in capitals; "IBAN ... BIC COBADEFFXXX" has none)
        shouted = (
            sum(1 for j in range(n) if len(keys[j]) >= 3 and words[j].isupper() and keys[j] in self.ordinary)
            >= 3
        )
        # a capitalised word that is no word of the three languages, not a place and not
        # a compound of words ("Terminvergabe", "Wartebereichs"): a name ("Stanikzai",
        # "Zarmina", "Feddersen"), wherever it stands
        for i in range(n):
            if (
                not mark[i]
                and cap[i]
                and 4 <= len(keys[i]) <= 14
                and keys[i].isalpha()
                # "KUZ", "BIC"; but all text in capitals, or after "bei": "Bei LÜTTJOHANN"
                and (not words[i].isupper() or shouted or (adj[i] and keys[i - 1] in self.person_preps))
                and not blocked(i)
                and not _ADJECTIVE_END.search(keys[i])
                # (at a sentence's start, a short word may be a typo: "Hetue war", "Dahte, das";
                # in Turkish any word: an inflected form no list has, "Ümidimi kaybetmiştim")
                and not (
                    (i == 0 or any(c in ".!?\n:;" for c in gaps[i]))
                    and (
                        (len(keys[i]) <= 5 and any(w in self.ordinary for w in one_edit(keys[i])))
                        or language() == "tr"
                    )
                )
                and not self._place(keys[i])
                and noword(i)
            ):
                mark[i] = True
        # a name goes on with words that are no word or a surname: "[NAME] strüver",
        # "[NAME] böttcher"; a given name before such a word starts one: "sevgi karagöz"
        for i in range(1, n):
            if not adj[i] or blocked(i) or (blocked(i - 1) and not isname[i - 1]) or keys[i] in self.verbs:
                continue
            if isname[i - 1] and keys[i] in self.particles and i + 1 < n and adj[i + 1]:
                continue  # "[NAME] van den [NAME]": a particle, not a surname "Van"
            if self._tr_predicate(keys[i]):
                continue  # what a person did or is: "[NAME] kaba davrandı" (not a surname "Kaba")
            # (in lower case, a word that is both a given name and a surname is not enough
            # before one: "hunter green walls", but "sevgi karagöz", "ümit çetin")
            # (no typo or compound of words: "than epxected", "Bin Bäckermeister")
            surname = noword(i) or (
                keys[i] in self.sur
                and cap[i] == cap[i - 1]
                # (a word marked here counts as the placeholder it becomes, so that a second
                # run finds nothing new: "[NAME] file number")
                and (
                    cap[i]
                    or isname[i - 1]
                    or mark[i - 1]
                    or listed(keys[i - 1])
                    or keys[i - 1] not in self.sur
                )
            )
            # (two German or two English words in lower case are words: "kam per mail",
            # "ich bin neu hier"; Turkish ones may be a name: "ümit çetin")
            both_words = (
                not cap[i]
                and not (mark[i - 1] or isname[i - 1])
                and any(
                    keys[i - 1] in self.words_of.get(g, ()) and keys[i] in self.words_of.get(g, ())
                    for g in ("de", "en")
                )
            )
            if surname and not both_words and (mark[i - 1] or isname[i - 1] or keys[i - 1] in self.first):
                mark[i] = True
                mark[i - 1] = mark[i - 1] or not isname[i - 1]
            elif (
                isname[i] and keys[i - 1] in self.first and not cap[i - 1] and keys[i - 1] not in self.joiners
            ):
                mark[i - 1] = True  # "ana [NAME]"
        join_names()  # again: names the rules above found have partners ("Umut ve Kurt")
        changed = True
        while changed:
            changed = False
            for i in range(n):
                if mark[i] or blocked(i) or not cap[i]:
                    continue
                # (a placeholder on the left is not enough: "[NAME] Zorro" with an
                # unknown word is left to the hold-back check)
                left = i > 0 and adj[i] and mark[i - 1]
                right = i + 1 < n and adj[i + 1] and (mark[i + 1] or isname[i + 1]) and listed(keys[i + 1])
                if (left and (listed(keys[i]) or keys[i] in self.common or keys[i - 1] in self.first)) or (
                    right and keys[i + 1] in self.sur
                ):
                    mark[i] = changed = True
        # a capitalised word of another language than the comment's right before a name:
        # the first name ("Agit [NAME] konnte mir nicht sagen", "Mit Hamisi [NAME]")
        for i in range(n - 1):
            if (
                mark[i]
                or not cap[i]
                or words[i].isupper()
                or blocked(i)
                or not adj[i + 1]
                or not (mark[i + 1] or isname[i + 1])
                or self._place(keys[i])
                or keys[i] in self.proper_words
            ):
                continue
            lang = language()
            if lang != "?" and lang not in self.proper_case and keys[i] not in self.words_of.get(lang, ()):
                mark[i] = True
        # a Turkish word before "gibi" is a likeness, not a person: "Deniz gibi kalabalık"
        for i in range(n - 1):
            if mark[i] and keys[i + 1] == "gibi" and keys[i] in self.words_of.get("tr", ()):
                mark[i] = False
        if not any(mark):
            return text
        out, pos = [], 0
        for i in range(n):
            if mark[i]:
                out.append(text[pos : toks[i][0]])
                out.append(self.NAME)
                pos = toks[i][1]
        out.append(text[pos:])
        return re.sub(
            rf"{re.escape(self.NAME)}(?:[ \t\u00a0]+{re.escape(self.NAME)})+", self.NAME, "".join(out)
        )
