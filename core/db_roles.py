"""The two database roles (issue 10): the owner migrates, the application role runs.

- `DATABASE_URL` is the application role: web, worker, beat and the test suite's
  connection. It may SELECT/INSERT/UPDATE/DELETE the tables and only SELECT/INSERT the
  event and access logs; it owns nothing, so it cannot ALTER, DROP or TRUNCATE.
- `DATABASE_OWNER_URL` (settings.DATABASE_OWNER) is the owner role. Only commands that
  change the schema use it: `migrate` (and `flush`, which truncates) switch the default
  connection to the owner's credentials on the same database for their run
  (core/management/commands/). The web, worker and beat processes never get it.

`core/pg/roles.sql` creates the roles (superuser / DBA, once); `grants_apply` grants the
application role its privileges (core/pg/grants.sql), run by `migrate` as the owner.
Without DATABASE_OWNER_URL everything runs as DATABASE_URL's role (one role, as before).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

GRANTS_SQL = Path(__file__).resolve().parent / "pg" / "grants.sql"
_CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


def owner_configured() -> bool:
    return bool(getattr(settings, "DATABASE_OWNER", None))


def app_role() -> str:
    """The application role: DATABASE_URL's user (read once by the settings)."""
    return settings.DATABASE_APP_ROLE


def owner_role() -> str | None:
    return settings.DATABASE_OWNER["USER"] if owner_configured() else None


def connect_as_owner(alias: str = DEFAULT_DB_ALIAS) -> dict | None:
    """Point `alias` at the owner's credentials (same database; the test suite keeps its
    test database name). Returns what to restore, or None when nothing changed."""
    connection = connections[alias]
    if not owner_configured() or connection.settings_dict["USER"] == owner_role():
        return None
    if connection.in_atomic_block:
        raise RuntimeError("cannot switch database roles inside a transaction")
    saved = {key: connection.settings_dict.get(key) for key in _CREDENTIALS}
    connection.close()
    connection.settings_dict.update({key: settings.DATABASE_OWNER.get(key) for key in _CREDENTIALS})
    return saved


def restore_role(saved: dict | None, alias: str = DEFAULT_DB_ALIAS) -> None:
    if saved is None:
        return
    connection = connections[alias]
    connection.close()
    connection.settings_dict.update(saved)


@contextmanager
def as_owner(alias: str = DEFAULT_DB_ALIAS):
    saved = connect_as_owner(alias)
    try:
        yield
    finally:
        restore_role(saved, alias)


def grants_apply(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Grant the application role its privileges (as the owner; idempotent). False when
    there is no separate owner role."""
    owner, app = owner_role(), app_role()
    if not owner or owner == app:
        return False
    from psycopg import sql

    statement = sql.SQL(GRANTS_SQL.read_text()).format(owner=sql.Identifier(owner), app=sql.Identifier(app))
    connection = connections[alias]
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(connection.connection))
    return True
