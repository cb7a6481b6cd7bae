"""`flush` as the owner role when DATABASE_OWNER_URL is set: it empties every table with
TRUNCATE, which the application role may not do (the test suite's `transaction=True`
tests flush between tests this way)."""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS

from core.db_roles import as_owner


class Command(FlushCommand):
    def handle(self, **options):
        if options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(**options)
        with as_owner():
            return super().handle(**options)
