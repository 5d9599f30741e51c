"""Context rules: a word before or after a name says that a person is meant (a title,
role, thanks, an introduction, a person noun before brackets, a bell, "said", a
signature's place, a Turkish honorific, an initial's dot)."""

from __future__ import annotations

from pipelines.ingest.redaction.names.scan import NameScan
from pipelines.ingest.redaction.names.words import QUOTE_OPEN


def after_cue_words(s: NameScan) -> None:
    """A name after a title, a role or thanks, in brackets or quotes after a person noun,
    or before a bell word; token by token."""
    ctx, n, keys, gaps, gap_ok = s.ctx, s.n, s.keys, s.gaps, s.gap_ok
    for i in range(n):
        key = keys[i]
        nxt = i + 1
        # titles in any case, with or without dot: "frau lindqvist", "Hr Brandau", "Sn. Koc"
        if (key in ctx.titles or key in ctx.short_titles) and nxt < n and gap_ok(nxt, "."):
            if i > 0 and gaps[i].strip() in ("-", "–") and key in ctx.short_titles:
                continue  # "Mo-Fr 8-16"
            _after_title(s, i)
        # roles before a name: "Sachbearbeiterin Frau ...", "Memur Şimşek", "Kollege Jan"
        elif key in ctx.roles and nxt < n and gap_ok(nxt, ":,"):
            _after_role(s, i)
        # thanks or blame directed at a person: "danke an layla", "außer Hatice", "Thanks a lot
        # Eirik", "greetings to Eirik" ("an", "to" only after thanks)
        elif (key in ctx.thanks or key == "to") and (
            key not in ("an", "to") or (i > 0 and keys[i - 1] in ctx.thanks_before)
        ):
            _after_thanks(s, i)
        # person noun + name in brackets or quotes: "die Frau am Schalter (Polat)"
        if key in ctx.person_nouns or key in ctx.quote_words:
            _in_brackets_after(s, i)
        # "bei o'brien klingeln": "bei" + up to three words + a bell word
        if key in ctx.bell and i >= 2:
            _before_bell(s, i)


def _after_title(s: NameScan, i: int) -> None:
    ctx, n, keys, cap, gaps, adj, mark = s.ctx, s.n, s.keys, s.cap, s.gaps, s.adj, s.mark
    key = keys[i]
    nxt = i + 1
    weak = i > 0 and keys[i - 1] in ctx.weak and adj[i]
    if key in ctx.short_titles and not cap[i] and gaps[nxt].strip() != ".":
        level = 0  # "mo-fr geöffnet": lower-case "fr" only before a listed name
    elif weak:
        level = 0
    else:
        level = 1 if cap[i] else 2
    if (
        s.chain(nxt, level) == 0
        and keys[nxt] in ctx.names
        and not s.blocked(nxt)
        and nxt + 1 < n
        and adj[nxt + 1]
        and keys[nxt + 1] in ctx.verbs
    ):
        mark[nxt] = True  # "hr acar war mega nett": a name that is also a word


def _after_role(s: NameScan, i: int) -> None:
    ctx, keys, cap, mark = s.ctx, s.keys, s.cap, s.mark
    nxt = i + 1
    # (a lower-case word after a capitalised role is a verb: "Sohn kam")
    if (
        s.chain(nxt, 1 if cap[nxt] else -1) == 0  # (lower case: a listed name, not "zuvorkommend")
        and keys[nxt] in ctx.names
        and not s.blocked(nxt)
        and (cap[nxt] or not cap[i])
    ):
        mark[nxt] = True  # "der kollege çetin", "mein Sohn Can": a name that is also a word


def _after_thanks(s: NameScan, i: int) -> None:
    ctx, n, keys, ph, adj, mark, blocked = s.ctx, s.n, s.keys, s.ph, s.adj, s.mark, s.blocked
    gap_ok = s.gap_ok
    key = keys[i]
    j = i + 1
    while j < n and keys[j] in ctx.fillers and gap_ok(j, ","):
        j += 1
    # (an everyday word that is no given name is thanks, not a person: "Danke Schön")
    # ("an Lange", "to Jule" after praise still name a person)
    plain = j < n and key not in ("an", "to") and keys[j] in ctx.ordinary and keys[j] not in ctx.first
    # (a given name and a surname in lower case too: "greetings to erdem güler")
    if (
        j < n
        and j > i
        and gap_ok(j, ",")
        and not ph[j]
        and not plain
        and s.chain(j, 1) == 0
        and j + 1 < n
        and adj[j + 1]
        and keys[j] in ctx.first
        and keys[j + 1] in ctx.sur
        and not blocked(j)
        and not blocked(j + 1)
    ):
        mark[j] = mark[j + 1] = True


def _in_brackets_after(s: NameScan, i: int) -> None:
    ctx, n, gaps = s.ctx, s.n, s.gaps
    key = s.keys[i]
    nxt = i + 1
    for j in range(nxt, min(n, nxt + 5)):
        g = gaps[j].rstrip()
        if g and g[-1] in "(" + QUOTE_OPEN:
            s.chain(j, 1 if key in ctx.person_nouns else 2)
            break
        if any(c in ".!?;" for c in gaps[j]):
            break


def _before_bell(s: NameScan, i: int) -> None:
    keys, ph, mark, stop = s.keys, s.ph, s.mark, s.ctx.stop
    for b in range(i - 1, max(-1, i - 5), -1):
        if keys[b] == "bei" and b < i - 1:
            for j in range(b + 1, i):
                if not ph[j] and keys[j] not in stop:
                    mark[j] = True
            break


def after_intros(s: NameScan) -> None:
    """A name after a self-introduction: "ich bin ...", "my name is ...", "benim adım ..."."""
    ctx, n, keys, cap, gaps, adj, mark = s.ctx, s.n, s.keys, s.cap, s.gaps, s.adj, s.mark
    noword, chain, gap_ok = s.noword, s.chain, s.gap_ok
    listed = ctx.listed
    where: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key in ctx.intro_heads:
            where.setdefault(key, []).append(i)
    intros = ((ctx.intro_strong, 2), (ctx.intro_cap, 1), (ctx.intro_weak, 0))
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


def beside_person_words(s: NameScan) -> None:
    """Words after a person ("Dilek sağ olsun", "Hêvî sayesinde", "ingrid and i"), before a
    person ("Sevgili Azad", "Dear Kofi"), and verbs with a person as object ("ich kann koç
    nur empfehlen", "fand harms sehr kompetent", "hat mich Ehlers")"""
    ctx, n, keys, adj, mark, blocked, rare = s.ctx, s.n, s.keys, s.adj, s.mark, s.blocked, s.rare
    for i in range(n):
        if mark[i] or blocked(i) or not (keys[i] in ctx.names or (len(keys[i]) >= 3 and rare(i))):
            continue
        after = keys[i + 1] if i + 1 < n and adj[i + 1] else ""
        after2 = " ".join(keys[i + 1 : i + 3]) if i + 2 < n and adj[i + 1] and adj[i + 2] else ""
        before = keys[i - 1] if i > 0 and adj[i] else ""
        two_before = " ".join(keys[i - 2 : i]) if i > 1 and adj[i] and adj[i - 1] else ""
        if (
            after in ctx.person_after
            or after2 in ctx.person_after
            or before in ctx.person_before
            or (
                (before in ctx.object_verbs or two_before in ctx.object_verbs)
                and after in ctx.object_adverbs
                and keys[i] not in ctx.hand_ambiguous
            )
        ):
            mark[i] = True


def speaking(s: NameScan) -> None:
    """A name that speaks: "Baran meinte, ...", "Zilan dedi ki", "Arjun told me"."""
    ctx, n, keys, cap, gaps, adj, mark = s.ctx, s.n, s.keys, s.cap, s.gaps, s.adj, s.mark
    blocked, rare = s.blocked, s.rare
    for i in range(n - 1):
        if (
            not mark[i]
            and adj[i + 1]
            and keys[i + 1] in ctx.speech
            and not blocked(i)
            # (a word that is also a name speaks only as a sentence's subject, without
            # an article: "Koch meinte", not "der Koch meinte", "im August sagte")
            and (
                keys[i] not in ctx.hand_ambiguous
                or (
                    cap[i]
                    and keys[i] not in ctx.calendar
                    and (i == 0 or any(c in ".!?\n:;" for c in gaps[i]))
                )
            )
            and (keys[i] in ctx.names or (cap[i] and rare(i)))
            # (a German or English word in lower case is a thing: "the door said", "form says")
            and (cap[i] or not any(keys[i] in ctx.words_of.get(g, ()) for g in ("de", "en")))
        ):
            mark[i] = True


def signature(s: NameScan) -> None:
    """A signature: the comment's last word after a comma, dash, line break or a one-word
    sign-off ("thanks, jan", "– Arjun", "xx Wei", "lg wei")"""
    ctx, n, text, toks, keys, ph, isname = s.ctx, s.n, s.text, s.toks, s.keys, s.ph, s.isname
    cap, gaps, adj, mark, blocked, noword = s.cap, s.gaps, s.adj, s.mark, s.blocked, s.noword
    listed = ctx.listed
    last = n - 1
    while last >= 0 and ph[last] and not isname[last]:
        last -= 1
    if last > 0 and not mark[last] and not blocked(last) and keys[last] not in ctx.hand_ambiguous:
        tail = "".join(c for c in text[toks[last][1] :] if c.isalnum())  # (emoji may follow: "Volkan 👋")
        signoff = keys[last - 1] in ctx.signoffs or keys[last - 1] in ctx.thanks
        if keys[last - 1] in ctx.thanks and keys[last] in ctx.ordinary and keys[last] not in ctx.first:
            signoff = False  # thanks, not a person: "danke schön"
        cue = signoff or gaps[last].strip(" ") in (",", "-", "–", "—", "\n", "\r\n")
        # (after a mere comma a word must be no word or a capitalised name: not "Geht so, naja")
        name_like = listed(keys[last]) or noword(last)
        two = (
            not cue
            and last > 1
            and adj[last]
            and keys[last - 1] in ctx.first
            and not blocked(last - 1)
            and (gaps[last - 1].strip(" ") in (",", "-", "–", "—", "\n") or keys[last - 2] in ctx.signoffs)
        )
        if two and not tail and (keys[last] in ctx.sur or name_like):
            mark[last] = mark[last - 1] = True  # "iyi çalışmalar, Ozlem Polat"
        elif not tail and cue and (name_like or (keys[last] in ctx.names and (signoff or cap[last]))):
            mark[last] = True
            if last > 1 and adj[last] and not blocked(last - 1) and keys[last - 1] in ctx.first:
                mark[last - 1] = True


def before_honorifics(s: NameScan) -> None:
    """Turkish honorifics with suffixes: "Gülsüm Hanımın", "Ahmet Bey'e", "Gokhan hocam"."""
    ctx, n, keys, cap, gaps, adj, mark = s.ctx, s.n, s.keys, s.cap, s.gaps, s.adj, s.mark
    blocked, rare = s.blocked, s.rare
    stop, listed = ctx.stop, ctx.listed
    for i in range(1, n):
        honorific = keys[i].startswith(ctx.honorifics) and adj[i] and not blocked(i - 1)
        # (in lower case too: "deniz hanım'a", "uçar bey", "tigist abla"; not "görevli hanım")
        lone_suffix = gaps[i - 1][-1:] in ("'", "’")  # "Schalter 3'teki hanım"
        if honorific and not lone_suffix and (cap[i - 1] or keys[i - 1] in ctx.names or rare(i - 1)):
            mark[i - 1] = True
            if i > 1 and adj[i - 1] and cap[i - 2] and listed(keys[i - 2]) and keys[i - 2] not in stop:
                mark[i - 2] = True


def initials(s: NameScan) -> None:
    """Initials with a surname: "T. Ahlers", "k. meier", "VG [NAME]. Greenwood"."""
    ctx, n, words, keys, isname, cap, gaps = s.ctx, s.n, s.words, s.keys, s.isname, s.cap, s.gaps
    adj, mark, blocked = s.adj, s.mark, s.blocked
    listed = ctx.listed
    for i in range(1, n):
        if gaps[i].strip() != "." or (blocked(i) and keys[i] not in ctx.particles):
            continue
        prev = words[i - 1]
        if (len(prev) == 1 and prev.isalpha()) or isname[i - 1]:
            ph_chain = isname[i - 1] and i > 1 and isname[i - 2]  # "[NAME]. [NAME]. Acar": initials
            if not ph_chain and (
                (len(prev) == 1 and i > 1 and len(words[i - 2]) == 1)
                or (gaps[i - 1].strip() == "." and keys[i - 2] not in ctx.signoffs)
            ):
                continue  # "z. B.", "d. h." (but "Gez. W. Ritter")
            after_signoff = i > 1 and keys[i - 2] in ctx.signoffs
            # (after "[NAME]." a word is a new sentence: "My name is [NAME]. Waited more")
            word_after_ph = isname[i - 1] and keys[i] in ctx.ordinary and not ph_chain
            initial = len(prev) == 1
            if keys[i] in ctx.particles:
                if i + 1 < n and adj[i + 1] and (cap[i + 1] or listed(keys[i + 1])) and not blocked(i + 1):
                    mark[i + 1] = True  # "MfG G. von Ahlefeldt", "VG [NAME]. von Elm"
                    mark[i - 1] = mark[i - 1] or initial
                continue
            if (
                listed(keys[i])
                or after_signoff
                or (initial and keys[i] in ctx.names and not cap[i - 1])  # "thanks to b. kocabaş"
                or (cap[i] and not word_after_ph and (isname[i - 1] or prev.isupper()))
            ):
                if initial and not (cap[i] or keys[i] in ctx.names or after_signoff):
                    continue
                mark[i] = True
                if len(prev) == 1:
                    mark[i - 1] = True
