"""Prometheus metrics on /metrics, for whoever holds METRICS_TOKEN (issue 13).

`Authorization: Bearer <METRICS_TOKEN>` (compared in constant time) gets the text format;
a missing or wrong token 401; without METRICS_TOKEN the endpoint does not exist (404), in
production as in development, so it is never open by accident.

Two parts:
- django-prometheus' request metrics of this process (`django_http_*`; its middleware in
  MIDDLEWARE). Under gunicorn with several worker processes set PROMETHEUS_MULTIPROC_DIR
  (an empty, writable directory per pod) so every process's counters are added up.
- the product's own gauges (`regie_*`), computed at each scrape with cheap queries, the
  same from every process: Celery queue length (Redis LLEN of the queue), outbox backlog,
  stale availability (capacity's staleness rule), open offers near or past their deadline
  (placement's deadline rule) and queued export jobs and quarterly reports. A source that
  cannot be read (database, Redis) reports `regie_metrics_source_up{source=...} 0` and
  its gauges are left out, so a scrape never fails because of it.
"""

from __future__ import annotations

import hmac
import logging
import os
from datetime import timedelta

import redis
from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from capacity.selectors import stale_facilities_summary
from core.outbox import outbox_backlog
from placement.selectors import offers_open_by_deadline
from reporting.selectors import jobs_queued_summary

log = logging.getLogger(__name__)
# kombu's Redis transport keeps a queue's messages of priority 3, 6 and 9 in their own lists
REDIS_PRIORITY_SEPARATOR = "\x06\x16"
REDIS_PRIORITY_STEPS = (3, 6, 9)


def _age(now, moment) -> float:
    return max((now - moment).total_seconds(), 0.0) if moment else 0.0


def _gauge(name: str, documentation: str, value: float, labels: dict | None = None) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(name, documentation, labels=list(labels or {}))
    gauge.add_metric(list((labels or {}).values()), value)
    return gauge


def celery_queue_length(queue: str) -> int:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    keys = [queue, *(f"{queue}{REDIS_PRIORITY_SEPARATOR}{step}" for step in REDIS_PRIORITY_STEPS)]
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.llen(key)
    return sum(pipe.execute())


def _database_metrics(now):
    backlog = outbox_backlog()
    yield _gauge("regie_outbox_pending_messages", "Outbox messages waiting to be delivered.", backlog["pending"])
    yield _gauge(
        "regie_outbox_oldest_pending_age_seconds",
        "Age of the oldest outbox message waiting to be delivered (0 when none waits).",
        _age(now, backlog["oldest"]),
    )
    stale = stale_facilities_summary(now=now)
    yield _gauge(
        "regie_capacity_stale_facilities",
        "Active facilities whose figures are stale (never confirmed, or longer ago than the region's freshness).",
        stale["stale"],
    )
    yield _gauge(
        "regie_capacity_never_confirmed_facilities",
        "Active facilities whose figures were never confirmed (counted in regie_capacity_stale_facilities).",
        stale["never_confirmed"],
    )
    yield _gauge(
        "regie_capacity_oldest_stale_age_seconds",
        "Time since the stale facility confirmed longest ago last confirmed its figures (0 when none).",
        _age(now, stale["oldest_confirmed_at"]),
    )
    hours = settings.METRICS_OFFER_DEADLINE_HOURS
    offers = offers_open_by_deadline(now=now, within=timedelta(hours=hours))
    yield _gauge(
        "regie_offers_near_deadline",
        f"Open offers whose deadline is within {hours} hours (METRICS_OFFER_DEADLINE_HOURS).",
        offers["near"],
        {"within_hours": str(hours)},
    )
    yield _gauge(
        "regie_offers_overdue_open",
        "Open offers past their deadline that the expiry job has not expired yet.",
        offers["overdue"],
    )
    queued = GaugeMetricFamily(
        "regie_jobs_queued", "Export jobs and quarterly reports waiting for a worker.", labels=["kind"]
    )
    oldest = GaugeMetricFamily(
        "regie_jobs_oldest_queued_age_seconds",
        "Age of the oldest job waiting for a worker (0 when none waits).",
        labels=["kind"],
    )
    for kind, summary in jobs_queued_summary().items():
        queued.add_metric([kind], summary["count"])
        oldest.add_metric([kind], _age(now, summary["oldest"]))
    yield queued
    yield oldest


class ProductCollector:
    """The `regie_*` gauges, computed when scraped."""

    def collect(self):
        now = timezone.now()
        up = GaugeMetricFamily(
            "regie_metrics_source_up", "1 when the source could be read for this scrape.", labels=["source"]
        )
        try:
            families = list(_database_metrics(now))
            up.add_metric(["database"], 1)
        except Exception as exc:
            log.warning("metrics: database not readable (%s)", exc.__class__.__name__)
            families = []
            up.add_metric(["database"], 0)
        from config.celery import app

        queue = app.conf.task_default_queue
        try:
            length = celery_queue_length(queue)
            families.append(
                _gauge("regie_celery_queue_length", "Messages waiting in the Celery queue.", length, {"queue": queue})
            )
            up.add_metric(["redis"], 1)
        except redis.RedisError as exc:
            log.warning("metrics: Redis not readable (%s)", exc.__class__.__name__)
            up.add_metric(["redis"], 0)
        yield from families
        yield up


PRODUCT_REGISTRY = CollectorRegistry(auto_describe=False)
PRODUCT_REGISTRY.register(ProductCollector())


def token_valid(header: str, token: str) -> bool:
    """`Authorization: Bearer <token>`, compared in constant time."""
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _process_registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


@require_GET
def metrics(request):
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    if not token_valid(request.META.get("HTTP_AUTHORIZATION", ""), token):
        return HttpResponse(
            "401 Unauthorized\n",
            status=401,
            content_type="text/plain; charset=utf-8",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    body = generate_latest(_process_registry()) + generate_latest(PRODUCT_REGISTRY)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
