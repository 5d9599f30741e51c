"""Dates of birth without a keyword before them: a full date with a year before
`structures.max_birth_year` (`max_birth_year_keyword` where the comment speaks of
birth), a date after "*", a date in brackets or commas after a name or a person word."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipelines.ingest.redaction.patterns import _alt
from pipelines.ingest.redaction.rules import word_list

_I = re.IGNORECASE

# Something date-shaped: "12.05.", "12/5", "6. Dez", "May 12, 1980", "*1985".
_DATE_HINT = re.compile(
    r"\d ?[./-] ?\d|\d(?:st|nd|rd|th) of |\d\.? ?[^\W\d_]{3}|[^\W\d_]{3}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\*"
)
# Words between a wrong and the right date ("[date] statt 16.04.02", "not [date] but 3.4.01")
_CORRECTION = frozenset(
    [
        "statt",
        "anstatt",
        "nicht",
        "sondern",
        "richtig",
        "ist",
        "sei",
        "wäre",
        "eingetragen",
        "steht",
        "instead",
        "of",
        "not",
        "but",
        "it",
        "is",
        "should",
        "be",
        "yerine",
        "değil",
        "doğrusu",
        "olmalı",
    ]
)


class Births:
    """The date and birth-word patterns, with the months and birth words of the rules."""

    def __init__(self, rules: Mapping[str, Any], placeholders: Mapping[str, str], months: tuple[str, ...]):
        self.P = dict(placeholders)
        m = _alt(tuple(x.rstrip(".") for x in months))
        self._date = (
            r"(?:\d{4}-\d{1,2}-\d{1,2}"
            r"|\d{1,2}[ ]?[./-][ ]?\d{1,2}[ ]?[./-][ ]?(?:\d{4}|\d{2})(?!\d)"
            rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?[ ]?(?:of[ ])?(?:{m})\b\.?[ ,]{{0,2}}\d{{4}}"
            rf"|(?:{m})\b\.?[ ]\d{{1,2}}(?:st|nd|rd|th)?,?[ ]\d{{4}})"
        )
        # a date in brackets or commas right after a name or a person: "[NAME] (17. September
        # 2011)", "Ich, [NAME], 23/09/2006, ...", "Mein Kind (2.8.2009)": a date of birth
        persons = _alt((self.P["NAME"], *word_list(rules, "structures.birth_persons")))
        self._name_date = re.compile(
            rf"((?:{persons})(?:[ ]?\([ ]?|,[ ]))((?:\*[ ]?)?(?:{self._date}))([ ]?\)|,)", _I
        )
        self._full_date = re.compile(rf"(?<![\d.\w])(?:{self._date})(?![\d])", _I)
        # "*04.11.1952", "* 6. Dezember 1963", "(*17.04.1965)": the star marks a birth.
        self._star_date = re.compile(rf"\*[ ]?(?:{self._date}|(?:19|20)\d\d(?!\d))", _I)
        birth = word_list(rules, "keywords.birth_before") + word_list(rules, "keywords.birth_after")
        self._birth_kw = re.compile(rf"(?<![\w\[])(?:{_alt(birth)})", _I)
        self._birth_after_kw = re.compile(
            rf"(?<![\w\[])(?:{_alt(word_list(rules, 'keywords.birth_after'))})", _I
        )
        self.max_birth_year = int(rules.get("structures", {}).get("max_birth_year", 2006))
        self.max_birth_year_keyword = int(rules.get("structures", {}).get("max_birth_year_keyword", 2016))

    def births(self, text: str) -> str:
        if not _DATE_HINT.search(text):
            return text  # no date shape at all (speed)
        dob = self.P["GEBURTSDATUM"]
        if "*" in text:
            text = self._star_date.sub("*" + dob, text)
        keyword = self._birth_kw.search(text) is not None
        return self._full_date.sub(lambda m: self._birth(m, keyword and self._near_birth(m), dob), text)

    def births_after_names(self, text: str) -> str:
        """A full date in brackets or commas right after a name or person word: "[NAME]
        (17. September 2011)", "Mein Kind (2.8.2009)"."""
        if "(" not in text and "," not in text:
            return text
        return self._name_date.sub(lambda m: m.group(1) + self.P["GEBURTSDATUM"] + m.group(3), text)

    def _near_birth(self, m: re.Match[str]) -> bool:
        """A birth word next to this date, with no other date or number between ("geb. 2019"
        does not make "Termin am 12.03.2021" a birth date): up to 60 characters before
        it or a word such as "geboren" up to 20 after it."""
        text = m.string

        def free(between: str) -> bool:  # (a date already replaced counts as a number)
            if not any(c.isdigit() for c in between) and self.P["GEBURTSDATUM"] not in between:
                return True
            # ... unless it is the wrong date of birth corrected: "Geburtsdatum [..] statt 16.04.02"
            dob = self.P["GEBURTSDATUM"]
            between = self._full_date.sub(dob, between)
            rest = between.replace(dob, " ", 1).casefold().split()
            return between.count(dob) == 1 and all(w.strip(",:;!") in _CORRECTION for w in rest)

        before = [k.end() for k in self._birth_kw.finditer(text, max(0, m.start() - 60), m.start())]
        if before and free(text[before[-1] : m.start()]):
            return True
        after = self._birth_after_kw.search(text, m.end(), m.end() + 20)
        return after is not None and free(text[m.end() : after.start()])

    def _birth(self, m: re.Match[str], keyword: bool, dob: str) -> str:
        """A full date is a birth date when its year lies before `max_birth_year`
        (visitors write about recent appointments), or before `max_birth_year_keyword`
        when the comment speaks of birth ("Geburtsdatum falsch: 5. August 2008 statt ...")."""
        s = m.group()
        years = re.findall(r"\d{4}", s)
        if years:
            year = int(years[-1])
            limit = self.max_birth_year_keyword if keyword else self.max_birth_year
            return dob if 1900 <= year < limit else s
        if keyword and re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2}", s):
            return dob
        two = re.search(r"(\d{2})$", s)
        if two and int(two.group(1)) >= 30 and re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2}", s):
            return dob  # "3.4.85"
        return s
