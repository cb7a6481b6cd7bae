"""Retention job (Celery beat, nightly). Thin and idempotent: a second run finds nothing
left to do."""

from celery import shared_task

from privacy import services


@shared_task(name="privacy.tasks.retention_apply")
def retention_apply() -> dict:
    """Carry out every region's retention policy; returns the run's counts."""
    run = services.retention_apply()
    return {"run": run.pk, **run.counts()}
