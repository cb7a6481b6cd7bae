"""Issue 13.6: with PostgreSQL down the user gets a 503 "temporarily unavailable" (a page
in Dutch and English, problem+json under /api/, Retry-After), never a 500 text/html.
The database is a real PostgreSQL server of this test's own, stopped under a running
web process."""

import json

import pytest

from tests.conftest import stop_process
from tests.faults.processes import OwnPostgres, get, start_web, web_environment

SESSION = {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}  # any session key: read from the database


@pytest.fixture
def own_postgres(db):
    server = OwnPostgres()
    try:
        server.copy_schema_of_the_test_database()
        yield server
    finally:
        server.remove()


@pytest.mark.django_db(transaction=True)
def test_pages_and_api_answer_503_while_postgresql_is_down(own_postgres, tmp_path):
    web, base = start_web(web_environment(DATABASE_URL=own_postgres.url), tmp_path / "web.log")
    try:
        # Up: the login page (with a session cookie, so the session table is read) works.
        status, _headers, _body = get(f"{base}/login/", SESSION)
        assert status == 200
        status, _headers, body = get(f"{base}/api/v1/requests", {"Authorization": "Token abc"})
        assert status == 401, body  # the token lookup reads the database

        own_postgres.kill()

        status, headers, body = get(f"{base}/login/", SESSION)
        page = body.decode()
        assert status == 503, page[:500]
        assert headers["Content-Type"].startswith("text/html")
        assert headers["Retry-After"] == "30"
        assert "De dienst is tijdelijk niet beschikbaar" in page  # Dutch first
        assert "The service is temporarily unavailable" in page  # and English
        assert page.index('lang="nl"') < page.index('lang="en"')

        status, headers, body = get(f"{base}/api/v1/requests", {"Authorization": "Token abc"})
        assert status == 503, body[:500]
        assert headers["Content-Type"] == "application/problem+json"
        assert headers["Retry-After"] == "30"
        problem = json.loads(body)
        assert problem["status"] == 503 and problem["type"].endswith("#service_unavailable")
        assert problem["title"] == "Dienst tijdelijk niet beschikbaar"

        # the API answers in the language the client asks for (issue 14), never the pages' cookie
        english = {"Authorization": "Token abc", "Accept-Language": "en"}
        status, _headers, body = get(f"{base}/api/v1/requests", english)
        assert status == 503 and json.loads(body)["title"] == "Service temporarily unavailable"
        cookie = {"Authorization": "Token abc", "Cookie": "django_language=en"}
        status, _headers, body = get(f"{base}/api/v1/requests", cookie)
        assert status == 503 and json.loads(body)["title"] == "Dienst tijdelijk niet beschikbaar"
    finally:
        stop_process(web)


@pytest.mark.django_db
def test_an_error_the_database_sends_is_not_taken_for_an_outage():
    """A statement the server cancels (here: a statement timeout, a real one) is an
    OperationalError too, but the database is up: that stays the product's 500."""
    from django.db import OperationalError, connection, transaction

    from core.unavailable import database_unreachable

    with pytest.raises(OperationalError) as cancelled, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 10")
        cursor.execute("SELECT pg_sleep(1)")
    assert not database_unreachable(cancelled.value)
