"""Raw connections to the test database as one of the two roles (core.db_roles), for
tests that must prove what each role may do outside Django's own connection."""

import psycopg
from django.conf import settings
from django.db import connection

EVENT_PROTECT = "pgtrigger_append_only_56466"  # pgtrigger's name for core.Event's append_only
ACCESS_PROTECT = "pgtrigger_append_only_8ed54"


def connect(role: str, *, autocommit: bool = True) -> psycopg.Connection:
    """`role` is "app" (DATABASE_URL, what the tests run as) or "owner" (DATABASE_OWNER_URL)."""
    assert settings.DATABASE_OWNER, "the test suite runs with both roles (config.devstack sets DATABASE_OWNER_URL)"
    creds = settings.DATABASE_OWNER if role == "owner" else connection.settings_dict
    return psycopg.connect(
        dbname=connection.settings_dict["NAME"],
        user=creds["USER"],
        password=creds.get("PASSWORD") or None,
        host=creds.get("HOST") or None,
        port=creds.get("PORT") or None,
        autocommit=autocommit,
    )
