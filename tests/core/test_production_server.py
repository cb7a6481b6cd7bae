"""The production web server end to end (issue 13, prod, point 1): `collectstatic` in
production mode into an empty STATIC_ROOT, then real gunicorn with config/gunicorn.py and
the production settings on the test database. It answers /health as JSON, the login page,
and the hashed static files the page names, from WhiteNoise with a year's cache; and its
database connections persist between requests (CONN_MAX_AGE)."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from config.devstack import _free_port
from tests.conftest import BASE_DIR, _database_url_for, wait_for
from tests.core.test_settings import PRODUCTION_ENV

HOST = "regie.example.org"


def _production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_OWNER_URL")}
    env.update(PRODUCTION_ENV)
    env.update(
        DATABASE_URL=_database_url_for(connection.settings_dict["NAME"]),
        REDIS_URL=settings.REDIS_URL,
        STATIC_ROOT=str(tmp_path / "static"),
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        IDENTITY_CHECK_WARM_UP="0",  # the de-identification model is not needed here
    )
    env.update(extra)
    return env


def _get(url, **headers):
    """(status, headers, body) of a GET as the ingress forwards it (https, our host)."""
    request = urllib.request.Request(url, headers={"Host": HOST, "X-Forwarded-Proto": "https", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory, django_db_blocker):
    tmp_path = tmp_path_factory.mktemp("prod")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "1"],
        cwd=BASE_DIR,
        env=_production_env(tmp_path, DATABASE_URL="postgresql://unused@localhost/unused"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return tmp_path


@pytest.fixture(scope="module")
def gunicorn(collected_static, django_db_setup):
    """Real gunicorn (config/gunicorn.py) with two workers on a free loopback port, on the
    test database (it needs no rows: /health, the login page and static files)."""
    port = _free_port()
    env = _production_env(
        collected_static,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
        ALLOWED_HOSTS=f"{HOST},localhost",  # as deploy/k8s/base/configmap.yaml: the probes' host
    )
    log_path = collected_static / f"gunicorn-{port}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"

    def up():
        if proc.poll() is not None:
            raise AssertionError(log_path.read_text()[-3000:])
        try:
            return _get(f"{base}/login/")[0] == 200
        except OSError:
            return False

    try:
        wait_for(up, timeout=90, interval=0.3)
        yield base, proc, log_path
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=35)  # graceful timeout 30 s
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise


def test_collectstatic_in_production_mode_writes_hashed_vendor_files(collected_static):
    static = collected_static / "static"
    manifest = (static / "staticfiles.json").read_text()
    for name in ("vendor/htmx/htmx.min.js", "vendor/utrecht/index.css", "vendor/chartjs/chart.umd.js", "css/app.css"):
        assert f'"{name}"' in manifest, name
    # only the files the pages use come from node_modules: no unused package files
    assert not (static / "vendor" / "utrecht-tokens" / "background-image-icon.css").exists()
    assert not list((static / "vendor").rglob("htmx.min.js"))  # only hashed copies are kept
    assert list((static / "vendor" / "htmx").glob("htmx.min.*.js.gz"))  # precompressed
    # the apps' files without the unused ReDoc bundle, but with Swagger UI (/api/v1/docs/)
    assert list((static / "drf_spectacular_sidecar").rglob("swagger-ui-bundle*.js"))
    assert not list(static.rglob("*redoc*"))


@pytest.mark.django_db
def test_gunicorn_serves_health_login_and_hashed_static_files(gunicorn):
    base, _proc, log_path = gunicorn
    status, headers, body = _get(f"{base}/health")
    assert status in (200, 503) and headers["Content-Type"] == "application/json"
    assert b'"database": {"status": "ok"}' in body  # the production server reached the test database

    status, headers, body = _get(f"{base}/login/")
    assert status == 200 and b"<form" in body
    assert "max-age=31536000" in headers["Strict-Transport-Security"]  # production security settings
    links = re.findall(rb'(?:href|src)="(/static/[^"]+)"', body)
    hashed = [link.decode() for link in links if re.search(rb"\.[0-9a-f]{12}\.(css|js)$", link)]
    assert any("vendor/htmx/htmx.min." in link for link in hashed), links
    assert len(hashed) == len(links), links  # every static link on the page is a hashed name

    for link in hashed:
        status, headers, body = _get(f"{base}{link}", **{"Accept-Encoding": "gzip"})
        assert status == 200 and body, link
        assert "max-age=315360000" in headers["Cache-Control"] and "immutable" in headers["Cache-Control"], link
        assert headers.get("Content-Encoding") == "gzip", link

    # plain HTTP (no X-Forwarded-Proto from the proxy) is sent to https
    request = urllib.request.Request(f"{base}/login/", headers={"Host": HOST})
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request, timeout=10)
    assert redirect.value.code == 301 and redirect.value.headers["Location"] == f"https://{HOST}/login/"

    time.sleep(0.5)  # the access log goes to stdout, one line per request
    log = log_path.read_text()
    assert re.search(r'"GET /health HTTP/1.1" (200|503) \d+ \d+us', log), log[-2000:]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_gunicorn_keeps_its_database_connections_between_requests(gunicorn):
    """CONN_MAX_AGE (60 s in production): after the answers the workers' connections stay
    open for the next request instead of one connection per request."""
    base, _proc, _log = gunicorn
    for _ in range(6):
        assert _get(f"{base}/health")[0] in (200, 503)
    wait_for(lambda: _other_backends() >= 1, timeout=5, interval=0.2)
    assert 1 <= _other_backends() <= 2 * 2  # at most one per worker thread


@pytest.mark.django_db
def test_gunicorn_answers_the_kubernetes_probes_over_plain_http(gunicorn):
    """The kubelet probes a pod over plain HTTP with Host: localhost (deploy/k8s/base/web.yaml):
    /health and /health/live are not redirected to https, everything else still is."""
    base, _proc, _log = gunicorn
    opener = urllib.request.build_opener(_NoRedirect)
    for path, statuses in (("/health", (200, 503)), ("/health/live", (200,))):
        try:
            with opener.open(urllib.request.Request(f"{base}{path}", headers={"Host": "localhost"}), timeout=10) as r:
                status, content_type = r.status, r.headers["Content-Type"]
        except urllib.error.HTTPError as error:
            status, content_type = error.code, error.headers["Content-Type"]
        assert status in statuses and content_type == "application/json", (path, status)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(urllib.request.Request(f"{base}/login/", headers={"Host": "localhost"}), timeout=10)
    assert redirect.value.code == 301
