"""The identifying-data check where a provider could read the text: the offer service,
the composer (marks in place, override with a reason), the API (problem+json with the
findings, overrides), the withdraw reason, and a walk over everything the provider
receives, so no text escapes the check."""

import datetime
import json

import pytest

from accounts.models import Role
from core.errors import Invalid
from core.models import Event, OutboxMessage
from placement import referral
from placement.anonymisation import find_identifying_data
from placement.models import Offer
from tests.accounts.factories import member
from tests.placement.factories import coordinator_membership, fitting_facility, in_matching, offer_to, youth_data
from tests.placement.identity import assert_no_identity

OVERRIDE_EVENT = "identifying_data_overridden"


def zoe(referrer, coordinator):
    youth = youth_data(
        given_names="Zoë",
        family_name="Jansen",
        birth_date=datetime.date(2010, 5, 14),
        address="Hengelosestraat 12",
    )
    return in_matching(referrer, coordinator, youth=youth)


def problems_of(placement_request, facility, coordinator, texts, overrides=None):
    with pytest.raises(Invalid) as error:
        offer_to_with(placement_request, facility, coordinator, texts, overrides)
    return error.value


def offer_to_with(placement_request, facility, coordinator, texts, overrides=None):
    from placement import services

    return services.offer_create(
        placement_request=placement_request,
        facility_id=facility.pk,
        by=coordinator,
        membership=coordinator_membership(coordinator),
        texts=texts,
        overrides=overrides,
    )


def nothing_written(facility):
    from capacity.models import Facility

    assert not Offer.objects.exists()
    assert not Event.objects.filter(event_type=OVERRIDE_EVENT).exists()
    assert Facility.objects.get(pk=facility.pk).held == 0


EVASIONS = {
    "wishes_youth": "Zoës grootste wens is een eigen kamer.",
    "wishes_parents": "Zo\u00ade mag niet te ver weg.",
    "goals": "Zo\u200be terug naar huis.",
    "origins": "Woonde aan de Hengelosestraat, daarna bij oma.",
    "hypotheses": "Rond 14 mei is zij altijd onrustig; sinds 14-5-'10 bekend.",
    "protective_factors": "Heeft een account @zoe_jansen met veel volgers.",
}


@pytest.mark.django_db
def test_every_evasion_from_the_issue_blocks_sending(referrer, coordinator):
    placement_request = zoe(referrer, coordinator)
    facility = fitting_facility()
    error = problems_of(placement_request, facility, coordinator, EVASIONS)
    assert error.code == "identifying_data"
    named = {(p["name"], p["kind"]) for p in error.invalid_params}
    assert named >= {
        ("texts.wishes_youth", "name"),
        ("texts.wishes_parents", "name"),
        ("texts.goals", "name"),
        ("texts.origins", "address"),
        ("texts.hypotheses", "birth_date"),
        ("texts.protective_factors", "name"),
    }
    hypotheses = [p for p in error.invalid_params if p["name"] == "texts.hypotheses"]
    assert [EVASIONS["hypotheses"][p["start"] : p["end"]] for p in hypotheses] == ["14 mei", "14-5-'10"]
    nothing_written(facility)


@pytest.mark.django_db
def test_deduce_blocks_a_name_the_record_does_not_hold(referrer, coordinator):
    placement_request = zoe(referrer, coordinator)
    facility = fitting_facility()
    texts = {"protective_factors": "Goede band met haar broer Daan en met juf Lotte."}
    error = problems_of(placement_request, facility, coordinator, texts)
    people = [texts["protective_factors"][p["start"] : p["end"]] for p in error.invalid_params]
    assert {p["kind"] for p in error.invalid_params} == {"person"}
    assert {p["source"] for p in error.invalid_params} == {"model"}
    assert any("Daan" in p for p in people) and any("Lotte" in p for p in people)
    nothing_written(facility)


@pytest.mark.django_db
def test_an_override_with_a_reason_sends_and_is_recorded_without_the_value(referrer, coordinator):
    placement_request = zoe(referrer, coordinator)
    facility = fitting_facility()
    texts = {"protective_factors": "Goede band met juf Lotte; houdt van voetbal."}
    error = problems_of(placement_request, facility, coordinator, texts)
    [finding] = error.invalid_params
    reason = "Juf is een rol op de dagbesteding, geen herkenbaar persoon buiten de school."
    offer = offer_to_with(
        placement_request, facility, coordinator, texts, overrides=[{"finding": finding["finding"], "reason": reason}]
    )
    assert offer.referral["analysis"]["protective_factors"] == texts["protective_factors"]
    event = Event.objects.get(event_type=OVERRIDE_EVENT)
    assert event.subject_id == placement_request.pk and event.actor == coordinator
    assert event.details == {
        "offer": offer.pk,
        "field": "protective_factors",
        "kind": "person",
        "source": "model",
        "reason": reason,
    }
    recorded = json.dumps(event.details) + event.reason_code
    assert "Lotte" not in recorded and finding["finding"] not in recorded


@pytest.mark.django_db
def test_overriding_one_finding_leaves_the_others_blocking(referrer, coordinator):
    placement_request = zoe(referrer, coordinator)
    facility = fitting_facility()
    texts = {"goals": "Zoës wens: dicht bij juf Lotte."}
    error = problems_of(placement_request, facility, coordinator, texts)
    assert len(error.invalid_params) == 2
    lotte = next(p for p in error.invalid_params if p["kind"] == "person")
    error = problems_of(
        placement_request, facility, coordinator, texts, [{"finding": lotte["finding"], "reason": "Een rol."}]
    )
    assert [(p["name"], p["kind"]) for p in error.invalid_params] == [("texts.goals", "name")]
    nothing_written(facility)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "override, name, code",
    [
        ({"reason": ""}, "overrides.0.reason", "reason_required"),
        ({"reason": "   "}, "overrides.0.reason", "reason_required"),
        ({"reason": "Lotte is een rol"}, "overrides.0.reason", "reason_repeats_value"),
        ({"finding": "protective_factors:person:0-5:abc", "reason": "Mag"}, "overrides.0.finding", "unknown_finding"),
    ],
)
def test_a_bad_override_is_refused_with_a_clear_message_and_changes_nothing(
    referrer, coordinator, override, name, code
):
    placement_request = zoe(referrer, coordinator)
    facility = fitting_facility()
    texts = {"protective_factors": "Goede band met juf Lotte."}
    [finding] = problems_of(placement_request, facility, coordinator, texts).invalid_params
    error = problems_of(placement_request, facility, coordinator, texts, [{"finding": finding["finding"], **override}])
    bad = [p for p in error.invalid_params if p["name"] == name]
    assert [p["code"] for p in bad] == [code] and bad[0]["reason"]
    nothing_written(facility)


@pytest.mark.django_db
def test_an_override_does_not_carry_over_to_an_edited_text(referrer, coordinator):
    placement_request = zoe(referrer, coordinator)
    facility = fitting_facility()
    [finding] = problems_of(placement_request, facility, coordinator, {"goals": "Juf Lotte helpt."}).invalid_params
    # Same field, kind and position, another name: the override no longer applies.
    error = problems_of(
        placement_request,
        facility,
        coordinator,
        {"goals": "Juf Petra helpt."},
        [{"finding": finding["finding"], "reason": "Een rol."}],
    )
    assert {p["code"] for p in error.invalid_params} == {"identifying_data", "unknown_finding"}
    nothing_written(facility)


# --- the composer -------------------------------------------------------------------------


def composer_data(**texts):
    data = {name: "" for name in referral.OFFER_TEXT_FIELDS}
    data.update(texts)
    return data


@pytest.mark.django_db
def test_the_composer_marks_each_finding_in_place_with_its_kind(client, referrer, coordinator):
    placement_request = zoe(referrer, coordinator)
    facility = fitting_facility()
    client.force_login(coordinator)
    url = f"/coordinator/requests/{placement_request.pk}/offer/{facility.pk}/"
    response = client.post(url, composer_data(goals="Zo\u00ade wil naar juf Lotte.", action="preview"))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<mark class="finding"><span class="visually-hidden">[gevonden: naam van de jeugdige of een ouder] </span>'
        "Zo\u00ade<span" in html
    )
    assert '<span class="visually-hidden">[gevonden: naam van een persoon] </span>' in html
    assert html.count('<mark class="finding">') == 2
    assert html.count('name="override"') == 2
    assert "De controle vond 2 gegevens waarmee de jeugdige herkend kan worden." in html


@pytest.mark.django_db
def test_the_composer_sends_with_an_override_and_refuses_one_without_reason(client, referrer, coordinator):
    placement_request = zoe(referrer, coordinator)
    facility = fitting_facility()
    client.force_login(coordinator)
    url = f"/coordinator/requests/{placement_request.pk}/offer/{facility.pk}/"
    texts = composer_data(goals="Dicht bij juf Lotte blijven.")
    [finding] = referral.offer_findings(placement_request, texts)
    response = client.post(url, {**texts, "action": "send", "override": finding.id})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Geef aan waarom dit gegeven toch in de aanmelding mag staan." in html
    assert 'aria-invalid="true" aria-describedby="override-reason-goals-1-error"' in html
    nothing_written(facility)
    # Without ticking the finding: still blocked, the finding named next to the field.
    response = client.post(url, {**texts, "action": "send"})
    assert response.status_code == 422 and 'id="id_goals-error"' in response.content.decode()
    nothing_written(facility)
    response = client.post(
        url,
        {**texts, "action": "send", "override": finding.id, f"override_reason:{finding.id}": "Een rol, geen persoon."},
    )
    assert response.status_code == 302
    event = Event.objects.get(event_type=OVERRIDE_EVENT)
    assert event.details["field"] == "goals" and event.details["reason"] == "Een rol, geen persoon."
    assert "Lotte" not in json.dumps(event.details)
    detail = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "Herkenbaar gegeven bewust in de aanmelding gelaten" in detail


# --- the API --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_returns_findings_as_problem_json_and_accepts_an_override(api, referrer, coordinator):
    placement_request = zoe(referrer, coordinator)
    facility = fitting_facility()
    api.as_user(coordinator)
    url = f"/api/v1/requests/{placement_request.pk}/offers"
    texts = {"goals": "Zoës wens: dicht bij juf Lotte."}
    response = api.post(url, {"facility": facility.pk, "texts": texts}, format="json")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("#identifying_data")
    params = body["invalid_params"]
    assert {(p["name"], p["kind"]) for p in params} == {("texts.goals", "name"), ("texts.goals", "person")}
    assert {texts["goals"][p["start"] : p["end"]] for p in params} == {"Zoës", "Lotte"}
    assert all("Lotte" not in p["reason"] and "Zo" not in p["reason"] for p in params)
    name = next(p for p in params if p["kind"] == "name")
    person = next(p for p in params if p["kind"] == "person")
    # Bad overrides: all errors at once, nothing written.
    response = api.post(
        url,
        {
            "facility": facility.pk,
            "texts": texts,
            "overrides": [{"finding": person["finding"], "reason": ""}, {"finding": "nope", "reason": "x"}],
        },
        format="json",
    )
    assert response.status_code == 422
    names = {p["name"] for p in response.json()["invalid_params"]}
    assert {"overrides.0.reason", "overrides.1.finding", "texts.goals"} <= names
    response = api.post(url, {"facility": facility.pk, "texts": texts, "overrides": [{"finding": "x"}]}, format="json")
    assert response.status_code == 422 and response.json()["invalid_params"][0]["name"] == "overrides.0.reason"
    nothing_written(facility)
    overrides = [
        {"finding": p["finding"], "reason": "Afgestemd met de jeugdige en de verwijzer."} for p in (name, person)
    ]
    response = api.post(url, {"facility": facility.pk, "texts": texts, "overrides": overrides}, format="json")
    assert response.status_code == 201, response.content
    assert Event.objects.filter(event_type=OVERRIDE_EVENT).count() == 2


# --- the withdraw reason is told to the provider ------------------------------------------


@pytest.mark.django_db
def test_an_identifying_withdraw_reason_is_refused_and_the_provider_told_nothing(referrer, coordinator):
    from placement import services

    placement_request = zoe(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    before = OutboxMessage.objects.filter(recipient=staff).count()
    with pytest.raises(Invalid) as error:
        services.offer_withdraw(
            offer=offer,
            reason="Zoës moeder wil toch niet.",
            by=coordinator,
            membership=coordinator_membership(coordinator),
        )
    assert [(p["name"], p["kind"]) for p in error.value.invalid_params] == [("reason", "name")]
    offer.refresh_from_db()
    assert offer.status == "open" and OutboxMessage.objects.filter(recipient=staff).count() == before


# --- nothing the provider receives escapes the check ---------------------------------------

# Paths in the referral that hold no free text: codes, numbers, the pseudonym, the region.
NOT_FREE_TEXT = {
    "reference",
    "gender",
    "urgency",
    "kind",
    "home_region.code",
    "home_region.name",
    "legal_status.code",
    "legal_status.machtiging_end_month",
    "need_profile.care_types",
    "need_profile.specialisations",
    "need_profile.intensity",
    "need_profile.security",
    "perspective.return_perspective",
    "documents.kind",
}
# Paths that hold words from fixed lists: the labels of the taxonomy and of the code lists
# (the need profile in words, the legal status, the perspective), and the machtiging's
# end month. None of them is typed by a person about this youth.
LABELS = {
    "legal_status.label",
    "legal_status.machtiging_end",
    "need_profile.words.care_types",
    "need_profile.words.specialisations",
    "need_profile.words.intensity",
    "need_profile.words.security",
    "perspective.return_perspective_label",
}
SUMMARY = "need_profile.words.summary"
# The words the one-line need profile adds around the labels.
SUMMARY_WORDS = {"intensiteit", "beveiliging", "specialisaties", "maximaal", "km", "van", "huis"}
SUMMARY_WORDS |= {"huidige", "school", "behouden"}
CHECKED = {
    **{f"{section}.{key}": name for name, (section, key) in referral.TEXT_PATHS.items()},
}


def known_labels() -> set[str]:
    from capacity.models import CareType, Specialisation
    from capacity.selectors import band_labels
    from intake.models import LegalStatus, PerspectivePlan, Security

    labels = set(CareType.objects.values_list("label", flat=True))
    labels |= set(Specialisation.objects.values_list("label", flat=True))
    labels |= set(band_labels().values())
    for choices in (Security, LegalStatus, PerspectivePlan.Return):
        labels |= {str(label) for label in choices.labels}
    return labels


def string_leaves(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from string_leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            yield from string_leaves(item, path)
    elif isinstance(value, str):
        yield path, value


@pytest.mark.django_db
def test_every_text_of_the_referral_is_checked_or_is_no_free_text(referrer, coordinator):
    import re

    from tests.placement.factories import machtiging

    youth = youth_data(given_names="Zoë", family_name="Jansen", birth_date=datetime.date(2010, 5, 14), **machtiging())
    placement_request = in_matching(referrer, coordinator, youth=youth)
    facility = fitting_facility()
    placement_request.documents.update(shareable=True)
    offer = offer_to(placement_request, facility, coordinator)
    leaves = list(string_leaves(offer.referral))
    paths = {path for path, _value in leaves}
    unknown = {path for path in paths if path not in NOT_FREE_TEXT | LABELS | {SUMMARY} and path not in CHECKED}
    assert unknown == set(), f"a text the provider reads is not checked: {unknown}"
    assert set(CHECKED.values()) == set(referral.OFFER_TEXT_FIELDS)
    assert set(CHECKED) <= paths  # every checked text is where the walk looks for it
    # The non-free-text leaves are codes from fixed lists (or the pseudonym / region).
    for path, value in leaves:
        if path in NOT_FREE_TEXT and path not in ("reference", "home_region.name"):
            assert value.replace("-", "").replace("_", "").isalnum() and " " not in value, (path, value)
    # The words are labels of fixed lists, or the month (and year) a machtiging ends.
    labels = known_labels()
    months = re.compile(
        r"^(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) \d{4}$"
    )
    for path, value in leaves:
        if path == "legal_status.machtiging_end":
            assert months.match(value), value
        elif path in LABELS:
            assert value in labels, (path, value)
    # The one-line need profile is those labels joined by a few fixed words, nothing else.
    summary = offer.referral["need_profile"]["words"]["summary"]
    rest = summary
    for label in sorted(labels, key=len, reverse=True):
        rest = rest.replace(label, " ")
    assert set(re.findall(r"[^\W\d]+", rest)) <= SUMMARY_WORDS, rest


@pytest.mark.django_db
def test_the_provider_notifications_and_e_mails_pass_the_check(referrer, coordinator):
    from placement import services

    placement_request = zoe(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_withdraw(
        offer=offer,
        reason="Er is een passender plek gevonden.",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    messages = list(OutboxMessage.objects.filter(recipient=staff))
    assert {(m.channel, m.subject.split()[-1]) for m in messages} == {
        ("email", offer.pseudonym),
        ("in_app", offer.pseudonym),
        ("email", "ingetrokken"),
        ("in_app", "ingetrokken"),
    }
    identity = referral.request_identity(placement_request)
    for message in messages:
        texts = {"subject": message.subject, "body": message.body}
        assert find_identifying_data(texts, identity, model=False) == []
        assert_no_identity(texts, placement_request.youth, "provider notification")
