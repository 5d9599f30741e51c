"""Context rules by the comment's language: a capitalised name that is a word only of
another language, or in a language that capitalises only names; and the Turkish
likeness ("Deniz gibi") that is no person."""

from __future__ import annotations

from pipelines.ingest.redaction.names.scan import NameScan
from pipelines.ingest.redaction.names.words import QUOTE_OPEN, ascii_fold


def other_language_names(s: NameScan) -> None:
    """A capitalised name that is a word only in another language than the comment's: "Koch at
    the counter", "bei Kılıç musste ich", not "Koch" in a German comment."""
    ctx, n, keys, cap, gaps, adj, mark = s.ctx, s.n, s.keys, s.cap, s.gaps, s.adj, s.mark
    blocked, language = s.blocked, s.language
    for i in range(n):
        key = keys[i]
        if (
            mark[i]
            or not cap[i]
            or len(key) < 3
            or key not in ctx.word_names
            or blocked(i)
            or key in ctx.calendar
            or (gaps[i][-1:] in QUOTE_OPEN and i + 1 < n and gaps[i + 1][:1] in QUOTE_OPEN)
        ):
            continue  # (a quoted word is a label: the "Weiter" button)
        lang = language()
        if lang in ctx.proper_case and i > 0 and not any(c in ".!?\n:;" for c in gaps[i]):
            if not ctx.place(key) and key not in ctx.proper_words:
                mark[i] = True  # "Bugün Savaş ona her şeyi açıkladı": Turkish capitalises names only
                if (
                    adj[i]
                    and cap[i - 1]
                    and ascii_fold(keys[i - 1]) in ctx.first_folded
                    and not blocked(i - 1)
                ):
                    mark[i - 1] = True  # "Özlem Polat" at the start of a sentence
        elif (
            lang != "?"
            and key not in ctx.words_of.get(lang, ())
            and not ctx.place(key)
            and not (i > 0 and adj[i] and ctx.place(keys[i - 1]))  # "Osdorfer Born"
        ):
            mark[i] = True


def before_names(s: NameScan) -> None:
    """A capitalised word of another language than the comment's right before a name: the first
    name ("Agit [NAME] konnte mir nicht sagen", "Mit Hamisi [NAME]")"""
    ctx, n, words, keys, isname, cap, adj = s.ctx, s.n, s.words, s.keys, s.isname, s.cap, s.adj
    mark, blocked, language = s.mark, s.blocked, s.language
    for i in range(n - 1):
        if (
            mark[i]
            or not cap[i]
            or words[i].isupper()
            or blocked(i)
            or not adj[i + 1]
            or not (mark[i + 1] or isname[i + 1])
            or ctx.place(keys[i])
            or keys[i] in ctx.proper_words
        ):
            continue
        lang = language()
        if lang != "?" and lang not in ctx.proper_case and keys[i] not in ctx.words_of.get(lang, ()):
            mark[i] = True


def likenesses(s: NameScan) -> None:
    """A Turkish word before "gibi" is a likeness, not a person: "Deniz gibi kalabalık"."""
    ctx, n, keys, mark = s.ctx, s.n, s.keys, s.mark
    for i in range(n - 1):
        if mark[i] and keys[i + 1] == "gibi" and keys[i] in ctx.words_of.get("tr", ()):
            mark[i] = False
