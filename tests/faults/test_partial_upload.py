"""Issue 13.6: a web process killed (-9) in the middle of an upload leaves no plaintext of
the document on disk. Django's default handlers spool an upload over 2.5 MB to a
temporary file while the request is read; the product keeps uploads in memory
(core.uploads) and writes them only encrypted."""

import os
import signal
import socket
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.test import Client

from accounts.models import Role
from tests.conftest import stop_process
from tests.faults.processes import start_web, web_environment
from tests.placement.factories import make_request

MARKER = b"FAULTS-PLAINTEXT-OF-THE-DOSSIER-"
CSRF = "faultsfaultsfaultsfaultsfaults12"  # 32 characters: a CSRF secret


def _files_containing(directory: Path, needle: bytes) -> list[Path]:
    found = []
    for path in directory.rglob("*"):
        if path.is_file() and needle in path.read_bytes():
            found.append(path)
    return found


@pytest.mark.django_db(transaction=True)
def test_a_web_process_killed_during_an_8_mb_upload_leaves_no_plaintext(make_member, twente, tmp_path):
    referrer = make_member(Role.REFERRER)
    placement_request = make_request(referrer, complete=False)
    client = Client()
    client.force_login(referrer)
    session = client.cookies["sessionid"].value

    temp_dir, media = tmp_path / "tmp", tmp_path / "private"
    temp_dir.mkdir()
    env = web_environment(TMPDIR=str(temp_dir), PRIVATE_MEDIA_ROOT=str(media))
    web, base = start_web(env, tmp_path / "web.log")
    try:
        content = b"%PDF-1.4\n" + (MARKER + b"x" * (64 * 1024 - len(MARKER))) * 128  # 8 MB
        boundary = "faultsboundary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{CSRF}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nzorgvraag\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nZorgvraag\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="dossier.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        path = f"/referrer/requests/{placement_request.pk}/documents/"
        port = urlparse(base).port
        request_head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(head) + len(content) + len(tail)}\r\n"
            f"Cookie: sessionid={session}; csrftoken={CSRF}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            conn.sendall(request_head + head)
            sent = 0
            while sent < 6 * 1024 * 1024:  # three quarters of the file, slowly
                conn.sendall(content[sent : sent + 256 * 1024])
                sent += 256 * 1024
                time.sleep(0.02)
            time.sleep(2)  # the web process reads what has arrived
            os.kill(web.pid, signal.SIGKILL)
            web.wait(30)
        leftovers = _files_containing(temp_dir, MARKER) + (_files_containing(media, MARKER) if media.exists() else [])
        assert leftovers == [], f"plaintext of the upload left on disk: {leftovers}"
    finally:
        stop_process(web)


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_next_to_the_field(make_member, twente, client, settings, tmp_path):
    """In memory, but not without bound: a file over MAX_UPLOAD_BYTES is kept only up to
    the limit, and the form says it is too large (no 500, nothing stored)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    referrer = make_member(Role.REFERRER)
    placement_request = make_request(referrer, complete=False)
    client.force_login(referrer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("groot.pdf", b"%PDF-1.4\n" + b"x" * (3 * 1024 * 1024), content_type="application/pdf")
    response = client.post(
        f"/referrer/requests/{placement_request.pk}/documents/",
        {"kind": "zorgvraag", "title": "Groot", "file": big},
    )
    assert response.status_code == 200
    assert "Het bestand is te groot (maximaal 1.0 MB)." in response.content.decode()
    assert placement_request.documents.count() == 0
    assert not list(tmp_path.rglob("*.pdf"))
