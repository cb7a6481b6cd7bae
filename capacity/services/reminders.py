"""Freshness reminders: providers with stale availability figures are reminded daily."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from accounts.webhooks import webhook_emit
from capacity.models import Facility
from capacity.selectors import facilities_stale_for_reminder
from capacity.services.stale_events import facility_stale_data
from core.outbox import outbox_enqueue


def stale_reminders_send(*, now=None) -> int:
    """Remind the staff of each provider with stale facilities (daily beat job).
    At most one reminder per facility per day, so running it twice sends nothing new.
    Returns the number of messages queued (one per staff member per provider)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    with transaction.atomic():
        facilities = list(facilities_stale_for_reminder(now=now).select_for_update(of=("self",), skip_locked=True))
        by_provider: dict[int, list[Facility]] = {}
        for facility in facilities:
            by_provider.setdefault(facility.provider_id, []).append(facility)
        staff = Membership.objects.filter(
            organisation_id__in=by_provider, role=Role.PROVIDER, is_active=True, user__is_active=True
        ).select_related("user")
        url = reverse("capacity:provider-home")
        for membership in staff:
            names = ", ".join(f.name for f in by_provider[membership.organisation_id])
            outbox_enqueue(
                recipient=membership.user,
                subject=_("Bevestig de beschikbaarheid van uw locaties"),
                body=_(
                    "De beschikbaarheid van deze locaties is niet recent bevestigd: %(names)s. "
                    "Werk de cijfers bij of bevestig dat ze ongewijzigd zijn."
                )
                % {"names": names},
                url=url,
            )
            sent += 1
        for facility in facilities:  # Issue 14 (api-push): once per facility per day, like the reminder
            webhook_emit(
                event_type="availability.stale",
                organisation_ids={facility.provider_id},
                data=facility_stale_data(facility),
                occurred_at=now,
            )
        Facility.objects.filter(pk__in=[f.pk for f in facilities]).update(stale_reminder_sent_on=today)
    return sent
