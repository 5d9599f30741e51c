"""The structured-data pass, the first of the redactor: its rules in the order they run.

URLs with a scheme and e-mails; obfuscated e-mails, bare URLs and handles (`web`; the
city's own *.hamburg.de stays); validated IBANs, IP addresses, UUIDs, Steuer-ID / TC
kimlik by checksum and phone numbers read out as words (`numbers`); dates of birth
without a keyword (`births`). In a text with digits then: IBANs by shape; the values
after a keyword (`keywords`: date of birth, case, ID, plate); codes (`codes`), plates in
any case (`plates`), ID numbers and plates by shape (`shapes`); streets in any case,
then the capitalised street, postcode and neighbourhood rules (`addresses`); phone
numbers confirmed by phonenumbers, then the older phone shapes.

Each rule runs behind a cheap test and only ever inserts placeholders (never removes
one), so redacting a second time finds nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipelines.ingest.redaction.addresses import AnyCaseStreets, CapitalisedAddresses
from pipelines.ingest.redaction.births import Births
from pipelines.ingest.redaction.codes import Codes
from pipelines.ingest.redaction.keywords import KeywordRules
from pipelines.ingest.redaction.names.lists import NameLists
from pipelines.ingest.redaction.numbers import SpelledNumbers, redact_numbers, redact_phones
from pipelines.ingest.redaction.patterns import _DIGIT, _EMAIL, _URL, _norm
from pipelines.ingest.redaction.plates import Plates
from pipelines.ingest.redaction.rules import setting
from pipelines.ingest.redaction.shapes import Shapes
from pipelines.ingest.redaction.web import WebAddresses


class StructuredData:
    """The rules of the pass, compiled from the rules file; `names` gives the frequent
    words, stop words and street suffixes that some of them need."""

    def __init__(self, rules: Mapping[str, Any], placeholders: Mapping[str, str], names: NameLists):
        self.P = placeholders
        self._spelled = SpelledNumbers(setting(rules, "spelled_numbers"))
        self._keywords = KeywordRules(rules, placeholders, names.ordinary)
        self._capitalised = CapitalisedAddresses(rules, placeholders, names.stop, names.suffixes)
        months = tuple(str(m) for m in setting(rules, "months"))
        self._web = WebAddresses(rules, placeholders)
        self._codes = Codes(rules, placeholders)
        self._plates = Plates(rules, placeholders)
        self.births = Births(rules, placeholders, months)
        self._streets = AnyCaseStreets(rules, placeholders, months, names.ordinary)
        self._shapes = Shapes(placeholders, names.stop)

    def redact(self, text: str) -> str:
        low = _norm(text)  # (the prefilters read the text as it came)
        text = self._contacts_and_numbers(text, low)
        if not _DIGIT.search(text):
            # only a letters-only ID number after a keyword, or a neighbourhood, can be here
            text = self._keywords.letters_only(text, low)
            text = self._codes.codes(text)
            return self._capitalised.neighbourhoods(text, low)
        text = self._shapes.ibans(text)
        text = self._keywords.values(text, low)
        text = self._codes.codes(text)
        text = self._keywords.joined_cases(text)
        text = self._plates.plates(text)
        text = self._shapes.ids_and_plates(text)
        text = self._streets.redact(text)
        text = self._capitalised.redact(text, low)
        text = redact_phones(text, self.P)
        text = self._shapes.phones(text)
        return self._keywords.named_numbers(text, low)  # (after the phone numbers)

    def _contacts_and_numbers(self, text: str, low: str) -> str:
        """URLs, e-mail addresses, handles, validated numbers and dates of birth."""
        P = self.P
        if "http" in low or "www." in low:
            text = _URL.sub(lambda m: self._web.url_sub(m.group()), text)
        if "@" in text or "(at)" in low or "[at]" in low:
            text = _EMAIL.sub(P["EMAIL"], text)
        text = self._web.emails(text)
        text = self._web.urls(text)
        text = redact_numbers(text, P)
        text = self._spelled.sub(text, low, P["TELEFON"])
        return self.births.births(text)
