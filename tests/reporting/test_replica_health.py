"""Issue 13 (scaleout): reporting reads fall back to the primary when the replica is down
or lags more than the bound (reporting/router.py). The real lag and outage are in
tests/scaleout/test_scaleout.py; here the rule and the unreachable replica."""

import os
import socket
import subprocess
import sys

from django.conf import settings

from reporting.router import ReplicaState, _lsn, replica_verdict

SCRIPT = """
import django
django.setup()
from accounts.models import Region
from reporting.router import reporting_reads
with reporting_reads():
    print("inside:", Region.objects.all().db)
"""


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens


def _run(extra_env):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(extra_env, DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_lsn_text_becomes_a_comparable_number():
    assert _lsn("0/16B3748") == 0x16B3748
    assert _lsn("1/0") == 1 << 32
    assert _lsn("1/0") > _lsn("0/FFFFFFFF")
    assert _lsn(None) is None


def test_an_unreachable_replica_is_not_used():
    assert replica_verdict(ReplicaState(reachable=False), max_lag=30) == (False, None)


def test_a_replica_that_replayed_everything_is_used_however_old_its_last_transaction():
    state = ReplicaState(reachable=True, replay_lsn=200, primary_lsn=200, replay_age=3600)
    assert replica_verdict(state, max_lag=30) == (True, 0.0)


def test_a_replica_behind_the_primary_is_used_only_within_the_bound():
    behind = dict(reachable=True, replay_lsn=100, primary_lsn=200)
    assert replica_verdict(ReplicaState(**behind, replay_age=5), max_lag=30) == (True, 5)
    assert replica_verdict(ReplicaState(**behind, replay_age=30), max_lag=30) == (True, 30)
    assert replica_verdict(ReplicaState(**behind, replay_age=31), max_lag=30) == (False, 31)
    assert replica_verdict(ReplicaState(**behind, replay_age=None), max_lag=30) == (False, None)


def test_a_server_not_in_recovery_is_current():
    assert replica_verdict(ReplicaState(reachable=True, in_recovery=False), max_lag=30) == (True, 0.0)


def test_with_the_replica_down_reporting_reads_use_the_primary():
    url = f"postgresql://regie_app@127.0.0.1:{_closed_port()}/regie"
    out = _run({"DATABASE_REPLICA_URL": url})
    assert "inside: default" in out


def test_with_a_current_replica_reporting_reads_use_it():
    out = _run({"DATABASE_REPLICA_URL": os.environ["DATABASE_URL"]})
    assert "inside: replica" in out
