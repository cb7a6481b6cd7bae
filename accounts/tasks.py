"""Issue 14 (api-push): webhook delivery (Celery). Thin and idempotent: a delivery that is
not pending or not due is left alone, so a task run twice sends once."""

from celery import shared_task
from django.utils import timezone

from accounts import webhooks
from accounts.webhook_models import WebhookDelivery


@shared_task(bind=True, name="accounts.tasks.webhook_deliver", acks_late=True, max_retries=None)
def webhook_deliver(self, delivery_id: int) -> str | None:
    """One attempt; after a failure the task retries itself when the backoff has passed
    (the delivery row says when; beat's flush is the safety net if this retry is lost)."""
    outcome = webhooks.webhook_deliver(delivery_id)
    if outcome == "retry":
        due = WebhookDelivery.objects.filter(pk=delivery_id).values_list("next_attempt_at", flat=True).first()
        if due is not None:
            raise self.retry(countdown=max((due - timezone.now()).total_seconds(), 0))
    return outcome


@shared_task(name="accounts.tasks.webhooks_flush")
def webhooks_flush() -> int:
    """Beat: hand every due pending delivery to a worker."""
    return webhooks.deliveries_due_schedule()
