"""Context rules: a name by its place in the sentence (the subject of praise or of a
Turkish sentence, staff named in pairs, after a preposition that takes a person, joined
to "ich" / "I")."""

from __future__ import annotations

import re

from pipelines.ingest.redaction.names.scan import NameScan

_COPULAS = frozenset({"was", "war", "waren", "were", "is", "ist", "it's"})
# Subject "verbs" that only place a person ("Rossi from ...", "Tekin am ..."): not
# enough before an object word ("bill from the machine")
_PLACE_WORDS = frozenset({"hier", "da", "dort", "am", "im", "an", "auf", "vom", "from"})
# "Rossi at counter 11", "Tekin am Schalter": a name placed at a desk.
_DESKS = frozenset(
    {"counter", "desk", "schalter", "empfang", "tresen", "infotresen", "infopoint", "reception"}
)
_BETWEEN = frozenset({"heute", "gestern", "echt", "wirklich", "immer", "today", "really", "always", "bugün"})
# "sooo", "superrr": a letter written three times or more counts once
_DRAWN_OUT = re.compile(r"(\w)\1{2,}")


def turkish_subjects(s: NameScan) -> None:
    """A name that starts a Turkish sentence, then what a person does or is: "Aslan çok
    ilgiliydi", "Güler beni başka masaya yolladı" (the verb comes last in Turkish)"""
    ctx, n, keys, gaps, mark, blocked = s.ctx, s.n, s.keys, s.gaps, s.mark, s.blocked
    noword, language = s.noword, s.language
    for i in range(n - 1):
        key = keys[i]
        start = i == 0 or any(c in ".!?\n" for c in gaps[i])
        if not start or mark[i] or blocked(i) or key in ctx.calendar or not (key in ctx.names or noword(i)):
            continue
        j, follows = i + 1, False
        while j < min(n, i + 4) and not any(c in ".!?\n;:" for c in gaps[j]):
            # ("bana göre": in my view, no person)
            cue = ctx.tr_predicate(keys[j]) and not (j + 1 < n and keys[j + 1] in ("göre", "gore"))
            follows = follows or cue
            j += 1
        if follows and language() == "tr" and key not in ctx.proper_words and not ctx.place(key):
            mark[i] = True


def staff_pairs(s: NameScan) -> None:
    """Two names joined at a clause's start, said of staff: "Sommer und Schmied waren heute am
    Empfang", "rose and violet were on duty", "it was Jack or June at desk 19"."""
    ctx, n, keys, cap, gaps, adj, mark = s.ctx, s.n, s.keys, s.cap, s.gaps, s.adj, s.mark
    blocked, rare = s.blocked, s.rare
    for i in range(n - 2):
        a, b = i, i + 2
        if (
            keys[i + 1] not in ctx.joiners
            or not (adj[i + 1] and adj[b])
            or cap[a] != cap[b]
            or (mark[a] and mark[b])
            or not all(
                not blocked(k)
                and keys[k] not in ctx.calendar
                and (keys[k] in ctx.names or (cap[k] and rare(k)))
                for k in (a, b)
            )
        ):
            continue
        start = a == 0 or any(c in ".!?\n:,;–(" for c in gaps[a]) or keys[a - 1] in _COPULAS
        end = next((j for j in range(b + 1, n) if any(c in ".!?\n" for c in gaps[j])), n)
        if start and any(keys[j] in ctx.staff_cues for j in range(b + 1, min(end, b + 7))):
            mark[a] = mark[b] = True


def after_person_prepositions(s: NameScan) -> None:
    """A given name right after a preposition that takes a person: "mit Iris", "Für Ming", "zu
    selim nach altona", "ask for Babajide" (not a month: "bis Mai")."""
    ctx, n, text, keys, cap, adj, mark = s.ctx, s.n, s.text, s.keys, s.cap, s.adj, s.mark
    blocked, noword = s.blocked, s.noword
    months = ctx.months
    lowered = not any(c.isupper() for c in text.replace(ctx.NAME, ""))
    for i in range(1, n):
        if (
            mark[i]
            or not adj[i]
            or keys[i - 1] not in ctx.person_preps
            or not (keys[i] in ctx.first or (cap[i] and len(keys[i]) >= 4 and noword(i)))
            or blocked(i)
            or keys[i] in ctx.hand_ambiguous
            or keys[i] in months
            or ctx.place(keys[i])
            # (in lower case only in a comment written all in lower case: not "zu lang")
            or (not cap[i] and not lowered)
            # (a word and a capitalised word: a shop, "bei Dat Backhus")
            or (keys[i] in ctx.ordinary and i + 1 < n and adj[i + 1] and cap[i + 1] and not mark[i + 1])
        ):
            continue
        mark[i] = True


def joined_to_first_person(s: NameScan) -> None:
    """A name joined to the first person: "Mark und ich", "ingrid and i"."""
    ctx, n, keys, adj, mark, blocked = s.ctx, s.n, s.keys, s.adj, s.mark, s.blocked
    for i in range(n - 2):
        if (
            not mark[i]
            and keys[i] in ctx.names
            and keys[i + 1] in ctx.joiners
            and keys[i + 2] in ctx.first_person
            and adj[i + 1]
            and adj[i + 2]
            and not blocked(i)
            and keys[i] not in ctx.calendar
        ):
            mark[i] = True


def praised_subjects(s: NameScan) -> None:
    """A name written as the subject, then a verb and praise or blame: "Tekin war nett", "Rossi
    at counter 11" (needed for names that are also words; "Lange war die Wartezeit" stays)"""
    ctx, n, keys, gaps, adj, mark, blocked = s.ctx, s.n, s.keys, s.gaps, s.adj, s.mark, s.blocked
    noword = s.noword
    for i in range(n - 2):
        # "Smirnow konnte", "sediqa hat mir" (not "Kinderecke ist super")
        short_rare = 3 <= len(keys[i]) <= 10 and noword(i) and not ctx.place(keys[i])
        if mark[i] or blocked(i) or (keys[i] not in ctx.names and not short_rare):
            continue
        if keys[i] in ctx.hand_ambiguous:
            continue
        # (a word that is no word may stand anywhere: "also stührmann war echt ne wucht")
        start = i == 0 or any(c in ".!?\n:,;–" for c in gaps[i]) or short_rare
        # (an adverb may come between: "Jack war heute super geduldig")
        k = i + 2
        while k + 1 < n and keys[k] in _BETWEEN and adj[k + 1]:
            k += 1
        verb = keys[i + 1]
        thens = {_DRAWN_OUT.sub(r"\1", keys[j]) for j in (i + 2, k)}  # "sooo lieb"
        praised = verb in ctx.verbs and any(
            then in ctx.evaluations or (then in ctx.objects and verb not in _PLACE_WORDS) for then in thens
        )
        # "at counter 5", "at the front desk", "am schalter"
        placed = verb in ("at", "am") and any(k in _DESKS for k in keys[i + 2 : i + 5])
        if start and adj[i + 1] and adj[i + 2] and (praised or placed):
            mark[i] = True
