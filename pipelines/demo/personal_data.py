"""Realistic personal data to plant: the things the pipeline must never let through.

Formats follow what Hamburg visitors actually write (German phone and IBAN
formats, Hamburg postcodes and licence plates). IBANs carry valid check digits
and ID numbers use the real alphabets, so a redactor cannot rely on them being
malformed.
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

from pipelines.core import registry

_DOMAINS = (
    "gmail.com",
    "web.de",
    "gmx.de",
    "t-online.de",
    "hotmail.com",
    "outlook.de",
    "yahoo.com",
    "posteo.de",
)
_STREETS = (
    "Osterstraße",
    "Max-Brauer-Allee",
    "Lange Reihe",
    "Wandsbeker Marktstraße",
    "Bergedorfer Straße",
    "Harburger Ring",
    "Billstedter Hauptstraße",
    "Elbchaussee",
    "Mühlenkamp",
    "Fuhlsbüttler Straße",
    "Steindamm",
    "Veringstraße",
    "Eppendorfer Weg",
    "Bahrenfelder Straße",
    "Tangstedter Landstraße",
    "Rahlstedter Straße",
    "Finkenwerder Landscheideweg",
    "Neugrabener Bahnhofstraße",
)
_MOBILE = ("151", "152", "157", "160", "162", "170", "171", "172", "176", "177", "178", "179")
# First octets of address blocks that German access providers hand to customers.
_IP_FIRST = (
    31,
    37,
    46,
    62,
    77,
    78,
    79,
    80,
    81,
    84,
    85,
    87,
    88,
    89,
    91,
    92,
    93,
    94,
    95,
    109,
    176,
    178,
    188,
    217,
)
_ID_FIRST = "LMNPRTVWXY"  # first character of a German ID card number since 2010
_PASSPORT_FIRST = "CFGHJK"
_ID_ALPHABET = "CFGHJKLMNPRTVWXYZ0123456789"  # no vowels, no B, D, Q, S: never read wrongly


def _names(file: str) -> tuple[str, ...]:
    path = registry.config_dir() / "names" / file
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return tuple(s.strip() for s in lines if s.strip() and not s.startswith("#"))


class Names:
    """The project's name lists (config/names), the same the redactor recognises."""

    def __init__(self) -> None:
        self.first = _names("first_names.txt")
        self.last = _names("surnames.txt")


def _ascii(text: str) -> str:
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss").replace("ı", "i")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def email(rnd: random.Random, first: str, last: str) -> str:
    f, s = _ascii(first.lower()), _ascii(last.lower())
    local = rnd.choice((f"{f}.{s}", f"{f[0]}.{s}", f"{f}{s}{rnd.randint(1, 99)}", f"{s}.{f}"))
    return f"{local}@{rnd.choice(_DOMAINS)}"


def phone(rnd: random.Random) -> str:
    mobile, digits = rnd.choice(_MOBILE), f"{rnd.randint(0, 99_999_999):08d}"
    return rnd.choice(
        (
            f"040 428 28 {rnd.randint(1000, 9999)}",
            f"040/{rnd.randint(200, 899)}{rnd.randint(1000, 9999)}",
            f"+49 {mobile} {digits}",
            f"0{mobile}/{digits[:7]}",
            f"0{mobile} {digits[:3]} {digits[3:5]} {digits[5:7]}",
            f"+49 40 {rnd.randint(200, 899)} {rnd.randint(100, 999)} {rnd.randint(10, 99)}",
        )
    )


def address(rnd: random.Random) -> str:
    postcode = rnd.choice((rnd.randint(20095, 22769), rnd.randint(21029, 21149)))
    return f"{rnd.choice(_STREETS)} {rnd.randint(1, 180)}, {postcode} Hamburg"


def iban(rnd: random.Random, grouped: bool = True) -> str:
    bban = f"{rnd.randint(10_000_000, 89_999_999)}{rnd.randint(0, 9_999_999_999):010d}"
    # ISO 13616: check digits make BBAN + "DE00" (D=13, E=14) ≡ 1 (mod 97).
    check = 98 - int(bban + "131400") % 97
    plain = f"DE{check:02d}{bban}"
    return " ".join(plain[i : i + 4] for i in range(0, len(plain), 4)) if grouped else plain


def birth_date(rnd: random.Random, language: str) -> str:
    year, month, day = rnd.randint(1935, 2004), rnd.randint(1, 12), rnd.randint(1, 28)
    return f"{day:02d}/{month:02d}/{year}" if language == "en" else f"{day:02d}.{month:02d}.{year}"


def case_number(rnd: random.Random) -> str:
    letters = "".join(rnd.choice("ABCDEFGHKLMNPRSTW") for _ in range(2))
    return rnd.choice(
        (
            f"{rnd.randint(100, 999)}/{rnd.randint(10, 99)}-{letters}",
            f"{rnd.choice((2019, 2020, 2021))}-{rnd.randint(100000, 999999)}",
            f"{rnd.randint(10, 99)} {rnd.choice('ABCF')} {rnd.randint(1000, 9999)}/{rnd.choice((19, 20, 21))}",
        )
    )


def licence_plate(rnd: random.Random) -> str:
    letters = "".join(rnd.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(rnd.randint(1, 2)))
    return f"HH{rnd.choice(('-', ' '))}{letters} {rnd.randint(1, 9999)}"


def id_card(rnd: random.Random) -> str:
    return rnd.choice(_ID_FIRST) + "".join(rnd.choice(_ID_ALPHABET) for _ in range(8))


def passport(rnd: random.Random) -> str:
    return rnd.choice(_PASSPORT_FIRST) + "".join(rnd.choice(_ID_ALPHABET) for _ in range(8))


def ipv4(rnd: random.Random) -> str:
    return f"{rnd.choice(_IP_FIRST)}.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}"
