"""Issue 13 (observe): Sentry only with SENTRY_DSN, and no personal data in its events
(core/sentry.py). The DSN points at a fake Sentry on loopback started here."""

import gzip
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.conf import settings

from core.sentry import event_scrub
from tests.conftest import BASE_DIR, _database_url_for
from tests.core.test_settings import _environ

VALID_BSN = "123456782"
EMAIL = "jan.jansen@example.org"


class FakeSentry:
    """A tiny HTTP server that keeps every envelope posted to it."""

    def __init__(self):
        self.envelopes: list[bytes] = []
        received = self.envelopes

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                encoding = self.headers.get("Content-Encoding")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "br":  # the SDK's choice when brotli is installed
                    import brotli

                    body = brotli.decompress(body)
                received.append(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def dsn(self) -> str:
        return f"http://publickey@127.0.0.1:{self.server.server_address[1]}/1"

    def events(self) -> list[dict]:
        events = []
        for envelope in self.envelopes:
            lines = envelope.split(b"\n")
            for header, payload in zip(lines[1::2], lines[2::2], strict=False):
                if json.loads(header).get("type") == "event":
                    events.append(json.loads(payload))
        return events


@pytest.fixture
def fake_sentry():
    fake = FakeSentry()
    fake.thread.start()
    yield fake
    fake.server.shutdown()


# Through the WSGI application, as gunicorn calls it (the test client skips the WSGI layer
# where the SDK reads the request's address, method and headers).
SCRIPT = f"""
import io, wsgiref.util
from urllib.parse import urlencode
import django, sentry_sdk
django.setup()
from django.test import override_settings
from config.wsgi import application
print("ACTIVE", sentry_sdk.get_client().is_active())
body = urlencode({{"bsn": "{VALID_BSN}", "email": "{EMAIL}", "naam": "Jansen"}}).encode()
environ = {{
    "REQUEST_METHOD": "POST", "PATH_INFO": "/kapot-met-gegevens", "QUERY_STRING": "naam=Jansen",
    "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
    "wsgi.input": io.BytesIO(body), "HTTP_HOST": "localhost", "HTTP_COOKIE": "sessionid=geheime-sessie",
    "HTTP_AUTHORIZATION": "Token geheim-token", "HTTP_X_REQUEST_ID": "sentry-1", "REMOTE_ADDR": "127.0.0.1",
}}
wsgiref.util.setup_testing_defaults(environ)
statuses = []
with override_settings(ROOT_URLCONF="tests.core.urls_sentry"):
    b"".join(application(environ, lambda status, headers, exc_info=None: statuses.append(status)))
print("STATUS", statuses[0])
sentry_sdk.flush(10)
"""


def _run(env):
    from django.db import connection

    base = {"DATABASE_URL": _database_url_for(connection.settings_dict["NAME"]), "SENTRY_DSN": ""}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=BASE_DIR,
        env=_environ({**base, "DJANGO_SETTINGS_MODULE": "config.settings", "IDENTITY_CHECK_WARM_UP": "0", **env}),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_dsn_sentry_is_not_initialised():
    """This test process runs without SENTRY_DSN: no client (sentry_init with an empty DSN
    would make an active one); the subprocess below shows the active case."""
    assert settings.SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()


@pytest.mark.django_db
def test_an_error_reaches_sentry_without_personal_data(fake_sentry):
    result = _run({"SENTRY_DSN": fake_sentry.dsn})
    assert "ACTIVE True" in result.stdout and "STATUS 500" in result.stdout, result.stdout + result.stderr
    (event,) = fake_sentry.events()
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "lookup failed for [bsn] ([e-mail])"
    assert event["tags"]["request_id"] == "sentry-1"
    request = event["request"]
    assert request["url"] == "http://localhost/kapot-met-gegevens" and request["method"] == "POST"
    assert not {"data", "cookies", "query_string", "env"} & set(request)
    assert {name.lower() for name in request.get("headers", {})} <= {
        "content-type",
        "content-length",
        "x-request-id",
        "host",
    }
    assert "user" not in event
    frames = [frame for frame in exception["stacktrace"]["frames"]]
    assert frames and not [frame for frame in frames if frame.get("vars")]
    raw = b"".join(fake_sentry.envelopes).decode()
    for personal in (VALID_BSN, EMAIL, "Jansen", "geheime-sessie", "geheim-token"):
        assert personal not in raw


def test_event_scrub_removes_what_the_sdk_would_still_send():
    event = {
        "event_id": "0123456789abcdef0123456789abcdef",
        "message": f"bsn {VALID_BSN}",
        "user": {"id": 4, "email": EMAIL},
        "request": {
            "url": "https://regie.example.org/verzoeken/?q=Jansen",
            "data": {"bsn": VALID_BSN},
            "cookies": {"sessionid": "x"},
            "query_string": "q=Jansen",
            "headers": {"Cookie": "sessionid=x", "Authorization": "Token t", "User-Agent": "ua", "X-Request-ID": "r"},
        },
        "breadcrumbs": {"values": [{"message": f"mail to {EMAIL}"}]},
    }
    scrubbed = event_scrub(event)
    assert scrubbed["message"] == "bsn [bsn]" and "user" not in scrubbed
    assert scrubbed["request"] == {
        "url": "https://regie.example.org/verzoeken/",
        "headers": {"User-Agent": "ua", "X-Request-ID": "r"},
    }
    assert scrubbed["breadcrumbs"]["values"][0]["message"] == "mail to [e-mail]"
    assert scrubbed["event_id"] == "0123456789abcdef0123456789abcdef"
