"""Waiting with bridging care, placement start and end, transfers, and the API role
matrix for offers and placements (right role, wrong role 403, outsider 404, nothing changed)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from capacity.models import Facility
from core.models import OutboxMessage
from intake import services as intake_services
from intake.models import Kind, PlacementRequest, Status
from placement import selectors, services
from placement.models import Offer, Placement, Transfer, WaitingPeriod
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    offer_to,
    provider_membership,
)
from tests.placement.identity import assert_no_identity


@pytest.fixture
def accepted(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    placement_request.refresh_from_db()
    return placement_request, facility, staff, offer


@pytest.mark.django_db
def test_waiting_with_bridging_care_and_fitting_place_in_queue(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    membership = coordinator_membership(coordinator)
    full = fitting_facility(free=0)
    services.request_wait(
        placement_request=placement_request,
        reason="fitting_full",
        bridging_care="Ambulant MST",
        bridging_provider="Wijkteam",
        bridging_from=timezone.localdate(),
        by=coordinator,
        membership=membership,
    )
    placement_request.refresh_from_db()
    assert placement_request.status == Status.WAITING
    assert WaitingPeriod.objects.get(request=placement_request, ended_at__isnull=True).bridging_care == "Ambulant MST"
    queue = selectors.coordinator_queue(membership=membership)
    assert placement_request in queue["waiting"] and not queue["waiting_fitting"]
    Facility.objects.filter(pk=full.pk).update(occupied_external=1)  # a place became free
    queue = selectors.coordinator_queue(membership=membership)
    assert [r.pk for r in queue["waiting_fitting"]] == [placement_request.pk]
    offer = offer_to(placement_request, full, coordinator)  # offered straight from waiting
    assert offer.status == "open"
    assert WaitingPeriod.objects.get(request=placement_request).ended_at is not None


@pytest.mark.django_db
def test_wait_needs_reason_and_bridging_care(api, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    response = api.as_user(coordinator).post(
        f"/api/v1/requests/{placement_request.pk}/wait",
        {"reason": "fitting_full", "bridging_care": {"what": ""}},
        format="json",
    )
    assert response.status_code == 422 and [p["name"] for p in response.json()["invalid_params"]] == ["bridging_care"]
    response = api.as_user(coordinator).post(
        f"/api/v1/requests/{placement_request.pk}/wait",
        {
            "reason": "no_fitting_facility",
            "bridging_care": {"what": "Gezinsbehandeling", "by": "Karakter", "since": "2025-01-06"},
        },
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "waiting"


@pytest.mark.django_db
def test_placement_start_and_end_with_transfer(api, accepted, referrer, coordinator):
    placement_request, facility, staff, offer = accepted
    start = timezone.localdate()
    response = api.as_user(staff).post(
        f"/api/v1/requests/{placement_request.pk}/placement",
        {
            "start_date": start.isoformat(),
            "school": "Praktijkschool",
            "handover": "Warme overdracht",
            "transport": "Taxi",
            "funding": "Gemeente Enschede",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    placement = Placement.objects.get()
    assert placement.school == "Praktijkschool"  # read back in clear, stored encrypted (issue 10)
    with connection.cursor() as cursor:
        cursor.execute("SELECT school FROM placement_placement WHERE id = %s", [placement.pk])
        assert "Praktijkschool" not in cursor.fetchone()[0]
    facility.refresh_from_db()
    assert (facility.held, facility.occupied_internal) == (0, 1)
    placement_request.refresh_from_db()
    assert placement_request.status == Status.PLACED
    # End date before start: 422, nothing changed.
    before = (start - datetime.timedelta(days=1)).isoformat()
    response = api.as_user(coordinator).post(
        f"/api/v1/placements/{placement.pk}/end",
        {"end_date": before, "reason": "01", "destination": "home"},
        format="json",
    )
    assert response.status_code == 422 and response.json()["invalid_params"][0]["name"] == "end_date"
    placement.refresh_from_db()
    assert placement.end_date is None
    response = api.as_user(coordinator).post(
        f"/api/v1/placements/{placement.pk}/end",
        {
            "end_date": start.isoformat(),
            "reason": "04",
            "destination": "lighter_care",
            "narrative": "Groep kon veiligheid niet bieden",
            "needs_new_place": True,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    facility.refresh_from_db()
    assert facility.occupied_internal == 0
    new = PlacementRequest.objects.get(kind=Kind.TRANSFER)
    assert response.json()["transfer_request"] == new.pk
    assert (new.status, new.previous_request_id, new.previous_placement_id, new.referral_date) == (
        Status.SUBMITTED,
        placement_request.pk,
        placement.pk,
        start,
    )
    assert new.analysis.goals == placement_request.analysis.goals and new.analysis.version == 1
    assert hasattr(new, "perspective_plan") and hasattr(new, "safety_plan") and new.documents.count() == 1
    assert Transfer.objects.get().new_request == new
    assert selectors.transfers_of_youth(placement_request.youth_id) == 1
    queue = selectors.coordinator_queue(membership=coordinator_membership(coordinator))
    assert new in queue["new"]
    assert OutboxMessage.objects.filter(recipient=staff, subject__contains="beëindigd").exists()
    # Twice: 409.
    response = api.as_user(coordinator).post(
        f"/api/v1/placements/{placement.pk}/end",
        {"end_date": start.isoformat(), "reason": "01", "destination": "home"},
        format="json",
    )
    assert response.status_code == 409


@pytest.mark.django_db
def test_offer_api_role_matrix(api, referrer, coordinator, coordinator_drenthe, make_member):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    other_provider = make_member(Role.PROVIDER)
    url = f"/api/v1/requests/{placement_request.pk}/offers"
    # Wrong role 403, outsider coordinator 404; nothing created.
    assert api.as_user(referrer).post(url, {"facility": facility.pk}, format="json").status_code == 403
    assert api.as_user(staff).post(url, {"facility": facility.pk}, format="json").status_code == 403
    assert api.as_user(coordinator_drenthe).post(url, {"facility": facility.pk}, format="json").status_code == 404
    assert api.as_user(coordinator).post(url, {"facility": facility.pk, "extra": 1}, format="json").status_code == 422
    assert not Offer.objects.exists()
    response = api.as_user(coordinator).post(url, {"facility": facility.pk}, format="json")
    assert response.status_code == 201, response.content
    offer_id = response.json()["id"]
    assert response.json()["provider"]["name"] == facility.provider.name
    # Listing: the provider sees only its own offers, without identities.
    listing = api.as_user(staff).get("/api/v1/offers")
    assert [o["id"] for o in listing.json()["results"]] == [offer_id]
    assert "provider" not in listing.json()["results"][0]
    assert_no_identity(listing, placement_request.youth, "API offers")
    assert api.as_user(other_provider).get("/api/v1/offers").json()["results"] == []
    assert api.as_user(referrer).get("/api/v1/offers").status_code == 403
    # Another provider acting on this offer: 404 and nothing changes.
    for action, body in (("accept", {}), ("decline", {"reason": "staffing", "motivation": "x"})):
        assert (
            api.as_user(other_provider).post(f"/api/v1/offers/{offer_id}/{action}", body, format="json").status_code
            == 404
        )
    assert api.as_user(other_provider).get(f"/api/v1/offers/{offer_id}").status_code == 404
    assert api.as_user(coordinator).post(f"/api/v1/offers/{offer_id}/accept").status_code == 403
    assert (
        api.as_user(staff).post(f"/api/v1/offers/{offer_id}/withdraw", {"reason": "x"}, format="json").status_code
        == 403
    )
    assert (
        api.as_user(coordinator_drenthe)
        .post(f"/api/v1/offers/{offer_id}/withdraw", {"reason": "x"}, format="json")
        .status_code
        == 404
    )
    # Bad declines: 422 naming the field.
    response = api.as_user(staff).post(f"/api/v1/offers/{offer_id}/decline", {"reason": "staffing"}, format="json")
    assert response.status_code == 422 and response.json()["invalid_params"][0]["name"] == "motivation"
    response = api.as_user(staff).post(
        f"/api/v1/offers/{offer_id}/decline", {"reason": "bogus", "motivation": "x"}, format="json"
    )
    assert response.status_code == 422 and response.json()["invalid_params"][0]["name"] == "reason"
    response = api.as_user(staff).post(
        f"/api/v1/offers/{offer_id}/decline", {"reason": "staffing", "motivation": ""}, format="json"
    )
    assert response.status_code == 422 and response.json()["invalid_params"][0]["name"] == "motivation"
    assert Offer.objects.get().status == "open"
    # Before acceptance the provider sees no identity; after, it does.
    detail = api.as_user(staff).get(f"/api/v1/offers/{offer_id}").json()
    assert detail["identity"] is None
    assert_no_identity(detail, placement_request.youth, "API offer")
    accepted = api.as_user(staff).post(f"/api/v1/offers/{offer_id}/accept")
    assert (
        accepted.status_code == 200
        and accepted.json()["identity"]["family_name"] == placement_request.youth.family_name
    )
    assert api.as_user(staff).post(f"/api/v1/offers/{offer_id}/accept").status_code == 409
    # Placement: outsider provider 404, referrer 403.
    body = {"start_date": timezone.localdate().isoformat()}
    assert (
        api.as_user(other_provider)
        .post(f"/api/v1/requests/{placement_request.pk}/placement", body, format="json")
        .status_code
        == 404
    )
    assert (
        api.as_user(referrer)
        .post(f"/api/v1/requests/{placement_request.pk}/placement", body, format="json")
        .status_code
        == 403
    )
    assert not Placement.objects.exists()
    response = api.as_user(coordinator).post(f"/api/v1/requests/{placement_request.pk}/placement", body, format="json")
    assert response.status_code == 201
    placement_id = response.json()["id"]
    end = {"end_date": timezone.localdate().isoformat(), "reason": "01", "destination": "home"}
    assert (
        api.as_user(other_provider).post(f"/api/v1/placements/{placement_id}/end", end, format="json").status_code
        == 404
    )
    assert (
        api.as_user(coordinator_drenthe).post(f"/api/v1/placements/{placement_id}/end", end, format="json").status_code
        == 404
    )
    assert api.as_user(referrer).post(f"/api/v1/placements/{placement_id}/end", end, format="json").status_code == 403
    assert Placement.objects.get().end_date is None
    assert api.as_user(staff).post(f"/api/v1/placements/{placement_id}/end", end, format="json").status_code == 200


@pytest.mark.django_db
def test_withdrawing_a_waiting_request_ends_its_waiting_period(referrer, coordinator):
    from accounts.selectors import membership_with_role
    from placement.models import WaitingReason

    placement_request = in_matching(referrer, coordinator)
    services.request_wait(
        placement_request=placement_request,
        reason=WaitingReason.FITTING_FULL,
        bridging_care="Ambulante gezinsbegeleiding",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    assert WaitingPeriod.objects.filter(request=placement_request, ended_at__isnull=True).count() == 1
    intake_services.request_withdraw(
        placement_request=placement_request,
        by=referrer,
        membership=membership_with_role(referrer, Role.REFERRER),
        reason="Thuis opgelost",
    )
    period = WaitingPeriod.objects.get(request=placement_request)
    assert period.ended_at is not None  # no longer counted as waiting (unmet need)
