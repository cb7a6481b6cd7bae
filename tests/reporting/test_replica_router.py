"""Reporting reads go to the replica when one is configured; other reads and all writes
stay on the primary."""

import os
import subprocess
import sys

from django.conf import settings

SCRIPT = """
import django, os
django.setup()
from accounts.models import Region
from reporting.router import reporting_reads, reporting_database
print("reporting:", Region.objects.all().db, reporting_database())
with reporting_reads():
    print("inside:", Region.objects.all().db)
print("after:", Region.objects.all().db)
from django.db import router
print("write:", router.db_for_write(Region))
"""


def _run(extra_env):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(extra_env)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_with_a_replica_reporting_reads_use_it():
    out = _run({"DATABASE_REPLICA_URL": os.environ["DATABASE_URL"], "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert "reporting: default replica" in out
    assert "inside: replica" in out
    assert "after: default" in out
    assert "write: default" in out


def test_without_a_replica_everything_stays_on_the_primary():
    env = {"DJANGO_SETTINGS_MODULE": "config.settings"}
    out = _run(env | {"DATABASE_REPLICA_URL": ""})
    assert "reporting: default default" in out and "inside: default" in out
