"""Logs nobody can erase: the application role (what web, worker, beat and these tests
run as) may only INSERT and SELECT the event and access logs, owns nothing and cannot
bypass the append-only triggers; the owner role migrates."""

import io

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from psycopg import errors

from core.log_chain import chain_verify
from tests.core.dbroles import ACCESS_PROTECT, EVENT_PROTECT, connect

LOGS = ["core_event", "core_accesslogentry"]


def _refused(statements, *, role="app"):
    """Run `statements` in one transaction as `role`; the error PostgreSQL raised."""
    with connect(role, autocommit=False) as conn:
        try:
            with conn.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        except psycopg.Error as error:
            conn.rollback()
            return error
        conn.rollback()
    return None


@pytest.mark.django_db
def test_the_tests_run_as_the_application_role_which_is_no_superuser_and_owns_nothing():
    assert settings.DATABASE_OWNER and settings.DATABASE_OWNER["USER"] != settings.DATABASE_APP_ROLE
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == settings.DATABASE_APP_ROLE
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication FROM pg_roles "
            "WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (False, False, False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT has_table_privilege('core_event', 'INSERT'), has_table_privilege('core_event', 'SELECT'), "
            "has_table_privilege('core_outboxmessage', 'UPDATE'), has_table_privilege('core_outboxmessage', 'DELETE')"
        )
        assert cursor.fetchone() == (True, True, True, True)


@pytest.mark.django_db
@pytest.mark.parametrize("table", LOGS)
@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE {table}",
        "UPDATE {table} SET subject_id = 0",
        "DELETE FROM {table}",
        "ALTER TABLE {table} DISABLE TRIGGER ALL",
        "ALTER TABLE {table} DISABLE TRIGGER USER",
        "DROP TABLE {table}",
        "ALTER TABLE {table} ADD COLUMN x int",
        "CREATE TRIGGER t BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()",
    ],
)
def test_application_role_is_refused_changing_or_erasing_a_log(table, statement):
    error = _refused([statement.format(table=table)])
    assert isinstance(error, errors.InsufficientPrivilege), error


@pytest.mark.django_db
@pytest.mark.parametrize(("table", "trigger"), [("core_event", EVENT_PROTECT), ("core_accesslogentry", ACCESS_PROTECT)])
def test_pgtrigger_ignore_does_not_let_the_application_role_delete_or_update(table, trigger):
    bypass = f"SET LOCAL pgtrigger.ignore = '{{{trigger}}}'"
    for write in (
        f"DELETE FROM {table}",
        f"UPDATE {table} SET purpose = 'x'" if "access" in table else f"UPDATE {table} SET event_type = 'x'",
    ):
        error = _refused([bypass, write])
        assert isinstance(error, errors.InsufficientPrivilege), error
    # The same bypass works for the owner (it owns the table): only the missing privilege
    # stops the application role.
    assert _refused([bypass, f"DELETE FROM {table}"], role="owner") is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "SET session_replication_role = replica",
        "SET LOCAL session_replication_role = replica",
        "CREATE ROLE intruder LOGIN SUPERUSER",
        "CREATE ROLE intruder",
        "CREATE TABLE public.intruder (id int)",
        "DROP TABLE accounts_user",
        "TRUNCATE core_outboxmessage",
        "ALTER TABLE accounts_user ADD COLUMN x int",
        "UPDATE core_logchainhead SET last_seq = 0",
        "INSERT INTO core_logchainhead VALUES ('x', 0, '')",
        "DELETE FROM core_logchainhead",
    ],
)
def test_application_role_is_refused_trigger_bypass_ddl_and_roles(statement):
    error = _refused([statement])
    assert isinstance(error, errors.InsufficientPrivilege), error


@pytest.mark.django_db
def test_append_only_triggers_still_stop_the_owner():
    for table, write in [
        ("core_event", "UPDATE core_event SET event_type = 'x'"),
        ("core_accesslogentry", "DELETE FROM core_accesslogentry"),
    ]:
        error = _refused(
            [
                f"INSERT INTO {table} SELECT * FROM {table} LIMIT 0",  # the owner may write
                "INSERT INTO core_event (occurred_at, event_type, subject_type, subject_id, from_state, to_state, "
                "reason_code, details, prev_hash, row_hash) VALUES (now(), 'x', 'x', 1, '', '', '', '{}', '', '')",
                "INSERT INTO core_accesslogentry (accessed_at, user_id, role, subject_type, subject_id, purpose, "
                "action, outcome, details, prev_hash, row_hash) "
                "SELECT now(), (SELECT min(id) FROM accounts_user), '', 'x', 1, 'x', 'view', 'allowed', '{}', '', '' "
                "WHERE EXISTS (SELECT FROM accounts_user)",
                write,
            ],
            role="owner",
        )
        if table == "core_accesslogentry" and error is None:
            continue  # no user to write an access-log row for: nothing to delete
        assert isinstance(error, errors.RaiseException) and "Cannot update or delete" in str(error), error


@pytest.mark.django_db(transaction=True)
def test_owner_migrates_and_the_migration_chains_existing_rows_and_restricts_the_logs(coordinator, twente):
    from core.events import event_record

    first = event_record(subject=twente, event_type="before_roles", by=coordinator)
    out = io.StringIO()
    call_command("migrate", "core", "0001", stdout=out, verbosity=1)  # as the owner (core's migrate)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == settings.DATABASE_APP_ROLE  # back to the application role
    owner = connect("owner")
    with owner.cursor() as cursor:  # rows written before the chain existed
        for n in range(3):
            cursor.execute(
                "INSERT INTO core_event (occurred_at, event_type, subject_type, subject_id, from_state, to_state, "
                "reason_code, details) VALUES (now() - make_interval(days => %s), 'old', 'x', %s, '', '', '', '{}')",
                [10 - n, n],
            )
    owner.close()
    call_command("migrate", "core", stdout=out, verbosity=1)
    assert "Applying core.0002" in out.getvalue()
    result = chain_verify("core_event")
    assert result.broken is None and result.rows == 4
    with connection.cursor() as cursor:  # backfilled in time order: the three old rows first
        cursor.execute("SELECT id FROM core_event ORDER BY chain_seq")
        assert cursor.fetchall()[-1][0] == first.pk
    assert isinstance(_refused(["DELETE FROM core_event"]), errors.InsufficientPrivilege)
    assert isinstance(_refused(["UPDATE core_logchainhead SET last_seq = 0"]), errors.InsufficientPrivilege)
