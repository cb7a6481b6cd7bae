"""Real service processes the fault tests start, stop and kill on their own: a
PostgreSQL cluster (the pgserver binaries), a web process (runserver) and, through
tests.conftest.start_worker, Celery workers. The suite's shared PostgreSQL and Redis are
never stopped."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pgserver
import psutil
from django.conf import settings
from django.db import connection

from config.devstack import _free_port
from tests.conftest import BASE_DIR, _database_url_for

PG_BIN = Path(pgserver.__file__).parent / "pginstall" / "bin"


class OwnPostgres:
    """A PostgreSQL server of the test's own (pgserver, as the suite's), with a copy of the
    test database's schema; `kill` stops it the hard way (immediate shutdown)."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="faults-pg-"))  # short path: the socket lives here
        self.server = pgserver.get_server(self.root / "pg", cleanup_mode="delete")
        self.socket_dir = parse_qs(urlparse(self.server.get_uri()).query)["host"][0]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@{quote(self.socket_dir, safe='')}/regie"

    def copy_schema_of_the_test_database(self) -> None:
        owner = settings.DATABASE_OWNER or settings.DATABASES["default"]
        dump = subprocess.run(
            [
                str(PG_BIN / "pg_dump"), "--schema-only", "--no-owner", "--no-privileges",
                "-h", owner["HOST"], *(["-p", str(owner["PORT"])] if owner.get("PORT") else []),
                "-U", owner["USER"], connection.settings_dict["NAME"],
            ],
            check=True, capture_output=True, text=True, timeout=120,
            env={**os.environ, **({"PGPASSWORD": owner["PASSWORD"]} if owner.get("PASSWORD") else {})},
        ).stdout  # fmt: skip
        self.server.psql("CREATE DATABASE regie;")
        self.server.psql("\\set ON_ERROR_STOP on\n\\connect regie\n" + dump)

    def kill(self) -> None:
        """Immediate shutdown (SIGQUIT to the postmaster): every backend ends at once."""
        pid = self.server.get_pid()
        os.kill(pid, signal.SIGQUIT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and psutil.pid_exists(pid):
            time.sleep(0.1)
        assert not psutil.pid_exists(pid), "PostgreSQL did not stop"

    def remove(self) -> None:
        with contextlib.suppress(Exception):
            self.server.cleanup()
        shutil.rmtree(self.root, ignore_errors=True)


def web_environment(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=_database_url_for(connection.settings_dict["NAME"]),
        REDIS_URL=settings.REDIS_URL,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",  # as in production: Django's own error handling, not the debug page
    )
    env.pop("DATABASE_OWNER_URL", None)
    env.update(overrides)
    return env


def start_web(env: dict, log_path: Path) -> tuple[subprocess.Popen, str]:
    """`manage.py runserver --noreload` (one process) on a free port; returns it and its base URL."""
    port = _free_port()
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log_path.read_text()[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("web process did not start")


def get(url: str, headers: dict | None = None):
    """(status, headers, body) of a GET, whatever the status."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
