"""Finding identifying data in free text before it is shown to a provider.

Before an anonymised referral is sent, every free text that the provider will read is
checked for the youth's and the parents' names, the BSN (and any number that passes the
BSN elfproef), the birth date in common Dutch notations, the address and postcode,
phone numbers and e-mail addresses. Findings block sending until the coordinator edits
the text; each finding names the field and what was found, never the value itself in
logs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from stdnum.nl import bsn as bsn_number

MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
MONTHS_NL_SHORT = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

POSTCODE = re.compile(r"\b[1-9][0-9]{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")  # upper case: "2012 en" is no postcode
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+])(?:\+31|0031|0)(?:[\s.-]?\(?0?\)?[\s.-]?)?(?:\d[\s.-]?){8}\d(?!\d)")
NINE_DIGITS = re.compile(r"(?<!\d)(\d[\s.-]?){8}\d(?!\d)")


class Kind:
    NAME = "name"
    BSN = "bsn"
    BIRTH_DATE = "birth_date"
    ADDRESS = "address"
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"


@dataclass(frozen=True)
class Finding:
    field: str
    kind: str
    start: int
    end: int


@dataclass
class Identity:
    """What must not reach the provider: the youth's and the parents' identifying data."""

    names: list[str] = field(default_factory=list)
    bsn: str | None = None
    birth_date: date | None = None
    street: str | None = None
    house_number: str | None = None
    postcode: str | None = None
    extra_terms: list[str] = field(default_factory=list)  # e.g. school name


def _fold(text: str) -> str:
    """Lower-case and strip accents, keeping string length the same."""
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c)) or char
        out.append(base[0].lower() if len(base) >= 1 else char.lower())
    return "".join(out)


def _word_pattern(term: str) -> re.Pattern:
    words = [re.escape(part) for part in _fold(term).split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def _date_patterns(day: date) -> list[re.Pattern]:
    d, m, y = day.day, day.month, day.year
    numeric = rf"0?{d}\s*[-/.]\s*0?{m}\s*[-/.]\s*(?:{y}|{y % 100:02d})"
    iso = rf"{y}\s*-\s*0?{m}\s*-\s*0?{d}"
    month_names = "|".join([MONTHS_NL[m - 1], MONTHS_NL_SHORT[m - 1] + r"\.?"])
    written = rf"0?{d}\s+(?:{month_names})\s+{y}"
    return [re.compile(rf"(?<!\d){p}(?!\d)") for p in (numeric, iso, written)]


def find_identifying_data(texts: dict[str, str], identity: Identity) -> list[Finding]:
    findings: list[Finding] = []
    own_bsn = re.sub(r"\D", "", identity.bsn or "")
    for name, text in texts.items():
        if not text:
            continue
        folded = _fold(text)

        def add(kind, match, name=name):
            findings.append(Finding(name, kind, match.start(), match.end()))

        for term in identity.names:
            if term and len(term.strip()) >= 2:
                for match in _word_pattern(term).finditer(folded):
                    add(Kind.NAME, match)
        for term in identity.extra_terms:
            if term and len(term.strip()) >= 3:
                for match in _word_pattern(term).finditer(folded):
                    add(Kind.ADDRESS, match)
        for match in NINE_DIGITS.finditer(text):
            digits = re.sub(r"\D", "", match.group())
            if digits == own_bsn or bsn_number.is_valid(digits):
                add(Kind.BSN, match)
        if identity.birth_date:
            for pattern in _date_patterns(identity.birth_date):
                for match in pattern.finditer(folded):
                    add(Kind.BIRTH_DATE, match)
        if identity.street:
            street = re.escape(_fold(identity.street))
            number = re.escape(_fold(identity.house_number or ""))
            pattern = rf"(?<!\w){street}(?!\w)" + (rf"\s*{number}(?!\d)" if number else "")
            for match in re.finditer(pattern, folded):
                add(Kind.ADDRESS, match)
        for match in POSTCODE.finditer(text):
            add(Kind.POSTCODE, match)
        if identity.postcode:
            compact = re.sub(r"\s", "", _fold(identity.postcode))
            for match in re.finditer(rf"(?<!\w){re.escape(compact[:4])}\s*{re.escape(compact[4:])}(?!\w)", folded):
                add(Kind.POSTCODE, match)
        for match in PHONE.finditer(text):
            if not any(f.kind == Kind.BSN and f.field == name and f.start <= match.start() < f.end for f in findings):
                add(Kind.PHONE, match)
        for match in EMAIL.finditer(text):
            add(Kind.EMAIL, match)
    return sorted(set(findings), key=lambda f: (f.field, f.start, f.kind))
