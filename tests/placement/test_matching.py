"""Matching from the database: the three lists, explanations, refusals marked, constant
query count, and that a facility that does not fit can never be offered."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from capacity.models import Facility
from core.errors import Invalid
from intake import selectors as intake_selectors
from intake.models import Status
from placement import selectors, services
from placement.matching import Group
from tests.accounts.factories import member
from tests.capacity.factories import care_type, municipality
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    offer_to,
    provider_membership,
)


@pytest.mark.django_db
def test_three_lists_with_explanations(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    near = fitting_facility(name="Dichtbij")
    far = fitting_facility(name="Ver weg", municipality=municipality("GM0106"))  # Assen, Drenthe
    far.regions_served.set([placement_request.region])
    full = fitting_facility(name="Vol", free=0)
    stale = fitting_facility(name="Verouderd", fresh=False)
    girls_only = fitting_facility(name="Meidengroep", genders=["female"])
    closed = fitting_facility(name="Gesloten", security_level="closed", care_type=care_type("jeugdzorgplus"))
    result = selectors.matching_for_request(
        membership=coordinator_membership(coordinator), placement_request=placement_request
    )
    assert [m.facility.facility_id for m in result.available] == [near.pk, far.pk]  # own region first
    assert {m.facility.facility_id for m in result.full} == {full.pk, stale.pk}
    unfit = {m.facility.facility_id: [c.code for c in m.failed] for m in result.unfit}
    assert unfit[girls_only.pk] == ["gender"]
    assert set(unfit[closed.pk]) == {"care_type", "security"}
    texts = [c.text for c in result.match_of(girls_only.pk).criteria]
    assert "Geslacht wordt hier niet opgenomen" in texts
    assert any("km van de woongemeente" in t for t in texts)


@pytest.mark.django_db
def test_provider_that_declined_is_marked(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_decline(
        offer=offer,
        reason="staffing",
        motivation="Te weinig personeel",
        by=staff,
        membership=provider_membership(staff),
    )
    result = selectors.matching_for_request(
        membership=coordinator_membership(coordinator), placement_request=placement_request
    )
    match = result.match_of(facility.pk)
    assert match.group == Group.AVAILABLE and match.facility.declined_this_request
    declined = [c for c in match.criteria if c.code == "declined"]
    assert declined and declined[0].text.startswith("Wees eerder af op ") and "Personele bezetting" in declined[0].text


@pytest.mark.django_db
def test_query_count_does_not_grow_with_facilities(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    membership = coordinator_membership(coordinator)
    fitting_facility()

    def run():
        loaded = intake_selectors.request_get(membership=membership, pk=placement_request.pk, log=False)
        return selectors.matching_for_request(membership=membership, placement_request=loaded)

    with CaptureQueriesContext(connection) as few:
        run()
    for _ in range(15):
        fitting_facility()
    with CaptureQueriesContext(connection) as many:
        result = run()
    assert len(result.available) == 16
    # issue 11 added one query: the current groups of the small homes; issue 12 one: the
    # active intensity bands (their order scores the intensity); issue 16 one: the outcome of
    # earlier placements for the rows shown (placement.selectors.outcomes.matching_outcomes)
    assert len(many.captured_queries) == len(few.captured_queries) <= 9


@pytest.mark.django_db
def test_a_facility_that_does_not_fit_can_never_be_offered(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    too_young = fitting_facility(age_min=4, age_max=10, free=5)
    with pytest.raises(Invalid) as error:
        offer_to(placement_request, too_young, coordinator)
    assert error.value.invalid_params[0]["name"] == "facility"
    assert "buiten 4-10 jaar" in error.value.invalid_params[0]["reason"]
    placement_request.refresh_from_db()
    assert placement_request.status == Status.MATCHING and not placement_request.offers.exists()
    assert Facility.objects.get(pk=too_young.pk).held == 0


@pytest.mark.django_db
def test_matching_api_lists_groups(api, referrer, coordinator, coordinator_drenthe):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    response = api.as_user(coordinator).get(f"/api/v1/requests/{placement_request.pk}/matches")
    assert response.status_code == 200
    body = response.json()
    assert [row["facility"]["id"] for row in body["available"]] == [facility.pk]
    assert {c["code"] for c in body["available"][0]["criteria"]} >= {"care_type", "age", "gender", "security", "active"}
    assert api.as_user(coordinator_drenthe).get(f"/api/v1/requests/{placement_request.pk}/matches").status_code == 404
    assert api.as_user(referrer).get(f"/api/v1/requests/{placement_request.pk}/matches").status_code == 403
