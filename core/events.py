"""Writing to the append-only event table. Services call `event_record` inside their
transaction, so an event exists exactly when its transition committed."""

import threading
from contextlib import contextmanager

from core.models import Event

_deferred = threading.local()


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
    event = Event(
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
    buffer = getattr(_deferred, "events", None)
    if buffer is not None:  # inside events_at_end(): written, in this order, when it ends
        buffer.append(event)
        return event
    event.save(force_insert=True)
    return event


@contextmanager
def events_at_end():
    """Issue 15 (perf-pages): write the events recorded inside this block in one INSERT
    when it ends, in the order they were recorded, instead of one by one.

    Every event insert takes the log's chain head FOR UPDATE until the transaction
    commits (core/0002, the hash chain), so all writers queue on it; written at the end,
    the head is held for the last statement and the COMMIT only, not for the rest of the
    service. Use it around a whole service body inside its transaction that does not
    read its own events back and does not catch an error of a savepoint that recorded
    one (the events of a savepoint rolled back would still be written). Nested blocks
    join the outer one. On an error nothing is written (the transaction rolls back)."""
    if getattr(_deferred, "events", None) is not None:
        yield
        return
    _deferred.events = []
    try:
        yield
        events, _deferred.events = _deferred.events, None
        if events:
            Event.objects.bulk_create(events)
    finally:
        _deferred.events = None


def events_for(subject):
    return Event.objects.filter(subject_type=subject._meta.label_lower, subject_id=subject.pk).select_related(
        "actor", "organisation"
    )
