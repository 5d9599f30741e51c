"""Context rules: a name beside a name (joined by "und", in a comma list, in brackets,
after "&", with particles, a surname after a given name, any neighbour of one)."""

from __future__ import annotations

from pipelines.ingest.redaction.names.scan import NameScan

_ARTICLES = frozenset({"der", "den", "dem", "des", "die", "das"})


def names_joined(s: NameScan) -> None:
    """Names joined by "und", "and", "ve" ...: "tjark and zoltán", "layla und thu"."""
    ctx, n, keys, isname, cap, adj, mark = s.ctx, s.n, s.keys, s.isname, s.cap, s.adj, s.mark
    blocked, rare = s.blocked, s.rare
    listed = ctx.listed
    for _ in range(2):
        for i in range(1, n - 1):
            if keys[i] in ctx.joiners and adj[i] and adj[i + 1]:
                left = mark[i - 1] or isname[i - 1]
                right = mark[i + 1] or isname[i + 1]
                # a title and a name on the right count as a name: "Boje und Frau [NAME]"
                titled = (
                    not right
                    and i + 2 < n
                    and adj[i + 2]
                    and (keys[i + 1] in ctx.titles or keys[i + 1] in ctx.short_titles)
                    and (mark[i + 2] or isname[i + 2])
                )
                lf = listed(keys[i - 1]) and keys[i - 1] in ctx.first
                rf = listed(keys[i + 1]) and keys[i + 1] in ctx.first
                if (
                    left
                    and not right
                    and (
                        (listed(keys[i + 1]) and not blocked(i + 1))
                        or (
                            not blocked(i + 1)
                            and keys[i + 1] not in ctx.verbs
                            and (
                                keys[i + 1] in ctx.names
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
                    and keys[i - 1] not in ctx.verbs
                    and keys[i - 1] not in ctx.calendar
                    and (listed(keys[i - 1]) or keys[i - 1] in ctx.names or (cap[i - 1] and rare(i - 1)))
                ):
                    mark[i - 1] = True  # "Umut ve [NAME]", "mit Boje und [NAME]"
                elif lf and rf:
                    mark[i - 1] = mark[i + 1] = True


def comma_lists(s: NameScan) -> None:
    """A name that is also a word, in a comma list of names: "lob: Krüger, [NAME], [NAME]"."""
    ctx, n, text, keys, isname, cap, gaps = s.ctx, s.n, s.text, s.keys, s.isname, s.cap, s.gaps
    mark, blocked, noword = s.mark, s.blocked, s.noword

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
                if blocked(i) or keys[i] in ctx.calendar:
                    continue
                if keys[i] in ctx.names or noword(i):  # (also a name no list has)
                    mark[i] = True


def in_brackets(s: NameScan) -> None:
    """A name in brackets beside a name: "[NAME] (Krüger)", "Selim ([NAME])"."""
    ctx, n, text, toks, keys, isname, gaps = s.ctx, s.n, s.text, s.toks, s.keys, s.isname, s.gaps
    mark, blocked, rare = s.mark, s.blocked, s.rare

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
        if not blocked(i) and (keys[i] in ctx.names or rare(i)) and keys[i] not in ctx.calendar:
            mark[i] = True


def particles_starting_names(s: NameScan) -> None:
    """A particle that starts a name: "de Boer", "Honestly van Houten", "bei von der lühe"."""
    ctx, n, keys, isname, cap, adj, mark = s.ctx, s.n, s.keys, s.isname, s.cap, s.adj, s.mark
    blocked, noword = s.blocked, s.noword
    listed = ctx.listed
    for i in range(n - 1):
        if keys[i] not in ctx.name_starts or not adj[i + 1] or (i > 0 and (mark[i - 1] or isname[i - 1])):
            continue
        j = i + 1
        while j < n and keys[j] in ctx.particles and adj[j]:
            j += 1
        # (a place only after one particle: "von Altona", but "van den Berg")
        place = ctx.place(keys[j]) if j < n else False
        if place and j - i >= 2 and cap[j] and keys[j] in ctx.sur and keys[j] not in ctx.places:
            place = False
        if j < n and adj[j] and not blocked(j) and not mark[j] and not place:
            # (not a weekday or month: "Termin von Montag")
            surname = listed(keys[j]) or (cap[j] and keys[j] in ctx.sur and keys[j] not in ctx.hand_ambiguous)
            if surname or (len(keys[j]) >= 3 and noword(j)):
                mark[j] = True
        # the given name before: "Jan de Vries"
        if (
            j < n
            and (mark[j] or isname[j])
            and i > 0
            and adj[i]
            and cap[i - 1]
            and keys[i - 1] in ctx.first
            and not blocked(i - 1)
        ):
            mark[i - 1] = True


def particles_after_names(s: NameScan) -> None:
    """Particles after a name: "[NAME] von Elm", "Anna de la Cruz"."""
    ctx, n, keys, isname, cap, adj, mark = s.ctx, s.n, s.keys, s.isname, s.cap, s.adj, s.mark
    blocked, noword = s.blocked, s.noword
    listed = ctx.listed
    for i in range(1, n):
        if keys[i] in _ARTICLES:
            continue  # an article starts no particle chain: "[NAME] den Antrag", "van den Berg"
        if (mark[i - 1] or isname[i - 1]) and adj[i] and keys[i] in ctx.particles:
            j = i
            while j < n and keys[j] in ctx.particles and adj[j]:
                j += 1
            if j < n and adj[j] and not blocked(j) and (cap[j] or listed(keys[j]) or noword(j)):
                mark[j] = True


def ampersands(s: NameScan) -> None:
    """An ampersand or plus joins two names: "[NAME] & Hadiya", "Anna + Jens"."""
    ctx, n, keys, isname, cap, gaps, mark = s.ctx, s.n, s.keys, s.isname, s.cap, s.gaps, s.mark
    blocked, rare = s.blocked, s.rare
    listed = ctx.listed
    for i in range(1, n):
        if (
            gaps[i].strip() in ("&", "+")
            and (mark[i - 1] or isname[i - 1])
            and not mark[i]
            and not blocked(i)
            and (listed(keys[i]) or keys[i] in ctx.names or (cap[i] and rare(i)))
        ):
            mark[i] = True


def names_going_on(s: NameScan) -> None:
    """A name goes on with words that are no word or a surname: "[NAME] strüver", "[NAME]
    böttcher"; a given name before such a word starts one: "sevgi karagöz"."""
    ctx, n, keys, isname, cap, adj, mark = s.ctx, s.n, s.keys, s.isname, s.cap, s.adj, s.mark
    blocked, noword = s.blocked, s.noword
    listed = ctx.listed
    for i in range(1, n):
        if not adj[i] or blocked(i) or (blocked(i - 1) and not isname[i - 1]) or keys[i] in ctx.verbs:
            continue
        if isname[i - 1] and keys[i] in ctx.particles and i + 1 < n and adj[i + 1]:
            continue  # "[NAME] van den [NAME]": a particle, not a surname "Van"
        if ctx.tr_predicate(keys[i]):
            continue  # what a person did or is: "[NAME] kaba davrandı" (not a surname "Kaba")
        # (in lower case, a word that is both a given name and a surname is not enough
        # before one: "hunter green walls", but "sevgi karagöz", "ümit çetin")
        # (no typo or compound of words: "than epxected", "Bin Bäckermeister")
        surname = noword(i) or (
            keys[i] in ctx.sur
            and cap[i] == cap[i - 1]
            # (a word marked here counts as the placeholder it becomes, so that a second
            # run finds nothing new: "[NAME] file number")
            and (cap[i] or isname[i - 1] or mark[i - 1] or listed(keys[i - 1]) or keys[i - 1] not in ctx.sur)
        )
        # (two German or two English words in lower case are words: "kam per mail",
        # "ich bin neu hier"; Turkish ones may be a name: "ümit çetin")
        both_words = (
            not cap[i]
            and not (mark[i - 1] or isname[i - 1])
            and any(
                keys[i - 1] in ctx.words_of.get(g, ()) and keys[i] in ctx.words_of.get(g, ())
                for g in ("de", "en")
            )
        )
        if surname and not both_words and (mark[i - 1] or isname[i - 1] or keys[i - 1] in ctx.first):
            mark[i] = True
            mark[i - 1] = mark[i - 1] or not isname[i - 1]
        elif isname[i] and keys[i - 1] in ctx.first and not cap[i - 1] and keys[i - 1] not in ctx.joiners:
            mark[i - 1] = True  # "ana [NAME]"


def neighbours(s: NameScan) -> None:
    """Capitalised words beside names, until nothing changes: after a marked word a listed
    name, a name that is also a word, or anything after a given name; before a marked
    surname of the lists, any."""
    ctx, n, keys, isname, cap, adj, mark = s.ctx, s.n, s.keys, s.isname, s.cap, s.adj, s.mark
    blocked = s.blocked
    listed = ctx.listed
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
            if (left and (listed(keys[i]) or keys[i] in ctx.common or keys[i - 1] in ctx.first)) or (
                right and keys[i + 1] in ctx.sur
            ):
                mark[i] = changed = True
