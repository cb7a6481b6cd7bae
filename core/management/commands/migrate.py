"""`migrate` as the owner role when DATABASE_OWNER_URL is set (core.db_roles).

The application role's grants are applied before the migrations (default privileges, so
the tables they create are granted too) and after them (tables from before the roles
existed, and the logs' INSERT/SELECT-only restriction re-applied)."""

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS

from core.db_roles import as_owner, grants_apply


class Command(MigrateCommand):
    def handle(self, *args, **options):
        if options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(*args, **options)
        with as_owner():
            grants_apply()
            result = super().handle(*args, **options)
            grants_apply()
        return result
