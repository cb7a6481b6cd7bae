"""Real service processes the fault tests start, stop and kill on their own: a
PostgreSQL cluster (the pgserver binaries), a web process (runserver) and, through
tests.conftest.start_worker, Celery workers. The suite's shared PostgreSQL and Redis are
never stopped."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pgserver
from django.conf import settings
from django.db import connection

from config.devstack import _free_port
from tests.conftest import BASE_DIR, _database_url_for

PG_BIN = Path(pgserver.__file__).parent / "pginstall" / "bin"


class OwnPostgres:
    """A PostgreSQL cluster of the test's own, with a copy of the test database's schema."""

    def __init__(self, root: Path):
        self.data = root / "pgdata"
        self.socket_dir = Path(f"/tmp/faults-pg-{os.getpid()}-{time.monotonic_ns()}")  # short: socket path limit
        self.socket_dir.mkdir()
        self.port = _free_port()
        self.log = root / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@{quote(str(self.socket_dir), safe='')}:{self.port}/regie"

    def _run(self, *args, **kwargs):
        return subprocess.run(args, check=True, capture_output=True, timeout=120, **kwargs)

    def start(self) -> None:
        if not self.data.exists():
            self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
            "-o", f"-p {self.port} -k {self.socket_dir} -c listen_addresses=''", "start",
        )  # fmt: skip

    def psql(self, database: str, *args: str, input_sql: str | None = None):
        return self._run(
            str(PG_BIN / "psql"), "-h", str(self.socket_dir), "-p", str(self.port), "-U", "postgres",
            "-d", database, "-v", "ON_ERROR_STOP=1", "-q", *args, input=input_sql, text=True,
        )  # fmt: skip

    def copy_schema_of_the_test_database(self) -> None:
        owner = settings.DATABASE_OWNER or settings.DATABASES["default"]
        host = owner["HOST"]
        dump = self._run(
            str(PG_BIN / "pg_dump"), "--schema-only", "--no-owner", "--no-privileges",
            "-h", host, *(["-p", str(owner["PORT"])] if owner.get("PORT") else []), "-U", owner["USER"],
            connection.settings_dict["NAME"], text=True,
            env={**os.environ, **({"PGPASSWORD": owner["PASSWORD"]} if owner.get("PASSWORD") else {})},
        ).stdout  # fmt: skip
        self.psql("postgres", "-c", "CREATE DATABASE regie")
        self.psql("regie", input_sql=dump)

    def kill(self) -> None:
        """Stop the server the hard way (as a crashed or unreachable database)."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        subprocess.run(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=60,
        )


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
