"""Races with real concurrent transactions (threads, each with its own connection)."""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role
from capacity.models import AvailabilityChange, Facility
from core.errors import Conflict, DomainError
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
    from rest_framework.test import APIClient

    from accounts.tokens import token_issue

    colleague = member(
        Role.COORDINATOR, organisation=coordinator_membership(coordinator).organisation, regions=[twente]
    )
    placement_request = in_matching(referrer, coordinator)
    a, b = fitting_facility(), fitting_facility()

    def post(user, facility):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user, client='race')[1]}")
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


def holding_locks(first, second, *, timeout=60):
    """`first` runs in a transaction that stays open (its row locks held) until `second`,
    started meanwhile in another connection, is seen waiting for a lock; then `first`
    commits. Returns (first's result, second's result, whether second waited)."""
    results = {}
    first_ran, release, second_done = threading.Event(), threading.Event(), threading.Event()
    second_pid = []

    def call(function):
        try:
            return function()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            return error

    def run_first():
        try:
            with transaction.atomic():
                results["first"] = call(first)
                first_ran.set()
                if not release.wait(timeout):
                    raise RuntimeError("the second call was never seen")
        finally:
            first_ran.set()
            connection.close()

    def run_second():
        try:
            if not first_ran.wait(timeout):
                raise RuntimeError("the first call did not run")
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            results["second"] = call(second)
        finally:
            second_done.set()
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    waited = False
    give_up = time.monotonic() + timeout
    while not second_done.is_set() and time.monotonic() < give_up:
        if second_pid:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [second_pid[0]])
                if cursor.fetchone()[0]:
                    waited = True
                    break
        time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(timeout)
    return results.get("first"), results.get("second"), waited


class Contest:
    """An open offer (deadline days ahead) that the provider accepts while the coordinator
    withdraws it or the expiry job, run as if after the deadline, expires it."""

    def __init__(self, referrer, coordinator, other):
        self.other = other
        self.coordinator = coordinator
        self.placement_request = in_matching(referrer, coordinator)
        self.facility = fitting_facility()
        self.staff = member(Role.PROVIDER, organisation=self.facility.provider)
        self.offer = offer_to(self.placement_request, self.facility, coordinator)
        assert self.offer.deadline > timezone.now() + datetime.timedelta(days=1)  # no deadline decides

    def accept(self):
        return services.offer_accept(offer=self.offer, by=self.staff, membership=provider_membership(self.staff))

    def competitor(self):
        if self.other == "expire":
            return services.offer_expire(
                offer_id=self.offer.pk, now=self.offer.deadline + datetime.timedelta(minutes=1)
            )
        return services.offer_withdraw(
            offer=self.offer,
            reason="Elders geplaatst",
            by=self.coordinator,
            membership=coordinator_membership(self.coordinator),
        )

    def check(self, accept_result, competitor_result):
        """Exactly one wins, the loser is told so, and the rows tell one story."""
        accept_won = isinstance(accept_result, Offer)
        competitor_won = isinstance(competitor_result, Offer)
        assert accept_won + competitor_won == 1, (accept_result, competitor_result)
        loser = competitor_result if accept_won else accept_result
        if not accept_won or self.other == "withdraw":
            assert isinstance(loser, Conflict) and loser.code == "offer_not_open", loser
        else:
            assert loser is None  # the expiry job finds the offer answered and leaves it
        offer = Offer.objects.get(pk=self.offer.pk)
        placement_request = PlacementRequest.objects.get(pk=self.placement_request.pk)
        facility = Facility.objects.get(pk=self.facility.pk)
        released = AvailabilityChange.objects.filter(
            facility=facility, kind=AvailabilityChange.Kind.HOLD_RELEASED, reference=f"offer:{offer.pk}"
        ).count()
        answers = [
            e.event_type
            for e in events_for(placement_request)
            if e.event_type in ("offer_accepted", "offer_expired", "offer_withdrawn")
        ]
        disclosed = events_for(placement_request.youth).filter(event_type="identity_disclosed")
        if accept_won:
            assert (offer.status, placement_request.status) == (OfferStatus.ACCEPTED, Status.ACCEPTED)
            assert (facility.held, released, answers, disclosed.count()) == (1, 0, ["offer_accepted"], 1)
        else:
            status = {"expire": OfferStatus.EXPIRED, "withdraw": OfferStatus.WITHDRAWN}[self.other]
            assert (offer.status, placement_request.status) == (status, Status.MATCHING)
            assert (facility.held, released, answers, disclosed.count()) == (0, 1, [f"offer_{status}"], 0)
        assert Offer.objects.filter(request=placement_request).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("other", ["expire", "withdraw"])
def test_accept_racing_expiry_or_withdrawal_at_the_same_moment_one_wins(referrer, coordinator, other):
    contest = Contest(referrer, coordinator, other)
    accept_result, competitor_result = race(contest.accept, contest.competitor)
    contest.check(accept_result, competitor_result)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("other", ["expire", "withdraw"])
def test_accept_arriving_while_expiry_or_withdrawal_holds_the_offer_loses(referrer, coordinator, other):
    """The competitor has changed the offer but not committed; the accept must wait for
    it and then find the offer no longer open (without locks it would overwrite it)."""
    contest = Contest(referrer, coordinator, other)
    competitor_result, accept_result, waited = holding_locks(contest.competitor, contest.accept)
    assert waited, "the accept did not wait for the competitor's locks"
    assert isinstance(competitor_result, Offer) and isinstance(accept_result, Conflict)
    contest.check(accept_result, competitor_result)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("other", ["expire", "withdraw"])
def test_expiry_or_withdrawal_arriving_while_accept_holds_the_offer_loses(referrer, coordinator, other):
    contest = Contest(referrer, coordinator, other)
    accept_result, competitor_result, waited = holding_locks(contest.accept, contest.competitor)
    assert waited, f"the {other} did not wait for the accept's locks"
    assert isinstance(accept_result, Offer)
    contest.check(accept_result, competitor_result)
