import time

import pytest
import redis
from django.conf import settings

from core.tasks import HEARTBEAT_KEY


@pytest.fixture
def heartbeat_store():
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(HEARTBEAT_KEY)
    yield client
    client.delete(HEARTBEAT_KEY)


@pytest.mark.django_db
def test_health_reports_database_redis_and_worker(client, heartbeat_store):
    heartbeat_store.set(HEARTBEAT_KEY, time.time())
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "redis": "ok",
        "celery": "ok",
    }


@pytest.mark.django_db
def test_health_is_503_without_a_worker_heartbeat(client, heartbeat_store):
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["celery"]["status"] == "error"


@pytest.mark.django_db
def test_health_is_503_with_a_stale_heartbeat(client, heartbeat_store):
    heartbeat_store.set(HEARTBEAT_KEY, time.time() - settings.HEALTH_HEARTBEAT_MAX_AGE - 5)
    assert client.get("/health").status_code == 503


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_heartbeat_task_on_a_real_worker_makes_health_green(client, celery_worker_process, heartbeat_store):
    from core.tasks import worker_heartbeat
    from tests.conftest import wait_for

    worker_heartbeat.delay()
    wait_for(lambda: heartbeat_store.get(HEARTBEAT_KEY) is not None)
    assert client.get("/health").status_code == 200
