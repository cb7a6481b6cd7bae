"""Issue 11 point 10: after accepting, the facility no longer stays "Verouderd". The accept
form has a confirmation that the place is really free; it is required when the facility's
availability is stale (or was when offered) and records a fresh availability confirmation
through the capacity service, so acceptance with confirmation makes the facility fresh."""

import pytest

from accounts.models import Role
from capacity import selectors as capacity_selectors
from capacity.models import AvailabilityChange, Facility
from intake.models import Status
from placement import services
from placement.models import OfferStatus
from tests.accounts.factories import member
from tests.placement.factories import fitting_facility, in_matching, offer_to, provider_membership


def stale_offer(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility(fresh=False)
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    assert offer.reconfirm_availability and capacity_selectors.facility_is_stale(facility)
    return placement_request, facility, staff, offer


@pytest.mark.django_db
def test_accepting_with_the_confirmation_makes_the_facility_fresh(client, referrer, coordinator):
    placement_request, facility, staff, offer = stale_offer(referrer, coordinator)
    client.force_login(staff)
    page = client.get(f"/provider/offers/{offer.pk}/").content.decode()
    assert 'name="availability_confirmed"' in page and "(verplicht)" in page
    response = client.post(f"/provider/offers/{offer.pk}/accept/", {"availability_confirmed": "on"})
    assert response.status_code == 302
    offer.refresh_from_db()
    placement_request.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and placement_request.status == Status.ACCEPTED
    assert not capacity_selectors.facility_is_stale(facility)
    assert Facility.objects.get(pk=facility.pk).last_confirmed_by == staff
    assert AvailabilityChange.objects.filter(facility=facility, kind=AvailabilityChange.Kind.CONFIRMED).exists()


@pytest.mark.django_db
def test_accepting_a_stale_offer_without_the_confirmation_is_refused_next_to_the_field(
    client, api, referrer, coordinator
):
    placement_request, facility, staff, offer = stale_offer(referrer, coordinator)
    client.force_login(staff)
    response = client.post(f"/provider/offers/{offer.pk}/accept/", {})
    assert response.status_code == 422 and 'id="id_availability_confirmed-error"' in response.content.decode()
    response = api.as_user(staff).post(f"/api/v1/offers/{offer.pk}/accept", {}, format="json")
    assert response.status_code == 422
    assert [p["name"] for p in response.json()["invalid_params"]] == ["availability_confirmed"]
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN and capacity_selectors.facility_is_stale(facility)
    response = api.as_user(staff).post(
        f"/api/v1/offers/{offer.pk}/accept", {"availability_confirmed": True}, format="json"
    )
    assert response.status_code == 200 and not capacity_selectors.facility_is_stale(facility)


@pytest.mark.django_db
def test_a_fresh_facility_is_accepted_without_the_confirmation(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
