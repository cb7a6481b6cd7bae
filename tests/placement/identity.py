"""Everything that identifies a youth, and a check that none of it is in a text a provider
reads (HTML, JSON, a referral, a notification) before its organisation accepted."""

import json
import re

MONTHS = {
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}  # fmt: skip


def _digits(value: str) -> re.Pattern:
    """The digits of `value` in any common notation (123456782, 1234.56.782, 06-4123 4567)."""
    digits = re.sub(r"\D", "", value)
    return re.compile(r"(?<!\d)" + r"[\s.\-]?".join(digits) + r"(?!\d)")


def _words(value: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in value.split()) + r"(?!\w)", re.IGNORECASE)


def identity_traces(youth) -> list[tuple[str, re.Pattern]]:
    """(what, pattern) for the BSN, names, birth date, street, postcode, city, school and
    every guardian's name, phone and e-mail of `youth` (only the parts that are filled in)."""
    traces = []
    if youth.bsn:
        traces.append(("bsn", _digits(youth.bsn)))
    traces.append(("full name", _words(youth.full_name)))
    traces.append(("family name", _words(youth.family_name)))
    traces += [("given name", _words(name)) for name in youth.given_names.split()]
    day = youth.birth_date
    dates = [
        day.isoformat(),
        day.strftime("%d-%m-%Y"),
        f"{day.day}-{day.month}-{day.year}",
        day.strftime("%d/%m/%Y"),
        f"{day.day}/{day.month}/{day.year}",
        day.strftime("%d.%m.%Y"),
    ]
    dates += [f"{day.day} {months[day.month - 1]} {day.year}" for months in MONTHS.values()]
    traces += [("birth date", re.compile(r"(?<!\d)" + re.escape(d) + r"(?!\d)", re.IGNORECASE)) for d in dates]
    street = re.sub(r"\s+\d+\s*\w?$", "", youth.address.strip())
    if street:
        traces.append(("street", _words(street)))
    if youth.postcode:
        compact = re.sub(r"\s", "", youth.postcode)
        traces.append(("postcode", re.compile(rf"(?<!\w){compact[:4]}\s?{compact[4:]}(?!\w)", re.IGNORECASE)))
    if youth.city:
        traces.append(("city", _words(youth.city)))
    if youth.school:
        traces.append(("school", _words(youth.school)))
    for guardian in youth.guardians.all():
        traces.append(("guardian name", _words(guardian.name)))
        traces += [("guardian name", _words(part)) for part in guardian.name.split() if len(part) >= 3]
        if guardian.phone:
            traces.append(("guardian phone", _digits(guardian.phone)))
        if guardian.email:
            traces.append(("guardian e-mail", re.compile(re.escape(guardian.email), re.IGNORECASE)))
    return traces


def as_text(value) -> str:
    """A page, an API response or a dict as the text a reader gets."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    content = getattr(value, "content", value)
    return content.decode() if isinstance(content, bytes) else str(content)


def identity_found(value, youth) -> list[str]:
    text = as_text(value)
    return sorted({what for what, pattern in identity_traces(youth) if pattern.search(text)})


def assert_no_identity(value, youth, where: str = "") -> None:
    found = identity_found(value, youth)
    assert found == [], f"{where}: identifying data of the youth found: {', '.join(found)}"
