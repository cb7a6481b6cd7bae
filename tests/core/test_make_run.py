"""`make run` end to end: web, worker and beat start together on the given database and
Redis, /health turns green (beat -> worker heartbeat), and Ctrl-C stops every process."""

import os
import signal
import subprocess
import sys
import urllib.request

import psutil
import pytest
from django.conf import settings
from django.db import connection

from config.devstack import _free_port
from tests.conftest import BASE_DIR, _database_url_for, wait_for


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_run_starts_web_worker_and_beat_and_ctrl_c_stops_them(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=_database_url_for(connection.settings_dict["NAME"]),
        REDIS_URL=settings.REDIS_URL,
        REGIE_WEB_ADDRESS=f"127.0.0.1:{port}",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
    )
    log = open(tmp_path / "run.log", "wb")  # noqa: SIM115 - the server writes to it until it is stopped
    proc = subprocess.Popen(
        [sys.executable, "-m", "config.devstack", "run"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        # Start-up seeds the demo, which loads the identity check's model (deduce): 12 s on an
        # idle machine, 75 s measured on this shared one under load.
        wait_for(lambda: _get(f"{base}/login/") == 200, timeout=180, interval=0.5)
        wait_for(lambda: _get(f"{base}/health") == 200, timeout=60, interval=0.5)
        children = psutil.Process(proc.pid).children(recursive=True)
        names = " ".join(" ".join(c.cmdline()) for c in children)
        assert "runserver" in names and " worker" in names and " beat" in names
        output = (tmp_path / "run.log").read_text()
        assert "password for all: demo" in output and "coordinator" in output
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
