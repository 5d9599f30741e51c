"""One text as the context rules see it: its word tokens as parallel lists, the marks
the rules set on them (a marked token becomes the name placeholder), and the token tests
the rules share."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipelines.ingest.redaction.names.words import TR_LOCATIVE

if TYPE_CHECKING:
    from pipelines.ingest.redaction.names.context import NameContext

_WS = re.compile(r"[ \t\u00a0]+")


class NameScan:
    """The tokens of `text` (`toks`: start, end, word; `keys`: the words case-folded) for
    the rules of `ctx`. Token i is `words[i]`, `gaps[i]` the text before it; a rule marks
    token i by setting `mark[i]`."""

    __slots__ = (
        "ctx", "text", "toks", "words", "keys", "n", "ph", "isname", "cap", "gaps", "adj", "mark",
        "blocked", "rare", "_compound", "_lang",
    )  # fmt: skip

    def __init__(
        self, ctx: NameContext, text: str, toks: list[tuple[int, int, str]], words: list[str], keys: list[str]
    ):
        self.ctx, self.text, self.toks, self.words, self.keys = ctx, text, toks, words, keys
        n = self.n = len(toks)
        self.ph = [w.startswith("[") for w in words]  # a placeholder
        self.isname = [w == ctx.NAME for w in words]
        self.cap = [w[:1].isupper() for w in words]
        gaps = self.gaps = [text[toks[i - 1][1] : toks[i][0]] if i else text[: toks[0][0]] for i in range(n)]
        # only spaces between token i - 1 and token i
        self.adj = [i > 0 and (gaps[i] == " " or bool(_WS.fullmatch(gaps[i]))) for i in range(n)]
        self.mark = [False] * n
        self._compound: dict[int, bool] = {}
        self._lang: str | None = None
        # token tests asked many times per token, worked out once: blocked(j), rare(j)
        self.blocked = self._blocked().__getitem__
        self.rare = self._rare().__getitem__

    def _blocked(self) -> list[bool]:
        """Per token: never (part of) a name: placeholders, stop words, titles, roles,
        honorifics, a month before digits ("Jan. 2021")."""
        ctx, keys, words, text, toks, ph, cap, gaps = (
            self.ctx, self.keys, self.words, self.text, self.toks, self.ph, self.cap, self.gaps
        )  # fmt: skip
        blocked = [False] * self.n
        for j, key in enumerate(keys):
            if (
                ph[j]
                or key in ctx.stop
                or key in ctx.titles
                or key in ctx.short_titles
                or key in ctx.roles
                or key.startswith(ctx.honorifics)
            ):
                blocked[j] = True
            elif TR_LOCATIVE.fullmatch(key):
                blocked[j] = True  # "danışmadaki hanımefendi": the lady at the desk
            elif not cap[j] and key.endswith(("leri", "ları", "lari")):
                blocked[j] = True  # a Turkish plural with its owner: "bayan tuvaletleri"
            elif (key in ctx.proper_words or key in ctx.places) and not (j > 0 and keys[j - 1] in ctx.titles):
                # a language, people or place ("görevli İngilizce konuştu", "Thanks Lokstedt")
                blocked[j] = True
            elif j > 0 and gaps[j] == "." and len(words[j - 1]) >= 2 and len(key.split("'")[0]) <= 4:
                blocked[j] = True  # a host name's ending: "hamburg.de", "hamburg.de'de" (not "wardak.ehsan")
            else:
                blocked[j] = (
                    key in ctx.months and re.match(r"\.?\s*\d", text[toks[j][1] : toks[j][1] + 4]) is not None
                )
        return blocked

    def _rare(self) -> list[bool]:
        """Per token: not a word of the three languages and not a name that is one:
        "strüver". (Without an everyday-word list nothing is "no word".)"""
        ctx = self.ctx
        if not ctx.ordinary:
            return [False] * self.n
        ordinary, common, verbs = ctx.ordinary, ctx.common, ctx.verbs
        return [
            len(key) >= 3 and key not in ordinary and key not in common and key not in verbs
            for key in self.keys
        ]

    def noword(self, j: int) -> bool:
        """No word at all, nor a compound, inflection or typo of one: "strüver", not
        "Anliegens" (memoised: the compound test is the costly one)."""
        if not self.rare(j):
            return False
        compound = self._compound
        if j not in compound:
            compound[j] = not self.ctx.compound(self.keys[j])
        return compound[j]

    def ok(self, j: int, level: int) -> bool:
        """Can token j be (part of) a name? level -1: gazetteer only; 0: also no word
        at all; 1: also any capitalised word; 2: also a lower-case word."""
        if j >= self.n or self.blocked(j):
            return False
        words = self.words
        if self.ctx.listed(self.keys[j]) or (level >= 0 and self.rare(j)):
            return True
        if level >= 1 and self.cap[j] and len(words[j]) >= 2:
            return True
        return level >= 2 and len(words[j]) >= 3 and self.keys[j] not in self.ctx.verbs

    def chain(
        self, j: int, level: int, maxlen: int = 3, follow: int | None = None, skip_ph: bool = False
    ) -> int:
        """Mark up to `maxlen` name tokens from j (particles and a name placeholder
        pass); returns the marked count. Tokens after the first need `follow`
        (default: capitalised or listed; a strong intro passes 2: "jana nováková").
        Only after an intro a name placeholder passes (`skip_ph`): after a title an
        unknown word next to [NAME] is left to the hold-back check."""
        ctx, n, keys, cap, adj, isname, mark = (
            self.ctx,
            self.n,
            self.keys,
            self.cap,
            self.adj,
            self.isname,
            self.mark,
        )
        text, toks, blocked, ok, listed = self.text, self.toks, self.blocked, self.ok, ctx.listed
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
            while k < n and keys[k] in ctx.particles and k + 1 < n and adj[k + 1]:
                k += 1
            later = (1 if cap[k] else 0) if follow is None else follow
            # a second word that is a listed name, also one that is a word: "herr özgür yılmaz"
            second = (
                count > 0
                and keys[k] in ctx.names
                and (cap[k] or keys[k] not in ctx.common or keys[k] in ctx.sur)
                and not blocked(k)
            )
            if not second and not ok(k, level if count == 0 else later):
                break
            if count and not second and keys[k] in ctx.ordinary and not listed(keys[k]):
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

    def gap_ok(self, i: int, allow: str = "") -> bool:
        """Only white space (no line break) and the characters `allow` before token i."""
        gap = self.gaps[i]
        if "\n" in gap or "\r" in gap:
            return False
        g = gap.strip()
        return all(c in allow for c in g)

    def language(self) -> str:
        """The comment's language ("?" where its words leave it open), worked out once.
        (Where all words leave the language open, the capitalised names do not count:
        "Termin für Serhat Bingöl".)"""
        if self._lang is None:
            ctx, keys, cap = self.ctx, self.keys, self.cap
            capitalised = frozenset(keys[i] for i in range(self.n) if cap[i] and keys[i] in ctx.word_names)
            self._lang = ctx.language_of(keys) or ctx.language_of(keys, capitalised) or "?"
        return self._lang

    def redacted(self) -> str:
        """The text with each marked token replaced by the name placeholder, adjacent ones merged."""
        text, toks, mark, NAME = self.text, self.toks, self.mark, self.ctx.NAME
        if not any(mark):
            return text
        out, pos = [], 0
        for i in range(self.n):
            if mark[i]:
                out.append(text[pos : toks[i][0]])
                out.append(NAME)
                pos = toks[i][1]
        out.append(text[pos:])
        return re.sub(rf"{re.escape(NAME)}(?:[ \t\u00a0]+{re.escape(NAME)})+", NAME, "".join(out))
