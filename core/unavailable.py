"""PostgreSQL down: a 503 "temporarily unavailable" instead of a 500 (issue 13.6).

A database that cannot be reached fails wherever the request first touches it: the
session or user lookup in middleware, the view, or saving the session on the way out.
Django turns each of those into a 500 response at the level where it happened (and sends
`got_request_exception` while the exception is being handled). The receiver below marks
the request when that exception is the database being unreachable; the middleware, placed
outside every middleware that may touch the database, then answers 503 with Retry-After:
a page in Dutch and English (rendered without context processors, which read the
database), or problem+json under /api/.
"""

import json
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

from core.renderers import PROBLEM_JSON

RETRY_AFTER_SECONDS = 30


# SQLSTATEs of a connection that failed or a server going away: class 08 (connection
# exception) and 57P01-57P03 (admin/crash shutdown, cannot connect now). Other operational
# errors the server sends (a deadlock, a statement timeout) are not an outage.
_UNREACHABLE_SQLSTATE_PREFIXES = ("08", "57P01", "57P02", "57P03")


def _is_connection_failure(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):
        return True  # the connection is already closed
    driver_error = exc.__cause__
    sqlstate = getattr(driver_error, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(_UNREACHABLE_SQLSTATE_PREFIXES)


def database_unreachable(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) is the database connection failing."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, (OperationalError, InterfaceError)):
            return _is_connection_failure(exc)
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _note(sender, request=None, **kwargs):
    if request is not None and database_unreachable(sys.exc_info()[1]):
        request.database_unreachable = True


def _texts(lang: str) -> dict:
    with translation.override(lang):
        return {
            "lang": lang,
            "title": _("De dienst is tijdelijk niet beschikbaar"),
            "text": _(
                "Wij kunnen uw verzoek nu niet verwerken. Probeer het over een minuut opnieuw en kijk dan"
                " of uw laatste wijziging is opgeslagen."
            ),
        }


def unavailable_response(request) -> HttpResponse:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if request.path.startswith("/api/"):
        body = {
            "type": "about:blank#service_unavailable",
            "title": _("Dienst tijdelijk niet beschikbaar"),  # en: Service temporarily unavailable
            "status": 503,
            "detail": _("De database is niet bereikbaar. Probeer het over %(seconds)s seconden opnieuw.")
            % {"seconds": RETRY_AFTER_SECONDS},
        }
        return HttpResponse(json.dumps(body), status=503, content_type=PROBLEM_JSON, headers=headers)
    page = loader.get_template("503.html").render({"languages": [_texts("nl"), _texts("en")], "request": request})
    return HttpResponse(page, status=503, headers=headers)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_note, dispatch_uid="core.unavailable")

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "database_unreachable", False):
            return unavailable_response(request)
        return response
