"""Issue 11, races around acceptance with real concurrent transactions: an acceptance and a
fall-through on the same offer (both lock orders); two parties record
a refusal at the same moment; a fall-through and the placement start, each arriving
while the other holds the rows (the second is seen waiting for the lock, then loses);
a fall-through against the withdrawal of the accepted request."""

import pytest
from django.utils import timezone

from accounts.models import Role
from capacity.models import AvailabilityChange, Facility
from core.errors import Conflict, Forbidden, TransitionNotAllowed
from core.events import events_for
from intake.models import PlacementRequest, Status
from placement import services
from placement.models import Offer, OfferStatus
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    offer_to,
    provider_membership,
)
from tests.placement.test_fall_through import accepted, fall_through
from tests.placement.test_offer_races import holding_locks, outcome, race


@pytest.fixture(autouse=True)
def no_outbox_delivery(monkeypatch):
    monkeypatch.setattr("core.outbox._schedule_delivery", lambda message_id: None)


def releases(offer):
    return AvailabilityChange.objects.filter(
        facility_id=offer.facility_id, kind=AvailabilityChange.Kind.HOLD_RELEASED, reference=f"offer:{offer.pk}"
    ).count()


def start(placement_request, staff):
    return services.placement_start(
        placement_request=placement_request,
        start_date=timezone.localdate(),
        by=staff,
        membership=provider_membership(staff),
    )


@pytest.mark.django_db(transaction=True)
def test_provider_retracts_while_the_coordinator_records_the_parents_refusal_one_is_recorded(referrer, coordinator):
    placement_request, facility, staff, offer = accepted(referrer, coordinator)
    results = race(
        lambda: fall_through(offer, staff, provider_membership(staff), party="provider", reason_code="no_place"),
        lambda: fall_through(offer, coordinator, coordinator_membership(coordinator), party="parents"),
    )
    wins, losses = outcome(results)
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], TransitionNotAllowed | Conflict)
    offer = Offer.objects.get(pk=offer.pk)
    assert offer.status == OfferStatus.FALLEN_THROUGH
    assert offer.fall_through_party == ("provider" if wins[0] is results[0] else "parents")
    assert Facility.objects.get(pk=facility.pk).held == 0 and releases(offer) == 1
    fallen = [e for e in events_for(placement_request) if e.event_type == "offer_fallen_through"]
    assert len(fallen) == 1
    assert PlacementRequest.objects.get(pk=placement_request.pk).status == Status.MATCHING


@pytest.mark.django_db(transaction=True)
def test_placement_start_arriving_while_a_fall_through_holds_the_rows_waits_and_loses(referrer, coordinator):
    placement_request, facility, staff, offer = accepted(referrer, coordinator)
    first, second, waited = holding_locks(
        lambda: fall_through(offer, coordinator, coordinator_membership(coordinator), party="youth"),
        lambda: start(placement_request, staff),
    )
    assert waited, "the placement start did not wait for the fall-through's lock"
    assert not isinstance(first, Exception), first
    # the provider's relation ended with the fall-through: it may no longer start a placement
    assert isinstance(second, TransitionNotAllowed | Conflict | Forbidden), second
    assert PlacementRequest.objects.get(pk=placement_request.pk).status == Status.MATCHING
    facility = Facility.objects.get(pk=facility.pk)
    assert (facility.held, facility.occupied_internal) == (0, 0)
    assert not Offer.objects.filter(pk=offer.pk, placement__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_fall_through_arriving_while_the_placement_start_holds_the_rows_waits_and_loses(referrer, coordinator):
    placement_request, facility, staff, offer = accepted(referrer, coordinator)
    first, second, waited = holding_locks(
        lambda: start(placement_request, staff),
        lambda: fall_through(offer, coordinator, coordinator_membership(coordinator), party="youth"),
    )
    assert waited, "the fall-through did not wait for the placement start's lock"
    assert not isinstance(first, Exception), first
    assert isinstance(second, TransitionNotAllowed | Conflict), second
    assert PlacementRequest.objects.get(pk=placement_request.pk).status == Status.PLACED
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.ACCEPTED and releases(offer) == 0
    facility = Facility.objects.get(pk=facility.pk)
    assert (facility.held, facility.occupied_internal) == (0, 1)


@pytest.mark.django_db(transaction=True)
def test_fall_through_racing_the_withdrawal_of_the_accepted_request_one_wins(referrer, coordinator):
    placement_request, facility, staff, offer = accepted(referrer, coordinator)
    results = race(
        lambda: fall_through(offer, staff, provider_membership(staff), party="provider", reason_code="no_place"),
        lambda: services.request_withdraw_accepted(
            placement_request=placement_request,
            reason="Elders geholpen",
            by=referrer,
            membership=referrer.memberships.get(),
        ),
    )
    wins, losses = outcome(results)
    assert len(wins) == 1 and len(losses) == 1, results
    offer = Offer.objects.get(pk=offer.pk)
    placement_request = PlacementRequest.objects.get(pk=placement_request.pk)
    if wins[0] is results[0]:
        assert (offer.status, placement_request.status) == (OfferStatus.FALLEN_THROUGH, Status.MATCHING)
    else:
        assert (offer.status, placement_request.status) == (OfferStatus.WITHDRAWN, Status.CLOSED)
    assert Facility.objects.get(pk=facility.pk).held == 0 and releases(offer) == 1


def open_offer(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    return placement_request, facility, staff, offer_to(placement_request, facility, coordinator)


@pytest.mark.django_db(transaction=True)
def test_a_fall_through_arriving_while_the_acceptance_holds_the_offer_waits_then_applies_to_the_accepted_offer(
    referrer, coordinator
):
    placement_request, facility, staff, offer = open_offer(referrer, coordinator)
    first, second, waited = holding_locks(
        lambda: services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff)),
        lambda: fall_through(offer, coordinator, coordinator_membership(coordinator), party="parents"),
    )
    assert waited, "the fall-through did not wait for the acceptance's lock"
    assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
    offer = Offer.objects.get(pk=offer.pk)
    assert (offer.status, offer.fall_through_party) == (OfferStatus.FALLEN_THROUGH, "parents")
    assert PlacementRequest.objects.get(pk=placement_request.pk).status == Status.MATCHING
    assert Facility.objects.get(pk=facility.pk).held == 0 and releases(offer) == 1


@pytest.mark.django_db(transaction=True)
def test_a_fall_through_racing_the_acceptance_never_leaves_a_half_state(referrer, coordinator):
    placement_request, facility, staff, offer = open_offer(referrer, coordinator)
    accepted_result, fallen_result = race(
        lambda: services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff)),
        lambda: fall_through(offer, coordinator, coordinator_membership(coordinator), party="youth"),
    )
    assert not isinstance(accepted_result, Exception), accepted_result
    offer = Offer.objects.get(pk=offer.pk)
    held = Facility.objects.get(pk=facility.pk).held
    status = PlacementRequest.objects.get(pk=placement_request.pk).status
    if isinstance(fallen_result, Exception):  # it came before the acceptance: nothing to refuse yet
        assert isinstance(fallen_result, TransitionNotAllowed | Conflict), fallen_result
        assert (offer.status, status, held, releases(offer)) == (OfferStatus.ACCEPTED, Status.ACCEPTED, 1, 0)
    else:
        assert (offer.status, status, held, releases(offer)) == (OfferStatus.FALLEN_THROUGH, Status.MATCHING, 0, 1)
