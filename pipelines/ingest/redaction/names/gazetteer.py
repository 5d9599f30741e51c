"""The name gazetteer (`config/names/gazetteer`): given names, surnames, names that are
also words, and the frequent words of German, English and Turkish with their languages.
Read as data, once per state of the files (see `Redactor.default`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.ingest.redaction.patterns import fold_all


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
    lines = map(str.strip, path.read_text(encoding="utf-8").splitlines())
    return [s for s in lines if s and s[0] != "#"]


def _read(folder: Path) -> Gazetteer:
    def words(name: str) -> frozenset[str]:
        return frozenset(fold_all(_lines(folder / name)))

    ordinary, by_lang, primary = _ordinary(
        _lines(folder / "ordinary_words.txt") + _lines(folder / "ordinary_words_extra.txt")
    )
    return Gazetteer(
        words("first_names.txt") | words("first_names_extra.txt"),
        words("surnames.txt") | words("surnames_extra.txt"),
        words("common_words.txt"),
        ordinary,
        by_lang,
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


def _ordinary(lines: list[str]) -> tuple[frozenset[str], dict[str, frozenset[str]], dict[str, str]]:
    """The frequent words ("koch\tde", "can\ttr en": most frequent language first), the
    words of each language, and the language that says each word most often (that of the
    word's first line). The words are grouped by their languages: one set update per
    group instead of several per word (the list has 140k words)."""
    pairs = [line.partition("\t") for line in lines]
    groups: dict[str, tuple[list[str], str]] = {}  # languages -> (the words' forms, first language)
    primary: dict[str, str] = {}
    for (word, _, langs), key in zip(pairs, fold_all([w for w, _, _ in pairs]), strict=True):
        if (group := groups.get(langs)) is None:
            group = groups[langs] = ([], langs.split()[0] if langs.split() else "")
        forms, first = group
        # (a capital "I" folds to "i": "Işık" is looked up as "işık", so the Turkish word
        # "ışık" is that too; not "ıngrid", wordfreq's Turkish spelling of "Ingrid")
        turkish = word[:1] == "ı" and any(c in "ışğçöü" for c in word[1:])
        for form in (key, "i" + word[1:]) if turkish else (key,):
            forms.append(form)
            if first:
                primary.setdefault(form, first)
    by_lang: dict[str, set[str]] = {}
    for langs, (forms, _) in groups.items():
        for lang in langs.split():
            by_lang.setdefault(lang, set()).update(forms)
    ordinary = frozenset().union(*(forms for forms, _ in groups.values()))
    return ordinary, {lang: frozenset(words) for lang, words in by_lang.items()}, primary
