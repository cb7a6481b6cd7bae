"""Writing to the append-only event table. Services call `event_record` inside their
transaction, so an event exists exactly when its transition committed."""

from core.models import Event


def event_record(
    *,
    subject,
    event_type: str,
    by=None,
    organisation=None,
    from_state: str = "",
    to_state: str = "",
    reason_code: str = "",
    details: dict | None = None,
) -> Event:
    return Event.objects.create(
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        event_type=event_type,
        actor=by,
        organisation=organisation,
        from_state=from_state or "",
        to_state=to_state or "",
        reason_code=reason_code or "",
        details=details or {},
    )


def events_for(subject):
    return Event.objects.filter(subject_type=subject._meta.label_lower, subject_id=subject.pk).select_related(
        "actor", "organisation"
    )
