"""Celery tasks for the shared mechanisms. Thin and idempotent."""

import time

import redis
from celery import shared_task
from django.conf import settings

from core import outbox

HEARTBEAT_KEY = "regie:worker-heartbeat"


@shared_task(name="core.tasks.outbox_deliver", acks_late=True)
def outbox_deliver(message_id: int) -> bool:
    return outbox.outbox_deliver(message_id)


@shared_task(name="core.tasks.outbox_flush")
def outbox_flush() -> int:
    """Deliver every pending message (runs from beat; catches up after an outage)."""
    return sum(outbox.outbox_deliver(pk) for pk in outbox.outbox_pending_ids())


@shared_task(name="core.tasks.worker_heartbeat")
def worker_heartbeat() -> float:
    now = time.time()
    redis.Redis.from_url(settings.REDIS_URL).set(HEARTBEAT_KEY, now, ex=3600)
    return now


@shared_task(name="core.tasks.idempotency_keys_prune")
def idempotency_keys_prune() -> int:
    """Issue 14 (api-behaviour): forget Idempotency-Keys older than 24 h (runs from beat)."""
    from core.idempotency import idempotency_prune

    return idempotency_prune()
