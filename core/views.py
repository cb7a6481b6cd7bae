import json
import time

import redis
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from core.api_runtime import too_large_response
from core.renderers import PROBLEM_JSON
from core.tasks import HEARTBEAT_KEY


@never_cache
def health(request):
    """Database, Redis and Celery worker heartbeat as JSON; 503 when any is down."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"status": "ok"}
    except Exception as exc:
        checks["database"] = {"status": "error", "detail": exc.__class__.__name__}
    heartbeat = None
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        checks["redis"] = {"status": "ok"}
        heartbeat = client.get(HEARTBEAT_KEY)
    except Exception as exc:
        checks["redis"] = {"status": "error", "detail": exc.__class__.__name__}
    if heartbeat is None:
        checks["celery"] = {"status": "error", "detail": "no worker heartbeat"}
    else:
        age = time.time() - float(heartbeat)
        ok = age <= settings.HEALTH_HEARTBEAT_MAX_AGE
        checks["celery"] = {"status": "ok" if ok else "error", "heartbeat_age_seconds": round(age, 1)}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


# Error pages (config/urls.py handler400/403/404/500): the product's own pages, and
# problem+json for paths under /api/, so an API client never gets an HTML error.


def _problem(status: int, title, detail=None) -> HttpResponse:
    body = {"type": "about:blank", "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    return HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_JSON)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):  # Issue 14 (api-core): a body over the limit
            return too_large_response()
        return _problem(400, _("Ongeldig verzoek"))
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    if _is_api(request):
        return _problem(403, _("Geen toegang"))
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    if _is_api(request):
        return _problem(404, _("Niet gevonden"))
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    if _is_api(request):
        return _problem(500, _("Interne fout"), _("Er ging iets mis aan onze kant. Probeer het later opnieuw."))
    # Rendered without the request's context processors: they may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render({"request": request}))
