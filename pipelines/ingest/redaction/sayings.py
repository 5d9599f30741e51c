"""Sayings and brand names with names in them ("Hans im Glück", "Hinz und Kunz", the
rules' `names.idioms`), set aside while the name rules run: a mark no rule reads stands
in for each, and the saying comes back afterwards."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipelines.ingest.redaction.names.lists import NameLists
from pipelines.ingest.redaction.patterns import _NEVER, _phrases
from pipelines.ingest.redaction.rules import setting

_MARK = "\ue000"  # a private-use character: no word, no digit, no rule reads it


class Sayings:
    """The sayings of the rules, and the cues that make one a person after all."""

    def __init__(self, rules: Mapping[str, Any], names: NameLists):
        self._names = names
        sayings = [str(p) for p in setting(rules, "names").get("idioms", ())] or [_NEVER]
        self._intros_strong = frozenset(
            " ".join(str(p).casefold().split()) for p in setting(rules, "names.context_intros_strong")
        )
        # (the longest first: "like Sherlock Holmes" before "like Sherlock")
        self._sayings = re.compile(rf"(?<!\w)(?:{_phrases(sayings)})(?!\w)", re.IGNORECASE)
        heads = {re.escape(p.split()[0].casefold()) for p in sayings}
        self._hint = re.compile("|".join(sorted(heads)), re.IGNORECASE)

    def set_aside(self, text: str) -> tuple[str, list[str]]:
        """The text with a mark for each saying, and the sayings (the k-th is marked by
        k mark characters)."""
        sayings: list[str] = []
        if self._hint.search(text):
            text = self._sayings.sub(lambda m: self._mark(m, sayings), text)
        return text, sayings

    @staticmethod
    def restore(text: str, sayings: list[str]) -> str:
        for k in range(len(sayings), 0, -1):  # (longest mark first: a mark holds the shorter ones)
            text = text.replace(_MARK * k, sayings[k - 1])
        return text

    def _mark(self, m: re.Match[str], sayings: list[str]) -> str:
        """The mark for a saying or brand, unless a title stands before it: "Frau Kamps" is
        a person, "bei Kamps" the bakery."""
        names = self._names
        prev = m.string[max(0, m.start() - 20) : m.start()].split()
        before = [w.casefold() for w in prev]
        one_word = not any(c.isspace() for c in m.group())  # ("Frau Erika Mustermann" stays a saying)
        if one_word and before and before[-1].rstrip(".") in names.titles_all:
            return m.group()
        if any(" ".join(before[-k:]) in self._intros_strong for k in (1, 2, 3) if len(before) >= k):
            return m.group()  # "My name is John Doe": a person who says so
        if one_word and prev and m.string[m.start() - 1] == " " and prev[-1][:1].isupper():
            given = before[-1]
            if given in names.first and given not in names.ordinary and given not in names.ambiguous:
                return m.group()  # a given name before it: "Marco Ferrari" is a person
        sayings.append(m.group())
        return _MARK * len(sayings)
