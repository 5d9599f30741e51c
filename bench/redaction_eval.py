"""Scoring redaction on the labelled evaluation set (bench/data, see its README).

An identifier leaks when, in what would be stored (the redacted text; nothing when the
comment is held back), any of these survives:

- the identifier itself as a whole word, compared on letters and digits only (case and
  separators ignored; "Anke" does not survive in "Danke", nor "Mai" in "[E-MAIL]");
- any run of four digits of it, separators between digits removed on both sides;
- for a name: any of its tokens of two or more letters, as a whole word (name particles
  such as "von", "de", "der" excepted);
- for an e-mail address or a URL/handle: its local part or handle (three characters or more).

A harmless comment counts as altered when the stored text differs from the comment or the
comment is held back.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
KINDS = ("name", "phone", "email", "iban", "address", "dob", "case_number", "plate", "id_document",
         "tax_social", "url")  # fmt: skip
PARTICLES = {"von", "van", "de", "der", "den", "zu", "zur", "vom", "da", "di", "du", "la", "le", "ter", "ten",
             "del", "dos", "das", "el", "al", "bin", "ibn"}  # fmt: skip
_GENERIC = {"www", "http", "https", "com", "net", "org", "gmx", "web", "mail", "gmail", "yahoo", "hotmail",
            "outlook", "icloud", "instagram", "facebook", "tiktok", "linkedin", "twitter", "youtube", "telegram",
            "dot", "punkt", "nokta", "at", "de", "tr", "uk", "in", "profile", "user", "channel"}  # fmt: skip


def load(name: str) -> list[dict]:
    path = DATA / f"redaction_{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _alnum(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _whole(value: str) -> re.Pattern[str]:
    """The value's letters and digits in order, anything but letters and digits between
    them, as a whole word: "DE12-3456" is found in "de12 3456", "Anke" not in "Danke"."""
    chars = [re.escape(ch) for ch in _alnum(value)]
    return re.compile(r"(?<![^\W_])" + r"[\W_]*".join(chars) + r"(?![^\W_])", re.I)


def _joined_digits(text: str) -> str:
    return re.sub(r"(?<=\d)[\s./()-]+(?=\d)", "", text)


def _local_part(kind: str, value: str) -> str:
    """The e-mail's part before the at sign, or the URL's last path segment / handle."""
    if kind == "email":
        return re.split(r"\s*(?:@|\(at\)|\[at\]|\{at\}|\sat\s|\sät\s)\s*", value, maxsplit=1, flags=re.I)[0]
    return re.split(r"[/@]", value.rstrip("/ "))[-1]


def leaks(kind: str, value: str, stored: str | None) -> bool:
    if stored is None:
        return False  # held back: nothing stored
    if _alnum(value) and _whole(value).search(unicodedata.normalize("NFKC", stored).casefold()):
        return True
    digits = re.sub(r"\D", "", value)
    kept = _joined_digits(stored)
    if any(digits[i : i + 4] in kept for i in range(len(digits) - 3)):
        return True
    if kind == "name":
        for token in re.findall(r"[^\W\d_]{2,}", value):
            if token.casefold() not in PARTICLES and re.search(
                rf"(?<!\w){re.escape(token)}(?!\w)", stored, re.I
            ):
                return True
    if kind in ("email", "url"):
        local = _local_part(kind, value).strip(" .<>()[]")
        if len(local) >= 3 and _alnum(local) not in _GENERIC and _alnum(local) in _alnum(stored):
            return True
    return False


@dataclass
class Score:
    total: Counter = field(default_factory=Counter)
    leaked: Counter = field(default_factory=Counter)
    harmless: int = 0
    altered: int = 0
    held_back: int = 0
    examples: list[str] = field(default_factory=list)

    def recall(self, kind: str | None = None) -> float:
        total = sum(self.total.values()) if kind is None else self.total[kind]
        leaked = sum(self.leaked.values()) if kind is None else self.leaked[kind]
        return 1 - leaked / total if total else float("nan")


def score(items: list[dict], redact: Callable[[str], tuple[str, bool]], keep_examples: bool = False) -> Score:
    """`redact(text) -> (stored text, held back)`."""
    out = Score()
    for item in items:
        text, held = redact(item["text"])
        stored = None if held else text
        out.held_back += held
        if item["harmless"]:
            out.harmless += 1
            if held or text != item["text"]:
                out.altered += 1
                if keep_examples:
                    out.examples.append(
                        f"ALTERED {item['id']}: {item['text']!r} -> {'(held back)' if held else text!r}"
                    )
        for ident in item["identifiers"]:
            out.total[ident["kind"]] += 1
            if leaks(ident["kind"], ident["value"], stored):
                out.leaked[ident["kind"]] += 1
                if keep_examples:
                    out.examples.append(f"LEAK {ident['kind']} {item['id']}: {ident['value']!r} in {text!r}")
    return out


def table(scores: dict[str, Score]) -> str:
    """Recall per kind and the harmless share, one column per redactor."""
    names = list(scores)
    lines = [f"{'':14}" + "".join(f"{n:>16}" for n in names)]
    first = scores[names[0]]
    for kind in KINDS:
        cells = "".join(f"{s.recall(kind):>15.1%} " for s in scores.values())
        lines.append(f"{kind:<14}{cells}  (n={first.total[kind]})")
    lines.append(f"{'all':<14}" + "".join(f"{s.recall():>15.1%} " for s in scores.values())
                 + f"  (n={sum(first.total.values())})")  # fmt: skip
    lines.append(f"{'harmless alt.':<14}" + "".join(f"{s.altered / s.harmless:>15.1%} " for s in scores.values())
                 + f"  (of {first.harmless}; target <= 10 %)")  # fmt: skip
    lines.append(f"{'held back':<14}" + "".join(f"{s.held_back:>16}" for s in scores.values()))
    return "\n".join(lines)
