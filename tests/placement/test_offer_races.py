"""Races with real concurrent transactions (threads, each with its own connection)."""

import threading

import pytest
from django.db import connection

from accounts.models import Role
from capacity.models import Facility
from core.errors import DomainError
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


@pytest.fixture(autouse=True)
def no_outbox_delivery(monkeypatch):
    """Delivery is not under test here; a worker delivering while the transactional test
    database is flushed would only add noise."""
    monkeypatch.setattr("core.outbox._schedule_delivery", lambda message_id: None)


def race(*calls):
    """Run the calls at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def outcome(results):
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, Exception)]
    return wins, losses


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_offer_the_same_request_one_wins(referrer, coordinator, twente):
    colleague = member(
        Role.COORDINATOR, organisation=coordinator_membership(coordinator).organisation, regions=[twente]
    )
    placement_request = in_matching(referrer, coordinator)
    a, b = fitting_facility(), fitting_facility()
    wins, losses = outcome(
        race(lambda: offer_to(placement_request, a, coordinator), lambda: offer_to(placement_request, b, colleague))
    )
    assert len(wins) == 1 and len(losses) == 1
    assert isinstance(losses[0], DomainError) and losses[0].status == 409
    assert Offer.objects.filter(request=placement_request, status=OfferStatus.OPEN).count() == 1
    assert Facility.objects.get(pk=a.pk).held + Facility.objects.get(pk=b.pk).held == 1


@pytest.mark.django_db(transaction=True)
def test_api_two_coordinators_one_201_one_409(referrer, coordinator, twente):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    colleague = member(
        Role.COORDINATOR, organisation=coordinator_membership(coordinator).organisation, regions=[twente]
    )
    placement_request = in_matching(referrer, coordinator)
    a, b = fitting_facility(), fitting_facility()

    def post(user, facility):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return client.post(
            f"/api/v1/requests/{placement_request.pk}/offers", {"facility": facility.pk}, format="json"
        ).status_code

    assert sorted(race(lambda: post(coordinator, a), lambda: post(colleague, b))) == [201, 409]


@pytest.mark.django_db(transaction=True)
def test_two_requests_race_for_the_last_free_place(referrer, coordinator):
    first, second = in_matching(referrer, coordinator), in_matching(referrer, coordinator)
    last = fitting_facility(free=1)
    wins, losses = outcome(
        race(lambda: offer_to(first, last, coordinator), lambda: offer_to(second, last, coordinator))
    )
    assert len(wins) == 1 and len(losses) == 1 and losses[0].code == "no_free_place"
    facility = Facility.objects.get(pk=last.pk)
    assert (facility.held, facility.places_free) == (1, 0)
    assert sorted(PlacementRequest.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == [
        Status.MATCHING,
        Status.OFFERED,
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("other", ["expire", "withdraw"])
def test_accept_racing_expiry_or_withdrawal_exactly_one_wins(referrer, coordinator, other):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    Offer.objects.filter(pk=offer.pk).update(deadline=offer.created_at + __import__("datetime").timedelta(seconds=1))
    import time

    time.sleep(1.1)

    def accept():
        return services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))

    def competitor():
        if other == "expire":
            result = services.offer_expire(offer_id=offer.pk)
            if result is None:
                raise RuntimeError("nothing to expire")
            return result
        return services.offer_withdraw(
            offer=offer, reason="Elders geplaatst", by=coordinator, membership=coordinator_membership(coordinator)
        )

    wins, losses = outcome(race(accept, competitor))
    assert len(wins) == 1 and len(losses) == 1
    offer.refresh_from_db()
    placement_request.refresh_from_db()
    facility.refresh_from_db()
    if offer.status == OfferStatus.ACCEPTED:
        assert placement_request.status == Status.ACCEPTED and facility.held == 1
    else:
        assert offer.status == {"expire": OfferStatus.EXPIRED, "withdraw": OfferStatus.WITHDRAWN}[other]
        assert placement_request.status == Status.MATCHING and facility.held == 0
    assert Offer.objects.filter(request=placement_request).count() == 1
