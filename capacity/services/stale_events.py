"""Issue 14 (api-webhooks): `availability.stale` at the moment a facility's figures turn
stale, not only at the 08:00 reminder (capacity/services/reminders.py, unchanged).

Beat runs `stale_crossings_send` every few minutes. It finds the active facilities whose
confirmed figures crossed the staleness line (last confirmation + the region's freshness
period) within the last `AVAILABILITY_STALE_LOOKBACK_HOURS` and sends the event once per
crossing: the crossing is written to `FacilityStaleCrossing`, whose unique key
(facility, stale moment) is the guard. The insert and the webhook rows are one
transaction; a second sweep, or two sweeps at once, find the key taken and send nothing.
A facility confirmed again and later stale again is a new crossing (a new moment).
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.webhooks import api_link, webhook_emit
from capacity.selectors import facilities_turned_stale


def facility_stale_data(facility, **extra) -> dict:
    """The `data` of `availability.stale`: ids, times and API links only."""
    return {
        "facility": {
            "id": facility.pk,
            "url": api_link("api-facility", facility.pk),
            "last_confirmed_at": facility.last_confirmed_at.isoformat() if facility.last_confirmed_at else None,
            "availability_url": api_link("api-facility-availability", facility.pk),
            **extra,
        }
    }


def _crossing_claim(facility_id: int, stale_at, now) -> bool:
    """Record the crossing; False when it was already recorded (by this or another sweep:
    a concurrent insert waits for the other transaction and then does nothing)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO capacity_facilitystalecrossing (facility_id, stale_at, notified_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (facility_id, stale_at) DO NOTHING RETURNING id",
            [facility_id, stale_at, now],
        )
        return cursor.fetchone() is not None


def stale_crossings_send(*, now=None) -> int:
    """Send `availability.stale` for every facility that turned stale since the lookback
    and has not been sent one for that moment. Returns the number of crossings sent."""
    now = now or timezone.now()
    since = now - timedelta(hours=settings.AVAILABILITY_STALE_LOOKBACK_HOURS)
    sent = 0
    with transaction.atomic():
        for facility in facilities_turned_stale(now=now, since=since):
            if not _crossing_claim(facility.pk, facility.stale_at, now):
                continue
            webhook_emit(
                event_type="availability.stale",
                organisation_ids={facility.provider_id},
                data=facility_stale_data(facility, stale_since=facility.stale_at.isoformat()),
                occurred_at=facility.stale_at,
            )
            sent += 1
    return sent
