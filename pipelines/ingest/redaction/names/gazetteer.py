"""The name gazetteer (`config/names/gazetteer`): given names, surnames, names that are
also words, and the frequent words of German, English and Turkish with their languages.
Read as data, once per state of the files (see `Redactor.default`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.ingest.redaction.patterns import fold_case


@dataclass(frozen=True)
class Gazetteer:
    first: frozenset[str]  # case-folded given names
    sur: frozenset[str]  # case-folded family names
    common: frozenset[str]  # case-folded names that are also ordinary words (reviewed)
    ordinary: frozenset[str] = frozenset()  # case-folded frequent words that are not popular names
    # the same words by language ("de", "en", "tr"): "koch" is a word of German only
    ordinary_in: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # the language that says each word most often ("happy": English, though German has it)
    primary: Mapping[str, str] = field(default_factory=dict)


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [s for s in (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
            if s and not s.startswith("#")]  # fmt: skip


def _read(folder: Path) -> Gazetteer:
    def words(name: str) -> frozenset[str]:
        return frozenset(fold_case(s) for s in _lines(folder / name))

    by_lang: dict[str, set[str]] = {}
    ordinary = set()
    primary: dict[str, str] = {}
    for line in _lines(folder / "ordinary_words.txt") + _lines(folder / "ordinary_words_extra.txt"):
        word, _, langs = line.partition("\t")  # "koch\tde", "can\ttr en": most frequent first
        # (a capital "I" folds to "i": "Işık" is looked up as "işık", so the Turkish word
        # "ışık" is that too; not "ıngrid", wordfreq's Turkish spelling of "Ingrid")
        turkish = word[:1] == "ı" and any(c in "ışğçöü" for c in word[1:])
        forms = (fold_case(word), "i" + word[1:]) if turkish else (fold_case(word),)
        for form in forms:
            ordinary.add(form)
            for lang in langs.split():
                by_lang.setdefault(lang, set()).add(form)
                primary.setdefault(form, lang)
    return Gazetteer(
        words("first_names.txt") | words("first_names_extra.txt"),
        words("surnames.txt") | words("surnames_extra.txt"),
        words("common_words.txt"),
        frozenset(ordinary),
        {lang: frozenset(ws) for lang, ws in by_lang.items()},
        primary,
    )


def load_gazetteer(directory: Path, rules: Mapping[str, Any]) -> Gazetteer:
    """The gazetteer folder named in `names.gazetteer` (relative to the config folder).
    Missing folder or files give empty sets: the hand lists in `names/` still work.
    Not cached here: `Redactor.default` caches per state of the files, so an edited
    list is read again."""
    rel = (rules.get("names") or {}).get("gazetteer")
    if not rel:
        return Gazetteer(frozenset(), frozenset(), frozenset())
    # no fallback to the bundled folder: a config folder with its own name lists means
    # exactly those lists
    folder = Path(rel) if Path(rel).is_absolute() else directory / rel
    return _read(folder.resolve())
