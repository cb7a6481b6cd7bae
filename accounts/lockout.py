"""Lockout after wrong passwords (django-axes): how long, and what a locked-out user sees.

Axes counts failures per username *and* address (AXES_LOCKOUT_PARAMETERS), so failures
from one address lock only that address out for that username. The cool-off grows: the
first lockout lasts AXES_COOLOFF_BASE, each further lockout of the same username from the
same address within AXES_PROGRESSIVE_WINDOW doubles it, up to AXES_COOLOFF_MAX. Failures
are counted from axes' failure log (AXES_ENABLE_ACCESS_FAILURE_LOG).
"""

import json
from datetime import timedelta

from axes.models import AccessFailureLog
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

STATUS = 429
USERNAME_ATTRIBUTE = "login_username"  # set on the request by the login form and the token serializer


def note_username(request, username) -> None:
    """Tell cool_off() whose login this is (axes passes only the request)."""
    if request is not None:
        setattr(request, USERNAME_ATTRIBUTE, username)


def earlier_failures(username, ip_address) -> int:
    since = timezone.now() - settings.AXES_PROGRESSIVE_WINDOW
    return AccessFailureLog.objects.filter(username=username, ip_address=ip_address, attempt_time__gte=since).count()


def cool_off_for(failures: int) -> timedelta:
    """The cool-off once `failures` failures (this one included) were made: the base for the
    first lockout, doubled for every further one, capped."""
    lockouts = max(1, failures // settings.AXES_FAILURE_LIMIT)
    base, cap = settings.AXES_COOLOFF_BASE, settings.AXES_COOLOFF_MAX
    return min(base * 2 ** min(lockouts - 1, 16), cap)


def cool_off(request=None, *, failure_logged=False) -> timedelta:
    """AXES_COOLOFF_TIME: the cool-off for this request's username and address. Axes asks
    before it writes the failure it is handling, so that one is counted too."""
    username = getattr(request, USERNAME_ATTRIBUTE, None)
    if username is None and request is not None:
        username = request.POST.get("username") if request.method == "POST" else None
    ip_address = getattr(request, "axes_ip_address", None)
    if not username or not ip_address:
        return settings.AXES_COOLOFF_BASE
    return cool_off_for(earlier_failures(username, ip_address) + (0 if failure_logged else 1))


def lockout_response(request, original_response=None, credentials=None):
    retry_after = int(cool_off(request, failure_logged=True).total_seconds())
    detail = _(
        "Er is te vaak een verkeerd wachtwoord ingevoerd. Inloggen met deze gebruikersnaam "
        "vanaf dit adres is tijdelijk geblokkeerd (%(minutes)s minuten)."
    ) % {"minutes": max(1, retry_after // 60)}
    headers = {"Retry-After": str(retry_after)}
    if request.path.startswith("/api/"):
        body = {
            "type": "about:blank#locked_out",
            "title": _("Account tijdelijk geblokkeerd"),
            "status": STATUS,
            "detail": detail,
        }
        return HttpResponse(json.dumps(body), status=STATUS, content_type="application/problem+json", headers=headers)
    response = render(request, "registration/locked_out.html", {"detail": detail}, status=STATUS)
    response["Retry-After"] = headers["Retry-After"]
    return response
