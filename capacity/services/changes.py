"""Planned capacity changes (afbouw / opbouw): plan, cancel, and apply when due (beat)."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capacity.models import AvailabilityChange, PlannedCapacityChange
from capacity.services.common import (
    change_record,
    contracted_set,
    facility_lock,
    places_count,
)
from core.errors import Conflict, Invalid
from core.events import event_record


@transaction.atomic
def capacity_change_plan(
    *, facility, by, effective_date: date, places_contracted: int, note: str = ""
) -> PlannedCapacityChange:
    facility = facility_lock(facility)
    places_contracted = places_count("places_contracted", places_contracted)
    if effective_date < timezone.localdate():
        raise Invalid.field("effective_date", _("De ingangsdatum ligt in het verleden."))
    change = PlannedCapacityChange.objects.create(
        facility=facility, effective_date=effective_date, places_contracted=places_contracted, note=note, created_by=by
    )
    event_record(
        subject=facility,
        event_type="capacity_change.planned",
        by=by,
        organisation=facility.provider,
        details={
            "change": change.pk,
            "effective_date": effective_date.isoformat(),
            "from": facility.places_contracted,
            "to": places_contracted,
        },
    )
    return change


@transaction.atomic
def capacity_change_update(
    *, change, by, effective_date: date, places_contracted: int, note: str = ""
) -> PlannedCapacityChange:
    """Change a planned (not yet applied or cancelled) change; the event keeps the old and
    the new values, so the change's history can be shown (issue 12)."""
    change = PlannedCapacityChange.objects.select_for_update().select_related("facility__provider").get(pk=change.pk)
    if change.status != PlannedCapacityChange.Status.PLANNED:
        raise Conflict(_("Alleen een geplande wijziging kan worden gewijzigd."), code="not_planned")
    places_contracted = places_count("places_contracted", places_contracted)
    if effective_date < timezone.localdate():
        raise Invalid.field("effective_date", _("De ingangsdatum ligt in het verleden."))
    before = {
        "effective_date": change.effective_date.isoformat(),
        "places_contracted": change.places_contracted,
        "note": change.note,
    }
    change.effective_date, change.places_contracted, change.note = effective_date, places_contracted, note
    after = {"effective_date": effective_date.isoformat(), "places_contracted": places_contracted, "note": note}
    if before == after:
        return change
    change.blocked_reason = ""
    change.save(update_fields=["effective_date", "places_contracted", "note", "blocked_reason"])
    event_record(
        subject=change.facility,
        event_type="capacity_change.changed",
        by=by,
        organisation=change.facility.provider,
        details={"change": change.pk, "before": before, "after": after},
    )
    return change


@transaction.atomic
def capacity_change_cancel(*, change, by) -> PlannedCapacityChange:
    change = PlannedCapacityChange.objects.select_for_update().select_related("facility__provider").get(pk=change.pk)
    if change.status != PlannedCapacityChange.Status.PLANNED:
        raise Conflict(_("Alleen een geplande wijziging kan worden geannuleerd."), code="not_planned")
    change.status = PlannedCapacityChange.Status.CANCELLED
    change.save(update_fields=["status"])
    event_record(
        subject=change.facility,
        event_type="capacity_change.cancelled",
        by=by,
        organisation=change.facility.provider,
        details={"change": change.pk},
    )
    return change


def capacity_changes_apply_due(*, today: date | None = None) -> dict:
    """Apply every planned change whose date has come (beat, daily). Idempotent: an
    applied change is never applied again; a blocked one is retried next time."""
    today = today or timezone.localdate()
    due = list(
        PlannedCapacityChange.objects.filter(status=PlannedCapacityChange.Status.PLANNED, effective_date__lte=today)
        .order_by("effective_date", "id")
        .values_list("pk", flat=True)
    )
    result = {"applied": 0, "blocked": 0}
    for pk in due:
        outcome = _capacity_change_apply(pk)
        if outcome:
            result[outcome] += 1
    return result


@transaction.atomic
def _capacity_change_apply(change_id: int) -> str | None:
    change = (
        PlannedCapacityChange.objects.select_for_update(skip_locked=True)
        .filter(pk=change_id, status=PlannedCapacityChange.Status.PLANNED)
        .first()
    )
    if change is None:
        return None  # applied or cancelled meanwhile, or another worker has it
    facility = facility_lock(change.facility_id)
    before = facility.figures()
    try:
        contracted_set(facility, change.places_contracted)  # changes nothing when it refuses
    except Invalid as exc:
        reason = exc.invalid_params[0]["reason"]
        if change.blocked_reason != reason:
            change.blocked_reason = reason
            change.save(update_fields=["blocked_reason"])
            event_record(
                subject=facility,
                event_type="capacity_change.blocked",
                organisation=facility.provider,
                details={"change": change.pk, "reason": reason},
            )
        return "blocked"
    facility.save(update_fields=["places_contracted", "places_staffed"])
    change.status = PlannedCapacityChange.Status.APPLIED
    change.applied_at = timezone.now()
    change.blocked_reason = ""
    change.save(update_fields=["status", "applied_at", "blocked_reason"])
    change_record(
        facility,
        event_type="capacity_change.applied",
        by=None,
        before=before,
        kind=AvailabilityChange.Kind.CONTRACT_CHANGED,
        reference=f"capacity_change:{change.pk}",
        details={"change": change.pk, "effective_date": change.effective_date.isoformat()},
    )
    return "applied"
