"""Issue 13 (fix12): the national generator COPYs its events without the hash-chain
trigger only when it runs as the tables' owner (`make bench`), and switches the trigger
back on after; as the application role (the demo history, the test suite) every event is
chained. (A rolled-back transaction: nothing stays.)"""

import pytest
from django.db import connection, transaction

from bench.generate import COPY_TRIGGERS_OFF, _copy_triggers_off
from core.db_roles import as_owner, owner_configured
from core.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


class _Rollback(Exception):
    pass


def _event(n):
    return Event.objects.create(event_type="bench.test", subject_type="bench", subject_id=n)


def _chained(event):
    return Event.objects.filter(pk=event.pk).values_list("chain_seq", flat=True).get() is not None


def _trigger_enabled(name="core_event_chain"):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = %s", [name])
        return cursor.fetchone()[0] != "D"


def _triggers_enabled():
    return [_trigger_enabled(trigger) for _, trigger in COPY_TRIGGERS_OFF]


def test_as_the_application_role_every_event_is_chained():
    with pytest.raises(_Rollback), transaction.atomic():
        with _copy_triggers_off():
            inside = _event(1)
        assert _chained(inside) and all(_triggers_enabled())
        raise _Rollback


def test_as_the_owner_the_trigger_is_off_inside_and_on_again_after():
    # make test and CI always give the owner role (config/devstack.py): never skipped
    assert owner_configured(), "DATABASE_OWNER_URL is not set"
    with as_owner(), pytest.raises(_Rollback), transaction.atomic():
        before = _event(1)
        with _copy_triggers_off():
            assert not any(_triggers_enabled())
            inside = _event(2)
        after = _event(3)
        assert _chained(before) and not _chained(inside) and _chained(after)
        assert all(_triggers_enabled())
        raise _Rollback
    assert all(_triggers_enabled())
    assert not Event.objects.filter(event_type="bench.test").exists()
