"""The two logs are append-only. The application role (what the product and these tests
run as) has no UPDATE/DELETE privilege on them; the pgtrigger Protect triggers stop the
owner as well (tests/core/test_log_roles.py)."""

import pytest
from django.db import ProgrammingError, transaction

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.access_log import Purpose, access_log_record
from core.events import event_record, events_for
from core.models import AccessLogEntry, Event


@pytest.mark.django_db
def test_event_table_refuses_update_and_delete(coordinator, twente):
    event = event_record(subject=twente, event_type="settings_changed", by=coordinator, details={"a": 1})
    assert list(events_for(twente)) == [event]
    with pytest.raises(ProgrammingError, match="permission denied for table"), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(event_type="tampered")
    with pytest.raises(ProgrammingError, match="permission denied for table"), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.event_type == "settings_changed"


@pytest.mark.django_db
def test_access_log_records_who_for_whom_why_and_cannot_be_changed(coordinator, twente):
    membership = membership_with_role(coordinator, Role.COORDINATOR)
    entry = access_log_record(user=coordinator, membership=membership, subject=twente, purpose=Purpose.TRIAGE)
    entry.refresh_from_db()
    assert (entry.user, entry.role, entry.organisation, entry.purpose) == (
        coordinator,
        "coordinator",
        membership.organisation,
        "triage",
    )
    assert entry.subject_type == "accounts.region" and entry.subject_id == twente.pk
    with pytest.raises(ProgrammingError, match="permission denied for table"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(purpose="other")
    with pytest.raises(ProgrammingError, match="permission denied for table"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).purpose == "triage"
