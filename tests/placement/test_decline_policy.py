"""Issue 11 points 7 and 8 through the database and the screens: the group fit in the
matching list; a provider that refused this request (declined, or retracted after
acceptance) comes last among the fitting ones, marked, and a new offer to it needs a
reason (service, composer, API; nothing written without one); parking after a decline
with one of the region's reasons, not after another; lifting it early; no offer while
parked (service and database)."""

import datetime
import re

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.models import Region, Role
from capacity import services as capacity_services
from capacity.models import Facility
from core.errors import Conflict, Invalid
from core.events import events_for
from intake.models import PlacementRequest
from placement import referral, selectors, services
from placement.matching import Group
from placement.models import Offer, OfferStatus
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    offer_to,
    provider_membership,
)


def decline(offer, reason="staffing"):
    staff = member(Role.PROVIDER, organisation=offer.provider)
    return services.offer_decline(
        offer=offer, reason=reason, motivation="Helaas", by=staff, membership=provider_membership(staff)
    )


def matching(coordinator, placement_request):
    return selectors.matching_for_request(
        membership=coordinator_membership(coordinator), placement_request=placement_request
    )


def parking_rules(placement_request, reasons=("no_place",), days=14):
    Region.objects.filter(pk=placement_request.region_id).update(
        decline_parking_reasons=list(reasons), decline_parking_days=days
    )


def composer_data(placement_request, **extra):
    data = dict(referral.offer_default_texts(placement_request))
    data.update(action="send", **extra)
    return data


# --- group fit in the matching list --------------------------------------------------------


@pytest.mark.django_db
def test_matching_page_explains_the_group_fit_and_unknown(client, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)  # a boy of 14
    with_group = fitting_facility(name="Gezinshuis Linde")
    staff = member(Role.PROVIDER, organisation=with_group.provider)
    capacity_services.group_replace(
        facility=with_group,
        residents=[
            {"age": 15, "gender": "female", "level": "average", "machtiging": False},
            {"age": 16, "gender": "female", "level": "average", "machtiging": True},
        ],
        by=staff,
    )
    without = fitting_facility(name="Groep Zonder Opgave")
    client.force_login(coordinator)
    html = client.get(f"/coordinator/requests/{placement_request.pk}/matching/").content.decode()
    assert "Geslachtsverdeling: de jeugdige zou de enige jongen zijn in een groep van 2" in html
    assert "Leeftijd: de groep is 15-16 jaar; met deze jeugdige 2 jaar verschil" in html
    assert "Machtiging: 1 van de 2 groepsgenoten met machtiging; wonen met en zonder machtiging samen mag" in html
    assert "Groepssamenstelling onbekend" in html
    # Soft by default: both offerable, the one without a misfit first.
    rows = [int(x) for x in re.findall(r'data-facility-id="(\d+)"', html)]
    assert rows.index(without.pk) < rows.index(with_group.pk)
    assert f"/offer/{with_group.pk}/" in html
    # Hard in this region: the misfit moves to "Past niet" with the reason.
    Region.objects.filter(pk=placement_request.region_id).update(group_fit_hard=True)
    placement_request.refresh_from_db()
    result = matching(coordinator, placement_request)
    assert result.group_of(with_group.pk) == Group.UNFIT and result.group_of(without.pk) == Group.AVAILABLE
    assert [c.code for c in result.match_of(with_group.pk).failed] == ["group_gender"]


# --- declined provider last, marked, and a reason for a new offer ---------------------------


@pytest.mark.django_db
def test_a_declined_provider_comes_last_marked_and_a_new_offer_needs_a_reason(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    first = fitting_facility(name="Groep Eerst")
    other = fitting_facility(name="Groep Ander")
    decline(offer_to(placement_request, first, coordinator), reason="staffing")
    placement_request.refresh_from_db()
    result = matching(coordinator, placement_request)
    assert [m.facility.facility_id for m in result.available][-1] == first.pk
    assert result.available[0].facility.facility_id == other.pk
    marker = next(c for c in result.match_of(first.pk).criteria if c.code == "declined")
    today = timezone.localdate()
    assert marker.text.startswith("Wees eerder af op ") and marker.text.endswith(": Personele bezetting")
    assert str(today.year) in marker.text
    offers = Offer.objects.count()
    events = len(events_for(placement_request))
    with pytest.raises(Invalid) as error:
        offer_to(placement_request, first, coordinator)
    assert [p["name"] for p in error.value.invalid_params] == ["reoffer_reason"]
    assert Offer.objects.count() == offers and len(events_for(placement_request)) == events
    assert Facility.objects.get(pk=first.pk).held == 0  # no place held
    offer = services.offer_create(
        placement_request=placement_request,
        facility_id=first.pk,
        by=coordinator,
        membership=coordinator_membership(coordinator),
        reoffer_reason="Er komt volgende week personeel bij",
    )
    assert offer.reoffer_reason == "Er komt volgende week personeel bij"
    made = [e for e in events_for(placement_request) if e.event_type == "offer_made"][-1]
    assert made.details["reoffer_reason"] == "Er komt volgende week personeel bij"
    assert "reoffer_reason" not in offer.referral  # the provider does not receive it


@pytest.mark.django_db
def test_a_first_offer_carries_no_reoffer_reason(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    offer = services.offer_create(
        placement_request=placement_request,
        facility_id=facility.pk,
        by=coordinator,
        membership=coordinator_membership(coordinator),
        reoffer_reason="niet nodig",
    )
    assert offer.reoffer_reason == ""


@pytest.mark.django_db
def test_a_retraction_by_the_provider_counts_as_refusal_but_not_one_by_the_parents(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    retracting, refused_by_parents = fitting_facility(), fitting_facility()
    for facility, party in ((retracting, "provider"), (refused_by_parents, "parents")):
        staff = member(Role.PROVIDER, organisation=facility.provider)
        offer = offer_to(placement_request, facility, coordinator)
        services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
        services.offer_fall_through(
            offer=offer,
            party=party,
            reason_code="group_composition",
            motivation="Past niet in de groep",
            by=coordinator,
            membership=coordinator_membership(coordinator),
        )
        placement_request.refresh_from_db()
    result = matching(coordinator, placement_request)
    assert result.match_of(retracting.pk).facility.declined_this_request
    assert "Groepssamenstelling of veiligheid" in result.match_of(retracting.pk).facility.declined_reason
    assert not result.match_of(refused_by_parents.pk).facility.declined_this_request
    assert result.available[-1].facility.facility_id == retracting.pk


@pytest.mark.django_db
def test_composer_asks_for_the_reason_next_to_the_field_and_writes_nothing_without(client, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    decline(offer_to(placement_request, facility, coordinator))
    client.force_login(coordinator)
    matching_html = client.get(f"/coordinator/requests/{placement_request.pk}/matching/").content.decode()
    assert "Wees eerder af op" in matching_html and "Opnieuw aanmelden (met reden)" in matching_html
    url = f"/coordinator/requests/{placement_request.pk}/offer/{facility.pk}/"
    page = client.get(url).content.decode()
    assert 'name="reoffer_reason"' in page and "wees dit verzoek eerder af op" in page
    offers = Offer.objects.count()
    response = client.post(url, composer_data(placement_request))
    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_reoffer_reason-error"' in body and 'aria-describedby="id_reoffer_reason-error"' in body
    assert "Geef aan waarom u opnieuw aanmeldt" in body
    assert Offer.objects.count() == offers
    response = client.post(url, composer_data(placement_request, reoffer_reason="Nieuwe situatie in de groep"))
    assert response.status_code == 302
    assert Offer.objects.get(status=OfferStatus.OPEN).reoffer_reason == "Nieuwe situatie in de groep"


@pytest.mark.django_db
def test_api_reoffer_without_reason_is_problem_json_naming_it(api, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    decline(offer_to(placement_request, facility, coordinator))
    offers = Offer.objects.count()
    client = api.as_user(coordinator)
    response = client.post(f"/api/v1/requests/{placement_request.pk}/offers", {"facility": facility.pk}, format="json")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalid_params"]] == ["reoffer_reason"]
    assert Offer.objects.count() == offers
    response = client.post(
        f"/api/v1/requests/{placement_request.pk}/offers",
        {"facility": facility.pk, "reoffer_reason": "Plek vrijgekomen"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["reoffer_reason"] == "Plek vrijgekomen"


# --- parking ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_decline_with_a_parking_reason_parks_the_request_and_no_offer_is_made(client, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    parking_rules(placement_request, reasons=("no_place",), days=14)
    first, second = fitting_facility(), fitting_facility()
    decline(offer_to(placement_request, first, coordinator), reason="no_place")
    placement_request.refresh_from_db()
    until = timezone.localdate() + datetime.timedelta(days=14)
    assert (placement_request.parked_until, placement_request.parked_reason) == (until, "no_place")
    parked = [e for e in events_for(placement_request) if e.event_type == "request_parked"]
    assert parked and parked[0].details["until"] == until.isoformat()
    with pytest.raises(Conflict) as error:
        offer_to(placement_request, second, coordinator)
    assert error.value.code == "request_parked"
    assert Offer.objects.filter(status=OfferStatus.OPEN).count() == 0
    client.force_login(coordinator)
    date_text = until.strftime("%-d") + " "
    html = client.get(f"/coordinator/requests/{placement_request.pk}/matching/").content.decode()
    assert "Geparkeerd tot " + date_text in html and f"/offer/{second.pk}/" not in html
    home = client.get("/coordinator/").content.decode()
    assert "geparkeerd tot " + date_text in home


@pytest.mark.django_db
def test_a_decline_with_another_reason_does_not_park(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    parking_rules(placement_request, reasons=("no_place",), days=14)
    decline(offer_to(placement_request, fitting_facility(), coordinator), reason="staffing")
    placement_request.refresh_from_db()
    assert placement_request.parked_until is None and not placement_request.is_parked()
    offer_to(placement_request, fitting_facility(), coordinator)  # offered at once


@pytest.mark.django_db
def test_the_database_refuses_an_offer_while_parked(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    PlacementRequest.objects.filter(pk=placement_request.pk).update(
        parked_until=timezone.localdate() + datetime.timedelta(days=3), parked_reason="no_place"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Offer.objects.create(
            request=placement_request,
            facility=facility,
            provider_id=facility.provider_id,
            analysis=placement_request.analysis,
            pseudonym="AM-PARKED1",
            created_by=coordinator,
            deadline=timezone.now() + datetime.timedelta(days=5),
        )
    assert not Offer.objects.exists()


@pytest.mark.django_db
def test_lifting_the_parking_needs_a_reason_and_then_offers_are_possible(client, api, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    parking_rules(placement_request, reasons=("no_place",), days=30)
    decline(offer_to(placement_request, fitting_facility(), coordinator), reason="no_place")
    client.force_login(coordinator)
    url = f"/coordinator/requests/{placement_request.pk}/parking/lift/"
    response = client.post(url, {"reason": "  "})
    body = response.content.decode()
    assert response.status_code == 422 and 'id="id_reason-error"' in body
    response = api.as_user(coordinator).post(
        f"/api/v1/requests/{placement_request.pk}/parking/lift", {"reason": ""}, format="json"
    )
    assert response.status_code == 422 and [p["name"] for p in response.json()["invalid_params"]] == ["reason"]
    placement_request.refresh_from_db()
    assert placement_request.is_parked()
    response = client.post(url, {"reason": "Nieuwe plek bij een andere aanbieder vrijgekomen"})
    assert response.status_code == 302
    placement_request.refresh_from_db()
    assert placement_request.parked_until is None and placement_request.parked_reason == ""
    lifted = [e for e in events_for(placement_request) if e.event_type == "parking_lifted"][-1]
    assert lifted.details["reason"] == "Nieuwe plek bij een andere aanbieder vrijgekomen"
    offer_to(placement_request, fitting_facility(), coordinator)
    with pytest.raises(Conflict):  # nothing to lift any more
        services.request_parking_lift(
            placement_request=placement_request,
            reason="nog eens",
            by=coordinator,
            membership=coordinator_membership(coordinator),
        )
