"""Offer and machtiging jobs (Celery beat). Thin and idempotent: running one twice is harmless."""

from celery import shared_task

from placement import services


@shared_task(name="placement.tasks.offers_expire_overdue")
def offers_expire_overdue() -> int:
    """Expire open offers past their deadline (a refusal: no answer in time)."""
    return services.offers_expire_overdue()


@shared_task(name="placement.tasks.offer_reminders_send")
def offer_reminders_send() -> int:
    """Remind providers the working day before an offer's deadline."""
    return services.offer_reminders_send()


@shared_task(name="placement.tasks.crisis_overdue_notify")
def crisis_overdue_notify() -> int:
    """Tell coordinators and referrer once when a crisis placement's dossier is overdue."""
    return services.crisis_overdue_notify()


@shared_task(name="placement.tasks.machtiging_warnings_send")
def machtiging_warnings_send() -> int:
    """Tell coordinators and providers, once, that a machtiging is about to end (issue 11)."""
    return services.machtiging_warnings_send()
