"""Finding identifying data in free text before it is shown to a provider.

Before an anonymised referral is sent, every free text that the provider will read is
checked in two ways:

1. Against the youth's own record: the youth's and the parents' names (also with the
   Dutch suffixes 's, s and -je/-tje), the BSN (and any number that passes the BSN
   elfproef), the birth date in the usual Dutch short forms (with and without year), the
   street (with or without a house number), the postcode, the school, and any phone
   number or e-mail address.
2. With `deduce`, a de-identification model for Dutch medical text, for what the record
   does not hold: a sibling's, a teacher's or a former foster parent's name, a place, a
   date, a phone number, an id.

Text is normalised first (Unicode NFKC, soft hyphens and zero-width characters removed,
case folded, accents folded; `_`, `.` and `@` count as word boundaries); every finding
carries its position in the ORIGINAL text so it can be marked in place. Findings name
the field, the kind and the position, never the value (callers must not log the value).

Deduce builds large lookup structures when it starts (seconds with its cache, minutes
without; about 1 GB). It is loaded once per process, lazily and thread-safe
(`deduce_model()`); `deduce_warm_up()` loads it in a background thread at server start.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from stdnum.nl import bsn as bsn_number

logger = logging.getLogger(__name__)

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
MONTHS_EXTRA = {3: ["mar", "maa"], 10: ["oct"], 5: ["may"]}

POSTCODE = re.compile(r"\b[1-9][0-9]{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")  # upper case: "2012 en" is no postcode
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+])(?:\+31|0031|0)(?:[\s.-]?\(?0?\)?[\s.-]?)?(?:\d[\s.-]?){8}\d(?!\d)")
NINE_DIGITS = re.compile(r"(?<!\d)(\d[\s.-]?){8}\d(?!\d)")

# Characters that are invisible in the text but break a naive match ("Zo\u00ade", "Zo\u200be").
INVISIBLE = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}
APOSTROPHES = {"\u2019", "\u2018", "\u02bc", "\u0060", "\u00b4", "\u2032"}
# A letter or digit; `_`, `.`, `@`, apostrophes, hyphens and spaces are boundaries.
_ALNUM = r"[^\W_]"
BEFORE = rf"(?<!{_ALNUM})"
AFTER = rf"(?!{_ALNUM})"
# Around a name only letters join: a handle's digits do not hide it (zoe_jansen2010).
_LETTER = r"[^\W\d_]"
NAME_BEFORE = rf"(?<!{_LETTER})"
NAME_AFTER = rf"(?!{_LETTER})"
# Dutch possessive and diminutive: Zoë's, Zoës, Sannes, Zoetje, Bramje, Brammetje, Sem's.
NAME_SUFFIX = r"(?:'s|'|s|'?je|'?tje|'?pje|'?kje|[a-z]?etje)?"
# A bare "s" after a name of one or two letters makes ordinary words (Bo -> bos).
SHORT_NAME_SUFFIX = r"(?:'s|'|'?je|'?tje)?"
SEPARATOR = r"[\s_.\-]+"


class Kind:
    NAME = "name"
    BSN = "bsn"
    BIRTH_DATE = "birth_date"
    ADDRESS = "address"
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"
    # found by the model (deduce), not in the youth's record
    PERSON = "person"
    PLACE = "place"
    DATE = "date"
    IDENTIFIER = "identifier"
    URL = "url"


# deduce's tags (after its own post-processing) -> our kinds. Ages are left out on purpose
# (the referral states the age), and so are institutions (care providers and hospitals
# are named in ordinary care text and do not identify a child).
DEDUCE_KINDS = {
    "persoon": Kind.PERSON,
    "patient": Kind.PERSON,
    "locatie": Kind.PLACE,
    "straat": Kind.PLACE,
    "datum": Kind.DATE,
    "telefoonnummer": Kind.PHONE,
    "emailadres": Kind.EMAIL,
    "bsn": Kind.BSN,
    "id": Kind.IDENTIFIER,
    "url": Kind.URL,
}
DEDUCE_DISABLED = {"ages", "institutions", "redactor"}


@dataclass(frozen=True)
class Finding:
    field: str
    kind: str
    start: int  # in the original text, 0-based
    end: int  # exclusive
    source: str = "record"  # "record" (the youth's own data) or "model" (deduce)
    digest: str = ""  # keyed digest of the found value: binds an override to this value

    @property
    def id(self) -> str:
        """What an override names. Bound to field, kind, position and (via a keyed
        digest) the value, so an override given for one text never covers an edit."""
        return f"{self.field}:{self.kind}:{self.start}-{self.end}:{self.digest}"


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


# --- normalisation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Normalised:
    """A normalised text and, for every character of it, the index of the original
    character it came from (plus one past the end)."""

    text: str
    origin: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalised span [start, end)."""
        if end <= start:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalise(text: str, *, fold: bool = True) -> Normalised:
    """NFKC, invisible characters removed, apostrophes unified; with `fold` also case
    and accents folded. Each output character maps back to its original position."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char in INVISIBLE:
            continue
        if char in APOSTROPHES:
            char = "'"
        piece = unicodedata.normalize("NFKC", char)
        if fold:
            piece = "".join(_fold_char(c) for c in piece)
        piece = "".join(c for c in piece if c not in INVISIBLE and not unicodedata.combining(c))
        out.append(piece)
        origin.extend([index] * len(piece))
    origin.append(len(text))
    return Normalised("".join(out), origin)


def fold(text: str) -> str:
    return normalise(text).text


# --- the check against the youth's own record ---------------------------------------------


def _words(term: str) -> list[str]:
    return [w for w in re.split(r"[\s_.\-@]+", fold(term)) if w]


def _name_pattern(term: str) -> re.Pattern:
    words = _words(term)
    suffix = SHORT_NAME_SUFFIX if len(words) == 1 and len(words[0]) < 3 else NAME_SUFFIX
    return re.compile(NAME_BEFORE + SEPARATOR.join(re.escape(w) for w in words) + suffix + NAME_AFTER)


def _term_pattern(term: str) -> re.Pattern:
    words = [re.escape(w) for w in _words(term)]
    return re.compile(BEFORE + SEPARATOR.join(words) + AFTER)


def _street_pattern(street: str, number: str) -> re.Pattern:
    words = [re.escape(w) for w in _words(street)]
    if words and words[-1].endswith("straat"):  # Hengelosestraat, Hengelosestr., Hengelose str
        words[-1] = words[-1][: -len("straat")] + r"\s?str(?:aat|\.)?"
    elif words and words[-1].endswith("weg"):
        words[-1] = words[-1] + r"\.?"
    number_part = ""
    if number:
        number_part = rf"(?:\s*{re.escape(fold(number).replace(' ', ''))}(?!\d))?"
    return re.compile(BEFORE + SEPARATOR.join(words) + number_part + r"(?![^\W_\d])")


def _date_patterns(day: date) -> list[re.Pattern]:
    d, m, y = day.day, day.month, day.year
    yy = f"{y % 100:02d}"
    sep = r"\s*[-/.]\s*"
    year = rf"(?:{y}|'?{yy})"
    no_more = r"(?!\s*[-/.]\s*'?\d)"
    # 14-5, 14-05, 14/05/10, 14-5-'10, 14-05-2010, 14.5.2010 (a different year is no match)
    numeric = rf"0?{d}{sep}0?{m}(?:{sep}{year}(?!\d)|{no_more})"
    iso = rf"{y}{sep}0?{m}{sep}0?{d}"
    names = [MONTHS_NL[m - 1], MONTHS_NL_SHORT[m - 1] + r"\.?", *MONTHS_EXTRA.get(m, [])]
    month = "(?:" + "|".join(names) + ")"
    # 14 mei, 14e mei, 14 mei 2010, 14 mei '10, 14-mei-2010, 14 mei. 10
    written = rf"0?{d}(?:e|de|ste)?[\s\-]*{month}(?:[\s\-]*{year}(?!\d))?(?![^\W_])"
    return [re.compile(rf"(?<!\d){p}(?!\d)") for p in (numeric, iso, written)]


def _digest(value: str) -> str:
    from django.conf import settings

    return hmac.new(settings.SECRET_KEY.encode(), fold(value).encode(), hashlib.sha256).hexdigest()[:10]


def _record_findings(name: str, text: str, identity: Identity) -> list[tuple[str, int, int]]:
    """(kind, start, end) in the original text, from the youth's own record and the
    generic patterns (BSN, postcode, phone, e-mail)."""
    found: list[tuple[str, int, int]] = []
    norm = normalise(text)
    keep_case = normalise(text, fold=False)
    folded = norm.text

    def add(kind, match, source=norm):
        start, end = source.span(match.start(), match.end())
        found.append((kind, start, end))

    for term in identity.names:
        if term and len(fold(term).strip()) >= 2:
            for match in _name_pattern(term).finditer(folded):
                add(Kind.NAME, match)
    for term in identity.extra_terms:
        if term and len(fold(term).strip()) >= 3:
            for match in _term_pattern(term).finditer(folded):
                add(Kind.ADDRESS, match)
    own_bsn = re.sub(r"\D", "", identity.bsn or "")
    bsn_spans = []
    for match in NINE_DIGITS.finditer(keep_case.text):
        digits = re.sub(r"\D", "", match.group())
        if digits == own_bsn or bsn_number.is_valid(digits):
            add(Kind.BSN, match, keep_case)
            bsn_spans.append((match.start(), match.end()))
    if identity.birth_date:
        for pattern in _date_patterns(identity.birth_date):
            for match in pattern.finditer(folded):
                add(Kind.BIRTH_DATE, match)
    if identity.street and _words(identity.street):
        for match in _street_pattern(identity.street, identity.house_number or "").finditer(folded):
            add(Kind.ADDRESS, match)
    for match in POSTCODE.finditer(keep_case.text):
        add(Kind.POSTCODE, match, keep_case)
    if identity.postcode:
        compact = re.sub(r"\s", "", fold(identity.postcode))
        pattern = BEFORE + re.escape(compact[:4]) + r"\s*" + re.escape(compact[4:]) + AFTER
        for match in re.finditer(pattern, folded):
            add(Kind.POSTCODE, match)
    for match in PHONE.finditer(keep_case.text):
        if not any(s <= match.start() < e for s, e in bsn_spans):
            add(Kind.PHONE, match, keep_case)
    for match in EMAIL.finditer(keep_case.text):
        add(Kind.EMAIL, match, keep_case)
    return found


# --- the model: deduce --------------------------------------------------------------------

_model = None
_model_lock = threading.Lock()
_call_lock = threading.Lock()
model_load_seconds: float | None = None


def deduce_model():
    """The one deduce instance of this process, built on first use (thread-safe)."""
    global _model, model_load_seconds
    if _model is None:
        with _model_lock:
            if _model is None:
                started = time.perf_counter()
                import deduce

                _model = deduce.Deduce()
                model_load_seconds = time.perf_counter() - started
                logger.info("deduce loaded in %.1f s", model_load_seconds)
    return _model


def deduce_warm_up() -> threading.Thread:
    """Load deduce in a background thread (server start), so the first check is quick."""
    thread = threading.Thread(target=deduce_model, name="deduce-warm-up", daemon=True)
    thread.start()
    return thread


def _model_input(text: str) -> Normalised:
    """Case kept (deduce reads capitals), invisible characters removed, and `_`/`@`
    made spaces so a handle's parts are words of their own."""
    norm = normalise(text, fold=False)
    return Normalised(norm.text.replace("_", " ").replace("@", " "), norm.origin)


def _model_findings(text: str) -> list[tuple[str, int, int]]:
    norm = _model_input(text)
    model = deduce_model()
    with _call_lock:
        document = model.deidentify(norm.text, disabled=DEDUCE_DISABLED)
    found = []
    for annotation in document.annotations:
        tag = annotation.tag.split("+")[0]
        kind = DEDUCE_KINDS.get(tag)
        if kind is None:
            continue
        start, end = norm.span(annotation.start_char, annotation.end_char)
        found.append((kind, start, end))
    return found


def _without_contained(found: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Leave out a finding that lies inside a larger one (`jansen` inside `zoe_jansen`,
    a name inside an e-mail address): the larger one is marked and decided on."""
    unique = set(found)
    return [
        f
        for f in unique
        if not any(o != f and o[1] <= f[1] and f[2] <= o[2] and (o[2] - o[1]) > (f[2] - f[1]) for o in unique)
    ]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def find_identifying_data(texts: dict[str, str], identity: Identity, *, model: bool = True) -> list[Finding]:
    """Every finding in every text, sorted by field and position. A model finding that
    overlaps a record finding is left out: the record finding says more."""
    findings: set[Finding] = set()
    for name, text in texts.items():
        if not text or not text.strip():
            continue
        record = _without_contained(_record_findings(name, text, identity))
        for kind, start, end in record:
            findings.add(Finding(name, kind, start, end, "record", _digest(text[start:end])))
        if model:
            for kind, start, end in _model_findings(text):
                if any(_overlaps((start, end), (s, e)) for _k, s, e in record):
                    continue
                findings.add(Finding(name, kind, start, end, "model", _digest(text[start:end])))
    return sorted(findings, key=lambda f: (f.field, f.start, f.end, f.kind))


def contains_found_value(text: str, texts: dict[str, str], finding: Finding) -> bool:
    """Whether `text` (e.g. an override reason) repeats the value a finding found."""
    value = fold(texts.get(finding.field, "")[finding.start : finding.end]).strip()
    return bool(value) and value in fold(text)


# --- marking in place ---------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    text: str
    findings: tuple[Finding, ...] = ()


def mark_segments(text: str, findings: list[Finding]) -> list[Segment]:
    """The text cut into plain and marked segments; overlapping findings share a mark."""
    spans: list[list] = []
    for finding in sorted(findings, key=lambda f: (f.start, f.end)):
        if spans and finding.start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], finding.end)
            spans[-1][2].append(finding)
        else:
            spans.append([finding.start, finding.end, [finding]])
    segments, position = [], 0
    for start, end, group in spans:
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], tuple(group)))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments
