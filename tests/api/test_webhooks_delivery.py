"""Issue 14 (api-push): delivering webhooks to a real local HTTP receiver that verifies
the signature: the delivery task's service run directly (unit) and through a real Celery
worker; a failing receiver is retried with exponential backoff and every attempt logged."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts import webhooks
from accounts.models import Role
from accounts.webhook_models import WebhookDelivery, WebhookSubscription
from tests.accounts.factories import member
from tests.api.webhook_receiver import verify
from tests.conftest import wait_for
from tests.placement.factories import provider_membership


def _subscribe(user, url, events=("offer.created",)):
    subscription, secret = webhooks.subscription_create(
        membership=provider_membership(user), by=user, url=url, event_types=list(events)
    )
    return subscription, secret


def _emit(subscription, data=None):
    with transaction.atomic():
        [delivery] = webhooks.webhook_emit(
            event_type="offer.created",
            organisation_ids={subscription.organisation_id},
            data=data or {"offer": {"id": 7, "url": "/api/v1/offers/7", "status": "open"}},
        )
    return delivery


@pytest.mark.django_db
def test_a_delivery_is_signed_and_the_receiver_verifies_it(receiver, provider_user):
    subscription, secret = _subscribe(provider_user, receiver.url)
    receiver.secret = secret
    delivery = _emit(subscription)
    assert webhooks.webhook_deliver(delivery.pk) == "delivered"
    [got] = receiver.received
    assert got["verified"] is True
    assert got["headers"]["webhook-id"] == str(delivery.event_id)
    assert got["headers"]["webhook-signature"].startswith("v1,")
    assert got["headers"]["content-type"] == "application/json"
    assert got["json"] == {
        "id": str(delivery.event_id),
        "type": "offer.created",
        "timestamp": delivery.payload["timestamp"],
        "data": {"offer": {"id": 7, "url": "/api/v1/offers/7", "status": "open"}},
    }
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 1 and delivery.last_response_code == 204
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    assert [a["response_code"] for a in delivery.attempt_log] == [204]
    # delivered once: running the task again sends nothing
    assert webhooks.webhook_deliver(delivery.pk) is None
    assert len(receiver.received) == 1


@pytest.mark.django_db
def test_a_wrong_secret_does_not_verify(receiver, provider_user):
    subscription, secret = _subscribe(provider_user, receiver.url)
    receiver.secret = webhooks.secret_generate()  # another secret
    webhooks.webhook_deliver(_emit(subscription).pk)
    assert receiver.received[0]["verified"] is False
    # and a changed body does not verify with the right one
    got = receiver.received[0]
    assert verify(secret, got["headers"], got["body"])
    assert not verify(secret, got["headers"], got["body"].replace(b"7", b"8"))


@pytest.mark.django_db
def test_a_failing_receiver_is_retried_with_exponential_backoff_and_every_attempt_logged(
    receiver, provider_user, settings
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 4
    settings.WEBHOOKS_BACKOFF_SECONDS = 30
    receiver.status_codes = [500, 503, 200]
    subscription, secret = _subscribe(provider_user, receiver.url)
    receiver.secret = secret
    delivery = _emit(subscription)

    before = timezone.now()
    assert webhooks.webhook_deliver(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_response_code == 500
    assert timedelta(seconds=29) < delivery.next_attempt_at - before < timedelta(seconds=40)
    # not due yet: nothing is sent
    assert webhooks.webhook_deliver(delivery.pk) is None and len(receiver.received) == 1

    second = timezone.now() + timedelta(seconds=31)
    assert webhooks.webhook_deliver(delivery.pk, now=second) == "retry"
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_response_code == 503
    assert timedelta(seconds=59) < delivery.next_attempt_at - timezone.now() < timedelta(seconds=70)  # doubled

    assert webhooks.webhook_deliver(delivery.pk, now=timezone.now() + timedelta(seconds=61)) == "delivered"
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert [a["response_code"] for a in delivery.attempt_log] == [500, 503, 200]
    assert [a["attempt"] for a in delivery.attempt_log] == [1, 2, 3]
    # the retries carry the same event id (the receiver's idempotency key), each one signed anew
    assert {r["headers"]["webhook-id"] for r in receiver.received} == {str(delivery.event_id)}
    assert all(r["verified"] for r in receiver.received)


@pytest.mark.django_db
def test_a_receiver_that_never_answers_well_fails_for_good_after_the_last_attempt(receiver, provider_user, settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    receiver.status_codes = [500]
    subscription, _secret = _subscribe(provider_user, receiver.url)
    delivery = _emit(subscription)
    later = timezone.now()
    outcomes = []
    for _ in range(4):
        later += timedelta(days=1)
        outcomes.append(webhooks.webhook_deliver(delivery.pk, now=later))
    assert outcomes == ["retry", "retry", "failed", None]
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 3 and delivery.next_attempt_at is None
    assert len(delivery.attempt_log) == 3 and len(receiver.received) == 3


@pytest.mark.django_db
def test_an_unreachable_receiver_and_a_redirect_are_failed_attempts(provider_user, receiver):
    subscription, _secret = _subscribe(provider_user, "http://127.0.0.1:9/closed")
    delivery = _emit(subscription)
    assert webhooks.webhook_deliver(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.last_response_code is None and "ConnectionError" in delivery.last_error
    receiver.status_codes = [302]
    subscription2, _ = _subscribe(member(Role.PROVIDER), receiver.url)
    delivery2 = _emit(subscription2)
    assert webhooks.webhook_deliver(delivery2.pk) == "retry"
    delivery2.refresh_from_db()
    assert delivery2.last_response_code == 302 and delivery2.status == "pending"


@pytest.mark.django_db
def test_backoff_doubles_up_to_the_cap(settings):
    settings.WEBHOOKS_BACKOFF_SECONDS = 30
    settings.WEBHOOKS_BACKOFF_MAX_SECONDS = 3600
    assert [webhooks.backoff_seconds(n) for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]


@pytest.mark.django_db
def test_ping_through_the_api_reaches_the_receiver_and_shows_in_the_delivery_log(api, receiver, provider_user):
    client = api.as_user(provider_user)
    created = client.post("/api/v1/webhooks", {"url": receiver.url, "event_types": ["offer.created"]}, format="json")
    sub = created.json()
    receiver.secret = sub["secret"]
    ping = client.post(f"/api/v1/webhooks/{sub['id']}/ping")
    assert ping.status_code == 202 and ping.json()["event_type"] == "webhook.ping"
    webhooks.webhook_deliver(ping.json()["id"])
    assert receiver.received[0]["verified"] and receiver.received[0]["json"]["type"] == "webhook.ping"
    log = client.get(f"/api/v1/webhooks/{sub['id']}/deliveries").json()
    [row] = log["results"]
    assert row["status"] == "delivered" and row["attempts"] == 1 and row["last_response_code"] == 204
    assert row["attempt_log"][0]["response_code"] == 204


@pytest.mark.django_db
def test_a_paused_subscription_is_not_sent_to(receiver, provider_user):
    subscription, _secret = _subscribe(provider_user, receiver.url)
    delivery = _emit(subscription)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=False)
    assert webhooks.webhook_deliver(delivery.pk) == "failed"
    assert receiver.received == []


@pytest.mark.django_db
def test_an_address_no_longer_allowed_is_not_sent_to(receiver, provider_user, settings):
    subscription, _secret = _subscribe(provider_user, receiver.url)
    delivery = _emit(subscription)
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = False
    assert webhooks.webhook_deliver(delivery.pk) == "retry"
    assert receiver.received == []


@pytest.mark.django_db
def test_beat_flush_hands_over_only_due_pending_deliveries(provider_user, monkeypatch):
    from accounts import webhook_selectors

    subscription, _secret = _subscribe(provider_user, "https://hooks.example.org/x")
    due = _emit(subscription)
    later = _emit(subscription)
    WebhookDelivery.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(hours=1))
    done = _emit(subscription)
    WebhookDelivery.objects.filter(pk=done.pk).update(
        status="delivered", delivered_at=timezone.now(), next_attempt_at=None
    )
    assert webhook_selectors.deliveries_due_ids() == [due.pk]
    handed = []
    monkeypatch.setattr(webhooks, "_schedule", lambda pk: handed.append(pk) or True)
    assert webhooks.deliveries_due_schedule() == 1 and handed == [due.pk]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_through_the_outbox_and_retries_a_failing_receiver(
    celery_worker_process, receiver, make_member
):
    """A real Celery worker: the receiver fails once (HTTP 500) and then accepts. The
    task's own retry (after the 30 s backoff in the default settings would be too slow
    here) is shortened by making the delivery due at once: beat's flush hands it over."""
    user = make_member(Role.PROVIDER)
    receiver.status_codes = [500, 200]
    subscription, secret = _subscribe(user, receiver.url)
    receiver.secret = secret
    delivery = _emit(subscription)  # committed: on_commit hands it to the worker
    wait_for(lambda: len(receiver.received) >= 1, what="first attempt")
    wait_for(lambda: WebhookDelivery.objects.filter(pk=delivery.pk, attempts=1).exists(), what="first attempt logged")
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    webhooks.deliveries_due_schedule()
    wait_for(lambda: WebhookDelivery.objects.filter(pk=delivery.pk, status="delivered").exists(), what="delivered")
    delivery.refresh_from_db()
    assert [a["response_code"] for a in delivery.attempt_log] == [500, 200]
    assert all(r["verified"] for r in receiver.received) and len(receiver.received) == 2
