"""Issue 14.6 (api-core): rate limits per user, per token and per address without a user
(DRF throttles on the Redis cache) with RateLimit headers and 429 problem+json with
Retry-After; the login lockout is untouched; CORS for /api/ only, off by default and
allowed per origin (CORS_ALLOWED_ORIGINS)."""

import itertools
import threading
import uuid
from types import SimpleNamespace

import pytest

from accounts.tokens import token_issue
from core.throttling import UserRateThrottle

HIGH = "1000000/minute"
_addresses = itertools.count(1)


def _rates(settings, **rates):
    settings.API_THROTTLE_RATES = {"user": HIGH, "token": HIGH, "anon": HIGH, **rates}


def _token(user, client):
    return token_issue(user=user, client=client)[1]


@pytest.fixture
def address():
    """An address of this test's own: the anonymous counters of other tests stay apart."""
    return f"192.0.2.{next(_addresses) % 250 + 1}"


# --- RateLimit headers ------------------------------------------------------------------


@pytest.mark.django_db
def test_every_api_answer_carries_ratelimit_headers_counting_down(api, referrer, settings):
    _rates(settings, token="10/minute")
    api.as_user(referrer)
    first, second = api.get("/api/v1/me"), api.get("/api/v1/me")
    assert (first["RateLimit-Limit"], first["RateLimit-Remaining"]) == ("10", "9")
    assert (second["RateLimit-Limit"], second["RateLimit-Remaining"]) == ("10", "8")
    assert 0 < int(second["RateLimit-Reset"]) <= 60
    assert second["RateLimit-Policy"] == "10;w=60"


@pytest.mark.django_db
def test_the_tightest_limit_is_the_one_sent(api, referrer, settings):
    _rates(settings, user="5/minute", token="50/minute")
    response = api.as_user(referrer).get("/api/v1/me")
    assert (response["RateLimit-Limit"], response["RateLimit-Remaining"]) == ("5", "4")


# --- 429 ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_over_the_user_limit_is_429_problem_json_with_retry_after(api, referrer, settings):
    _rates(settings, user="3/minute")
    api.as_user(referrer)
    assert [api.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("/api/v1/me")
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/problem+json")
    body = refused.json()
    assert body["status"] == 429 and body["title"] == "Te veel verzoeken"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["RateLimit-Remaining"] == "0" and refused["API-Version"]


@pytest.mark.django_db
def test_the_user_limit_counts_all_tokens_of_the_user_together(api, referrer, settings):
    _rates(settings, user="4/minute")
    first, second = _token(referrer, "one"), _token(referrer, "two")
    for token in (first, second, first, second):
        assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {second}").status_code == 429


@pytest.mark.django_db
def test_the_token_limit_is_per_token(api, referrer, settings):
    _rates(settings, token="2/minute")
    busy, quiet = _token(referrer, "busy"), _token(referrer, "quiet")
    statuses = [api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {busy}").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {quiet}").status_code == 200


@pytest.mark.django_db
def test_other_users_are_not_throttled_by_someone_elses_requests(api, referrer, coordinator, settings):
    _rates(settings, user="1/minute")
    api.as_user(referrer)
    assert [api.get("/api/v1/me").status_code for _ in range(2)] == [200, 429]
    assert api.as_user(coordinator).get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_without_a_user_the_limit_is_per_address(api, settings, address):
    _rates(settings, anon="2/minute")
    statuses = [api.get("/api/v1/nothing", REMOTE_ADDR=address).status_code for _ in range(3)]
    assert statuses == [404, 404, 429]
    assert api.get("/api/v1/nothing", REMOTE_ADDR="198.51.100.99").status_code == 404


@pytest.mark.django_db
def test_the_token_request_is_rate_limited_without_a_user_and_lockout_still_works(api, referrer, settings, address):
    # the anonymous limit counts token requests, the lockout (5 wrong passwords) is apart
    _rates(settings, anon="100/minute")
    wrong = {"username": referrer.username, "password": "wrong"}
    statuses = [api.post("/api/v1/auth/token", wrong, format="json", REMOTE_ADDR=address) for _ in range(5)]
    assert [r.status_code for r in statuses] == [401, 401, 401, 401, 429]
    assert statuses[-1].json()["title"] == "Account tijdelijk geblokkeerd"  # the lockout's answer
    assert statuses[0]["RateLimit-Remaining"] == "99"


@pytest.mark.django_db
def test_with_the_cache_down_requests_are_served_without_limits(api, referrer, settings):
    _rates(settings, user="1/minute")
    api.as_user(referrer)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    assert [api.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.django_db
def test_rates_come_from_the_environment(monkeypatch):
    import importlib

    import config.settings as config_settings

    monkeypatch.setenv("API_THROTTLE_USER_RATE", "7/second")
    monkeypatch.setenv("API_THROTTLE_TOKEN_RATE", "8/hour")
    monkeypatch.setenv("API_THROTTLE_ANON_RATE", "9/day")
    try:
        reloaded = importlib.reload(config_settings)
        assert reloaded.API_THROTTLE_RATES == {"user": "7/second", "token": "8/hour", "anon": "9/day"}
        assert reloaded.CORS_ALLOWED_ORIGINS == []
    finally:
        monkeypatch.undo()
        importlib.reload(config_settings)


# --- CORS ---------------------------------------------------------------------------------

ORIGIN = "https://planning.example.org"


def _preflight(client, path="/api/v1/requests", origin=ORIGIN):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )


@pytest.mark.django_db
def test_cors_is_off_by_default(client, settings):
    assert settings.CORS_ALLOWED_ORIGINS == []
    response = _preflight(client)
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/regions", HTTP_ORIGIN=ORIGIN)


@pytest.mark.django_db
def test_a_preflight_from_an_allowed_origin_is_allowed(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    response = _preflight(client)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in response["Access-Control-Allow-Methods"]
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "if-match"} <= allowed
    assert "Access-Control-Allow-Credentials" not in response  # tokens, never the session cookie


@pytest.mark.django_db
def test_an_allowed_origin_reads_the_api_headers(api, referrer, settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    response = api.as_user(referrer).get("/api/v1/me", HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"API-Version", "Link", "Location", "RateLimit-Remaining", "Retry-After", "Deprecation"} <= exposed


@pytest.mark.django_db
@pytest.mark.parametrize("origin", ["https://evil.example", "http://planning.example.org", "null"])
def test_a_preflight_from_another_origin_is_refused(client, settings, origin):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    response = _preflight(client, origin=origin)
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/regions", HTTP_ORIGIN=origin)


@pytest.mark.django_db
def test_cors_is_only_for_the_api(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    for path in ("/login/", "/health", "/admin/login/"):
        assert "Access-Control-Allow-Origin" not in _preflight(client, path=path)
        assert "Access-Control-Allow-Origin" not in client.get(path, HTTP_ORIGIN=ORIGIN)


def test_concurrent_requests_are_all_counted_exactly_limit_pass(settings):
    """Many requests of one user at the same moment (threads, one Redis): exactly the limit
    is let through. DRF's read-then-write history let several read the same count."""
    limit = 5
    _rates(settings, user=f"{limit}/minute")
    user = SimpleNamespace(pk=f"race-{uuid.uuid4().hex}", is_authenticated=True)
    threads = 40
    barrier = threading.Barrier(threads)
    results = []

    def hit():
        request = SimpleNamespace(user=user, _request=SimpleNamespace())
        throttle = UserRateThrottle()
        barrier.wait()
        results.append(throttle.allow_request(request, None))

    workers = [threading.Thread(target=hit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(results) == threads
    assert results.count(True) == limit
