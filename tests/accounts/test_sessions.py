"""Sessions end 8 hours after login and after 30 minutes without a request. Time is moved
by editing the timestamps the session stores, not by waiting."""

import pytest
from django.conf import settings

from accounts import middleware

pytestmark = pytest.mark.django_db


def shift(client, **seconds_ago):
    """Pretend the login / last request happened this many seconds ago."""
    session = client.session
    moment = middleware.now()
    if "login" in seconds_ago:
        session[middleware.LOGIN_AT] = moment - seconds_ago["login"]
    if "seen" in seconds_ago:
        session[middleware.LAST_SEEN] = moment - seconds_ago["seen"]
    session.save()


def test_the_limits_are_8_hours_and_30_minutes_by_default():
    assert settings.SESSION_ABSOLUTE_SECONDS == 8 * 3600
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_SECONDS


def test_login_starts_both_clocks(client, referrer, password):
    before = middleware.now()
    client.post("/login/", {"username": referrer.username, "password": password})
    session = client.session
    assert before <= session[middleware.LOGIN_AT] <= middleware.now()
    assert session[middleware.LAST_SEEN] == session[middleware.LOGIN_AT]


def test_activity_keeps_the_session_alive(client, coordinator):
    client.force_login(coordinator)
    shift(client, login=3600, seen=settings.SESSION_IDLE_SECONDS - 60)
    assert client.get("/coordinator/").status_code == 200
    assert middleware.now() - client.session[middleware.LAST_SEEN] < 5  # the request counted as activity
    shift(client, seen=settings.SESSION_IDLE_SECONDS - 60)
    assert client.get("/coordinator/").status_code == 200


def test_idle_session_is_logged_out_with_a_message(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/coordinator/").status_code == 200
    shift(client, seen=settings.SESSION_IDLE_SECONDS + 1)
    response = client.get("/coordinator/")
    assert response.status_code == 302 and response.url == "/login/?next=%2Fcoordinator%2F"
    page = client.get(response.url)
    assert "Uw sessie is verlopen: u was langer dan 30 minuten niet actief." in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/coordinator/").url.startswith("/login/")  # logged out, not just redirected once


def test_session_ends_8_hours_after_login_however_active(client, coordinator):
    client.force_login(coordinator)
    shift(client, login=settings.SESSION_ABSOLUTE_SECONDS + 1, seen=5)
    response = client.get("/coordinator/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert "u bent langer dan 8 uur ingelogd" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_without_clocks_counts_as_expired(client, coordinator):
    """Sessions from before these limits (14 days long) do not live on."""
    client.force_login(coordinator)
    session = client.session
    del session[middleware.LOGIN_AT]
    session.save()
    assert client.get("/coordinator/").url.startswith("/login/")


def test_expired_session_in_the_api_is_401_problem_json(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/api/v1/me").status_code == 200
    shift(client, seen=settings.SESSION_IDLE_SECONDS + 1)
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == "about:blank#session_expired" and body["title"] == "Sessie verlopen"
    assert client.get("/api/v1/me").status_code == 401


def test_limits_follow_the_settings(client, coordinator, settings):
    settings.SESSION_IDLE_SECONDS = 60
    client.force_login(coordinator)
    shift(client, seen=61)
    assert client.get("/coordinator/").url.startswith("/login/")
    settings.SESSION_IDLE_SECONDS, settings.SESSION_ABSOLUTE_SECONDS = 3600, 120
    client.force_login(coordinator)
    shift(client, login=121, seen=1)
    assert client.get("/coordinator/").url.startswith("/login/")


def test_an_htmx_request_of_an_expired_session_redirects_the_whole_page(client, coordinator):
    client.force_login(coordinator)
    shift(client, seen=settings.SESSION_IDLE_SECONDS + 1)
    response = client.get("/coordinator/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == "/login/?next=%2Fcoordinator%2F"
