"""The hash chain of the event and access logs (migration core/0002, core.log_chain,
`manage.py verify_log_chain`)."""

import datetime as dt
import hashlib
import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.access_log import Purpose, access_log_record
from core.events import event_record
from core.log_chain import GENESIS
from core.models import AccessLogEntry, Event, LogChainHead
from tests.core.dbroles import ACCESS_PROTECT, EVENT_PROTECT, connect


def _verify(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_log_chain", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _as_owner(statement, params=()):
    """Tamper as the owner (the application role cannot): bypass the append-only trigger."""
    with connect("owner", autocommit=False) as conn, conn.cursor() as cursor:
        cursor.execute(f"SET LOCAL pgtrigger.ignore = '{{{EVENT_PROTECT},{ACCESS_PROTECT}}}'")
        cursor.execute(statement, params)


def _events(n, subject, by):
    return [
        event_record(subject=subject, event_type=f"step_{i}", by=by, details={"i": i, "naam": "Zoë"}) for i in range(n)
    ]


@pytest.mark.django_db(transaction=True)
def test_each_row_carries_the_hash_of_the_previous_row_and_the_chain_verifies(coordinator, twente):
    events = _events(3, twente, coordinator)
    rows = list(Event.objects.order_by("chain_seq"))
    assert [e.pk for e in rows] == [e.pk for e in events]
    assert [r.chain_seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == GENESIS
    assert rows[1].prev_hash == rows[0].row_hash and rows[2].prev_hash == rows[1].row_hash
    # SHA-256 over the canonical content (fixed columns, UTC times) and the previous hash.
    first = rows[0]
    content = {
        "id": first.pk,
        "chain_seq": 1,
        "occurred_at": first.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": coordinator.pk,
        "organisation_id": None,
        "event_type": "step_0",
        "subject_type": "accounts.region",
        "subject_id": twente.pk,
        "from_state": "",
        "to_state": "",
        "reason_code": "",
        "details": {"i": 0, "naam": "Zoë"},
    }
    with connection.cursor() as cursor:  # jsonb's text form of the same object
        cursor.execute("SELECT %s::jsonb::text", [json.dumps(content)])
        canonical = cursor.fetchone()[0]
    assert first.row_hash == hashlib.sha256(f"{GENESIS}|{canonical}".encode()).hexdigest()
    head = LogChainHead.objects.get(log_table="core_event")
    assert (head.last_seq, head.last_hash) == (3, rows[2].row_hash)
    code, out, _ = _verify()
    assert code == 0 and "OK events (core_event): 3 rows" in out and "OK access (core_accesslogentry): 0 rows" in out


@pytest.mark.django_db(transaction=True)
def test_values_the_writer_passes_for_the_chain_columns_are_ignored(coordinator, twente):
    _events(1, twente, coordinator)
    forged = Event.objects.create(
        subject_type="x", subject_id=1, event_type="forged", chain_seq=1, prev_hash="f" * 64, row_hash="f" * 64
    )
    forged.refresh_from_db()
    assert forged.chain_seq == 2 and forged.prev_hash != "f" * 64
    assert _verify("--log", "events")[0] == 0


@pytest.mark.django_db(transaction=True)
def test_a_tampered_row_is_caught_and_reported_as_the_first_broken_row(coordinator, twente):
    events = _events(5, twente, coordinator)
    _as_owner("UPDATE core_event SET details = '{\"i\": 99}' WHERE id = %s", [events[2].pk])
    _as_owner("UPDATE core_event SET event_type = 'later' WHERE id = %s", [events[3].pk])
    code, out, err = _verify("--log", "events")
    assert code == 1
    assert f"core_event: row id={events[2].pk}: row_hash expected " in err
    assert Event.objects.get(pk=events[2].pk).row_hash in err  # what was found
    assert "after 2 valid rows" in err and err.count("row id=") == 1  # the first broken row only


@pytest.mark.django_db(transaction=True)
def test_a_tampered_access_log_row_is_caught(coordinator, twente):
    membership = membership_with_role(coordinator, Role.COORDINATOR)
    entries = [
        access_log_record(user=coordinator, membership=membership, subject=twente, purpose=Purpose.TRIAGE)
        for _ in range(3)
    ]
    assert _verify("--log", "access")[0] == 0
    _as_owner("UPDATE core_accesslogentry SET user_id = user_id, purpose = 'matching' WHERE id = %s", [entries[1].pk])
    code, _, err = _verify("--log", "access")
    assert code == 1 and f"core_accesslogentry: row id={entries[1].pk}: row_hash" in err


@pytest.mark.django_db(transaction=True)
def test_a_row_deleted_in_the_middle_or_at_the_end_is_caught(coordinator, twente):
    events = _events(5, twente, coordinator)
    _as_owner("DELETE FROM core_event WHERE id = %s", [events[4].pk])
    code, _, err = _verify("--log", "events")
    assert code == 1 and "chain head: last_seq expected 5, found 4" in err
    _as_owner("DELETE FROM core_event WHERE id = %s", [events[1].pk])
    code, _, err = _verify("--log", "events")
    assert code == 1 and f"core_event: row id={events[2].pk}: chain_seq expected 2, found 3" in err


@pytest.mark.django_db(transaction=True)
def test_a_relinked_chain_is_caught(coordinator, twente):
    events = _events(3, twente, coordinator)
    # Re-hashing a changed row is not enough: the next row names the old hash.
    _as_owner(
        "UPDATE core_event t SET event_type = 'x', row_hash = core_event_chain_hash("
        'jsonb_populate_record(t, \'{"event_type": "x"}\'), t.prev_hash) WHERE id = %s',
        [events[1].pk],
    )
    code, _, err = _verify("--log", "events")
    assert code == 1 and f"row id={events[2].pk}: prev_hash expected" in err


@pytest.mark.django_db(transaction=True)
def test_concurrent_inserts_from_several_connections_keep_one_chain(coordinator, twente):
    membership = membership_with_role(coordinator, Role.COORDINATOR)
    threads, errors, per_thread = 6, [], 15
    barrier = threading.Barrier(threads)

    def write(n):
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():  # several rows per transaction, interleaved with the others
                    event_record(subject=twente, event_type=f"t{n}", by=coordinator, details={"i": i})
                    access_log_record(user=coordinator, membership=membership, subject=twente, purpose="t")
                    event_record(subject=twente, event_type=f"t{n}b", by=coordinator)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert Event.objects.count() == threads * per_thread * 2
    assert sorted(Event.objects.values_list("chain_seq", flat=True)) == list(range(1, threads * per_thread * 2 + 1))
    assert AccessLogEntry.objects.count() == threads * per_thread
    code, out, err = _verify()
    assert code == 0, err
    assert f"{threads * per_thread * 2} rows" in out and f"{threads * per_thread} rows" in out
