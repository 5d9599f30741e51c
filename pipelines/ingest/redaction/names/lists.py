"""Names found with the name lists at hand: after a title ("Frau", "Mr.", "Sayın",
"... Bey"), after an intro ("mein Name ist", "my name is", "benim adım") or a sign-off
("Viele Grüße", "Kontoinhaber"), and any first name or surname of the hand lists and
the gazetteer (a set lookup per token). Names that are also words need such a context.

The word tokens built here (`Words`) serve the hold-back check too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from pipelines.ingest.redaction.names.words import TR_LOCATIVE, calendar_words, never_names
from pipelines.ingest.redaction.patterns import (
    _DIGITS_AFTER,
    _DIGITS_BEFORE,
    _FIRST,
    _SPACES,
    _WORD,
    _fold,
    _keywords,
    _norm,
    _prefilter,
    fold_case,
)
from pipelines.ingest.redaction.rules import RedactionConfigError, setting


@dataclass(slots=True)
class Words:
    """The word tokens of a text as parallel lists (cheaper than one object per word)."""

    words: list[str]
    keys: list[str]  # case-folded
    cap: list[bool]  # starts with a capital letter
    ph: list[str | None]  # the kind, when the word is a placeholder
    start: list[int]
    end: list[int]
    adj: list[bool]  # only spaces (or a title's dot and spaces) before it
    title: list[bool]  # a title written before a name


class NameLists:
    """The name lists and the rules that use them directly; `split` cuts a text into
    gaps and words (placeholders count as words), `kind_of` gives a placeholder's kind."""

    def __init__(
        self,
        rules: Mapping[str, Any],
        first_names: Iterable[str],
        surnames: Iterable[str],
        common_words: Iterable[str],
        ordinary_words: Iterable[str],
        placeholders: Mapping[str, str],
    ):
        self.kind_of = {v: k for k, v in placeholders.items()}
        self.NAME = placeholders["NAME"]
        self._read_names(rules, first_names, surnames, common_words, ordinary_words)
        self._read_titles(rules)
        streets = setting(rules, "addresses")
        self.suffixes = tuple(str(s).casefold().rstrip(".") for s in streets["street_suffixes"])
        self._compile(rules, placeholders)

    def _read_names(
        self,
        rules: Mapping[str, Any],
        first_names: Iterable[str],
        surnames: Iterable[str],
        common_words: Iterable[str],
        ordinary_words: Iterable[str],
    ) -> None:
        self.first = _fold(first_names)
        self.sur = _fold(surnames)
        if not self.first or not self.sur:
            raise RedactionConfigError("the first-name and surname lists must not be empty")
        blockers = never_names(rules)
        self.first -= blockers
        self.sur -= blockers
        self.names = self.first | self.sur
        # frequent words of the three languages, popular names excepted: "Juni", "Lage"
        self.ordinary = frozenset(ordinary_words)
        # names that are also ordinary words need context (a title, another name ...)
        self.ambiguous = (
            _fold(setting(rules, "names.ambiguous"))
            | _fold(common_words)
            | _fold(rules["names"].get("not_names", ()))
            | (self.names & self.ordinary)
            | calendar_words(rules)
        ) - blockers
        self.stop = _fold(setting(rules, "names.stopwords"))
        self._months = _fold(str(m).rstrip(".") for m in setting(rules, "months"))

    def _read_titles(self, rules: Mapping[str, Any]) -> None:
        titles = [str(t) for t in setting(rules, "names.titles_before")]
        self._titles_dot = _fold(t[:-1] for t in titles if t.endswith("."))
        self._titles_plain = _fold(t for t in titles if not t.endswith("."))
        self.titles_after = _fold(setting(rules, "names.titles_after"))
        self.titles_all = self._titles_dot | self._titles_plain
        self._weak = _fold(setting(rules, "names.weak_context"))

    def _compile(self, rules: Mapping[str, Any], placeholders: Mapping[str, str]) -> None:
        n = setting(rules, "names")
        # Intros and sign-offs, followed by optional punctuation; the name tokens follow.
        self._intro = re.compile(rf"{_keywords(n['intros'])}[ \t\u00a0,:;\-–—\"'„“”‚‘»«]*", re.IGNORECASE)
        self._signoff = re.compile(rf"{_keywords(n['sign_offs'])}[\s,:;\-–—!.]*", re.IGNORECASE)
        self._pre_intro = _prefilter(n["intros"])
        self._pre_signoff = _prefilter(n["sign_offs"])

        ph = "|".join(re.escape(p) for p in sorted(placeholders.values(), key=len, reverse=True))
        self.split = re.compile(rf"({ph}|{_WORD})").split  # gap, word, gap, word, ..., gap
        name = re.escape(self.NAME)
        self._name_run = re.compile(rf"{name}(?:[ \t\u00a0]+{name})+")
        # words that make the token-level name rules worth running
        self._hot = (
            self.names | self._titles_dot | self._titles_plain | self.titles_after | {self.NAME.casefold()}
        )

    # ------------------------------------------------------------------ tokens

    def lookup(self, key: str) -> tuple[bool, bool, bool]:
        """(is a listed name, is a listed first name, is ambiguous) for a casefolded token."""
        names = self.names
        if key in names:
            return True, key in self.first, key in self.ambiguous
        if "-" in key:
            if key.endswith(self.suffixes):
                return False, False, False  # "Thomas-Mann-Straße"
            parts = key.split("-")
            hits = [p for p in parts if p in names and p not in self.ambiguous]
            if hits and all(p in names for p in parts):  # "Anna-Lena", not "Otto-Normalverbraucher"
                return True, any(p in self.first for p in hits), False
            return False, False, False
        if (
            len(key) > 3
            and key[-1] == "s"
            and key[:-1] in names
            and key[:-1] not in self.ambiguous
            and key not in self.ordinary
        ):
            return True, False, False  # German genitive "Annas", not "Chaos" of "Chao"
        return False, False, False

    def words(self, text: str, parts: list[str]) -> Words:
        """Token lists for `text`; `parts` is `self.split(text)`: gap, word, gap, ... gap."""
        words = parts[1::2]
        gaps = parts[0::2]
        n = len(words)
        offsets = list(accumulate(map(len, parts), initial=0))
        start = offsets[1::2][:n]
        end = offsets[2::2]
        keys = list(map(fold_case, words))
        kind_of, dot, plain = self.kind_of, self._titles_dot, self._titles_plain
        title = [k in plain or (k in dot and gaps[i + 1][:1] == ".") for i, k in enumerate(keys)]
        adj = [False] * n  # adj[i]: only spaces between word i-1 and word i
        full = _SPACES.fullmatch
        for i in range(1, n):
            gap = gaps[i]
            if gap == " " or full(gap):
                adj[i] = True
            elif gap[:1] == "." and keys[i - 1] in dot and (len(gap) == 1 or full(gap, 1)):
                adj[i] = True  # "Dr. Schulz"
        return Words(
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
        names = self.names
        for key in keys:
            if "-" in key and any(p in names for p in key.split("-")):
                return True
            if key[-1:] == "s" and key[:-1] in names:
                return True
        low = _norm(text)
        return self._pre_intro.search(low) or self._pre_signoff.search(low)

    # ------------------------------------------------------------------ rules

    def redact(self, text: str, parts: list[str]) -> tuple[str, Words | None]:
        """The text with names replaced, and its tokens when they were built and still hold."""
        if not self._may_hold_names(text, parts[1::2]):
            return text, None
        W = self.words(text, parts)
        mark = [False] * len(W.words)
        self._after_titles(W, mark)
        self._before_titles_after(W, mark)
        self._after_intros(text, W, mark)
        firsts, surs = self._listed(text, W, mark)
        self._unknown_beside_listed(W, mark, firsts, surs)
        self._ambiguous_beside_names(W, mark)
        NAME = self.NAME
        if not any(mark):
            return (self._name_run.sub(NAME, text) if NAME in text else text), W
        out = []
        pos = 0
        for i in range(len(W.words)):
            if mark[i]:
                out.append(text[pos : W.start[i]])
                out.append(NAME)
                pos = W.end[i]
        out.append(text[pos:])
        return self._name_run.sub(NAME, "".join(out)), None

    def _chain(self, W: Words, mark: list[bool], j: int, strong: bool, maxlen: int = 4) -> None:
        """Mark the name words starting at word j (after a title or intro). After an
        intro (maxlen 3) any second capitalised word is part of the name: the
        gazetteer lists many given names as surnames too ("Brekke Quast")."""
        n = len(W.words)
        keys, cap, ph, adj, titles = W.keys, W.cap, W.ph, W.adj, W.title
        stop, lookup, after = self.stop, self.lookup, self.titles_after
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
                and not (seen and key in self.ordinary and not listed)
            ):
                mark[j] = True
                seen.append("unknown")
            else:
                return
            j += 1

    def _after_titles(self, W: Words, mark: list[bool]) -> None:
        """Titles before a name: "Frau Schulz", "Herr Dr. Zorro", "Sayın Kaya"."""
        n = len(W.words)
        keys, cap, adj, titles = W.keys, W.cap, W.adj, W.title
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
                self._chain(W, mark, i + 1, strong=not weak)

    def _before_titles_after(self, W: Words, mark: list[bool]) -> None:
        """Titles after a name: "Ahmet Bey", "Ayşe Hanım'a", "Mehmet Yılmaz bey"."""
        keys, cap, ph, adj, titles = W.keys, W.cap, W.ph, W.adj, W.title
        stop, lookup, after = self.stop, self.lookup, self.titles_after
        for i in range(1, len(W.words)):
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

    def _after_intros(self, text: str, W: Words, mark: list[bool]) -> None:
        """Intros and sign-offs: "mein Name ist ...", "Viele Grüße\\n..."."""
        low = _norm(text)
        for pre, regex in ((self._pre_intro, self._intro), (self._pre_signoff, self._signoff)):
            if pre.search(low):
                starts = {p: i for i, p in enumerate(W.start)}
                for m in regex.finditer(text):
                    j = starts.get(m.end())
                    if j is not None:
                        self._chain(W, mark, j, strong=True, maxlen=3)

    def _listed(self, text: str, W: Words, mark: list[bool]) -> tuple[list[int], list[int]]:
        """Listed names anywhere (not ambiguous ones, not "12. Jan" or "100 Mark"); the
        first names and the surnames found."""
        keys, cap = W.keys, W.cap
        firsts: list[int] = []
        surs: list[int] = []
        for i in range(len(W.words)):
            if not cap[i]:
                continue
            listed, first, amb = self.lookup(keys[i])
            if not listed or amb:
                continue
            if _DIGITS_BEFORE.search(text, max(0, W.start[i] - 3), W.start[i]):
                continue
            if keys[i] in self._months and _DIGITS_AFTER.match(text, W.end[i]):
                continue
            mark[i] = True
            (firsts if first else surs).append(i)
        return firsts, surs

    def _unknown_beside_listed(self, W: Words, mark: list[bool], firsts: list[int], surs: list[int]) -> None:
        """First name + unknown surname ("Anna Zorro"), unknown first name + surname ("Xaver Schulz")."""
        n = len(W.words)
        keys, cap, adj, titles = W.keys, W.cap, W.adj, W.title
        stop, lookup, after = self.stop, self.lookup, self.titles_after

        def unknown(j: int) -> bool:
            key = keys[j]
            return (
                cap[j] and not mark[j] and key not in stop and not titles[j]
                and key not in after and not lookup(key)[0]
            )  # fmt: skip

        for i in firsts:
            if i + 1 < n and adj[i + 1] and unknown(i + 1):
                mark[i + 1] = True
        for i in surs:
            if i > 0 and adj[i] and unknown(i - 1) and not (i > 1 and mark[i - 2] and adj[i - 1]):
                mark[i - 1] = True

    def _ambiguous_beside_names(self, W: Words, mark: list[bool]) -> None:
        """Ambiguous names next to a name: "Anna Lange"; "Lange Wartezeit" stays."""
        n = len(W.words)
        keys, cap, ph, adj = W.keys, W.cap, W.ph, W.adj
        amb_names = self.ambiguous
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
