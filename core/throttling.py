"""Issue 14 (api-core): rate limits for the API (DRF throttles on the Redis cache).

Three limits, rates from settings.API_THROTTLE_RATES (env API_THROTTLE_*_RATE):
- `UserRateThrottle`: all requests of one user together (token or session);
- `TokenRateThrottle`: the requests made with one API token (one client of a user);
- `AnonRateThrottle`: requests without a user (the token request, unknown paths), per
  client address. The lockout of wrong passwords (django-axes) stays as it was.

Each throttle notes on the request what it counted; the tightest one goes out as the
`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy` headers
(core.api_runtime). Over a limit: 429 problem+json with Retry-After. When Redis cannot be
reached the limits are not applied (logged): an outage of the cache must not refuse work.

Counting is atomic: DRF's own throttle reads the window's history, decides and writes it
back, so two requests at once can both read the same history and one of them goes
uncounted. Here one Lua script in Redis drops the old entries, counts, and adds the
request only when it is under the limit, in one step (Redis runs a script alone), so of
any number of concurrent requests exactly `limit` per window are let through.
"""

from __future__ import annotations

import logging
import math
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from rest_framework import throttling

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateLimitNote:
    limit: int
    remaining: int
    reset: int  # seconds until a request is counted out of the window again
    window: int  # seconds


def _django_request(request):
    return getattr(request, "_request", request)


# A sliding window as a sorted set (score: the moment of each counted request). Returns
# whether the request is allowed, the count in the window after it, and the oldest moment.
_HIT = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  count = count + 1
  allowed = 1
end
redis.call('PEXPIRE', key, math.ceil(window * 1000))
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {allowed, count, oldest[2] or tostring(now)}
"""


def window_hit(key: str, *, now: float, window: int, limit: int) -> tuple[bool, int, float]:
    """Count one request in `key`'s window if it is under `limit`, atomically (Redis)."""
    cache_key = cache.make_key(key)
    client = cache._cache.get_client(cache_key, write=True)
    allowed, count, oldest = client.eval(_HIT, 1, cache_key, repr(now), window, limit, uuid.uuid4().hex)
    return bool(allowed), int(count), float(oldest)


class _NotingThrottle(throttling.SimpleRateThrottle):
    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        try:
            allowed, self.count, self.oldest = window_hit(
                self.key, now=self.now, window=self.duration, limit=self.num_requests
            )
        except Exception:  # the cache (Redis) down: serve without a limit
            logger.warning("api throttle skipped: cache unavailable", exc_info=True)
            return True
        self._note(request, allowed)
        return allowed

    def wait(self):
        """Seconds until the oldest counted request leaves the window (Retry-After)."""
        return max(0.0, self.duration - (self.now - self.oldest))

    def _note(self, request, allowed):
        remaining = max(0, self.num_requests - self.count) if allowed else 0
        reset = self.duration - (self.now - self.oldest)
        note = RateLimitNote(
            limit=self.num_requests, remaining=remaining, reset=max(0, math.ceil(reset)), window=self.duration
        )
        django_request = _django_request(request)
        current = getattr(django_request, "api_rate_limit", None)
        if current is None or (note.remaining, -note.reset) < (current.remaining, -current.reset):
            django_request.api_rate_limit = note


class UserRateThrottle(_NotingThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class TokenRateThrottle(_NotingThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        ident = getattr(token, "digest", None) or getattr(token, "pk", None)
        if ident is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonRateThrottle(_NotingThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
