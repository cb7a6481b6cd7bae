"""Session limits and the second factor, for every page and API answer of a session.

SessionTimeoutMiddleware: a session ends SESSION_ABSOLUTE_SECONDS after login and after
SESSION_IDLE_SECONDS without a request; the user is logged out and sent to the login page
with a message (the API answers 401 problem+json).

TwoFactorRequiredMiddleware: a logged-in user who must use a second factor and has not
given it this session reaches only the login, logout, setup and verify steps, password
reset, the language switch, /health and static files; every other page redirects to the
setup (no app yet) or verify step. The API refuses such a session in
accounts.authentication.VerifiedSessionAuthentication (a token was only issued with a code).
"""

import json
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import two_factor

LOGIN_AT = "session_login_at"
LAST_SEEN = "session_last_seen"
# Write the last-seen time at most this often (a session write per request is not needed).
LAST_SEEN_RESOLUTION = 10


def now() -> float:
    """The clock, in seconds; one function so the timestamps stay comparable."""
    return time.time()


def session_start(session) -> None:
    """Called on login (accounts.signals): both clocks start now."""
    session[LOGIN_AT] = session[LAST_SEEN] = now()


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _problem_401(title, detail, code):
    body = {"type": f"about:blank#{code}", "title": str(title), "status": 401, "detail": str(detail)}
    return HttpResponse(
        json.dumps(body),
        status=401,
        content_type="application/problem+json",
        headers={"WWW-Authenticate": "Token"},
    )


def _with_next(url_name, request):
    return f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"


def _send_to(url, request):
    """A redirect; for an htmx request one of the whole page (HX-Redirect), so the login or
    verify page does not land inside a fragment."""
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._expired(request.session)
            if expired:
                logout(request)
                detail = (
                    _("Uw sessie is verlopen: u was langer dan %(minutes)s minuten niet actief. Log opnieuw in.")
                    % {"minutes": settings.SESSION_IDLE_SECONDS // 60}
                    if expired == "idle"
                    else _("Uw sessie is verlopen: u bent langer dan %(hours)s uur ingelogd. Log opnieuw in.")
                    % {"hours": settings.SESSION_ABSOLUTE_SECONDS // 3600}
                )
                if _is_api(request):
                    return _problem_401(_("Sessie verlopen"), detail, "session_expired")
                messages.warning(request, detail)
                return _send_to(_with_next(settings.LOGIN_URL, request), request)
        return self.get_response(request)

    @staticmethod
    def _expired(session) -> str | None:
        moment = now()
        login_at, last_seen = session.get(LOGIN_AT), session.get(LAST_SEEN)
        if login_at is None or moment - login_at > settings.SESSION_ABSOLUTE_SECONDS:
            return "absolute"  # a session from before these limits counts as expired too
        if last_seen is None or moment - last_seen > settings.SESSION_IDLE_SECONDS:
            return "idle"
        if moment - last_seen >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN] = moment
        return None


# URL names a logged-in user reaches before the second factor.
EXEMPT_URL_NAMES = {
    "login",
    "logout",
    "two-factor-setup",
    "two-factor-verify",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "health",
}


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _is_api(request):
            return None  # the API decides in its session authentication
        match = request.resolver_match
        if (match and match.view_name in EXEMPT_URL_NAMES) or request.path.startswith(settings.STATIC_URL):
            return None
        if two_factor.satisfied(request):
            return None
        step = "two-factor-verify" if two_factor.has_device(user) else "two-factor-setup"
        return _send_to(_with_next(step, request), request)
