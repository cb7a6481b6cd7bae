"""Screens: matching page, offer composer with findings, provider inbox and offer page
(accept/decline with errors next to fields), placement forms, queue sections, timeline,
page role matrix; and a property-based check that identities never reach the provider."""

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from core.models import AccessLogEntry
from intake.models import Status
from placement.models import Offer
from tests.accounts.factories import member
from tests.placement.factories import fitting_facility, in_matching, offer_to, youth_data
from tests.placement.identity import assert_no_identity


@pytest.mark.django_db
def test_matching_page_composer_and_send(client, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    fits = fitting_facility(name="Groep Zon")
    unfit = fitting_facility(name="Groep Kleintjes", age_min=4, age_max=10)
    client.force_login(coordinator)
    html = client.get(f"/coordinator/requests/{placement_request.pk}/matching/").content.decode()
    assert "Past, met een actuele vrije plek (1)" in html and "Past niet (1)" in html
    assert "Leeftijd 14 valt buiten 4-10 jaar" in html
    assert f"/offer/{unfit.pk}/" not in html and f"/offer/{fits.pk}/" in html
    url = f"/coordinator/requests/{placement_request.pk}/offer/{fits.pk}/"
    page = client.get(url).content.decode()
    assert (
        "Geanonimiseerde aanmelding" in page
        and placement_request.youth.family_name not in page.split("Geanonimiseerde")[1]
    )
    data = {
        name: ""
        for name in (
            "presenting_problems",
            "origins",
            "maintaining_factors",
            "protective_factors",
            "hypotheses",
            "goals",
            "wishes_youth",
            "wishes_parents",
            "placement_goal",
        )
    }
    data.update(goals="Terug naar Petra thuis", action="send")
    response = client.post(url, data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "naam van de jeugdige of een ouder “Petra”" in body and 'aria-invalid="true"' in body
    assert not Offer.objects.exists()
    data.update(goals="Terug naar huis")
    response = client.post(url, data)
    assert response.status_code == 302
    assert Offer.objects.get().referral["analysis"]["goals"] == "Terug naar huis"
    # Unfit facility: the composer refuses.
    page = client.get(f"/coordinator/requests/{placement_request.pk}/offer/{unfit.pk}/").content.decode()
    assert "kan niet worden aangemeld" in page and "Aanmelding versturen" not in page


@pytest.mark.django_db
def test_provider_inbox_decline_errors_accept_and_identity(client, referrer, coordinator, make_member):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    client.force_login(staff)
    inbox = client.get("/provider/offers/").content.decode()
    assert offer.pseudonym in inbox and "Wachten op uw antwoord (1)" in inbox
    response = client.post(f"/provider/offers/{offer.pk}/decline/", {"reason": "staffing", "motivation": ""})
    assert response.status_code == 422
    assert 'id="id_motivation-error"' in response.content.decode()
    page = client.get(f"/provider/offers/{offer.pk}/").content.decode()
    assert offer.pseudonym in page
    assert_no_identity(page, placement_request.youth, "offer page before acceptance")
    assert_no_identity(inbox, placement_request.youth, "inbox")
    client.post(f"/provider/offers/{offer.pk}/accept/")
    page = client.get(f"/provider/offers/{offer.pk}/").content.decode()
    assert placement_request.youth.family_name in page and "Plaatsing starten" in page
    assert AccessLogEntry.objects.filter(user=staff, subject_id=placement_request.youth_id).exists()
    # Other provider: 404; referrer: 403.
    client.force_login(make_member(Role.PROVIDER))
    assert client.get(f"/provider/offers/{offer.pk}/").status_code == 404
    client.force_login(referrer)
    assert client.get(f"/provider/offers/{offer.pk}/").status_code == 403
    # The referrer's timeline names the provider only after acceptance.
    html = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "Aanbieder heeft de aanmelding geaccepteerd" in html and facility.name in html


@pytest.mark.django_db
def test_referrer_timeline_hides_declining_provider(client, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility(name="Groep Geheim")
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    client.force_login(staff)
    client.post(f"/provider/offers/{offer.pk}/decline/", {"reason": "staffing", "motivation": "Vol met ziekte"})
    client.force_login(referrer)
    html = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "Aanbieder heeft de aanmelding afgewezen" in html
    assert "Groep Geheim" not in html and facility.provider.name not in html and "Vol met ziekte" not in html
    client.force_login(coordinator)
    queue = client.get("/coordinator/").content.decode()
    assert "Aanmelding afgewezen: opnieuw matchen" in queue and placement_request.reference in queue
    detail = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "Vol met ziekte" in detail


@pytest.mark.django_db
def test_placement_end_form_errors_next_to_field(client, referrer, coordinator):
    import datetime

    from django.utils import timezone

    from placement import services
    from tests.placement.factories import provider_membership

    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    client.force_login(staff)
    today = timezone.localdate()
    response = client.post(
        f"/requests/{placement_request.pk}/placement/", {"start_date": today.isoformat(), "school": "X"}
    )
    assert response.status_code == 302
    placement = placement_request.__class__.objects.get(pk=placement_request.pk).placement
    response = client.post(
        f"/placements/{placement.pk}/end/",
        {"end_date": (today - datetime.timedelta(days=3)).isoformat(), "reason": "01", "destination": "home"},
    )
    assert response.status_code == 422 and 'id="id_end_date-error"' in response.content.decode()
    response = client.post(
        f"/placements/{placement.pk}/end/",
        {"end_date": today.isoformat(), "reason": "02", "destination": "lighter_care", "needs_new_place": "on"},
    )
    assert response.status_code == 302
    placement_request.refresh_from_db()
    assert placement_request.status == Status.ENDED and placement_request.transfers.count() == 1
    client.force_login(coordinator)
    html = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert 'id="transfer-count">1<' in html


# Generated names are distinctive (no Dutch word on the page can contain them by chance).
NAMES = st.text(alphabet="bcdfghjklmnpqrstvwxzáéëï", min_size=6, max_size=12).map(lambda s: "Xq" + s)
STREETS = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=6, max_size=12).map(lambda s: "Zv" + s + "laan")


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    given=NAMES,
    family=NAMES,
    parent=NAMES,
    street=STREETS,
    number=st.integers(1, 999),
    postcode=st.from_regex(r"[1-9][0-9]{3}[A-Z]{2}", fullmatch=True).filter(lambda p: p[4:] not in ("SA", "SD", "SS")),
)
def test_provider_json_and_html_never_contain_identity(
    client, api, referrer, coordinator, given, family, parent, street, number, postcode
):
    youth = youth_data(
        given_names=given,
        family_name=family,
        address=f"{street} {number}",
        postcode=postcode,
        guardians=[{"name": f"{parent} {family}", "relationship": "moeder", "has_authority": True}],
    )
    placement_request = in_matching(referrer, coordinator, youth=youth)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    client.force_login(staff)
    outputs = [
        client.get(f"/provider/offers/{offer.pk}/").content.decode(),
        client.get("/provider/offers/").content.decode(),
        api.as_user(staff).get(f"/api/v1/offers/{offer.pk}").content.decode(),
        api.as_user(staff).get("/api/v1/offers").content.decode(),
    ]
    for text in outputs:
        assert offer.pseudonym in text
        assert_no_identity(text, placement_request.youth)


@pytest.mark.django_db
def test_request_page_shows_waiting_and_bridging_care(client, referrer, coordinator):
    from placement import services
    from tests.placement.factories import coordinator_membership

    placement_request = in_matching(referrer, coordinator)
    services.request_wait(
        placement_request=placement_request,
        reason="no_fitting_facility",
        bridging_care="Ambulant MST",
        bridging_provider="Wijkteam",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    client.force_login(coordinator)
    html = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert (
        "Er bestaat geen passende voorziening. Overbruggingszorg: Ambulant MST" in html
        and "Terug naar matching" in html
    )
    client.force_login(referrer)
    html = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "Wacht op een passende plek (overbruggingszorg geregeld)" in html


@pytest.mark.django_db
def test_timeline_disclosure_is_the_same_on_screen_and_in_the_api(client, api, referrer, coordinator):
    """One policy: coordinators see the declining provider and its reason, on the request
    page and in GET /requests/{id}/events; the referrer sees neither, in either place."""
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility(name="Groep Geheim")
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    client.force_login(staff)
    client.post(f"/provider/offers/{offer.pk}/decline/", {"reason": "staffing", "motivation": "Vol met ziekte"})
    url = f"/api/v1/requests/{placement_request.pk}/events"

    def declined(user):
        rows = api.as_user(user).get(url).json()
        return next(row for row in rows if row["event_type"] == "offer_declined")

    for_coordinator, for_referrer = declined(coordinator), declined(referrer)
    assert for_coordinator["organisation"] == facility.provider.name
    assert for_referrer["organisation"] is None
    client.force_login(coordinator)
    assert facility.provider.name in client.get(f"/requests/{placement_request.pk}/").content.decode()
    client.force_login(referrer)
    assert facility.provider.name not in client.get(f"/requests/{placement_request.pk}/").content.decode()
