"""The identifying-data check (issue 10, point 1): every evasion named in the issue, the
normalisation with its map back to the original text, deduce finding names the record
does not hold, and marking in place."""

from datetime import date

import pytest

from placement import anonymisation
from placement.anonymisation import Identity, Kind, find_identifying_data, mark_segments, normalise

ZOE = Identity(
    names=["Zoë Jansen", "Zoë", "Jansen", "Petra Jansen", "Petra"],
    birth_date=date(2010, 5, 14),
    street="Hengelosestraat",
    house_number="12",
    postcode="7511 AB",
    extra_terms=["Het Stedelijk Lyceum"],
)


def found(text, identity=ZOE, **kwargs):
    return [(f.kind, text[f.start : f.end]) for f in find_identifying_data({"t": text}, identity, **kwargs)]


def kinds(text, identity=ZOE, **kwargs):
    return {kind for kind, _value in found(text, identity, **kwargs)}


@pytest.mark.parametrize(
    "text, value",
    [
        ("Zoës moeder belde.", "Zoës"),  # possessive without apostrophe, with diaeresis
        ("Zoe's moeder belde.", "Zoe's"),
        ("Zoe\u2019s moeder belde.", "Zoe\u2019s"),  # typographic apostrophe
        ("Het Zoetje van de groep.", "Zoetje"),  # diminutive
        ("Jansens vader", "Jansens"),
        ("Zo\u00ade kwam binnen.", "Zo\u00ade"),  # soft hyphen
        ("Zo\u200be kwam binnen.", "Zo\u200be"),  # zero-width space
        ("Zo\u2060e\ufeff kwam binnen.", "Zo\u2060e"),  # word joiner, BOM
        ("ZOË kwam binnen.", "ZOË"),
        ("Ｚｏｅ kwam binnen.", "Ｚｏｅ"),  # full-width (NFKC)
    ],
)
def test_names_with_dutch_suffixes_and_invisible_characters_are_found(text, value):
    assert (Kind.NAME, value) in found(text, model=False)


def test_a_handle_with_underscore_dot_or_at_is_found():
    assert kinds("Volgt @zoe_jansen op Instagram.", model=False) == {Kind.NAME}
    assert [v for k, v in found("Volgt @zoe_jansen op Instagram.", model=False)] == ["zoe_jansen"]
    assert kinds("account zoe.jansen2010", model=False) >= {Kind.NAME}
    assert kinds("mailt naar zoe.jansen@example.nl", model=False) == {Kind.EMAIL}  # the name lies inside


def test_a_street_without_a_house_number_is_found():
    assert found("Woont aan de Hengelosestraat.", model=False) == [(Kind.ADDRESS, "Hengelosestraat")]
    assert found("Hengelosestraat 12", model=False) == [(Kind.ADDRESS, "Hengelosestraat 12")]
    assert found("Hengelosestr. 12", model=False) == [(Kind.ADDRESS, "Hengelosestr. 12")]
    assert found("hengelose\u00adstraat", model=False) == [(Kind.ADDRESS, "hengelose\u00adstraat")]


@pytest.mark.parametrize(
    "text",
    [
        "14 mei",
        "14 mei 2010",
        "14-5",
        "14-5-'10",
        "14/05/10",
        "14-05-2010",
        "2010-05-14",
        "14 mei '10",
        "14e mei",
        "14.5.2010",
        "14 mei \u201910",
    ],
)
def test_the_birth_date_is_found_in_dutch_short_forms_with_and_without_year(text):
    assert found(f"Jarig op {text}, dan feest.", model=False) == [(Kind.BIRTH_DATE, text)]


@pytest.mark.parametrize("text", ["14-5-2011", "15 mei", "14 meisjes", "14-6", "24-5"])
def test_other_dates_and_words_are_not_the_birth_date(text):
    assert Kind.BIRTH_DATE not in kinds(f"Op {text} gebeurde het.", model=False)


def test_normalisation_maps_back_to_the_original_positions():
    text = "Zo\u00adë\u200b’s ﬁets"
    norm = normalise(text)
    assert norm.text == "zoe's fiets"
    start = norm.text.index("fiets")
    assert norm.span(start, start + 5) == (text.index("ﬁ"), len(text))
    assert normalise(text, fold=False).text == "Zoë's fiets"


def test_deduce_finds_a_siblings_a_teachers_and_a_foster_parents_name_the_record_does_not_hold():
    text = "Broer Daan woont bij oma. Juf Lotte merkt veel verzuim. Eerder bij pleegmoeder mevrouw Bakker."
    findings = find_identifying_data({"t": text}, ZOE)
    people = [text[f.start : f.end] for f in findings if f.kind == Kind.PERSON and f.source == "model"]
    assert any("Daan" in p for p in people)
    assert any("Lotte" in p for p in people)
    assert any("Bakker" in p for p in people)
    assert found(text, model=False) == []  # the record alone would have let them through


def test_deduce_finds_places_dates_and_phone_numbers_the_record_does_not_hold():
    text = "Woonde tot 3 maart 2024 in Hengelo; oom bereikbaar op 06-12345678."
    assert {Kind.DATE, Kind.PLACE, Kind.PHONE} <= kinds(text)


def test_deduce_finds_a_name_inside_a_handle():
    assert Kind.PERSON in kinds("Zijn vriend is @Daan_Peters op TikTok.")


TYPICAL = [
    "Jeugdige van 14 jaar met ernstige gedragsproblemen sinds 2019 en 2021, hechtingsproblematiek en "
    "schooluitval. Heeft 3 maanden ambulante hulp gehad; 2 eerdere plaatsingen. Moeder is betrokken.",
    "Meisje met een licht verstandelijke beperking (LVB) en trauma. Sinds maart 2024 is er sprake van "
    "zelfbeschadiging. Moeder en stiefvader zijn overbelast. De Raad voor de Kinderbescherming doet "
    "onderzoek; er is een ondertoezichtstelling (OTS) uitgesproken.",
    "Hij heeft baat bij duidelijke structuur, vaste begeleiders en een voorspelbaar dagritme. Sport "
    "(voetbal) en muziek geven hem rust. Hoop op terugkeer naar huis binnen een jaar.",
    "Werkhypothese: onveilige hechting door wisselende opvoeders; ADHD en autisme spectrum stoornis (ASS) "
    "versterken de problemen. Middelengebruik (cannabis) houdt de onrust in stand.",
    "Doelen: veilig wonen, naar school (VSO), behandeling bij de GGZ, contact met vader herstellen onder "
    "begeleiding van de gezinsvoogd. Ouders willen dat broertjes en zusjes op bezoek kunnen komen; oma "
    "speelt een belangrijke rol.",
    "Zij wil graag een eigen kamer, haar hond mag mee op bezoek, en ze wil haar vriendinnen blijven zien.",
    "Crisisplaatsing na escalatie in het gezin; politie betrokken. Jeugdbescherming heeft een machtiging "
    "gesloten jeugdhulp aangevraagd bij de kinderrechter. Behandeling gericht op emotieregulatie (EMDR, "
    "Agressie Regulatie Training). Sterk: creatief, houdt van tekenen en koken.",
]


@pytest.mark.parametrize("text", TYPICAL)
def test_a_typical_anonymised_care_text_passes(text):
    assert find_identifying_data({"t": text}, ZOE) == []


def test_ages_and_institutions_found_by_deduce_are_not_findings():
    # The referral states the age; care providers are named in ordinary care text.
    assert find_identifying_data({"t": "Jongen van 15 jaar, eerder opgenomen bij Accare."}, ZOE) == []


def test_findings_carry_an_id_bound_to_the_value_and_never_the_value_itself():
    one = find_identifying_data({"t": "Zoë belde."}, ZOE)[0]
    other = find_identifying_data({"t": "Max belde."}, Identity(names=["Max"]))[0]
    assert (one.start, one.end, one.kind) == (other.start, other.end, other.kind)
    assert one.id != other.id  # same place, another value: an override cannot carry over
    assert "zo" not in one.id.split(":")[-1] and "Zo" not in one.id


def test_marking_cuts_the_original_text_into_plain_and_marked_segments():
    text = "Zo\u00ade en Daan wonen aan de Hengelosestraat."
    findings = find_identifying_data({"t": text}, ZOE)
    segments = mark_segments(text, findings)
    assert "".join(s.text for s in segments) == text
    marked = [(s.text, {f.kind for f in s.findings}) for s in segments if s.findings]
    assert marked == [("Zo\u00ade", {Kind.NAME}), ("Daan", {Kind.PERSON}), ("Hengelosestraat", {Kind.ADDRESS})]


def test_deduce_is_loaded_once_per_process():
    first = anonymisation.deduce_model()
    assert anonymisation.deduce_model() is first
    thread = anonymisation.deduce_warm_up()
    thread.join(timeout=60)
    assert anonymisation.deduce_model() is first
    assert anonymisation.model_load_seconds is not None


def test_concurrent_first_use_builds_the_model_once(monkeypatch):
    """Many requests arriving before the model is loaded wait for one construction."""
    import threading
    import time

    import deduce

    built = []

    class SlowDeduce:
        def __init__(self):
            built.append(self)
            time.sleep(0.2)

    real = anonymisation.deduce_model()
    monkeypatch.setattr(anonymisation, "_model", None)
    monkeypatch.setattr(deduce, "Deduce", SlowDeduce)
    results = []
    threads = [threading.Thread(target=lambda: results.append(anonymisation.deduce_model())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1 and all(r is built[0] for r in results) and len(results) == 8
    monkeypatch.setattr(anonymisation, "_model", real)
