"""Issue 11 point 10: fewer, grouped notifications. The referrer is told only the steps
that concern it (`intake.services.workflow.referrer_told`), in the app as ONE unread item
per request (updated to the latest step, with a count), by e-mail only where it must act
or the request reached an outcome."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from core.models import Notification, OutboxMessage
from core.outbox import outbox_deliver, outbox_enqueue, outbox_pending_ids
from intake.models import Status
from intake.services.workflow import referrer_told
from placement import services
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    offer_to,
    provider_membership,
)


def deliver_all():
    for pk in outbox_pending_ids():
        outbox_deliver(pk)


def referrer_messages(referrer, channel):
    return OutboxMessage.objects.filter(recipient=referrer, channel=channel)


def straight_line(referrer, coordinator):
    """Submit, triage into matching, a decline, a second offer, acceptance, placement, end."""
    placement_request = in_matching(referrer, coordinator)
    first = fitting_facility()
    first_staff = member(Role.PROVIDER, organisation=first.provider)
    offer = offer_to(placement_request, first, coordinator)
    services.offer_decline(
        offer=offer,
        reason="no_place",
        motivation="Groep vol",
        by=first_staff,
        membership=provider_membership(first_staff),
    )
    second = fitting_facility()
    staff = member(Role.PROVIDER, organisation=second.provider)
    offer = offer_to(placement_request, second, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    placement = services.placement_start(
        placement_request=placement_request,
        start_date=timezone.localdate(),
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    services.placement_end(
        placement=placement,
        end_date=timezone.localdate(),
        destination="home",
        reason="01",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    placement_request.refresh_from_db()
    assert placement_request.status == Status.ENDED
    return placement_request


@pytest.mark.django_db
def test_a_whole_straight_line_gives_the_referrer_one_unread_item_and_two_emails(referrer, coordinator):
    placement_request = straight_line(referrer, coordinator)
    # in the app: into matching, accepted, placed, ended (not: offered, declined, offered again)
    assert referrer_messages(referrer, "in_app").count() == 4
    # by e-mail: placed and ended (outcomes)
    assert referrer_messages(referrer, "email").count() == 2
    deliver_all()
    items = list(Notification.objects.filter(user=referrer))
    assert len(items) == 1
    item = items[0]
    assert item.count == 4 and item.read_at is None
    assert item.group_key == f"request:{placement_request.pk}"
    assert str(Status.ENDED.label) in item.subject  # the latest step


@pytest.mark.django_db
def test_a_read_item_stays_and_the_next_step_starts_a_new_one(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    deliver_all()
    Notification.objects.filter(user=referrer).update(read_at=timezone.now())
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    deliver_all()
    rows = list(Notification.objects.filter(user=referrer).order_by("id"))
    assert [(n.count, n.read_at is None) for n in rows] == [(1, False), (1, True)]
    assert str(Status.ACCEPTED.label) in rows[1].subject


@pytest.mark.django_db
def test_the_referrers_own_withdrawal_is_not_told_to_the_referrer(referrer, coordinator):
    from intake import services as intake_services
    from tests.placement.factories import make_request

    placement_request = make_request(referrer, submit=True)
    before = referrer_messages(referrer, "in_app").count()
    intake_services.request_withdraw(
        placement_request=placement_request,
        by=referrer,
        membership=referrer.memberships.get(role=Role.REFERRER),
        reason="Opgelost",
    )
    assert referrer_messages(referrer, "in_app").count() == before


@pytest.mark.parametrize(
    ("source", "target", "told"),
    [
        (Status.SUBMITTED, Status.MATCHING, (True, False)),
        (Status.SUBMITTED, Status.RETURNED, (True, True)),
        (Status.MATCHING, Status.OFFERED, (False, False)),
        (Status.OFFERED, Status.MATCHING, (False, False)),
        (Status.OFFERED, Status.ACCEPTED, (True, False)),
        (Status.ACCEPTED, Status.MATCHING, (True, True)),
        (Status.ACCEPTED, Status.PLACED, (True, True)),
        (Status.WAITING, Status.MATCHING, (False, False)),
        (Status.PLACED, Status.ENDED, (True, True)),
        (None, Status.SUBMITTED, (True, False)),
    ],
)
def test_the_rule_of_what_the_referrer_is_told(source, target, told):
    assert referrer_told(source, target) == told


@pytest.mark.django_db
def test_the_database_allows_one_unread_item_per_user_and_group(referrer):
    outbox_enqueue(recipient=referrer, subject="a", body="a", email=False, group_key="request:1")
    outbox_enqueue(recipient=referrer, subject="b", body="b", email=False, group_key="request:1")
    first, second = OutboxMessage.objects.filter(recipient=referrer).order_by("id")
    Notification.objects.create(user=referrer, source=first, subject="a", body="a", group_key="request:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=referrer, source=second, subject="b", body="b", group_key="request:1")
