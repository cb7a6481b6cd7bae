"""Reporting reads may go to a read replica.

When DATABASE_REPLICA_URL is set (settings add a "replica" database), reads made inside
`reporting_reads()` go to the replica; everything else, and every write, stays on the
primary so users read their own writes. Without a replica this router changes nothing.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_reporting = ContextVar("reporting_reads", default=False)
REPLICA = "replica"


@contextmanager
def reporting_reads():
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def reporting_database() -> str:
    return REPLICA if REPLICA in settings.DATABASES else "default"


class ReportingReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reporting.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same data as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
