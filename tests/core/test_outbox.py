"""The transactional outbox, delivered by a real Celery worker on the real Redis."""

import os
import subprocess
import sys
import time

import pytest
from django.core import mail
from django.db import connection, transaction

from accounts.models import Role
from config.devstack import start_redis, stop
from core.models import Notification, OutboxMessage
from core.outbox import outbox_deliver, outbox_enqueue
from core.tasks import outbox_deliver as outbox_deliver_task
from tests.conftest import BASE_DIR, _database_url_for, start_worker, stop_process, wait_for


@pytest.mark.django_db
def test_nothing_is_queued_for_a_rolled_back_transaction(referrer):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        outbox_enqueue(recipient=referrer, subject="Status", body="Nieuw")
        raise Boom
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_delivering_a_message_twice_sends_it_once(referrer):
    (email,) = outbox_enqueue(
        recipient=referrer, subject="Status gewijzigd", body="Uw verzoek is ingediend", in_app=False
    )
    (in_app,) = outbox_enqueue(
        recipient=referrer, subject="Status gewijzigd", body="Uw verzoek is ingediend", email=False
    )
    for _ in range(2):
        outbox_deliver_task.run(email.pk)  # the task body, as a worker would run it twice
        outbox_deliver_task.run(in_app.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [referrer.email]
    assert Notification.objects.filter(user=referrer).count() == 1
    email.refresh_from_db()
    assert email.status == OutboxMessage.Status.SENT and email.attempts == 1


@pytest.mark.django_db
def test_a_failing_mail_server_keeps_the_message_pending(referrer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1  # nothing listens
    (message,) = outbox_enqueue(recipient=referrer, subject="S", body="B", in_app=False)
    assert outbox_deliver(message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and message.attempts == 1 and message.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_deliver(message.pk) is True  # delivery resumes once the server is back
    assert len(mail.outbox) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_committed_message_is_delivered_by_the_worker(celery_worker_process, make_member):
    user = make_member(Role.REFERRER)
    with transaction.atomic():
        outbox_enqueue(recipient=user, subject="Verzoek ontvangen", body="Wij hebben uw verzoek ontvangen.")
    wait_for(lambda: Notification.objects.filter(user=user, subject="Verzoek ontvangen").exists())
    wait_for(lambda: OutboxMessage.objects.filter(status="sent").count() == 2)
    files = wait_for(lambda: [p for p in celery_worker_process.mail_dir.iterdir() if user.email in p.read_text()])
    assert len(files) == 1 and "Verzoek ontvangen" in files[0].read_text()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_service_commits_while_broker_is_down_and_message_follows_when_it_returns(make_member, tmp_path):
    """Redis is stopped: the service call commits at once; when Redis is back, beat's
    flush makes the worker deliver the waiting message, once."""
    from urllib.parse import urlparse

    user = make_member(Role.REFERRER)
    redis_url, redis_proc = start_redis(persistent=False)
    port = urlparse(redis_url).port
    stop(redis_proc)

    script = (
        "import django; django.setup()\n"
        "from django.db import transaction\n"
        "from accounts.models import User\n"
        "from core.outbox import outbox_enqueue\n"
        f"with transaction.atomic():\n"
        f"    outbox_enqueue(recipient=User.objects.get(pk={user.pk}), subject='Tijdens storing', body='B', email=False)\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for(connection.settings_dict["NAME"]),
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, env=env, check=True, timeout=60)
    assert time.monotonic() - started < 30
    message = OutboxMessage.objects.get(subject="Tijdens storing")
    assert message.status == OutboxMessage.Status.PENDING  # committed, not delivered

    # Redis comes back on the same address; a worker with beat catches up.
    _, redis_back = start_redis(persistent=False, port=port)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = start_worker(redis_url=redis_url, mail_dir=mail_dir, beat=True, extra_env={"OUTBOX_FLUSH_SECONDS": "1"})
    try:
        wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.SENT, timeout=40)
        time.sleep(2)  # further flushes must not deliver it again
        assert Notification.objects.filter(user=user, subject="Tijdens storing").count() == 1
    finally:
        stop_process(worker)
        stop(redis_back)
