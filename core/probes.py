"""The liveness probe (issue 13, prod): `/health/live` answers as long as the web process
can answer at all, without touching the database or Redis. Kubernetes restarts a pod
whose liveness fails; an outage of PostgreSQL or Redis must not restart every web pod (a
restart would not help), so those belong to the readiness probe, `/health` (core.views).
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def live(request):
    return JsonResponse({"status": "ok"})
