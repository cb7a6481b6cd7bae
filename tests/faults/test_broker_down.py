"""Issue 13.6: publishing after commit never blocks a request for more than a short
broker timeout. Before, a request that queued three messages with Redis down took 12 s
(kombu retried connecting for broker_connection_timeout per message). Now: one attempt
with a short timeout, then the circuit skips publishing; the messages wait in the outbox
and beat's flush delivers them, once, when Redis is back."""

import time

import pytest
from django.db import transaction

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.models import Notification, OutboxMessage
from core.outbox import outbox_enqueue
from core.tasks import outbox_flush
from intake import services as intake_services
from tests.placement.factories import make_request

BOUND_SECONDS = 1.5  # the timeout (0.5 s) once, plus the request's own work on a loaded machine


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("outage", ["killed", "frozen"])
def test_submitting_with_redis_down_is_quick_and_the_flush_delivers_once(
    own_redis, make_member, referrer, twente, outage, settings
):
    settings.PUBLISH_CIRCUIT_SECONDS = 1
    # Two coordinators of the region: an e-mail and an in-app message each.
    coordinators = [make_member(Role.COORDINATOR, regions=[twente]) for _ in range(2)]
    placement_request = make_request(referrer, complete=True)
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    own_redis.kill() if outage == "killed" else own_redis.freeze()  # refused / never answers

    started = time.monotonic()
    intake_services.request_submit(
        placement_request=placement_request, by=referrer, membership=membership_with_role(referrer, Role.REFERRER)
    )
    elapsed = time.monotonic() - started
    print(f"submitting with Redis {outage}: {elapsed:.3f} s")  # shown with -rP

    waiting = OutboxMessage.objects.exclude(pk__in=before)
    assert waiting.filter(recipient__in=coordinators).count() >= 2
    assert elapsed < BOUND_SECONDS, f"submitting took {elapsed:.1f} s with Redis {outage}"
    assert set(waiting.values_list("status", flat=True)) == {OutboxMessage.Status.PENDING}

    own_redis.start() if outage == "killed" else own_redis.thaw()
    assert outbox_flush.run() == waiting.count() >= 2  # beat's flush (the task body) delivers the waiting ones
    assert outbox_flush.run() == 0  # and only once
    for user in coordinators:
        assert Notification.objects.filter(user=user).count() == 1
    assert set(waiting.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
    assert all(m.attempts == 1 for m in waiting)

    # The circuit closes again: after it, publishing reaches the (restored) broker.
    time.sleep(settings.PUBLISH_CIRCUIT_SECONDS + 0.2)
    queued_before = own_redis.client().llen("celery")
    with transaction.atomic():
        outbox_enqueue(recipient=referrer, subject="Weer bereikbaar", body="B", email=False)
    assert own_redis.client().llen("celery") == queued_before + 1
