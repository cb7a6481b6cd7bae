"""Issue 13 (observe): /metrics (config/metrics.py) behind METRICS_TOKEN, with the
product's gauges computed from the data at scrape time."""

import datetime
import uuid

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from accounts.models import Region, Role
from config.celery import app as celery_app
from core.models import OutboxMessage
from placement.models import Offer
from reporting.models import ExportJob, QuarterlyReport
from tests.accounts.factories import UserFactory, member
from tests.capacity.factories import FacilityFactory
from tests.placement.factories import fitting_facility, in_matching

TOKEN = "metrics-token-for-the-test-0123456789"


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client, token=TOKEN):
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples[(name, tuple(sorted(labels.items())))]


# --- the token -------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_metrics_token_the_endpoint_does_not_exist(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Token {TOKEN}", f"Basic {TOKEN}"],
)
def test_a_missing_or_wrong_token_is_401(client, metrics_token, header):
    headers = {} if header is None else {"HTTP_AUTHORIZATION": header}
    response = client.get("/metrics", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"regie_" not in response.content and b"django_http" not in response.content


@pytest.mark.django_db
def test_the_right_token_gets_the_metrics_and_only_by_get(client, metrics_token):
    samples = scrape(client)
    assert value(samples, "regie_metrics_source_up", source="database") == 1
    assert value(samples, "regie_metrics_source_up", source="redis") == 1
    # django-prometheus' request metrics of this process are there too
    assert any(name.startswith("django_http_requests_total") for name, _labels in samples)
    response = client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 405


def test_production_has_no_open_metrics_without_a_token():
    """The rule does not depend on DJANGO_ENV: production without METRICS_TOKEN is 404 too."""
    from tests.core.test_settings import PRODUCTION_ENV, _manage

    code = (
        "from django.http import Http404; from django.test import RequestFactory; "
        "from config.metrics import metrics\n"
        "try:\n"
        "    print('STATUS', metrics(RequestFactory().get('/metrics', HTTP_AUTHORIZATION='Bearer ')).status_code)\n"
        "except Http404:\n"
        "    print('STATUS 404')"
    )
    result = _manage("shell", "-c", code, env={**PRODUCTION_ENV, "METRICS_TOKEN": ""})
    assert "STATUS 404" in result.stdout, result.stdout + result.stderr


# --- the gauges --------------------------------------------------------------------------


@pytest.fixture
def own_queue():
    """The Celery queue the gauge reads is the app's default queue: a fresh one here."""
    queue = f"metrics-{uuid.uuid4().hex[:8]}"
    default = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield queue, client
    celery_app.conf.task_default_queue = default
    client.delete(queue, *(f"{queue}\x06\x16{step}" for step in (3, 6, 9)))


def _aged(model, pk, **ago):
    model.objects.filter(pk=pk).update(created_at=timezone.now() - datetime.timedelta(**ago))


@pytest.mark.django_db
def test_the_gauges_count_what_the_data_holds(
    client, metrics_token, own_queue, referrer, coordinator, tmp_path, settings
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    now = timezone.now()
    queue, broker = own_queue
    broker.rpush(queue, "a", "b", "c")
    broker.rpush(f"{queue}\x06\x166", "d")  # a priority-6 message of the same queue

    # Twente's freshness is 7 days: confirmed 10 days ago is stale, 2 days ago fresh
    assert Region.objects.get(code="JZ14").freshness_days == 7
    confirmer = UserFactory()
    FacilityFactory()  # never confirmed: stale
    FacilityFactory(last_confirmed_at=now - datetime.timedelta(days=10), last_confirmed_by=confirmer)
    FacilityFactory(last_confirmed_at=now - datetime.timedelta(days=2), last_confirmed_by=confirmer)
    FacilityFactory(  # ended yesterday: not counted, however stale
        active_from=now.date() - datetime.timedelta(days=30), active_until=now.date() - datetime.timedelta(days=1)
    )

    # an open offer as a row (the offer service's identity check loads a 1 GB model; what
    # counts here is the row's status and deadline)
    placement_request, facility = in_matching(referrer, coordinator), fitting_facility()
    offer = Offer.objects.create(
        request=placement_request,
        facility=facility,
        provider=facility.provider,
        analysis_id=placement_request.analysis_id,
        pseudonym="AM-METRICS-1",
        created_by=coordinator,
        deadline=now + datetime.timedelta(hours=3),
    )

    # what was sent so far is delivered; then two messages wait, one of them 2 hours
    OutboxMessage.objects.update(status="sent", sent_at=now)
    user = UserFactory()
    old = OutboxMessage.objects.create(channel="in_app", recipient=user, subject="s", body="b")
    OutboxMessage.objects.create(channel="in_app", recipient=user, subject="s", body="b")
    OutboxMessage.objects.create(
        channel="in_app", recipient=user, subject="s", body="b", status="sent", sent_at=timezone.now()
    )
    _aged(OutboxMessage, old.pk, hours=2)

    manager = member(Role.CONTRACT_MANAGER, regions=[Region.objects.get(code="JZ14")])
    membership = manager.memberships.get()
    queued = ExportJob.objects.create(requested_by=manager, membership=membership, report="r", format="csv")
    ExportJob.objects.create(requested_by=manager, membership=membership, report="r", format="csv", status="running")
    _aged(ExportJob, queued.pk, minutes=30)
    QuarterlyReport.objects.create(region_id=membership.regions.get().pk, year=2026, quarter=3)

    samples = scrape(client)
    assert value(samples, "regie_celery_queue_length", queue=queue) == 4
    assert value(samples, "regie_outbox_pending_messages") == 2
    assert 2 * 3600 <= value(samples, "regie_outbox_oldest_pending_age_seconds") < 2 * 3600 + 120
    assert value(samples, "regie_capacity_stale_facilities") == 2
    assert value(samples, "regie_capacity_never_confirmed_facilities") == 1
    assert 10 * 86400 <= value(samples, "regie_capacity_oldest_stale_age_seconds") < 10 * 86400 + 120
    assert value(samples, "regie_offers_near_deadline", within_hours="24") == 1
    assert value(samples, "regie_offers_overdue_open") == 0
    assert value(samples, "regie_jobs_queued", kind="export") == 1
    assert value(samples, "regie_jobs_queued", kind="quarterly_report") == 1
    assert 1800 <= value(samples, "regie_jobs_oldest_queued_age_seconds", kind="export") < 1800 + 120

    # the same open offer further off, then past its deadline (not yet expired by beat)
    Offer.objects.filter(pk=offer.pk).update(deadline=now + datetime.timedelta(hours=30))
    assert value(scrape(client), "regie_offers_near_deadline", within_hours="24") == 0
    settings.METRICS_OFFER_DEADLINE_HOURS = 48
    assert value(scrape(client), "regie_offers_near_deadline", within_hours="48") == 1
    Offer.objects.filter(pk=offer.pk).update(
        created_at=now - datetime.timedelta(days=7), deadline=now - datetime.timedelta(hours=1)
    )
    samples = scrape(client)
    assert value(samples, "regie_offers_near_deadline", within_hours="48") == 0
    assert value(samples, "regie_offers_overdue_open") == 1
    Offer.objects.filter(pk=offer.pk).update(status="withdrawn", withdraw_reason="other", answered_at=now)
    assert value(scrape(client), "regie_offers_overdue_open") == 0  # only open offers count


@pytest.mark.django_db
def test_with_nothing_waiting_the_gauges_are_zero(client, metrics_token, own_queue):
    samples = scrape(client)
    queue, _broker = own_queue
    assert value(samples, "regie_celery_queue_length", queue=queue) == 0
    for name in (
        "regie_outbox_pending_messages",
        "regie_outbox_oldest_pending_age_seconds",
        "regie_capacity_stale_facilities",
        "regie_capacity_oldest_stale_age_seconds",
        "regie_offers_overdue_open",
    ):
        assert value(samples, name) == 0, name
    assert value(samples, "regie_jobs_queued", kind="export") == 0


@pytest.mark.django_db
def test_redis_down_is_reported_and_the_scrape_still_answers(client, metrics_token, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    samples = scrape(client)
    assert value(samples, "regie_metrics_source_up", source="redis") == 0
    assert value(samples, "regie_metrics_source_up", source="database") == 1
    assert not [name for name, _labels in samples if name == "regie_celery_queue_length"]
