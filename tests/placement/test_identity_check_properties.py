"""Property-based tests (hypothesis) of the identifying-data check: generated names (with
possessives, diminutives, soft hyphens, zero-width characters, accents, case and handles
with `_`, `.` and `@`), streets (with and without house number) and birth dates (in every
usual Dutch short form) are always found; and in the product none of them reaches the
provider's HTML, the provider's JSON, its in-app notifications or its e-mails, because a
referral holding one cannot be sent (service and API).

Example counts are modest so the suite stays fast; the DB tests share one request per test
(function-scoped fixtures, so that health check is suppressed) and run without deadline.
"""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from core.errors import Invalid
from core.models import OutboxMessage
from placement import services
from placement.anonymisation import INVISIBLE, Identity, Kind, find_identifying_data
from placement.models import Offer
from tests.accounts.factories import member
from tests.placement.factories import coordinator_membership, fitting_facility, in_matching, youth_data

PURE = settings(max_examples=60, deadline=None)
DB = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ACCENTS = {"a": "áä", "e": "éëè", "i": "ïí", "o": "öó", "u": "üú"}
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]  # fmt: skip
SHORT = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
CONTEXTS = [("Gesprek met ", " vandaag."), ("", ""), ("(", ")"), ("Volgens ", ", die boos werd."), ("- ", "\n")]
names = (
    st.text(alphabet="bcdfghjklmnprstvwz", min_size=1, max_size=4)
    .flatmap(
        lambda consonants: st.text(alphabet="aeiou", min_size=len(consonants), max_size=len(consonants)).map(
            lambda vowels: "".join(c + v for c, v in zip(consonants, vowels, strict=True)).capitalize()
        )
    )
    .filter(lambda n: len(n) >= 3)
)  # pronounceable: "Lotira", "Zeba"


@st.composite
def surface(draw, name):
    """How `name` may stand in a text: accents, case, a suffix, an invisible character."""
    chars = list(name)
    for index, char in enumerate(chars):
        if char.lower() in ACCENTS and draw(st.booleans()):
            chars[index] = draw(st.sampled_from(ACCENTS[char.lower()]))
    text = "".join(chars)
    text = draw(st.sampled_from([text, text.lower(), text.upper()]))
    if draw(st.booleans()):
        position = draw(st.integers(1, len(text) - 1))
        text = text[:position] + draw(st.sampled_from(sorted(INVISIBLE))) + text[position:]
    return text + draw(st.sampled_from(["", "'s", "\u2019s", "s", "je", "tje", "'je"]))


def covered(findings, kind):
    return {i for f in findings if f.kind == kind for i in range(f.start, f.end)}


@PURE
@given(data=st.data(), given_name=names, family=names, context=st.sampled_from(CONTEXTS))
def test_a_generated_name_in_any_surface_form_is_found(data, given_name, family, context):
    record = Identity(names=[f"{given_name} {family}", given_name, family])
    word = data.draw(surface(data.draw(st.sampled_from([given_name, family]))))
    text = context[0] + word + context[1]
    findings = find_identifying_data({"t": text}, record)
    start = len(context[0])
    assert set(range(start, start + len(word))) <= covered(findings, Kind.NAME), (text, findings)


HANDLES = ["@{g}_{f}", "{g}.{f}", "{g}_{f}{n}", "@{f}", "{f}_{g}@", "{g}@", "{f}.{g}.{n}"]


@PURE
@given(given_name=names, family=names, form=st.sampled_from(HANDLES))
def test_a_handle_with_underscore_dot_or_at_is_found(given_name, family, form):
    record = Identity(names=[f"{given_name} {family}", given_name, family])
    handle = form.format(g=given_name.lower(), f=family.lower(), n="2010")
    text = f"Zie {handle} online."
    findings = find_identifying_data({"t": text}, record)
    first = given_name.lower() if form.lstrip("@").startswith("{g}") else family.lower()
    start = text.index(first)
    span = set(range(start, start + len(first)))
    assert span <= covered(findings, Kind.NAME) or span <= covered(findings, Kind.EMAIL), (text, findings)


streets = st.tuples(names, st.sampled_from(["straat", "laan", "weg", "plein", "singel", "dijk"]))


@PURE
@given(street=streets, number=st.integers(1, 400), letter=st.sampled_from(["", "a", "B"]), data=st.data())
def test_a_street_is_found_with_and_without_house_number(street, number, letter, data):
    stem, suffix = street
    record = Identity(street=stem + suffix, house_number=f"{number}{letter}")
    forms = [
        stem + suffix,
        f"{stem}{suffix} {number}{letter}",
        f"{stem.lower()}{suffix} {number}",
        f"{stem}{suffix} 99",
    ]
    if suffix == "straat":
        forms.append(f"{stem}str. {number}")
    written = data.draw(st.sampled_from(forms))
    if data.draw(st.booleans()):
        written = written[:2] + "\u00ad" + written[2:]
    text = f"Woonde aan de {written}, daarna elders."
    findings = find_identifying_data({"t": text}, record)
    start = len("Woonde aan de ")
    assert set(range(start, start + len(stem) + 2)) <= covered(findings, Kind.ADDRESS), (text, findings)


def date_forms(day: datetime.date) -> list[str]:
    d, m, y, yy = day.day, day.month, day.year, f"{day.year % 100:02d}"
    return [
        f"{d} {MONTHS[m - 1]}",
        f"{d} {MONTHS[m - 1]} {y}",
        f"{d} {MONTHS[m - 1]} '{yy}",
        f"{d} {SHORT[m - 1]}",
        f"{d}-{m}",
        f"{d}/{m}",
        f"{d}-{m}-'{yy}",
        f"{d:02d}/{m:02d}/{yy}",
        f"{d:02d}-{m:02d}-{y}",
        f"{d}-{m}-{y}",
        f"{y}-{m:02d}-{d:02d}",
        f"{d:02d}.{m:02d}.{y}",
    ]


birth_dates = st.dates(min_value=datetime.date(2004, 1, 1), max_value=datetime.date(2020, 12, 31))


@PURE
@given(day=birth_dates, data=st.data(), context=st.sampled_from(CONTEXTS))
def test_the_birth_date_is_found_in_every_short_form(day, data, context):
    written = data.draw(st.sampled_from(date_forms(day)))
    text = context[0] + written + context[1]
    findings = find_identifying_data({"t": text}, Identity(birth_date=day))
    start = len(context[0])
    assert set(range(start, start + len(written))) <= covered(findings, Kind.BIRTH_DATE), (text, findings)


# --- in the product: such a referral cannot be sent, so the provider never reads it ---------


@pytest.fixture
def zoe_offer_setup(referrer, coordinator):
    youth = youth_data(
        given_names="Zoë Anna",
        family_name="Verhoeven",
        birth_date=datetime.date(2010, 5, 14),
        address="Hengelosestraat 12",
        guardians=[{"name": "Petra Verhoeven", "relationship": "moeder", "has_authority": True}],
    )
    placement_request = in_matching(referrer, coordinator, youth=youth)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    return placement_request, facility, staff


@st.composite
def identifying_phrase(draw):
    kind = draw(st.sampled_from(["name", "street", "date", "handle"]))
    if kind == "name":
        value = draw(surface(draw(st.sampled_from(["Zoë", "Verhoeven", "Anna", "Petra"]))))
    elif kind == "street":
        value = draw(
            st.sampled_from(["Hengelosestraat", "Hengelosestraat 12", "hengelosestr. 12", "Hengelose\u00adstraat"])
        )
    elif kind == "date":
        value = draw(st.sampled_from(date_forms(datetime.date(2010, 5, 14))))
    else:
        value = draw(st.sampled_from(["@zoe_verhoeven", "zoe.verhoeven", "zoe_verhoeven2010", "@Zoe_Verhoeven"]))
    before, after = draw(st.sampled_from(CONTEXTS))
    return kind, f"{before}{value}{after}"


def assert_provider_received_nothing(api, client, staff):
    assert not Offer.objects.exists()
    assert not OutboxMessage.objects.filter(recipient=staff).exists()  # neither e-mail nor in-app
    assert api.as_user(staff).get("/api/v1/offers").json()["results"] == []
    client.force_login(staff)
    assert "Er wachten geen aanmeldingen op uw antwoord." in client.get("/provider/offers/").content.decode()


@pytest.mark.django_db
@DB
@given(phrase=identifying_phrase(), field=st.sampled_from(["goals", "wishes_youth", "hypotheses", "placement_goal"]))
def test_a_referral_with_a_generated_identity_cannot_be_sent(api, client, coordinator, zoe_offer_setup, phrase, field):
    placement_request, facility, staff = zoe_offer_setup
    _kind, text = phrase
    with pytest.raises(Invalid) as error:
        services.offer_create(
            placement_request=placement_request,
            facility_id=facility.pk,
            by=coordinator,
            membership=coordinator_membership(coordinator),
            texts={field: f"Plaatsing gewenst. {text}"},
        )
    assert error.value.code == "identifying_data"
    assert any(p["name"] == f"texts.{field}" for p in error.value.invalid_params)
    assert_provider_received_nothing(api, client, staff)


@pytest.mark.django_db
@DB
@given(phrase=identifying_phrase())
def test_the_api_refuses_a_referral_with_a_generated_identity(api, client, coordinator, zoe_offer_setup, phrase):
    placement_request, facility, staff = zoe_offer_setup
    _kind, text = phrase
    response = api.as_user(coordinator).post(
        f"/api/v1/requests/{placement_request.pk}/offers",
        {"facility": facility.pk, "texts": {"wishes_parents": text}},
        format="json",
    )
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    params = response.json()["invalid_params"]
    assert params and all(p["name"] == "texts.wishes_parents" for p in params)
    assert all(0 <= p["start"] < p["end"] <= len(text) for p in params)
    assert_provider_received_nothing(api, client, staff)
