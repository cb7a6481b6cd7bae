"""The test database's planner statistics stay as they were measured after migrate
(tests/conftest.py `_statistics_fixed`): no autovacuum visits a table while a test's
rows are uncommitted and leaves it recorded as empty."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_autovacuum_leaves_every_table_of_the_test_database_alone():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'r' AND n.nspname = 'public'"
        )
        tables = cursor.fetchall()
    assert len(tables) > 50
    on = [name for name, options in tables if "autovacuum_enabled=false" not in (options or [])]
    assert on == []
