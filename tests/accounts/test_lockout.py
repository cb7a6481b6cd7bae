"""Lockout per username and address, with a cool-off that doubles on every further lockout."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.lockout import cool_off_for

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token"
A, B = "203.0.113.7", "198.51.100.20"
BASE = settings.AXES_COOLOFF_BASE


def token(api, user, password, address):
    return api.post(TOKEN_URL, {"username": user.username, "password": password}, format="json", REMOTE_ADDR=address)


def lock_out(api, user, address):
    """Wrong passwords from `address` until it is locked; returns the 429 response."""
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = token(api, user, "wrong", address)
        if attempt < settings.AXES_FAILURE_LIMIT:
            assert response.status_code == 401, attempt
    assert response.status_code == 429
    return response


def cool_off_passes(user):
    """Let the current lockout run out (as if its cool-off had passed)."""
    past = timezone.now() - settings.AXES_COOLOFF_MAX - timedelta(minutes=1)
    AccessAttemptExpiration.objects.filter(access_attempt__username=user.username).update(expires_at=past)
    AccessAttempt.objects.filter(username=user.username).update(attempt_time=past)


def test_six_wrong_passwords_from_one_address_lock_that_address_only(api, referrer, password):
    lock_out(api, referrer, A)
    assert token(api, referrer, "wrong", A).status_code == 429  # the sixth
    assert token(api, referrer, password, A).status_code == 429  # even the right password, from A
    page = Client(REMOTE_ADDR=A).post("/login/", {"username": referrer.username, "password": password})
    assert page.status_code == 429 and "tijdelijk geblokkeerd" in page.content.decode()
    # the real user, from their own address, is not kept out
    assert token(api, referrer, password, B).status_code == 200
    browser = Client(REMOTE_ADDR=B)
    response = browser.post("/login/", {"username": referrer.username, "password": password})
    assert response.status_code == 302 and browser.get("/referrer/").status_code == 200


def test_the_lockout_answer_says_how_long(api, referrer):
    response = lock_out(api, referrer, A)
    assert response["Retry-After"] == str(int(BASE.total_seconds()))
    assert response.json()["type"] == "about:blank#locked_out"
    assert "15 minuten" in response.json()["detail"]
    page = Client(REMOTE_ADDR=A).post("/login/", {"username": referrer.username, "password": "x"})
    assert page.status_code == 429 and page["Retry-After"]


def test_each_further_lockout_doubles_the_cool_off(api, referrer, password):
    expected = [BASE, BASE * 2, BASE * 4]
    for round_, cool_off in enumerate(expected):
        response = lock_out(api, referrer, A)
        assert response["Retry-After"] == str(int(cool_off.total_seconds())), round_
        expiration = AccessAttemptExpiration.objects.get(access_attempt__username=referrer.username)
        attempt_time = expiration.access_attempt.attempt_time
        assert expiration.expires_at - attempt_time == cool_off, round_
        assert token(api, referrer, password, A).status_code == 429
        cool_off_passes(referrer)
        if round_ < len(expected) - 1:
            # after the cool-off the address is free again until the next run of failures
            assert token(api, referrer, "wrong", A).status_code == 401
            AccessAttempt.objects.filter(username=referrer.username).delete()
    assert token(api, referrer, password, A).status_code == 200
    # another address starts at the base cool-off: the doubling is per username and address
    assert lock_out(api, referrer, B)["Retry-After"] == str(int(BASE.total_seconds()))


def test_the_cool_off_is_capped():
    limit = settings.AXES_FAILURE_LIMIT
    assert cool_off_for(1) == cool_off_for(limit) == BASE
    assert cool_off_for(2 * limit) == 2 * BASE
    assert cool_off_for(1000 * limit) == settings.AXES_COOLOFF_MAX


def test_failures_long_ago_do_not_count(api, referrer):
    from axes.models import AccessFailureLog

    lock_out(api, referrer, A)
    cool_off_passes(referrer)
    AccessFailureLog.objects.update(attempt_time=timezone.now() - settings.AXES_PROGRESSIVE_WINDOW - timedelta(1))
    assert lock_out(api, referrer, A)["Retry-After"] == str(int(BASE.total_seconds()))
