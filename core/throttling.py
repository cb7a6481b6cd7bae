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
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from django.conf import settings
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


class _NotingThrottle(throttling.SimpleRateThrottle):
    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        try:
            allowed = super().allow_request(request, view)
        except Exception:  # the cache (Redis) down: serve without a limit
            logger.warning("api throttle skipped: cache unavailable", exc_info=True)
            return True
        if self.rate is not None and self.key is not None:
            self._note(request, allowed)
        return allowed

    def _note(self, request, allowed):
        remaining = max(0, self.num_requests - len(self.history)) if allowed else 0
        reset = self.duration - (self.now - self.history[-1]) if self.history else self.duration
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
