"""Issue 13 (observe): JSON logs with a request id across web and worker (core/logs.py,
core/request_id.py, config/celery.py), without personal data."""

import io
import json
import logging
import re
import subprocess
import sys
import time
import uuid

import pytest
import redis
from django.conf import settings
from django.test import override_settings

from config.celery import app as celery_app
from core.logs import logging_config, redact_text, structured_formatter
from core.request_id import request_id_new
from tests.conftest import BASE_DIR, _database_url_for, stop_process, wait_for
from tests.core.test_settings import PRODUCTION_ENV, _environ

GENERATED = re.compile(r"[0-9a-f]{32}")
VALID_BSN = "123456782"  # passes the 11-check


class LogLines:
    def __init__(self, stream):
        self.stream = stream

    def text(self) -> str:
        return self.stream.getvalue()

    def __call__(self) -> list[dict]:
        return [json.loads(line) for line in self.text().splitlines() if line.strip()]

    def requests(self) -> list[dict]:
        return [line for line in self() if line["event"] == "request"]


@pytest.fixture
def json_log():
    """The product's JSON lines of this test, as the stdout handler writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(structured_formatter("json"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield LogLines(stream)
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.mark.django_db
def test_a_well_formed_incoming_request_id_is_kept_returned_and_logged(client, json_log):
    response = client.get("/health", HTTP_X_REQUEST_ID="lb-7f3a.9_Z")
    assert response["X-Request-ID"] == "lb-7f3a.9_Z"
    (line,) = json_log.requests()
    assert line["request_id"] == "lb-7f3a.9_Z"
    assert line["method"] == "GET" and line["path"] == "/health" and line["status"] == response.status_code
    assert line["level"] == "info" and line["logger"] == "regie.request" and "timestamp" in line
    assert line["duration_ms"] >= 0 and line["user_id"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", [None, "", "a b", "x" * 129, "<script>", "id\r\nX-Forged: 1", "ïd"])
def test_a_missing_or_malformed_request_id_is_replaced_by_a_new_one(client, json_log, incoming):
    headers = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    first = client.get("/health", **headers)["X-Request-ID"]
    second = client.get("/health", **headers)["X-Request-ID"]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second
    assert [line["request_id"] for line in json_log.requests()] == [first, second]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.core.urls_failing")
def test_every_line_of_a_request_carries_its_id_and_the_id_ends_with_the_request(client, json_log):
    client.raise_request_exception = False
    response = client.get("/kapot", HTTP_X_REQUEST_ID="fout-1")
    assert response.status_code == 500
    lines = json_log()
    error = [line for line in lines if line["logger"] == "django.request"]
    assert error and error[0]["request_id"] == "fout-1" and "RuntimeError" in error[0]["exception"]
    assert all(line.get("request_id") == "fout-1" for line in lines)
    logging.getLogger("regie.test").info("after the request")
    assert "request_id" not in json_log()[-1]


@pytest.mark.django_db
def test_request_lines_hold_no_query_string_and_no_personal_data(client, json_log, referrer):
    referrer.first_name, referrer.last_name = "Pieter", "Bakker"
    referrer.save()
    client.force_login(referrer)
    client.get(f"/?q=Jansen&bsn={VALID_BSN}", HTTP_X_REQUEST_ID="zoek-1")
    client.logout()
    client.post("/password-reset/", {"email": referrer.email})
    lines = json_log.requests()
    assert lines[0]["path"] == "/" and lines[0]["user_id"] == referrer.pk
    text = json_log.text()
    for personal in ("Jansen", VALID_BSN, referrer.email, referrer.username, "Pieter", "Bakker"):
        assert personal not in text


def test_bsns_and_email_addresses_are_redacted_from_every_line_tracebacks_included(json_log):
    assert redact_text(f"bsn {VALID_BSN}, mail j.jansen@example.org") == "bsn [bsn], mail [e-mail]"
    assert redact_text("id 123456789 and 12345678 stay") == "id 123456789 and 12345678 stay"  # no valid BSN
    try:
        raise ValueError(f"unknown youth {VALID_BSN}")
    except ValueError:
        logging.getLogger("regie.test").exception("lookup of %s failed", VALID_BSN)
    (line,) = json_log()
    assert VALID_BSN not in json_log.text()
    assert line["event"] == "lookup of [bsn] failed" and "unknown youth [bsn]" in line["exception"]


def test_log_format_is_json_or_console_and_nothing_else():
    from django.core.exceptions import ImproperlyConfigured

    assert logging_config(log_format="console", level="INFO")["root"]["level"] == "INFO"
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        logging_config(log_format="xml", level="INFO")


def _shell(env, code):
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=_environ(env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_logs_json_on_stdout_by_default():
    code = "import logging; logging.getLogger('regie.probe').warning('probe %s', 42)"
    result = _shell(PRODUCTION_ENV, code)
    assert result.returncode == 0, result.stderr
    (line,) = [json.loads(raw) for raw in result.stdout.splitlines() if "probe" in raw]
    assert line["event"] == "probe 42" and line["level"] == "warning" and line["logger"] == "regie.probe"


def test_console_lines_are_readable_and_carry_the_same_fields():
    from structlog.contextvars import bound_contextvars

    record = logging.LogRecord("regie.probe", logging.INFO, __file__, 1, "probe %s of %s", (42, VALID_BSN), None)
    with bound_contextvars(request_id="console-1"):
        line = structured_formatter("console").format(record)
    assert not line.startswith("{") and "probe 42 of [bsn]" in line
    assert "request_id=console-1" in line and "[regie.probe]" in line and VALID_BSN not in line


# --- web and worker: one id --------------------------------------------------------------


def _start_json_worker(queue: str, log_path):
    """A real worker (LOG_FORMAT=json, `celery -q`) on the test database, consuming only
    `queue`, so the session's worker (if any) cannot take this test's tasks."""
    from django.db import connection

    env = _environ(
        {
            "DATABASE_URL": _database_url_for(connection.settings_dict["NAME"]),
            "REDIS_URL": settings.REDIS_URL,
            "EMAIL_FILE_PATH": str(log_path.parent / "mail"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_FORMAT": "json",
        }
    )
    args = [sys.executable, "-m", "celery", "-q", "-A", "config", "worker", "-P", "solo", "-Q", queue]
    args += ["--without-mingle", "--without-gossip", "-n", f"observe-{uuid.uuid4().hex[:8]}@%h"]
    # stdout holds the log; stderr what Python prints before logging is set up (as root:
    # Celery's warning about running as the superuser)
    with open(log_path, "ab") as log, open(log_path.with_suffix(".err"), "ab") as err:
        proc = subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=log, stderr=err)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log_path.read_text()[-3000:] + log_path.with_suffix(".err").read_text()[-3000:])
        if b"ready." in log_path.read_bytes():
            return proc
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("Celery worker did not become ready")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_logs_the_task_of_a_request_with_the_request_id_in_json(client, json_log, referrer, tmp_path):
    queue = f"observe-{uuid.uuid4().hex[:8]}"
    log_path = tmp_path / "worker.log"
    worker = _start_json_worker(queue, log_path)
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue  # what this test publishes goes to its worker
    try:
        response = client.post("/password-reset/", {"email": referrer.email}, HTTP_X_REQUEST_ID="reis-42")
        assert response.status_code == 302 and response["X-Request-ID"] == "reis-42"

        def task_lines():
            lines = [json.loads(raw) for raw in log_path.read_text().splitlines() if raw.strip()]
            done = [line for line in lines if "succeeded" in line["event"] and "outbox_deliver" in line["event"]]
            return lines if done else None

        lines = wait_for(task_lines)
    finally:
        celery_app.conf.task_default_queue = default_queue
        stop_process(worker)
    # the web's line of the request and the worker's line of its task: the same id
    assert [line["request_id"] for line in json_log.requests()] == ["reis-42"]
    (succeeded,) = [line for line in lines if "succeeded" in line["event"]]
    assert succeeded["request_id"] == "reis-42" and succeeded["task"] == "core.tasks.outbox_deliver"
    assert succeeded["logger"] == "celery.app.trace" and succeeded["task_id"]
    # every line the worker wrote is JSON (parsed above), and none holds the address
    assert referrer.email not in log_path.read_text()
    assert (tmp_path / "mail").exists() and any(referrer.email in p.read_text() for p in (tmp_path / "mail").iterdir())


def test_beat_logs_json_on_stdout(tmp_path):
    """Beat keeps the product's logging too (its own Redis database: nothing consumes what
    it publishes here)."""
    base = settings.REDIS_URL.rsplit("/", 1)[0]
    env = _environ({"LOG_FORMAT": "json", "REDIS_URL": f"{base}/9", "DJANGO_SETTINGS_MODULE": "config.settings"})
    args = [sys.executable, "-m", "celery", "-q", "-A", "config", "beat", "-s", str(tmp_path / "schedule")]
    log_path = tmp_path / "beat.log"
    with open(log_path, "ab") as log, open(tmp_path / "beat.err", "ab") as err:
        proc = subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=log, stderr=err)
    try:
        wait_for(lambda: b"Starting..." in log_path.read_bytes())
    finally:
        stop_process(proc)
        redis.Redis.from_url(f"{base}/9").flushdb()
    lines = [json.loads(raw) for raw in log_path.read_text().splitlines() if raw.strip()]
    assert any(line["event"] == "beat: Starting..." and line["logger"] == "celery.beat" for line in lines)


def test_a_new_request_id_never_holds_what_the_logs_would_redact_as_a_bsn(monkeypatch):
    """Nine digits passing the 11-check inside a uuid's hex would be logged as [bsn]."""
    with_bsn = uuid.UUID("c3fc869c884447248fe33b0eaf748c6f")  # 884447248 passes the 11-check
    assert redact_text(with_bsn.hex) != with_bsn.hex
    plain = uuid.UUID("2e074fefe90a4b8e9c3a3b0eaf748c6f")
    drawn = iter([with_bsn, plain])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(drawn))
    assert request_id_new() == plain.hex
