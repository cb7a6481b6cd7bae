"""Shared fixtures. Every test runs on the real PostgreSQL and Redis that
`config.devstack test` (make test) provides."""

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client as DjangoClient
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import Role
from tests.accounts.factories import PASSWORD, member, region
from tests.accounts.two_factor import second_factor_given

BASE_DIR = Path(settings.BASE_DIR)


def pytest_configure(config):
    # Hashing every factory user's password with PBKDF2 costs minutes per run; the
    # login flows under test are the same with a fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Issue 14 (api-core): no test is throttled by accident (every test shares 127.0.0.1);
    # tests/api/test_throttling_cors.py sets low rates where it means to.
    settings.API_THROTTLE_RATES = {"user": "1000000/minute", "token": "1000000/minute", "anon": "1000000/minute"}


# --- database roles (core.db_roles) ----------------------------------------------------
# pytest-django creates and migrates the test database as the owner role (CREATEDB, owns
# the schema); then every test runs as the application role, so a missing grant fails a
# test. The flush between `transaction=True` tests truncates as the owner (core's `flush`).
_owner_switch: list = []


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    from core.db_roles import connect_as_owner

    _owner_switch.append(connect_as_owner())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from core.db_roles import connect_as_owner, restore_role

    with django_db_blocker.unblock():
        _statistics_fixed()  # as the owner, which migrated the test database
        template = _pristine_copy()
        restore_role(_owner_switch.pop() if _owner_switch else None)  # tests: application role
    yield
    with django_db_blocker.unblock():
        connect_as_owner()  # pytest-django drops the test database as its owner
        _pristine_drop(template)


def _pristine_copy():
    """A copy of the test database as migrate left it, for tests that copy a database
    (bench.cache.TEMPLATE): the test database itself has other sessions once tests ran."""
    from django.db import connection
    from psycopg import sql

    import bench.cache

    source = connection.settings_dict["NAME"]
    name = f"{source}_pristine"
    with bench.cache._on("postgres"):
        bench.cache.drop(name)
        create = sql.SQL("CREATE DATABASE {} TEMPLATE {}")
        bench.cache._execute(create.format(sql.Identifier(name), sql.Identifier(source)))
    return name


def _pristine_drop(name):
    import bench.cache

    with bench.cache._on("postgres"):
        bench.cache.drop(name)


def _statistics_fixed():
    """The planner's statistics of the test database are measured once, after migrate, and
    autovacuum leaves its tables alone. Tests write inside transactions that roll back;
    an autovacuum that visits a table while a test's rows are still uncommitted counts none
    of them and records the table's pages as empty (relpages > 0, reltuples 0), so the
    next query of that test plans for one row where there are thousands. When that
    happened depended on the minute the suite was in (CI stop 24: a report test that takes
    two seconds did not finish in an hour). Tests that want statistics ANALYZE as the owner."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE tableowner = current_user")
        for (table,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)")
        cursor.execute("ANALYZE")


@pytest.fixture(autouse=True)
def dutch_until_told_otherwise():
    """Every test starts and ends in the default language (Dutch). A request that
    switches to English leaves English active in the thread; without this the next test
    would read English texts where it expects the Dutch ones."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def force_login_gives_the_second_factor(request, monkeypatch):
    """`client.force_login(user)` stands for a finished login, and a finished login of a
    user who must use two-factor authentication includes the code: the session gets the
    verified second factor of a real confirmed TOTP device (as the verify step leaves it).
    The middleware and every check stay on. Tests of the enforcement itself are marked
    `@pytest.mark.real_second_factor` and get Django's plain force_login (password only)."""
    if request.node.get_closest_marker("real_second_factor"):
        return
    original = DjangoClient.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        second_factor_given(self, user)

    monkeypatch.setattr(DjangoClient, "force_login", force_login)


@pytest.fixture
def twente(db):
    return region("JZ14")


@pytest.fixture
def drenthe(db):
    return region("JZ04")


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def make_member(db):
    return member


@pytest.fixture
def coordinator(twente):
    return member(Role.COORDINATOR, regions=[twente])


@pytest.fixture
def coordinator_drenthe(drenthe):
    return member(Role.COORDINATOR, regions=[drenthe])


@pytest.fixture
def referrer(twente):
    return member(Role.REFERRER)


@pytest.fixture
def provider_user(twente):
    return member(Role.PROVIDER)


@pytest.fixture
def contract_manager(twente):
    return member(Role.CONTRACT_MANAGER, regions=[twente])


_clients = itertools.count()


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` authenticates with a real (knox) token, as
    POST /api/v1/auth/token issues it after the password and, where needed, the code."""

    class Client(APIClient):
        def as_user(self, user):
            from accounts.tokens import token_issue

            # a client name per call: two clients of one user in a test keep their own token
            _instance, token = token_issue(user=user, client=f"tests-{next(_clients)}")
            self.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            return self

    return Client()


def _database_url_for(name: str) -> str:
    from urllib.parse import quote

    db = settings.DATABASES["default"]
    host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
    auth = db["USER"] + (f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}@{host}{port}/{name}"


def start_worker(
    *, redis_url: str, mail_dir: Path, beat: bool = False, extra_env=None, app: str = "config", pool: str = "solo"
) -> subprocess.Popen:
    """Start a real Celery worker process on the test database (`app`: the Celery app module;
    `pool`: solo, or prefork with one child)."""
    from django.db import connection

    env = dict(os.environ)
    env.update(
        DATABASE_URL=_database_url_for(connection.settings_dict["NAME"]),
        REDIS_URL=redis_url,
        EMAIL_FILE_PATH=str(mail_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(extra_env or {})
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        app,
        "worker",
        "-P",
        pool,
        *(["-c", "1"] if pool == "prefork" else []),
        "-l",
        "info",
        "--without-mingle",
        "--without-gossip",
        "-n",
        f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
    ]
    if beat:
        args += ["--beat", "-s", str(mail_dir.parent / "beat-schedule")]
    with open(mail_dir.parent / "worker.log", "ab") as log:  # the child keeps its own handle
        proc = subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120  # a loaded machine may take long to start Django and Celery
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((mail_dir.parent / "worker.log").read_text()[-3000:])
        if b"ready." in (mail_dir.parent / "worker.log").read_bytes():
            return proc
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("Celery worker did not become ready")


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """One real worker for the session, consuming from the test Redis."""
    mail_dir = tmp_path_factory.mktemp("worker") / "mail"
    mail_dir.mkdir()
    with django_db_blocker.unblock():
        proc = start_worker(redis_url=settings.REDIS_URL, mail_dir=mail_dir)
    proc.mail_dir = mail_dir
    yield proc
    stop_process(proc)


def wait_for(predicate, timeout=60.0, interval=0.1, *, what: str = "condition"):
    """Poll until `predicate()` is truthy (returns its value); generous by default, since
    the machine may be loaded. Fails the test, naming `what`, when it never is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} not reached in time ({timeout}s)")
