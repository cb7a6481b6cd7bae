"""Issue 15 (perf-pages): core.events.events_at_end writes the events recorded inside it
together when it ends, in the order they were recorded, chained like any other; nothing
when the block fails. Accept and decline use it (the answers under load)."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from core.events import event_record, events_at_end
from core.models import Event


@pytest.mark.django_db
def test_events_inside_the_block_are_written_at_its_end_in_order_and_chained(coordinator, twente):
    before = Event.objects.count()
    with transaction.atomic(), events_at_end():
        first = event_record(subject=twente, event_type="first", by=coordinator)
        with events_at_end():  # a nested block joins the outer one
            event_record(subject=twente, event_type="second", by=coordinator)
        event_record(subject=twente, event_type="third", by=coordinator)
        assert Event.objects.count() == before and first.pk is None  # not yet written
    written = list(Event.objects.order_by("chain_seq").values_list("event_type", flat=True))[before:]
    assert written == ["first", "second", "third"]
    out = io.StringIO()
    call_command("verify_log_chain", "--log", "events", stdout=out)
    assert out.getvalue().startswith("OK events")


@pytest.mark.django_db
def test_nothing_is_written_when_the_block_fails_and_outside_it_events_are_written_at_once(coordinator, twente):
    before = Event.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), events_at_end():
        event_record(subject=twente, event_type="lost", by=coordinator)
        raise RuntimeError
    assert Event.objects.count() == before
    event = event_record(subject=twente, event_type="at_once", by=coordinator)
    assert event.pk is not None and Event.objects.count() == before + 1
