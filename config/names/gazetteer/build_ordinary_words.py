#!/usr/bin/env python3
"""Build ordinary_words.txt: the frequent words of German, English and Turkish that are
not popular names. Offline, one-off generator (DATA only); the pipeline never imports it
and wordfreq / Faker are not runtime dependencies.

Why: the gazetteer's first-name list (from nam_dict.txt) holds many tokens that are
everyday words ("Juni", "Oma", "Lage", "Foto", "Salı"), and a redactor also needs to know
whether an unknown word next to a name ("Anna strüver") is a word at all. Word frequency
alone cannot tell names from words (a subtitle corpus says "Kai" and "Leonie" as often
as "Lage"), so popular names are taken out again: the tokens of Faker's person providers
for the populations of Hamburg (POPULATIONS) and the given names nam_dict.txt rates at
least NAMDICT_MIN (of 13) in one of those countries (NAMDICT_POPULATIONS), except

- those the reviewed common_words.txt lists as words too (Frank, Rose, Lange);
- words of one language that are names only elsewhere and clearly belong to that
  language (zipf at least LEAD above every other language: Turkish "oda" is a German
  given name, but a Turkish word; "Connor" is frequent in German subtitles as a name).

Rebuild (from the repo root):

    python3.11 -m venv /tmp/gzvenv
    /tmp/gzvenv/bin/pip install "wordfreq==3.1.1" "faker==40.63.0" "gender-guesser==0.4.0"
    /tmp/gzvenv/bin/python config/names/gazetteer/build_ordinary_words.py
"""

from __future__ import annotations

import importlib.metadata as md
import math
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_gazetteer  # noqa: E402

LANGS = ("de", "en", "tr")
MIN_ZIPF = 3.0  # about once per 10 million words: everyday vocabulary, inflected forms included
LEAD = 1.0
SPELLING_LISTS = {"de": ["/usr/share/dict/ngerman"],
                  "en": ["/usr/share/dict/american-english", "/usr/share/dict/british-english"]}  # fmt: skip
# Turkish has no full-form list, but hunspell-tr's stems tell proper nouns (capitalised
# only: "Akgül", "Mehmet") from words (lower case: "aslan", "umut")
TR_STEMS = "/usr/share/hunspell/tr_TR.dic"
GAZETTEER_FILES = ("first_names.txt", "surnames.txt", "first_names_extra.txt", "surnames_extra.txt")
SPELL_FREE_ZIPF = 3.75  # this frequent, a word needs no spelling list: "naja", "moin", "tbh" (surnames: Kruse 3.6)
TR_FOLD_ZIPF = 4.0  # a Turkish word this frequent keeps its letterless form even where that is a name
# Faker locales of Hamburg's larger populations, and the word language each speaks
# (not tr_TR: Faker's Turkish list is a register of rare names, without Ahmet or Mehmet,
# with everyday words such as "Sefer"; nam_dict's Turkey column rates popularity instead)
POPULATIONS = {"de_DE": "de", "de_AT": "de", "de_CH": "de", "en_GB": "en", "en_US": "en", "pl_PL": None, "ru_RU": None, "it_IT": None, "es_ES": None, "fr_FR": None, "pt_PT": None,
               "hr_HR": None, "ro_RO": None}  # fmt: skip
NAMDICT_MIN = 4
NAMDICT_POPULATIONS = {"Germany": "de", "Austria": "de", "Swiss": "de", "East Frisia": "de",
                       "Great Britain": "en", "U.S.A.": "en", "Turkey": "tr"} | {
    c: None for c in ("Poland", "Russia", "Ukraine", "Arabia/Persia", "Italy", "Spain", "Portugal", "France",
                      "Croatia", "Serbia", "Bosnia and Herzegovina", "Albania", "Kosovo", "Greece", "Romania",
                      "Bulgaria")}  # fmt: skip
# Turkish comments are often typed without the Turkish letters: "cok", "tesekkurler"
TR_ASCII = str.maketrans("çğıöşüâîû", "cgiosuaiu")
# Checked by hand: Hamburg's landmarks and family words that lists give as names, and
# adjectives in the Swiss spelling of surnames (Heiss, Weiss) that common_words.txt
# only knows with "ß"
# Chat words and typos that no spelling list holds and that are U.S. surnames too (reviewed
# from the words the spelling check took out: everything else there is a name or a place)
CHAT_WORDS = ("joa", "jo", "alls", "ui", "mami", "omi", "hei", "isch", "soso", "uhm", "erm", "hust", "laber",
              "bumm", "dolle", "mussen", "imma", "bruh", "boi", "pov", "hatt", "wiss", "polit", "rotz", "fam",
              "ehr", "loge", "cliche", "repo", "footer", "topper", "blocker", "boomer", "credo", "gro", "gest")
EXTRA_WORDS = {w: "de" for w in ("michel", "alster", "elbe", "hafen", "oma", "opa", "mama", "papa", "heiss",
                                  "weiss", "gross", "suess", "fleissig", "bloss", "fuss", "strasse", *CHAT_WORDS)}
# Turkish "veli" (guardian), and peoples and God that hunspell-tr writes as proper nouns
EXTRA_WORDS |= {w: "tr" for w in ("veli", "türk", "turk", "türkmen", "afgan", "alman", "rab")}  # fmt: skip


def tr_fold(word: str) -> str:
    """Case-folded with the Turkish dotted/dotless i kept apart ("Işık" -> "ışık")."""
    return word.replace("İ", "i").replace("I", "ı").casefold()


def fold(word: str) -> str:
    """Case-folded as the redactor folds ("İbrahim" -> "ibrahim", not "i" + a combining dot), NFC."""
    return unicodedata.normalize("NFC", word.replace("İ", "i").casefold())


def popular_names() -> dict[str, set[str]]:
    """Case-folded Faker name tokens per word language (None: names of other languages)."""
    out: dict[str, set[str]] = {}
    for loc, lang in POPULATIONS.items():
        build_gazetteer.FAKER_LOCALES = [loc]
        first, last = build_gazetteer.faker_names({"faker": {}, "faker_missing": []})
        out.setdefault(lang, set()).update(fold(n) for n in first | last)
    lines = build_gazetteer.namdict_path().read_text(encoding="utf-8").splitlines()
    cols = build_gazetteer.namdict_columns(lines)
    width = max(cols.values()) + 1
    for line in lines:
        if not line or line[0] in "#=" or len(line) < 30 or line[29] == "+":
            continue
        line = line.ljust(width)
        for country, lang in NAMDICT_POPULATIONS.items():
            if line[cols[country]] != " " and int(line[cols[country]], 16) >= NAMDICT_MIN:
                names = build_gazetteer.tokens(line[3:29].strip().replace("+", "-"))
                out.setdefault(lang, set()).update(fold(n) for n in names)
    return out


def own_word(w: str, lang: str, by_lang: dict[str, float], popular: dict) -> bool:
    """A popular name elsewhere that is clearly a word of `lang` ("oda" in Turkish)."""
    lead = by_lang[lang] - max((z for other, z in by_lang.items() if other != lang), default=0.0)
    return w not in popular.get(lang, ()) and lead >= LEAD


def spelled_words() -> dict[str, set[str]]:
    """The words Debian's spelling lists know, per language (case-folded, NFC): every
    entry of wngerman, wamerican and wbritish. They hold popular given names too
    ("Ingrid"), which the name step removes. Turkish has no full-form list: hunspell-tr's
    lower-case stems stand in ("aslan", "umut"), inflected forms pass by frequency ("evde")."""
    # (English writes only names capitalised: "Koch" in american-english is a name, "cook" a word)
    spelled = {
        lang: {fold(w) for f in files for w in build_gazetteer._load(f) if lang != "en" or w[:1].islower()}
        for lang, files in SPELLING_LISTS.items()
    }
    stems = (line.split("/")[0] for line in build_gazetteer._load(TR_STEMS)[1:])
    spelled["tr"] = {fold(w) for w in stems if w[:1].islower()}
    return spelled


# Turkish endings that make a word's form look like a proper noun: "ver" + "di" is "verdi"
TR_SUFFIXES = frozenset("""di dı du dü ti tı tu tü ar er ır ir ur ür a e ı i u ü da de ta te dan den tan ten
    ın in un ün la le sa se mış miş muş müş yor ma me lar ler im ım um üm sı si su sü ya ye""".split())


def tr_proper_nouns() -> set[str]:
    """Case-folded stems hunspell-tr lists capitalised only: proper nouns ("Akgül",
    "Altıntaş"); not those that are also a word's form ("Verdi": "ver" + "di")."""
    stems = [line.split("/")[0] for line in build_gazetteer._load(TR_STEMS)[1:]]
    lower = {tr_fold(w) for w in stems if w[:1].islower()}

    def inflected(w: str) -> bool:
        return any(w[:k] in lower and w[k:] in TR_SUFFIXES for k in range(2, len(w)))

    return {f for w in stems if w[:1].isupper() and (f := tr_fold(w)) not in lower and not inflected(f)}


def main() -> None:
    from wordfreq import get_frequency_dict

    zipf: dict[str, dict[str, float]] = {}
    for lang in LANGS:
        for w, f in get_frequency_dict(lang, wordlist="best").items():
            if w.isalpha() and len(w) >= 2:
                key = unicodedata.normalize("NFC", w.casefold())
                z = math.log10(f * 1e9)
                zipf.setdefault(key, {})[lang] = max(z, zipf.get(key, {}).get(lang, 0.0))
    common = {
        unicodedata.normalize("NFC", tr_fold(line.strip()))
        for line in (HERE / "common_words.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    popular = popular_names()
    every = set().union(*popular.values())
    spelled = spelled_words()
    tr_proper = tr_proper_nouns()
    gazetteer = {
        fold(line.strip())
        for f in GAZETTEER_FILES
        for line in (HERE / f).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    words: dict[str, set[str]] = {}  # word -> the languages it is a word of
    removed = 0
    for w, by_lang in zipf.items():
        # a corpus says surnames as often as words ("Kruse", "Ehlers"): a gazetteer name
        # counts as a word only where a spelling list knows it or it is very frequent
        # (in Turkish, a name hunspell-tr knows only as a proper noun is no word: "akgül")
        langs = [lang for lang, z in by_lang.items()
                 if z >= MIN_ZIPF and (w not in gazetteer or (z >= SPELL_FREE_ZIPF or lang not in spelled
                                                              or w in spelled[lang])
                                       and not (lang == "tr" and w in tr_proper))]  # fmt: skip
        if not langs:
            continue
        # wordfreq's Turkish list lowercases a capital "I" to "ı" ("Ingrid" -> "ıngrid")
        name = w if w in every else "i" + w[1:] if w[0] == "ı" and "i" + w[1:] in every else None
        if w not in common and name and not any(own_word(name, lang, by_lang, popular) for lang in langs):
            removed += 1
            continue
        words.setdefault(w, set()).update(langs)
        # the form typed without Turkish letters, unless that is a name and the Turkish word
        # is rare ("öle" -> "ole", "fatıma" -> "fatima"; but "böyle" -> "boyle" stays)
        folded = w.translate(TR_ASCII)
        if "tr" in langs and (folded not in every or folded in common or by_lang["tr"] >= TR_FOLD_ZIPF):
            words.setdefault(folded, set()).add("tr")
    # the Turkish words that common_words.txt lists as names too, however rare ("serhat":
    # frontier, "hülya": dream): words of Turkish, also without Turkish letters
    for w in build_gazetteer.TURKISH_WORDS:
        for form in (fold(w), fold(w).translate(TR_ASCII)):
            words.setdefault(form, set()).add("tr")
    for w, lang in EXTRA_WORDS.items():
        words.setdefault(w, set()).add(lang)
    # one word a line, then the languages it is a word of, the one that says it most often
    # first: "lage\tde", "can\ttr en", "happy\ten de tr" (German and Turkish borrow it)
    def ranked(w: str, langs: set[str]) -> str:
        z = zipf.get(w) or zipf.get(w.translate(TR_ASCII)) or {}
        return " ".join(sorted(langs, key=lambda lang: (-z.get(lang, 0.0), lang)))

    n = build_gazetteer.write_list(
        HERE / "ordinary_words.txt", (f"{w}\t{ranked(w, langs)}" for w, langs in words.items())
    )
    versions = {p: md.version(p) for p in ("wordfreq", "faker")}
    print(f"ordinary_words.txt {n} words; popular names removed {removed}; {versions}")


if __name__ == "__main__":
    main()
