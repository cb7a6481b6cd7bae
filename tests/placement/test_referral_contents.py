"""What the provider receives (issue 11, point 9): the legal status (a machtiging with its
end month, never the date), the risks and the safety plan, the perspective and the need
profile in words, every new text through the identifying-data check; per offer the
coordinator chooses the documents (by kind) and a deadline (default by urgency, within the
region's bounds). Service, API and composer; bad input names its field and writes nothing."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from accounts.models import Region, Role
from capacity.models import Facility
from core.errors import Invalid
from intake import services as intake_services
from intake.models import PlacementRequest, SafetyPlan
from placement import services
from placement.deadlines import AMSTERDAM, deadline_after, offer_deadline_default, working_days_between
from placement.models import Offer
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    machtiging,
    make_request,
    offer_to,
    pdf_upload,
    provider_membership,
    youth_data,
)
from tests.placement.identity import assert_no_identity

REFERRAL_TEXTS = {
    "presenting_problems",
    "origins",
    "maintaining_factors",
    "protective_factors",
    "hypotheses",
    "goals",
    "wishes_youth",
    "wishes_parents",
    "placement_goal",
    "safety_risks",
    "safety_agreements",
    "return_explanation",
}


def nothing_written(facility):
    assert not Offer.objects.exists()
    assert Facility.objects.get(pk=facility.pk).held == 0


def with_two_documents(referrer, coordinator, **kwargs):
    """A request in matching with a zorgvraag and a veiligheidsplan, both shareable."""
    from accounts.selectors import membership_with_role

    placement_request = make_request(referrer, **kwargs)
    membership = membership_with_role(referrer, Role.REFERRER)
    intake_services.document_upload(
        placement_request=placement_request,
        upload=pdf_upload("veiligheid.pdf"),
        kind="veiligheidsplan",
        title="Veiligheidsplan",
        by=referrer,
        membership=membership,
    )
    intake_services.request_submit(placement_request=placement_request, by=referrer, membership=membership)
    intake_services.request_triage(
        placement_request=placement_request,
        decision="matching",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    placement_request.documents.update(shareable=True)
    return PlacementRequest.objects.get(pk=placement_request.pk)


def create(placement_request, facility, coordinator, **kwargs):
    return services.offer_create(
        placement_request=placement_request,
        facility_id=facility.pk,
        by=coordinator,
        membership=coordinator_membership(coordinator),
        **kwargs,
    )


# --- what the referral holds ------------------------------------------------------------


@pytest.mark.django_db
def test_the_referral_holds_legal_status_risks_perspective_and_the_need_profile_in_words(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator, youth=youth_data(**machtiging(days=200)))
    end = placement_request.youth.machtiging_end_date
    offer = offer_to(placement_request, fitting_facility(), coordinator)
    sent = offer.referral
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober"]
    months += ["november", "december"]
    assert sent["legal_status"] == {
        "code": "machtiging_gj",
        "label": "Machtiging gesloten jeugdzorg",
        "machtiging_end_month": end.strftime("%Y-%m"),
        "machtiging_end": f"{months[end.month - 1]} {end.year}",
    }
    # The exact end date is nowhere in what the provider receives.
    body = json.dumps(sent)
    assert end.isoformat() not in body and end.strftime("%d-%m-%Y") not in body
    assert sent["safety_plan"] == {"risks": "Weglopen bij spanning", "agreements": "Dagelijks contact met mentor"}
    assert "Crisisdienst" not in body  # the plan's contacts come with the identity, after acceptance
    assert sent["perspective"]["return_perspective"] == "home"
    assert sent["perspective"]["return_perspective_label"] == "Terug naar huis"
    assert sent["perspective"]["expected_duration_months"] == 9
    words = sent["need_profile"]["words"]
    assert words["care_types"] == ["Behandelgroep", "Kleinschalige woonvoorziening (open)"]
    assert words["intensity"] == "M (5,5-6 uur per etmaal)" and words["security"] == "Open"
    assert words["summary"] == (
        "Behandelgroep, Kleinschalige woonvoorziening (open); intensiteit M (5,5-6 uur per etmaal); beveiliging: Open; "
        "specialisaties: Trauma; maximaal 40 km van huis; huidige school behouden"
    )


@pytest.mark.django_db
def test_an_ots_has_no_end_month_and_the_referral_is_written_in_dutch_whoever_sends_it(referrer, coordinator):
    from django.utils import translation

    placement_request = in_matching(referrer, coordinator, youth=youth_data(legal_status="ots"))
    with translation.override("en"):
        offer = offer_to(placement_request, fitting_facility(), coordinator)
    assert offer.referral["legal_status"]["label"] == "Ondertoezichtstelling (OTS)"
    assert offer.referral["legal_status"]["machtiging_end_month"] is None
    assert offer.referral["need_profile"]["words"]["summary"].startswith("Behandelgroep")


@pytest.mark.django_db
def test_the_provider_page_shows_legal_status_risks_perspective_and_need_profile_in_words(
    client, referrer, coordinator
):
    placement_request = in_matching(referrer, coordinator, youth=youth_data(**machtiging(days=200)))
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    client.force_login(staff)
    page = client.get(f"/provider/offers/{offer.pk}/").content.decode()
    assert "Machtiging gesloten jeugdzorg · loopt af in" in page
    assert "Weglopen bij spanning" in page and "Dagelijks contact met mentor" in page
    assert "Terug naar huis · verwachte duur 9 maanden" in page
    assert "Behandelgroep, Kleinschalige woonvoorziening (open); intensiteit M (5,5-6 uur per etmaal)" in page
    assert "kwv-open" not in page and "behandelgroep," not in page
    assert_no_identity(page, placement_request.youth, "offer page before acceptance")


# --- the new texts pass the identifying-data check -----------------------------------------


@pytest.mark.django_db
def test_the_safety_plan_and_perspective_texts_go_through_the_check(referrer, coordinator):
    youth = youth_data(given_names="Zoë", family_name="Jansen")
    placement_request = in_matching(referrer, coordinator, youth=youth)
    facility = fitting_facility()
    texts = {
        "safety_risks": "Zoë loopt weg naar de Hoofdstraat.",
        "safety_agreements": "Bel moeder op 06-41234567.",
        "return_explanation": "Terug bij Petra Jansen wonen.",
    }
    with pytest.raises(Invalid) as error:
        create(placement_request, facility, coordinator, texts=texts)
    named = {(p["name"], p["kind"]) for p in error.value.invalid_params}
    assert {("texts.safety_risks", "name"), ("texts.safety_agreements", "phone")} <= named
    assert ("texts.return_explanation", "name") in named
    nothing_written(facility)


@pytest.mark.django_db
def test_the_referrers_own_safety_plan_is_checked_before_it_is_sent(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator, youth=youth_data(given_names="Zoë"))
    SafetyPlan.objects.filter(request=placement_request).update(risks="Zoë loopt weg bij spanning.")
    facility = fitting_facility()
    with pytest.raises(Invalid) as error:
        create(placement_request, facility, coordinator)  # the default texts, unedited
    assert [(p["name"], p["kind"]) for p in error.value.invalid_params] == [("texts.safety_risks", "name")]
    nothing_written(facility)
    offer = create(placement_request, facility, coordinator, texts={"safety_risks": "Loopt weg bij spanning."})
    assert offer.referral["safety_plan"]["risks"] == "Loopt weg bij spanning."


# --- documents by kind, per offer --------------------------------------------------------


@pytest.mark.django_db
def test_only_the_chosen_kinds_go_along_and_open_after_acceptance(client, referrer, coordinator):
    placement_request = with_two_documents(referrer, coordinator)
    zorgvraag = placement_request.documents.get(kind="zorgvraag")
    safety = placement_request.documents.get(kind="veiligheidsplan")
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = create(placement_request, facility, coordinator, document_kinds=["zorgvraag"])
    assert offer.referral["documents"] == [{"id": zorgvraag.pk, "kind": "zorgvraag"}]
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    client.force_login(staff)
    page = client.get(f"/provider/offers/{offer.pk}/").content.decode()
    assert "Zorgvraagdossier" in page and "Veiligheidsplan (bijlage)" not in page
    assert client.get(f"/provider/offers/{offer.pk}/documents/{zorgvraag.pk}/").status_code == 200
    assert client.get(f"/provider/offers/{offer.pk}/documents/{safety.pk}/").status_code == 404


@pytest.mark.django_db
def test_without_a_choice_every_shareable_kind_goes_and_an_empty_choice_sends_none(referrer, coordinator):
    placement_request = with_two_documents(referrer, coordinator)
    draft = services.offer_draft_check(placement_request=placement_request)
    assert draft.document_kinds == {"zorgvraag", "veiligheidsplan"}
    offer = create(placement_request, fitting_facility(), coordinator, document_kinds=[])
    assert offer.referral["documents"] == []


@pytest.mark.django_db
def test_a_kind_without_a_shareable_document_is_refused_naming_document_kinds(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)  # one zorgvraag, not shareable
    facility = fitting_facility()
    with pytest.raises(Invalid) as error:
        create(placement_request, facility, coordinator, document_kinds=["zorgvraag"])
    assert [p["name"] for p in error.value.invalid_params] == ["document_kinds"]
    nothing_written(facility)


# --- the deadline: default by urgency, within the region's bounds ---------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("urgency", ["regular", "urgent", "crisis"])
def test_the_default_deadline_follows_the_urgency_and_the_regions_settings(referrer, coordinator, urgency):
    Region.objects.filter(code="JZ14").update(
        offer_response_working_days=6, offer_response_working_days_urgent=3, offer_response_hours_crisis=30
    )
    placement_request = in_matching(referrer, coordinator)
    PlacementRequest.objects.filter(pk=placement_request.pk).update(urgency=urgency)
    placement_request.refresh_from_db()
    offer = offer_to(placement_request, fitting_facility(), coordinator)
    local = timezone.localtime(offer.deadline, AMSTERDAM)
    if urgency == "crisis":
        assert offer.deadline - offer.created_at == datetime.timedelta(hours=30)
    else:
        days = {"regular": 6, "urgent": 3}[urgency]
        assert working_days_between(timezone.localdate(offer.created_at), local.date()) == days
        assert (local.hour, local.minute) == (23, 59)


def test_the_default_rule_by_urgency_on_a_fixed_moment():
    class Settings:
        offer_response_working_days = 5
        offer_response_working_days_urgent = 2
        offer_response_hours_crisis = 24

    monday = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
    assert offer_deadline_default(Settings, "regular", monday) == deadline_after(monday, 5)
    assert offer_deadline_default(Settings, "urgent", monday) == datetime.datetime(
        2026, 11, 25, 23, 59, 59, tzinfo=AMSTERDAM
    )
    tomorrow_ten = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=AMSTERDAM)
    assert offer_deadline_default(Settings, "crisis", monday) == tomorrow_ten


@pytest.mark.django_db
def test_a_deadline_within_the_bounds_is_kept_and_one_outside_is_refused(referrer, coordinator):
    region = Region.objects.get(code="JZ14")  # bounds: 4 hours .. 10 working days
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    now = timezone.now()
    for deadline, code in (
        (now + datetime.timedelta(hours=region.offer_deadline_min_hours) - datetime.timedelta(minutes=5), "too_soon"),
        (deadline_after(now, region.offer_deadline_max_working_days) + datetime.timedelta(minutes=1), "too_late"),
        (now - datetime.timedelta(days=1), "too_soon"),
    ):
        with pytest.raises(Invalid) as error:
            create(placement_request, facility, coordinator, deadline=deadline)
        assert [(p["name"], p["code"]) for p in error.value.invalid_params] == [("deadline", f"deadline_{code}")]
        nothing_written(facility)
    chosen = deadline_after(now, region.offer_deadline_max_working_days)
    offer = create(placement_request, facility, coordinator, deadline=chosen)
    assert offer.deadline == chosen


@pytest.mark.django_db
def test_every_problem_of_one_offer_at_once(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator, youth=youth_data(given_names="Zoë"))
    facility = fitting_facility()
    with pytest.raises(Invalid) as error:
        create(
            placement_request,
            facility,
            coordinator,
            texts={"goals": "Zoë wil naar huis."},
            document_kinds=["analyse"],
            deadline=timezone.now() + datetime.timedelta(minutes=10),
        )
    assert {p["name"] for p in error.value.invalid_params} == {"texts.goals", "document_kinds", "deadline"}
    nothing_written(facility)


# --- API ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_create_offer_takes_document_kinds_and_deadline(api, referrer, coordinator):
    placement_request = with_two_documents(referrer, coordinator)
    facility = fitting_facility()
    deadline = deadline_after(timezone.now(), 3)
    response = api.as_user(coordinator).post(
        f"/api/v1/requests/{placement_request.pk}/offers",
        {"facility": facility.pk, "document_kinds": ["veiligheidsplan"], "deadline": deadline.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [d["kind"] for d in body["referral"]["documents"]] == ["veiligheidsplan"]
    assert Offer.objects.get().deadline == deadline
    words = body["referral"]["need_profile"]["words"]
    assert words["care_types"] == ["Behandelgroep", "Kleinschalige woonvoorziening (open)"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extra, names",
    [
        ({"deadline": "morgen"}, {"deadline"}),
        ({"document_kinds": ["foto"]}, {"document_kinds.0"}),
        ({"document_kinds": "zorgvraag"}, {"document_kinds"}),
        ({"deadline": "2020-01-01T12:00:00+01:00", "document_kinds": ["analyse"]}, {"deadline", "document_kinds"}),
    ],
)
def test_api_bad_deadline_or_document_kinds_is_problem_json_and_writes_nothing(
    api, referrer, coordinator, extra, names
):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    response = api.as_user(coordinator).post(
        f"/api/v1/requests/{placement_request.pk}/offers", {"facility": facility.pk, **extra}, format="json"
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert {p["name"] for p in response.json()["invalid_params"]} == names
    nothing_written(facility)


@pytest.mark.django_db
def test_openapi_documents_document_kinds_and_deadline(api, coordinator):
    schema = api.as_user(coordinator).get("/api/v1/openapi.json").json()
    fields = schema["components"]["schemas"]["OfferCreateInput"]["properties"]
    assert fields["deadline"]["format"] == "date-time" and "description" in fields["deadline"]
    assert fields["document_kinds"]["type"] == "array" and "description" in fields["document_kinds"]
    assert {"safety_risks", "safety_agreements", "return_explanation"} <= set(
        schema["components"]["schemas"]["OfferTextsInput"]["properties"]
    )


# --- the composer --------------------------------------------------------------------------


def compose_url(placement_request, facility):
    return f"/coordinator/requests/{placement_request.pk}/offer/{facility.pk}/"


def composer_post(placement_request, **changes):
    from placement import referral

    data = dict(referral.offer_default_texts(placement_request))
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_composer_shows_the_preview_first_with_the_words_marked_and_send_after_it(client, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator, youth=youth_data(given_names="Zoë"))
    facility = fitting_facility()
    client.force_login(coordinator)
    response = client.post(
        compose_url(placement_request, facility),
        composer_post(placement_request, safety_risks="Zoë loopt weg bij spanning.", action="preview"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    preview, form = html.index('id="preview"'), html.index('class="composer-form"')
    textarea, send = html.index('id="id_presenting_problems"'), html.index("Aanmelding versturen")
    assert preview < form < textarea < send
    # The word is marked in place in the preview, and named in words next to its field.
    marked = html[preview:form]
    assert '<span class="visually-hidden">[gevonden: naam van de jeugdige of een ouder] </span>Zoë<span' in marked
    assert "naam van de jeugdige of een ouder “Zoë”" in html[form:]
    assert 'id="id_safety_risks-error"' in html and "tekens" not in html
    # Each text posts itself through htmx as the coordinator types; the page carries no script.
    assert 'hx-post="' + compose_url(placement_request, facility) + '"' in html
    assert 'hx-select="#preview"' in html and "#findings-safety_risks" in html
    assert "<script>" not in html


@pytest.mark.django_db
def test_the_composer_prefills_the_deadline_by_urgency_and_lists_the_shareable_kinds(client, referrer, coordinator):
    placement_request = with_two_documents(referrer, coordinator)
    PlacementRequest.objects.filter(pk=placement_request.pk).update(urgency="crisis")
    facility = fitting_facility()
    client.force_login(coordinator)
    html = client.get(compose_url(placement_request, facility)).content.decode()
    expected = timezone.localtime(timezone.now() + datetime.timedelta(hours=24), AMSTERDAM)
    assert f'value="{expected.strftime("%Y-%m-%dT")}' in html  # tomorrow, to the minute
    assert 'name="document_kinds" value="zorgvraag"' in html and 'value="veiligheidsplan"' in html
    for kind in ("zorgvraag", "veiligheidsplan"):  # both go along unless the coordinator unticks one
        assert re.search(rf'name="document_kinds" value="{kind}"[^>]*checked', html), kind


@pytest.mark.django_db
def test_the_composer_shows_every_error_at_once_and_writes_nothing(client, referrer, coordinator):
    placement_request = with_two_documents(referrer, coordinator, youth=youth_data(given_names="Zoë"))
    facility = fitting_facility()
    client.force_login(coordinator)
    too_late = timezone.localtime(timezone.now() + datetime.timedelta(days=60))
    response = client.post(
        compose_url(placement_request, facility),
        composer_post(
            placement_request,
            goals="Zoë wil naar huis.",
            document_kinds=["zorgvraag", "foto"],
            deadline=too_late.strftime("%Y-%m-%dT%H:%M"),
            action="send",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 422
    for field in ("goals", "document_kinds", "deadline"):
        assert f'id="id_{field}-error"' in html, field
    assert "Niet alles is goed ingevuld" in html
    nothing_written(facility)
    # Fixed: the out-of-bounds deadline is a message naming the bound, then it sends.
    response = client.post(
        compose_url(placement_request, facility),
        composer_post(
            placement_request,
            goals="Wil naar huis.",
            document_kinds=["veiligheidsplan"],
            deadline=too_late.strftime("%Y-%m-%dT%H:%M"),
            action="send",
        ),
    )
    assert response.status_code == 422 and "hoogstens 10 werkdagen" in response.content.decode()
    nothing_written(facility)
    chosen = timezone.localtime(deadline_after(timezone.now(), 2)).replace(second=0)
    response = client.post(
        compose_url(placement_request, facility),
        composer_post(
            placement_request,
            goals="Wil naar huis.",
            document_kinds=["veiligheidsplan"],
            deadline=chosen.strftime("%Y-%m-%dT%H:%M"),
            action="send",
        ),
    )
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.deadline == chosen and [d["kind"] for d in offer.referral["documents"]] == ["veiligheidsplan"]
