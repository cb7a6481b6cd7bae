"""The check that blocks identifying data from reaching a provider."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from placement.anonymisation import Identity, Kind, find_identifying_data

IDENTITY = Identity(
    names=["Sanne", "de Vries", "Marieke de Vries", "Ahmed El Amrani"],
    bsn="111222333",
    birth_date=date(2011, 3, 7),
    street="Oldenzaalsestraat",
    house_number="12a",
    postcode="7511 AB",
    extra_terms=["Het Stedelijk Lyceum"],
)


def kinds(text):
    return {f.kind for f in find_identifying_data({"t": text}, IDENTITY)}


def test_clean_clinical_text_has_no_findings():
    text = (
        "Jeugdige van 14 jaar met ernstige gedragsproblemen sinds 2019 en 2021, hechtingsproblematiek "
        "en schooluitval. Heeft 3 maanden ambulante hulp gehad; 2 eerdere plaatsingen. Moeder is betrokken."
    )
    assert find_identifying_data({"t": text}, IDENTITY) == []


def test_names_are_found_whole_word_and_case_and_accent_insensitive():
    assert kinds("Gesprek met sanne en haar moeder") == {Kind.NAME}
    assert kinds("De VRIES familie") == {Kind.NAME}
    assert kinds("Ahmed  El Amrani belde") == {Kind.NAME}
    assert kinds("Sannedijk") == set()  # not a whole word
    assert kinds("Sannes fiets") == {Kind.NAME}  # a possessive is the name
    assert kinds("Sänne kwam binnen") == {Kind.NAME}


def test_bsn_with_separators_and_any_valid_bsn():
    assert kinds("BSN 111 222 333") == {Kind.BSN}
    assert kinds("ander nummer 123456782") == {Kind.BSN}  # passes the elfproef
    assert Kind.BSN not in kinds("dossiernummer 123456789")


def test_birth_date_in_dutch_notations():
    for text in ["geboren 07-03-2011", "7/3/2011", "2011-03-07", "7 maart 2011", "07.03.11", "7 mrt. 2011"]:
        assert kinds(text) == {Kind.BIRTH_DATE}, text
    assert Kind.BIRTH_DATE not in kinds("gesprek op 8-3-2011")  # another date (deduce: a date)


def test_address_postcode_phone_email_and_school():
    assert kinds("woont aan de Oldenzaalsestraat 12a") == {Kind.ADDRESS}
    assert kinds("postcode 7511AB") == {Kind.POSTCODE}
    assert kinds("andere postcode 1234 XY") == {Kind.POSTCODE}
    assert kinds("bel 06-12345678") == {Kind.PHONE}
    assert kinds("bel +31 6 12345678") == {Kind.PHONE}
    assert kinds("mail ouder@example.nl") == {Kind.EMAIL}
    assert kinds("zit op het stedelijk lyceum") == {Kind.ADDRESS}


def test_findings_name_the_field():
    findings = find_identifying_data({"analysis.presenting_problems": "Sanne", "wishes_youth": "niets"}, IDENTITY)
    assert [(f.field, f.kind) for f in findings] == [("analysis.presenting_problems", Kind.NAME)]


NAME = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=2, max_size=15)


@settings(max_examples=200, deadline=None)
@given(
    given_name=NAME,
    family=NAME,
    before=st.sampled_from(["Gesprek met ", "", "Volgens "]),
    after=st.sampled_from([" vandaag.", "", ", die boos werd"]),
)
def test_any_generated_name_is_found_wherever_it_stands(given_name, family, before, after):
    identity = Identity(names=[given_name, family])
    text = f"{before}{given_name} {family}{after}"
    found = find_identifying_data({"t": text}, identity)
    assert {f.kind for f in found} == {Kind.NAME}
    covered = {i for f in found for i in range(f.start, f.end)}
    start = len(before)
    assert set(range(start, start + len(given_name))) <= covered
