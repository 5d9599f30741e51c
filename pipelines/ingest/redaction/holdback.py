"""The hold-back check, on the redacted text alone (so that redacting twice gives the
same result): long digit runs, an "@" touching a word, capitalised unknown words right
after a name or title, and texts that are mostly placeholders."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipelines.ingest.redaction.names.lists import NameLists, Words
from pipelines.ingest.redaction.patterns import _AT_WORD
from pipelines.ingest.redaction.rules import RULES_FILE, RedactionConfigError, setting, word_list


class HoldBack:
    """The thresholds and reasons of the rules' `held_back` section."""

    def __init__(self, rules: Mapping[str, Any], names: NameLists):
        self._names = names
        held = setting(rules, "held_back")
        self._max_unknown = int(held["max_unknown_after_name"])
        self._max_share = float(held["max_placeholder_share"])
        self._min_ph = int(held["min_placeholders"])
        self._reasons = {str(k): str(v) for k, v in dict(held["reasons"]).items()}
        for key in ("digits", "at_sign", "uncertain_name", "mostly_placeholders"):
            if key not in self._reasons:
                raise RedactionConfigError(f"{RULES_FILE}: missing held_back.reasons.{key}")
        self._long_digits = re.compile(rf"\d{{{int(held['min_digit_run'])},}}")
        # "@team", "@all" greet a group: no handle, no reason to hold a comment back
        groups = "|".join(re.escape(str(h)) for h in word_list(rules, "structures.generic_handles"))
        self._group_handle = re.compile(rf"(?<![\w.])@(?:{groups})(?![\w@])", re.IGNORECASE)

    def reasons(self, text: str, parts: list[str], W: Words | None = None) -> list[str]:
        """Reasons to hold the redacted `text` back (`parts` is `NameLists.split(text)`,
        `W` its tokens if already built)."""
        reasons = []
        if self._long_digits.search(text):
            reasons.append(self._reasons["digits"])
        if _AT_WORD.search(text) and _AT_WORD.search(self._group_handle.sub("", text)):
            # an "@" touching a word may be a half-redacted address or handle;
            # "danke @ team", "@team", "@all" greet a group
            reasons.append(self._reasons["at_sign"])
        words = parts[1::2]
        names = self._names
        maybe = names.NAME in words or not names.titles_all.isdisjoint(map(str.casefold, words))
        if maybe and self._uncertain(W or names.words(text, parts)):
            reasons.append(self._reasons["uncertain_name"])
        placeholders = sum(1 for w in words if w in names.kind_of)
        if words and placeholders >= self._min_ph and placeholders / len(words) > self._max_share:
            reasons.append(self._reasons["mostly_placeholders"])
        return reasons

    def _uncertain(self, W: Words) -> bool:
        """Capitalised unknown words right after [NAME] or a title were left in the text."""
        n = len(W.words)
        keys, cap, ph, adj, titles = W.keys, W.cap, W.ph, W.adj, W.title
        stop, after, lookup = self._names.stop, self._names.titles_after, self._names.lookup

        def unknown_run(j: int) -> int:
            c = 0
            while j < n and adj[j]:
                key = keys[j]
                if not cap[j] or key in stop or titles[j] or key in after or lookup(key)[0]:
                    break
                c += 1
                j += 1
            return c

        for i in range(n):
            # after [NAME], or after a capitalised title that ends a chain of titles
            after_name = ph[i] == "NAME"
            after_title = titles[i] and cap[i] and not (i + 1 < n and titles[i + 1] and adj[i + 1])
            if (after_name or after_title) and unknown_run(i + 1) > self._max_unknown:
                return True
        return False
