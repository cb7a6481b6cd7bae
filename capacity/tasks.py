"""Daily capacity jobs (Celery beat). Thin and idempotent: running one twice is harmless."""

from celery import shared_task

from capacity import services


@shared_task(name="capacity.tasks.capacity_changes_apply")
def capacity_changes_apply() -> dict:
    """Apply planned afbouw/opbouw whose effective date has come."""
    return services.capacity_changes_apply_due()


@shared_task(name="capacity.tasks.stale_reminders_send")
def stale_reminders_send() -> int:
    """Remind provider staff of facilities whose availability is no longer fresh."""
    return services.stale_reminders_send()


@shared_task(name="capacity.tasks.stale_crossings_send")
def stale_crossings_send() -> int:
    """Issue 14 (api-webhooks): `availability.stale` for facilities that just turned stale
    (every few minutes; once per crossing, guarded by the database)."""
    return services.stale_crossings_send()
