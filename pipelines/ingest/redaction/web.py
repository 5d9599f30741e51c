"""E-mail addresses written to fool spam filters ("anna punkt beispiel at web dot de"),
web addresses without a scheme, and social-media handles. The city's own hosts
(`structures.keep_hosts`: *.hamburg.de) stay; a handle keeps its "@" (the comment is
held back for it)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipelines.ingest.redaction.rules import word_list

_I = re.IGNORECASE

# Top-level domains accepted after an obfuscated dot ("web dot de"): only these, so
# "we met at noon dot" stays.
_TLDS = r"(?:de|com|net|org|info|eu|tr|at|ch|nl|pl|uk|co|io|me|biz|edu|gov|ru|fr|it|es|dk|se|no)"
_DOT_WORD = r"(?:\s*[(\[{]\s*(?:dot|punkt|nokta)\s*[)\]}]\s*|\s+(?:dot|punkt|nokta)\s+|[ ]?\.[ ]?)"
_AT_WORD = r"(?:\s*@\s*|\s*[(\[{]\s*(?:at|ät)\s*[)\]}]\s*|\s+(?:at|ät)\s+)"
# "anna punkt beispiel at web dot de", "ayse.hh (at) yahoo (punkt) com", "max [at] gmx [dot] de".
_EMAIL_OBF = re.compile(
    rf"(?<![\w.+-])[\w+-]+(?:{_DOT_WORD}[\w+-]+)*{_AT_WORD}[\w-]+(?:{_DOT_WORD}[\w-]+)*?{_DOT_WORD}{_TLDS}(?![\w-])",
    _I,
)
_EMAIL_HINT = re.compile(r"@|\bat\b|\bät\b|\(at\)|\[at\]", _I)

# Web address without a scheme: host with a known top-level domain, optional path.
_HOST = re.compile(
    r"(?<![\w@./-])(?:[a-z0-9-]+\.)+(?:de|com|net|org|info|eu|tr|io|me|tv|app|ly|gl|be|co|uk|at|ch|nl|pl|ru"
    r"|blog|online|site|xyz|art|photo|photos|studio|page|shop|store|website|space|digital|media|club|fm|cc"
    r"|gg|dev|tech|sh|im)"
    r"(?![\w-])(?:/[^\s<>\"'„“”«»]*)?",
    _I,
)
_TRAIL = ".,;:!?)]}'\""
# Social-media handle: "@some_handle_88" (not the "@" of an e-mail, not "@ team").
_HANDLE = re.compile(r"(?<![\w.@])@([A-Za-z0-9_][A-Za-z0-9_.]{2,29})(?![\w@])")


class WebAddresses:
    """The hosts to keep and the handles that greet a group, from the rules."""

    def __init__(self, rules: Mapping[str, Any], placeholders: Mapping[str, str]):
        self.P = dict(placeholders)
        self.keep_hosts = tuple(
            h.casefold() for h in word_list(rules, "structures.keep_hosts", ("hamburg.de",))
        )
        self.generic_handles = frozenset(w.casefold() for w in word_list(rules, "structures.generic_handles"))

    def emails(self, text: str) -> str:
        if not _EMAIL_HINT.search(text):
            return text
        return _EMAIL_OBF.sub(self._email_obf, text)

    def _email_obf(self, m: re.Match[str]) -> str:
        # "everything at www.hamburg.de": a web address after "at", not a mailbox
        domain = re.split(_AT_WORD, m.group(), maxsplit=1, flags=_I)[-1]
        if domain.casefold().startswith("www") or self._kept_host(re.sub(_DOT_WORD, ".", domain, flags=_I)):
            return m.group()
        return self.P["EMAIL"]

    def _kept_host(self, host: str) -> bool:
        host = host.casefold().split("/")[0]
        host = host.removeprefix("www.")
        return any(host == k or host.endswith("." + k) for k in self.keep_hosts)

    def url_sub(self, url: str) -> str:
        core = url.rstrip(_TRAIL)
        bare = re.sub(r"^(?:https?://)", "", core, flags=_I)
        if self._kept_host(bare):
            return url
        return self.P["URL"] + url[len(core) :]

    def urls(self, text: str) -> str:
        if "." in text:
            text = _HOST.sub(lambda m: self.url_sub(m.group()), text)
        if "@" in text:
            text = _HANDLE.sub(self._handle, text)
        return text

    def _handle(self, m: re.Match[str]) -> str:
        if m.group(1).casefold().rstrip(".") in self.generic_handles:
            return m.group()
        # "@" stays in front: a handle is a contact; the comment is held back for it
        return "@" + self.P["URL"]
