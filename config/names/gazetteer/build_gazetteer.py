#!/usr/bin/env python3
"""Build the licensed name gazetteer in config/names/gazetteer/ (DATA only).

This is an offline, one-off generator.  It is NOT imported by the pipeline and
its two source packages must NOT become runtime dependencies of the project.

Rebuild (from the repo root, with a throw-away venv):

    python3 -m venv /tmp/gzvenv
    /tmp/gzvenv/bin/pip install "faker==40.63.0" "gender-guesser==0.4.0" "names==0.3.0"
    apt-get install -y wngerman wamerican-small wbritish-small hunspell-tr
    /tmp/gzvenv/bin/python config/names/gazetteer/build_gazetteer.py

Inputs
  * Faker (MIT): person providers of the locales in FAKER_LOCALES.
  * gender-guesser (its data/nam_dict.txt, GFDL 1.2 or later, (c) Jörg Michael):
    first names with a non-blank frequency in one of the columns in NAMDICT_COLUMNS.
  * names (MIT; its dist.all.last is the U.S. Census Bureau's 1990 surname list, a
    U.S. government work in the public domain): 88,799 surnames, among them the North
    German ones Faker lacks (Kruse, Ehlers, Harms, Sievers, Feddersen).
  * Word lists used only to *flag* names that are also ordinary words
    (common_words.txt): /usr/share/dict/ngerman (wngerman),
    /usr/share/dict/{american,british}-english-small (wamerican-small,
    wbritish-small = SCOWL size 35, i.e. common words only),
    /usr/share/hunspell/tr_TR.dic (hunspell-tr, only to check the hand-written
    Turkish list below).

Outputs (UTF-8, NFC, one token per line, sorted by code point, deduplicated)
  first_names.txt, surnames.txt, common_words.txt, SOURCES.md

Token rules: entries are split on white space, '-', '+', '/', '.', ','; each
token keeps the spelling of its source; tokens must start with an upper-case
letter, consist of letters (plus inner apostrophes, e.g. O'Neil), have at
least 2 letters and no digits.  Name particles (von, van, de, al, bin, ...)
coming from multi-word entries are dropped.  Only Latin script is kept, plus
Cyrillic for ru_RU (whose Latin transliteration from Faker's own
faker.providers.person.ru_RU.translit is added as well).
"""
from __future__ import annotations

import argparse
import collections
import importlib
import importlib.metadata as md
import os
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------
# Source selection
# --------------------------------------------------------------------------
# Locales asked for; those missing in the installed Faker are reported.
FAKER_LOCALES = [
    "de_DE", "de_AT", "de_CH", "tr_TR", "pl_PL", "ru_RU", "en_GB", "en_US",
    "ar_AA", "ar_SA", "it_IT", "es_ES", "fr_FR", "pt_PT", "nl_NL", "hr_HR",
    "sr_RS", "cs_CZ", "ro_RO", "hu_HU", "sv_SE", "no_NO", "da_DK", "fi_FI",
    "el_GR",
]
# Deliberately skipped (non-Latin script only): fa_IR, uk_UA.
# ar_AA / ar_SA / el_GR are read, but their non-Latin tokens are dropped by the
# script filter (so in practice they contribute nothing).
CYRILLIC_LOCALES = {"ru_RU"}
TRANSLIT_LOCALES = {"ru_RU": "faker.providers.person.ru_RU"}

# nam_dict.txt column labels (as in the file's header) -> taken?
NAMDICT_COLUMNS = [
    # asked for in the brief
    "Germany", "Turkey", "Poland", "Russia", "Arabia/Persia", "Great Britain",
    "U.S.A.", "Italy", "Spain", "Portugal", "France", "the Netherlands",
    "Croatia", "Serbia", "Bosnia and Herzegovina", "Albania", "Kosovo",
    "Greece", "Romania", "Czech Republic", "Hungary", "Sweden", "Norway",
    "Denmark", "Finland",
    # German-speaking / northern Germany (same population as Germany)
    "East Frisia", "Austria", "Swiss",
    # Eastern European, Caucasian and Central Asian communities in Hamburg
    # (Ukraine, Belarus, Moldova, Bulgaria, Baltic, former Yugoslavia,
    # Armenia, Azerbaijan, Georgia, Kazakhstan/Uzbekistan/Tajikistan/...,
    # the latter also covering Persian-Afghan name forms)
    "Ukraine", "Belarus", "Moldova", "Bulgaria", "Slovakia", "Slovenia",
    "Macedonia", "Montenegro", "Estonia", "Latvia", "Lithuania",
    "Armenia", "Azerbaijan", "Georgia", "Kazakhstan/Uzbekistan,etc.",
    # Hamburg's Irish, Israeli, South and East Asian and African residents (session 17:
    # Vietnamese, Indian, Chinese and West African names were missing)
    "Ireland", "Iceland", "Israel", "Belgium", "India/Sri Lanka", "China", "Japan", "Korea",
    "Vietnam", "other countries",
]

# Particles dropped when they come out of a multi-word / compound entry.
PARTICLES = {
    "von", "vom", "van", "der", "den", "de", "del", "della", "delle", "dello",
    "dei", "degli", "di", "da", "das", "dos", "do", "du", "des", "la", "le",
    "lo", "les", "ten", "ter", "te", "zu", "zum", "zur", "y", "e", "el", "al",
    "bin", "ibn", "bint", "ul", "ud", "ur", "st", "mac", "mc", "af", "av",
}

SPLIT_RE = re.compile(r"[\s\-+/.,]+")
APOS = {"\u2019": "'", "\u02bc": "'", "\u00b4": "'", "`": "'", "\u2018": "'"}


def norm(s: str) -> str:
    s = unicodedata.normalize("NFC", s)
    for a, b in APOS.items():
        s = s.replace(a, b)
    return s.strip()


def script_ok(tok: str, allow_cyrillic: bool) -> bool:
    for ch in tok:
        if ch == "'":
            continue
        if not ch.isalpha():
            return False
        name = unicodedata.name(ch, "")
        if name.startswith("LATIN"):
            continue
        if allow_cyrillic and name.startswith("CYRILLIC"):
            continue
        return False
    return True


def tokens(entry: str, allow_cyrillic: bool = False) -> list[str]:
    """Split one source entry into valid single-token names."""
    entry = norm(entry)
    parts = [p.strip("'") for p in SPLIT_RE.split(entry) if p.strip("'")]
    multi = len(parts) > 1
    out = []
    for p in parts:
        if any(c.isdigit() for c in p):
            continue
        if sum(c.isalpha() for c in p) < 2:
            continue
        if multi and p.lower() in PARTICLES:
            continue
        if not p[0].isupper():
            continue
        if len(p) > 1 and p.isupper():  # roman numerals (II, VI), acronyms
            continue
        if not script_ok(p, allow_cyrillic):
            continue
        out.append(p)
    return out


# --------------------------------------------------------------------------
# Faker
# --------------------------------------------------------------------------
def faker_names(report: dict) -> tuple[set, set]:
    import faker.providers.person as base

    first, last = set(), set()
    for loc in FAKER_LOCALES:
        try:
            mod = importlib.import_module(f"faker.providers.person.{loc}")
        except ModuleNotFoundError:
            report["faker_missing"].append(loc)
            continue
        prov = mod.Provider
        cyr = loc in CYRILLIC_LOCALES
        translit = getattr(mod, "translit", None) if loc in TRANSLIT_LOCALES else None
        attrs = {}
        for klass in prov.__mro__:
            if klass is base.Provider or not klass.__module__.startswith("faker.providers.person."):
                continue
            for k, v in vars(klass).items():
                if k in attrs or not isinstance(v, (tuple, list, dict)):
                    continue
                if re.fullmatch(r"(first_names(_\w+)?|last_names(_\w+)?|\w+_last_names)", k):
                    attrs[k] = v
        lf, ll = set(), set()
        for k, v in attrs.items():
            is_first = k.startswith("first_names")
            entries = [e for e in v if isinstance(e, str)]
            toks = set()
            for e in entries:
                toks.update(tokens(e, cyr))
                if translit is not None:
                    toks.update(tokens(_safe_translit(translit, norm(e))))
            (lf if is_first else ll).update(toks)
        # Polish: Faker ships only the male form of adjectival surnames
        # (Kowalski); add the regular female form (Kowalska).
        if loc == "pl_PL":
            ll.update(polish_female(t) for t in list(ll) if polish_female(t))
        report["faker"][loc] = {"attrs": sorted(attrs), "first": len(lf), "last": len(ll)}
        first |= lf
        last |= ll
    return first, last


def _safe_translit(fn, text: str) -> str:
    # Faker's table lists Latin 'Ë' instead of Cyrillic 'Ё'; map it as intended.
    text = text.replace("Ё", "Е").replace("ё", "е")
    try:
        return fn(text)
    except KeyError:
        return ""


def polish_female(t: str) -> str | None:
    for m, f in (("dzki", "dzka"), ("cki", "cka"), ("ski", "ska")):
        if t.endswith(m) and len(t) > len(m) + 1:
            return t[: -len(m)] + f
    return None


# --------------------------------------------------------------------------
# gender-guesser / nam_dict.txt
# --------------------------------------------------------------------------
def census_surnames(report: dict) -> set:
    """The 1990 U.S. Census surnames (upper case in the file) as capitalised tokens."""
    path = Path(importlib.import_module("names").__file__).parent / "dist.all.last"
    entries = [line.split()[0] for line in path.read_text(encoding="ascii").splitlines() if line.strip()]
    out = {t for e in entries for t in tokens(e.capitalize())}
    report["census"] = {"entries": len(entries), "tokens": len(out)}
    return out


def namdict_path() -> Path:
    import gender_guesser

    return Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"


def namdict_columns(lines: list[str]) -> dict[str, int]:
    """Read the column layout from the header ('|' under each country label)."""
    cols, label, on = {}, None, False
    for line in lines:
        if not line.startswith("#"):
            break
        if "list of countries" in line:
            on = True
            continue
        if on and "Notes:" in line:
            break
        if not on:
            continue
        t = line.rstrip(" $")
        if t.endswith("|"):
            cols[label] = t.index("|")
        elif t.strip("# "):
            label = t.strip("# ")
    return cols


ESCAPE_RE = re.compile(r"<[^>]*>")


def namdict_names(report: dict) -> set:
    path = namdict_path()
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # header: "char set = utf-8"
    lines = text.splitlines()
    header = "\n".join(l for l in lines if l.startswith("#"))
    assert "char set = utf-8" in header, "nam_dict.txt: unexpected character set"
    cols = namdict_columns(lines)
    missing = [c for c in NAMDICT_COLUMNS if c not in cols]
    assert not missing, f"columns not found in header: {missing}"
    wanted = {c: cols[c] for c in NAMDICT_COLUMNS}
    per_col = collections.Counter()
    names, dropped, skipped_dup = set(), [], 0
    seen_plain = set()
    dup_names = set()
    for line in lines:
        if not line or line[0] in "#=":
            continue
        if len(line) < max(cols.values()) + 1:
            line = line.ljust(max(cols.values()) + 1)
        # '+' in column 30 marks the duplicate sorted by expanded umlauts
        if line[29] == "+":
            skipped_dup += 1
            dup_names.add(line[3:29].strip())
            continue
        name = line[3:29].strip()
        seen_plain.add(name)
        hits = [c for c, i in wanted.items() if line[i] != " "]
        if not hits:
            continue
        if ESCAPE_RE.search(name) or "<" in name or ">" in name:
            # '<..>' escapes of older file versions; this file is already
            # UTF-8, anything left that we cannot decode is dropped.
            dropped.append(name)
            continue
        toks = set(tokens(name))
        if "+" in name:
            # '+' = '-', ' ' or '' (doc): also keep the joined spelling
            parts = [p for p in name.split("+") if p]
            joined = parts[0] + "".join(p[:1].lower() + p[1:] for p in parts[1:])
            toks.update(tokens(joined))
        if not toks:
            dropped.append(name)
            continue
        names |= toks
        for c in hits:
            per_col[c] += 1
    report["namdict"] = {
        "path": str(path),
        "per_column_entries": dict(per_col),
        "dropped": dropped,
        "skipped_dup_lines": skipped_dup,
        "dup_not_in_plain": sorted(dup_names - seen_plain),
        "tokens": len(names),
    }
    return names


# --------------------------------------------------------------------------
# Names that are also ordinary words (common_words.txt)
# --------------------------------------------------------------------------
DICT_DE = "/usr/share/dict/ngerman"
DICT_EN = ["/usr/share/dict/american-english-small", "/usr/share/dict/british-english-small"]
DIC_TR = "/usr/share/hunspell/tr_TR.dic"

# Hand-written: common Turkish words that are also given names / surnames.
TURKISH_WORDS = """
ada adil ahu akın akkuş alev alp altın anıl arslan aslan arı ateş ay aydın
bahar bahadır balaban bal barış başak baran bayram bilge bora bulut can canan
cemre ceren ceylan cihan cesur civan çağan çağla çağlar çağrı çelik çiçek
çınar damla defne demir deniz derya devrim dilek doğa doğan doğu duru duygu
dünya ekin elmas emek emel erdem erkin esen evren eylül fidan gonca gökçe
gönül güler gül güneş gündüz hayal hayat hilal huzur hülya ılgın ırmak ışık
inci kader kaplan kara kartal kaya kayra kılıç kıvanç koç kurt kutlu lale
mehtap melek meltem menekşe mercan mert mutlu nazlı nergis neşe nur oya onur
ozan özgür özlem papatya pınar polat rüya rüzgar saadet sabah sarp seher sel
selvi serin sevda sevgi sevil sevinç sezgi su sultan sümbül şafak şahin şeker
şen şükran tan taş tayfun tuna tunç tufan ufuk ulaş umut ümit ülkü vefa
volkan yağmur yaprak yasemin yeşim yiğit yıldız yıldırım yonca yüce yücel
zafer zambak zeki zümrüt aşkın gizem güven ilke inan toprak alkım berk özen
metin sadık sabır sevim ümran çetin nail naz savaş tekin toygar uğur ülker
yaman yavuz yetkin ergin berrak elif eren gurur kardelen kumru mavi
nehir nilüfer şimşek turna cömert dost emin ferah güzel kahraman kerem
selim serhat yalçın yılmaz yurt çakır çakmak demirci kurtuluş sönmez tutku
doruk bengi
""".split()

# Manual review of the automatic intersections.
# Names kept although no word list caught them (brief's examples, cities).
INCLUDE_EXTRA = """
Paris London Jordan Florence Georgia Sydney Chelsea Frank Mark Will
May Rose Grace Hope Joy Sunny Young Long Bell Hall Page Baker Cook Wolf Koch
Bauer Fischer Sommer Winter Lange Klein Groß Schwarz Weiß Braun
""".split()
# Automatic hits removed by hand: archaic/rare words or hits that are in
# practice only names in German/English/Turkish text.
EXCLUDE = set("""
Aale Aalt Ade Adele Albert Alberte Allegro Andre Andres Angele Anno Bebe Belle Bette Brecht Buk Cetera
Dato Dorren Eck Einte Engl Foppe Forma Franko Franz Gerben Hege Hemme Hinke Hisse Holden Holst Hurst Inne
Jette Jobbe Jure Kenter Kipp Klapp Klemm Kling Kläre Laure Laust Leite Lenke Lind Linder Moser Nagele Papp
Pelle Phil Pik Probst Rasa Reg Renne Scheel Schilt Schulten Sondre Torkel Tristen Trudel Ultima Werd
Willigen Wimmer Wisse
Adrian Adria Baptist Baptistin Beck Brunhild Christi Christian Dell Dietrich Florette Gabriel Georg
Gunther Hans Heidi Hermeline Horst Johann Kais Kimm Manne Mensur Messner Mohr Mol Müller Pieper Raine
Redmond Ries Salm Sam Sande Sardin Saul Schober Scholl Simon Theodor Volker Washington York
Abate Ado Aline Ameer Amir Ani Ares Blanch Bray Butte Damps Edger Eke Gage Garret Gees Gelt Gill Haring
Hark Harry Hays Hew Hicks Ho II VI Lii Jawed Jell Jilt Lander Leach Lefter Lope Lopes Mads Maria Martin
Mas Matts Mien Miens Mike Moos Pap Peter Peters Rainier Rares Sager Sally Saner Smit Stoney Warren
""".split())


def _load(path: str) -> list[str]:
    if not os.path.exists(path):
        sys.exit(f"missing word list {path}: apt-get install -y wngerman wamerican-small wbritish-small hunspell-tr")
    with open(path, encoding="utf-8", errors="replace") as f:
        return [unicodedata.normalize("NFC", l.strip()) for l in f if l.strip()]


def tr_capitalize(s: str) -> str:
    first = {"i": "İ", "ı": "I"}.get(s[0], s[0].upper())
    return first + s[1:]


def tr_lower(s: str) -> str:
    return s.replace("I", "ı").replace("İ", "i").lower()


DE_NOUN_SUFFIXES = ("es", "en", "n", "e", "er", "ern", "ens", "nen")
UMLAUT = str.maketrans({"a": "ä", "o": "ö", "u": "ü"})


def common_words(names: set, report: dict) -> set:
    de = set(_load(DICT_DE))
    de_lower = {w for w in de if w[:1].islower()}
    en_lower = set()
    for p in DICT_EN:
        en_lower |= {w for w in _load(p) if w[:1].islower()}
    tr_stems = {l.split("/")[0] for l in _load(DIC_TR)[1:]}
    tr_stems = {w for w in tr_stems if w[:1].islower()}

    hits = collections.defaultdict(set)
    for n in names:
        if "'" in n:
            continue
        lo = n.lower()
        if lo in en_lower:
            hits[n].add("en")
        if lo in de_lower:
            hits[n].add("de")
        elif n in de and n[:1].isupper():
            # capitalised German noun: require an inflected form other than
            # a bare genitive -s (which proper names have too)
            stem_uml = _umlaut_last(n)
            forms = {n + s for s in DE_NOUN_SUFFIXES} | {stem_uml + s for s in ("e", "er", "en", "ern")} | {stem_uml}
            forms.discard(n)
            if forms & de:
                hits[n].add("de-noun")
    tr_ok, tr_not_in_dic, tr_not_in_gaz = [], [], []
    by_trlower = collections.defaultdict(set)
    for n in names:
        by_trlower[tr_lower(n)].add(n)
    for w in TURKISH_WORDS:
        if w not in tr_stems:
            tr_not_in_dic.append(w)
        got = by_trlower.get(w)
        if not got:
            tr_not_in_gaz.append(w)
            got = {tr_capitalize(w)}
        else:
            tr_ok.append(w)
        for n in got:
            hits[n].add("tr")
    for n in INCLUDE_EXTRA:
        n = unicodedata.normalize("NFC", n)
        if n in names:
            hits[n].add("manual")
        else:
            report.setdefault("include_not_in_gazetteer", []).append(n)
    result = {n for n in hits if n not in EXCLUDE or "manual" in hits[n]}
    src = collections.Counter()
    for n in result:
        for s in hits[n]:
            src[s] += 1
    report["common"] = {
        "by_source": dict(src),
        "tr_matched": len(tr_ok),
        "tr_list": len(TURKISH_WORDS),
        "tr_not_in_hunspell": tr_not_in_dic,
        "tr_not_in_gazetteer": tr_not_in_gaz,
        "excluded": len([n for n in hits if n in EXCLUDE]),
    }
    report["common_hits"] = {n: sorted(hits[n]) for n in result}
    return result


def _umlaut_last(w: str) -> str:
    """'Wolf' -> 'Wölf', 'Koch' -> 'Köch', 'Baum' -> 'Bäum' (last a/o/u/au)."""
    i = max(w.rfind("au"), -1)
    if i >= 0 and i >= max(w.rfind("a"), w.rfind("o"), w.rfind("u")) - 1:
        return w[:i] + "äu" + w[i + 2:]
    for j in range(len(w) - 1, -1, -1):
        if w[j] in "aou":
            return w[:j] + w[j].translate(UMLAUT) + w[j + 1:]
    return w


# --------------------------------------------------------------------------
def write_list(path: Path, items) -> int:
    items = sorted({unicodedata.normalize("NFC", i) for i in items})
    path.write_text("".join(i + "\n" for i in items), encoding="utf-8")
    return len(items)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE))
    ap.add_argument("--dump-common-hits", help="write 'name<TAB>sources' for review")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    report = {"faker": {}, "faker_missing": []}
    f_first, f_last = faker_names(report)
    g_first = namdict_names(report)
    first = f_first | g_first
    c_last = census_surnames(report)
    last = f_last | c_last
    n_first = write_list(out / "first_names.txt", first)
    n_last = write_list(out / "surnames.txt", last)
    common = common_words(first | last, report)
    n_common = write_list(out / "common_words.txt", common)
    if args.dump_common_hits:
        with open(args.dump_common_hits, "w", encoding="utf-8") as f:
            for n in sorted(report["common_hits"]):
                f.write(f"{n}\t{','.join(report['common_hits'][n])}\n")

    versions = {p: md.version(p) for p in ("faker", "gender-guesser", "names")}
    report.update(
        versions=versions, n_first=n_first, n_last=n_last, n_common=n_common,
        first_faker_only=len(f_first - g_first), first_namdict_only=len(g_first - f_first),
        first_both=len(f_first & g_first), faker_first=len(f_first), faker_last=len(f_last),
        census_only=len(c_last - f_last),
    )
    write_sources(out / "SOURCES.md", report)
    print(f"first_names.txt {n_first}  surnames.txt {n_last}  common_words.txt {n_common}")
    nd = report["namdict"]
    print(f"nam_dict: dropped {len(nd['dropped'])} {nd['dropped'][:10]}; dup lines skipped {nd['skipped_dup_lines']}; dup-only names {nd['dup_not_in_plain'][:10]}")
    print("faker missing:", report["faker_missing"])
    print("common:", report["common"])
    print("include not in gazetteer:", report.get("include_not_in_gazetteer"))


def write_sources(path: Path, r: dict) -> None:
    v = r["versions"]
    nd = r["namdict"]
    fk = r["faker"]
    lines = []
    w = lines.append
    w("# Name gazetteer: sources, licences, build\n")
    w("Generated by `build_gazetteer.py` (this folder). Do not edit the `.txt` files by hand;")
    w("change the script and rebuild. The script is a build tool only: the pipeline must not import it,")
    w("and Faker / gender-guesser are not runtime dependencies.\n")
    w("## Files\n")
    w("| file | entries | content |")
    w("| --- | ---: | --- |")
    w(f"| first_names.txt | {r['n_first']} | given names (Faker + nam_dict.txt) |")
    w(f"| surnames.txt | {r['n_last']} | family names (Faker + U.S. Census 1990) |")
    w(f"| common_words.txt | {r['n_common']} | names from the two lists above that are also ordinary German/English/Turkish words |")
    w("| first_names_extra.txt | (hand list) | given names common in Hamburg that the sources lack (Kurdish, Eritrean/Ethiopian, West African, Afghan); compiled by hand, edit freely |")
    w("| surnames_extra.txt | (hand list) | surnames common in Hamburg that Faker lacks (Turkish, Kurdish, Arabic, Persian/Afghan, African, Asian, Balkan); compiled by hand, edit freely |")
    n_ordinary = sum(1 for _ in open(HERE / "ordinary_words.txt", encoding="utf-8")) if (HERE / "ordinary_words.txt").exists() else 0
    w(f"| ordinary_words.txt | {n_ordinary} | frequent German/English/Turkish words that are not popular names (CC BY-SA 4.0; built separately, see SOURCES_ordinary_words.md) |")
    w("")
    w("Format: UTF-8, NFC, one token per line, sorted by Unicode code point, deduplicated, spelling as in the source")
    w("(capital initial). Multi-word/compound entries are split into single tokens (on blanks, `-`, `+`, `/`, `.`, `,`);")
    w("name particles from such entries are dropped (" + ", ".join(sorted(PARTICLES)) + ");")
    w("tokens shorter than 2 letters, with digits, or not starting with a capital letter are dropped.")
    w("Only Latin script is kept, except Cyrillic for Faker ru_RU.\n")
    w(f"Surnames: {r['faker_last']} tokens from Faker, {r['census']['tokens']} from the U.S. Census 1990 list; "
      f"{r['census_only']} Census only.\n")
    w(f"First names: {r['faker_first']} tokens from Faker, {nd['tokens']} from nam_dict.txt; "
      f"{r['first_both']} in both, {r['first_faker_only']} Faker only, {r['first_namdict_only']} nam_dict.txt only.\n")

    w(f"## 1. Faker {v['faker']} (PyPI `faker=={v['faker']}`)\n")
    w("* Licence: MIT. Copyright (c) 2012 Daniele Faraglia (see the MIT notice below, which must accompany copies).")
    w("* Read: the person provider (`faker.providers.person.<locale>.Provider`) of each locale, every class attribute")
    w("  `first_names*`, `last_names*` and `*_last_names` defined by the locale (the generic base provider's")
    w("  placeholders such as `Doe` are not used). OrderedDicts (name -> weight) contribute their keys.")
    w("* ru_RU: Cyrillic kept; the Latin transliteration made with Faker's own `faker.providers.person.ru_RU.translit`")
    w("  (scientific-style table, e.g. Aleksandr, Yevgeniy) is added too (Faker's table has Latin `Ë` for `Ё`; `Ё` is mapped to `Е` first).")
    w("* pl_PL: Faker ships `unisex_last_names` and `male_last_names` only; the regular female forms of the adjectival")
    w("  surnames (-ski/-cki/-dzki -> -ska/-cka/-dzka, e.g. Kowalska) are derived by the script.")
    w("* Skipped: fa_IR, uk_UA (non-Latin only, by decision); ar_AA, ar_SA, el_GR were read but contain no Latin-script")
    w("  names, so the script filter drops all of them.")
    if r["faker_missing"]:
        w(f"* Not present in this Faker version: {', '.join(r['faker_missing'])} (Faker has no Serbian person provider).")
    w("")
    w("| locale | attributes read | first-name tokens | surname tokens |")
    w("| --- | --- | ---: | ---: |")
    for loc, d in fk.items():
        w(f"| {loc} | {', '.join(d['attrs'])} | {d['first']} | {d['last']} |")
    w(f"| **union** | | **{r['faker_first']}** | **{r['faker_last']}** |")
    w("")
    w("Counts are unique valid tokens per locale before merging (locales overlap).\n")

    w(f"## 2. gender-guesser {v['gender-guesser']} (PyPI `gender-guesser=={v['gender-guesser']}`), file `gender_guesser/data/nam_dict.txt`\n")
    w("* Author and copyright: **nam_dict.txt, (c) 2007-2008 Jörg MICHAEL, Hannover, Germany** (version 1.2, 2008-11-30),")
    w("  from his program `gender.c` (first published in c't magazine). The Python package itself is MIT-licensed; the")
    w("  data file is not.")
    w("* Licence: **GNU Free Documentation License, Version 1.2 or any later version**, no Invariant Sections, no")
    w("  Front-Cover Texts, no Back-Cover Texts. The file's author adds: if you modify the file (e.g. add data), you must")
    w("  release the changes under the GFDL as well.")
    w("* Consequence for this folder: `first_names.txt` (and `common_words.txt`, which is drawn partly from it) is a")
    w("  modified version of nam_dict.txt and is therefore distributed under GFDL 1.2 or later. Anyone copying or")
    w("  redistributing it must keep this attribution (author credit, copyright, licence notice), keep it under the GFDL,")
    w("  and include the licence text: `LICENSE-GFDL-1.2.txt` in this folder. Modifications: extraction of name tokens")
    w("  for selected countries, split of compound names, merge with Faker's MIT-licensed names (MIT permits this).")
    w("  `surnames.txt` contains no nam_dict.txt data (MIT, Faker only).")
    w("* Character set: the header says `char set = utf-8`; this copy is already UTF-8 (no `<`-escapes are left).")
    w("  The script asserts the header and would drop any entry with a `<..>` escape it cannot decode "
      f"(dropped: {len(nd['dropped'])}).")
    w("  `+` inside a name means `-`, blank or nothing (Arabic/Chinese/Korean names): both parts are kept as tokens and")
    w("  the joined spelling as well (`Abdel+Aziz` -> Abdel, Aziz, Abdelaziz).")
    w(f"  Lines with `+` in column 30 (duplicates sorted by expanded umlauts) are skipped as the header advises "
      f"({nd['skipped_dup_lines']} lines; every such name also occurs on a normal line: "
      f"{'yes' if not nd['dup_not_in_plain'] else 'no: ' + ', '.join(nd['dup_not_in_plain'][:20])}).")
    w("  `=` lines (equivalent names) carry no frequencies and are not used.")
    w("* Selection: a name is taken when its frequency digit (1-D hex) is non-blank in at least one of these columns")
    w("  (column positions are read from the file's header). Entries per column (an entry can count for several):\n")
    w("| column | entries |")
    w("| --- | ---: |")
    for c in NAMDICT_COLUMNS:
        w(f"| {c} | {nd['per_column_entries'].get(c, 0)} |")
    w("")
    w("  Columns not used: Ireland, Malta, Belgium, Luxembourg, Iceland, Israel, China, India/Sri Lanka, Japan,")
    w("  Korea, Vietnam, other countries.")
    w(f"* Result: {nd['tokens']} first-name tokens.\n")

    w(f"## 2a. names {v['names']} (PyPI `names=={v['names']}`, Trey Hunner, MIT), file `names/dist.all.last`\n")
    w("* Content: the U.S. Census Bureau's list of surnames from the 1990 census "
      f"({r['census']['entries']} surnames, upper case, ordered by frequency), a U.S. government work in the public")
    w("  domain. Taken: every surname, capitalised (`KRUSE` -> `Kruse`), split into tokens like the other sources.")
    w("* Why: Faker's German lists lack many North German surnames that Hamburg's staff and visitors carry")
    w("  (Kruse, Ehlers, Harms, Sievers, Feddersen, Carstensen); the Census list has them from German emigration.")
    w("  It has no umlauts or ß (`Voss`, `Moller`); the redactor compares names folded to ASCII as well.\n")
    c = r["common"]
    w("## 3. common_words.txt: names that are also ordinary words\n")
    w("Semi-automatic; built by `common_words()` in the script from offline word lists, then reviewed by hand")
    w("(the hand decisions are the `INCLUDE_EXTRA` and `EXCLUDE` lists in the script). A redactor should require")
    w("context (capitalisation mid-sentence, a title, a neighbouring name, ...) before redacting these.\n")
    w("* English: the name lower-cased is a lower-case entry of `/usr/share/dict/american-english-small` or")
    w("  `british-english-small` (Debian wamerican-small / wbritish-small, SCOWL size 35 = common words only;")
    w("  SCOWL, permissive licence, see /usr/share/doc/wamerican-small/copyright).")
    w("* German: `/usr/share/dict/ngerman` (Debian wngerman, igerman98 word list, GPL-2+; used only as a")
    w("  filter). Either the lower-cased name is a lower-case entry (adjective, verb form, function word: lange, klein,")
    w("  will), or the name is a capitalised entry with an inflected noun form other than a bare genitive -s")
    w("  (Wolf/Wölfe, Bauer/Bauern, Rose/Rosen), because the list also holds proper names (Peter, Anna).")
    w(f"* Turkish: a hand-written list of {c['tr_list']} common Turkish words that are names (umut, deniz, güneş,")
    w("  barış, can, ay, nur, sevgi, yıldız, bahar, kaya, aslan, ...), matched with Turkish case rules (I/ı, İ/i);"
      f" {c['tr_matched']} of them occur in the gazetteer; all are listed (Turkish capitalisation) since all are"
      " names in use. Each was checked against the stems of"
      " `/usr/share/hunspell/tr_TR.dic` (Debian hunspell-tr)"
      + (f"; not found there as stems (inflected forms or proper nouns, kept): {', '.join(c['tr_not_in_hunspell'])}." if c['tr_not_in_hunspell'] else "; all found."))
    w("* Manual additions (brief's examples and city names that are also given names, e.g. Paris, Jordan, Florence)")
    w(f"  and manual removals after review ({c['excluded']} automatic hits removed: archaic, very rare or technical")
    w("  words or accidental inflection matches, e.g. English peter, mike, harry; German Albert (verb form 'albert'),")
    w("  Horst, Hans (via 'Hanse'), Müller (job word 'Müller' is rare today). `Roth` is not listed: not a modern word.")
    w("  The lists also flag function words that occur as rare names in nam_dict.txt (Es, Sie, Die, The, To, My, ...);")
    w("  they stay in first_names.txt, so a redactor must not redact a first_names.txt hit that is in common_words.txt")
    w("  without context.")
    w("* Hits per source (a name can have several): " + ", ".join(f"{k}: {n}" for k, n in sorted(c["by_source"].items())) + ".\n")

    w("## Rebuild\n")
    w("```sh")
    w("python3 -m venv /tmp/gzvenv")
    w(f"/tmp/gzvenv/bin/pip install \"faker=={v['faker']}\" \"gender-guesser=={v['gender-guesser']}\" \"names=={v['names']}\"")
    w("apt-get install -y wngerman wamerican-small wbritish-small hunspell-tr   # word lists for common_words.txt")
    w("/tmp/gzvenv/bin/python config/names/gazetteer/build_gazetteer.py")
    w("```\n")
    w("## MIT licence of Faker\n")
    w("```")
    w(_faker_license().strip())
    w("```")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _faker_license() -> str:
    dist = md.distribution("faker")
    for f in dist.files or []:
        if "LICENSE" in f.name.upper():
            return f.read_text()
    return "Copyright (c) 2012 Daniele Faraglia. MIT License."


if __name__ == "__main__":
    main()
