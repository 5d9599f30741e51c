"""What tells a name from a word: the word lists of the rules' `names` section that
never name anyone, the letters and endings of names from other languages, and the
spelling helpers (diacritics folded, one-letter typos)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from pipelines.ingest.redaction.patterns import fold_case, folded_as_one

# Letters that ordinary German, English and Turkish words do not use: a capitalised
# word with one of them is a (Polish, Czech, Nordic ...) name, not a German noun.
FOREIGN = re.compile(
    r"[ąćęłńśźżĄĆĘŁŃŚŹŻøØåÅæÆőűŐŰřŘčČěĚšŠžŽýðþ"
    r"ăắằẳẵặạảấầẩẫậđẹẻẽếềểễệỉịĩọỏốồổỗộơớờởỡợụủũưứừửữựỳỵỷỹùòìĂĐƠƯêÊ]"  # Vietnamese "Hùng", Kurdish "Rênas"
)
# Surname endings that ordinary words do not have.
SURNAME_END = re.compile(
    r"(?i)\w{2,}(?:ski|ska|cki|cka|dzki|dzka|wicz|czyk|czak|oğlu|oglu|sson|enko|escu|opoulos|poulos|"
    r"ishvili|adze|yan|jan|ović|ovic|ević|evic)"
)
# A Korean given name in Revised Romanisation, two syllables joined by a hyphen
# ("Da-eun", "Tae-yang", "Jun-seo", "Ye-jin", "Sun-hee"): no German, English or
# Turkish word is made so (weekday ranges "Mo-Mi" are shorter than six characters)
_KO_SYLLABLE = r"(?:kk|tt|pp|ss|jj|ch|[gkndtrlmbpsjh])?(?:yae|yeo|wae|ae|ya|eo|ye|wa|oe|yo|wo|we|wi|yu|eu|ui|ee|oo|[aeiou])(?:ng|[kntlmp])?"
KO_GIVEN = re.compile(rf"{_KO_SYLLABLE}-{_KO_SYLLABLE}s?")  # (and its genitive: "Tae-yangs")
# Northern German and Frisian surname endings ("Feddersen", "claußen"; capitalised
# "Siemers", "Bruhns"): taken only for words that are no word of the three languages
NORTH_END = re.compile(r"\w{2,}(?:sen|ßen)")
NORTH_END_CAP = re.compile(r"[A-ZÄÖÜ]\w{2,}(?:ers|ens|hn|hns)")
# Turkish "the one at ...": "danışmadaki", "kapıdaki" are never names
TR_LOCATIVE = re.compile(r"\w{2,}(?:da|de|ta|te)ki")
QUOTE_OPEN = "\"'„“”‚‘«»"

_FOLD = str.maketrans(
    {"ı": "i", "ø": "o", "ß": "ss", "ł": "l", "đ": "d", "æ": "ae", "þ": "th", "ð": "d", "œ": "oe"}
)


def ascii_fold(word: str) -> str:
    """`word` without diacritics: "kristín" -> "kristin", "özlem" -> "ozlem"."""
    return unicodedata.normalize("NFKD", word.translate(_FOLD)).encode("ascii", "ignore").decode()


def ascii_fold_all(words: Iterable[str]) -> list[str]:
    """`ascii_fold` of each word (`folded_as_one`)."""
    return folded_as_one(ascii_fold, list(words))


_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüß"


def one_edit(word: str, replace: bool = True) -> set[str]:
    """Every word one deletion, swap, insertion or (from seven letters on) replacement away
    (Norvig's edits1: a letter left out, doubled, swapped or hit next to the right key;
    shorter names are too often one replacement from a word)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b for a, b in splits for c in _LETTERS),
        *((a + c + b[1:] for a, b in splits if b for c in _LETTERS) if replace and len(word) >= 7 else ()),
    }


def name_words(rules: Mapping[str, Any], key: str) -> frozenset[str]:
    """The case-folded words of the list `names.<key>` in the rules (none if missing)."""
    node = (rules.get("names") or {}).get(key) or ()
    return frozenset(fold_case(str(w)) for w in node)


def never_names(rules: Mapping[str, Any]) -> frozenset[str]:
    """The words that are never (part of) a name, even where a name list has them: titles
    (with and without their dot), honorifics, roles, person nouns and stop words ("Herr",
    "Meister", "Ober" are U.S. surnames, "Sayın", "Hanım" given names). One list for the
    title rules of `lists` and the context rules."""
    keys = ("titles_before", "titles_after", "stopwords", "context_titles", "context_short_titles",
            "context_roles", "person_nouns", "context_honorifics")  # fmt: skip
    words = frozenset().union(*(name_words(rules, k) for k in keys))
    return words | {w.rstrip(".") for w in words}


def calendar_words(rules: Mapping[str, Any], min_month_len: int = 0) -> frozenset[str]:
    """Months, seasons and weekdays: given names too, but no person without context
    ("Summer is the worst time", "Freitag war voll")."""
    months = {fold_case(str(m)).rstrip(".") for m in rules.get("months", ())}
    return (
        frozenset(m for m in months if len(m) >= min_month_len)
        | name_words(rules, "seasons")
        | name_words(rules, "weekdays")
    )
