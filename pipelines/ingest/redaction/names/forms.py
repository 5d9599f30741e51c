"""Context rules: a word that is a name by its own form, wherever it stands (letters
and endings of surnames, a listed name that is no word, a possessive, a Turkish case
ending after an apostrophe, a capitalised word that is no word)."""

from __future__ import annotations

import re

from pipelines.ingest.redaction.names.scan import NameScan
from pipelines.ingest.redaction.names.words import FOREIGN, NORTH_END, NORTH_END_CAP, SURNAME_END, one_edit

# Turkish case endings after an apostrophe (dative, accusative, genitive, locative,
# ablative, instrumental, "-ki", diminutive)
_TR_ENDING = re.compile(
    r"y?[aeıiuü]|n?[ıiuü]n|[dt][ae]n?|[dt][ae]ki|y?l[ae]|c[ıiuü]ğ?[ıiuü]m|[ıiuü]m|[ıiuü]n[ıiuü]z"
)
# German adjective and noun endings that names do not have ("biometrisches", "Zuständigkeit")
_ADJECTIVE_END = re.compile(r"(?:isch|lich|ig|bar|sam|haft|los|ung|heit|keit|schaft|tion|ität)(?:e[mnrs]?)?$")


def surname_forms(s: NameScan) -> None:
    """Capitalised words with foreign letters or surname endings ("Szymańska war nett"),
    and words that are no word with a northern surname ending ("Feddersen")."""
    n, words, keys, cap, mark, blocked = s.n, s.words, s.keys, s.cap, s.mark, s.blocked
    rare, noword = s.rare, s.noword
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


def listed_no_words(s: NameScan) -> None:
    """Listed names that are no word, in any case and anywhere: "kai war sooo lieb"."""
    ctx, n, keys, mark, blocked = s.ctx, s.n, s.keys, s.mark, s.blocked
    listed = ctx.listed
    for i in range(n):
        if not mark[i] and len(keys[i]) >= 3 and listed(keys[i]) and not blocked(i):
            mark[i] = True


def possessives(s: NameScan) -> None:
    """An English possessive on a given name, before a noun: "Frank's explanation"
    ("Valentine's day", "McDonald's" are no person's)"""
    ctx, n, keys, cap, adj, mark = s.ctx, s.n, s.keys, s.cap, s.adj, s.mark
    months = ctx.months
    for i in range(n - 1):
        key = keys[i]
        if mark[i] or not cap[i] or not key.endswith(("'s", "’s")) or not adj[i + 1] or cap[i + 1]:
            continue
        base = key[:-2]
        mark[i] = (
            base in ctx.first
            and base not in ctx.stop
            and base not in ctx.calendar
            and base not in months
            and keys[i + 1] not in ("day", "days", "eve", "law")
        )


def turkish_case_endings(s: NameScan) -> None:
    """Turkish writes a case ending on a proper noun after an apostrophe: "Deniz'e", "ayşe'ye",
    "Çağlar'ın" are names, unless the noun is a place ("Hamburg'da")"""
    ctx, n, words, keys, mark, blocked = s.ctx, s.n, s.words, s.keys, s.mark, s.blocked
    months = ctx.months
    for i in range(n):
        if "'" in keys[i] or "’" in keys[i]:
            base, _, ending = re.split(r"(['’])", keys[i], maxsplit=1)
            if (
                not mark[i]
                and not blocked(i)
                and _TR_ENDING.fullmatch(ending)
                and base not in ctx.places
                and base not in months  # "kasım'da": in November
                and (base in ctx.names or ctx.no_word(base, words[i]))
            ):
                mark[i] = True  # (also a name no list has: "guelay'a", "Nûjiyan'la")


def capitalised_no_words(s: NameScan) -> None:
    """A capitalised word that is no word of the three languages, not a place and not
    a compound of words ("Terminvergabe", "Wartebereichs"): a name ("Stanikzai",
    "Zarmina", "Feddersen"), wherever it stands."""
    ctx, n, words, keys, cap, gaps, adj = s.ctx, s.n, s.words, s.keys, s.cap, s.gaps, s.adj
    mark, blocked, noword, language = s.mark, s.blocked, s.noword, s.language
    # (in a comment written in capitals, a word in capitals is no acronym: "BEI BRÜGGEMANN")
    # (three everyday words in capitals; "IBAN ... BIC COBADEFFXXX" has none)
    shouted = (
        sum(1 for j in range(n) if len(keys[j]) >= 3 and words[j].isupper() and keys[j] in ctx.ordinary) >= 3
    )
    for i in range(n):
        if (
            not mark[i]
            and cap[i]
            and 4 <= len(keys[i]) <= 14
            and keys[i].isalpha()
            # "KUZ", "BIC"; but all text in capitals, or after "bei": "Bei LÜTTJOHANN"
            and (not words[i].isupper() or shouted or (adj[i] and keys[i - 1] in ctx.person_preps))
            and not blocked(i)
            and not _ADJECTIVE_END.search(keys[i])
            # (at a sentence's start, a short word may be a typo: "Hetue war", "Dahte, das";
            # in Turkish any word: an inflected form no list has, "Ümidimi kaybetmiştim")
            and not (
                (i == 0 or any(c in ".!?\n:;" for c in gaps[i]))
                and (
                    (len(keys[i]) <= 5 and any(w in ctx.ordinary for w in one_edit(keys[i])))
                    or language() == "tr"
                )
            )
            and not ctx.place(keys[i])
            and noword(i)
        ):
            mark[i] = True
