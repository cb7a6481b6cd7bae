import time

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

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
