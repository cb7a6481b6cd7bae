"""`flush` as the owner role when DATABASE_OWNER_URL is set: it empties every table with
TRUNCATE, which the application role may not do (the test suite's `transaction=True`
tests flush between tests this way).

A deadlock is retried: TRUNCATE locks every table one by one, and a transaction that is
still committing elsewhere (a browser test's last request in the live server thread,
whose deferred foreign-key checks lock the tables it refers to) can hold one of them
while it waits for one the TRUNCATE already has. PostgreSQL aborts the TRUNCATE, nothing
was emptied, and the next attempt finds the other transaction done."""

import time

from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, OperationalError

from core.db_roles import as_owner

ATTEMPTS = 3


class Command(FlushCommand):
    def handle(self, **options):
        if options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(**options)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with as_owner():
                    return super().handle(**options)
            except CommandError as error:
                deadlock = isinstance(error.__cause__, OperationalError) and "deadlock" in str(error.__cause__)
                if not deadlock or attempt == ATTEMPTS:
                    raise
                time.sleep(0.2 * attempt)
        return None
