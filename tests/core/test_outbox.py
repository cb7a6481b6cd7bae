"""The transactional outbox, delivered by a real Celery worker on the real Redis."""

import os
import subprocess
import sys
import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from accounts.models import Role
from config.devstack import start_redis, stop
from core.models import Notification, OutboxMessage
from core.outbox import outbox_deliver, outbox_enqueue, outbox_pending_ids
from core.tasks import outbox_deliver as outbox_deliver_task
from tests.conftest import BASE_DIR, _database_url_for, start_worker, stop_process, wait_for


class Boom(Exception):
    pass


def visible_to_a_worker(message_id) -> bool:
    """Whether another connection (as a worker has) sees the message row."""
    seen = []

    def look():
        try:
            seen.append(OutboxMessage.objects.filter(pk=message_id).exists())
        finally:
            connection.close()

    thread = threading.Thread(target=look)
    thread.start()
    thread.join(60)
    return seen == [True]


@pytest.fixture
def handed_to_worker(monkeypatch):
    """The message ids given to the Celery task, each with whether a worker could see the
    message at that moment; `.passthrough = True` also sends them to the real broker."""

    class Handed(list):
        passthrough = False

    handed = Handed()
    real = outbox_deliver_task.apply_async

    def apply_async(args, **kwargs):
        (message_id,) = args
        handed.append((message_id, visible_to_a_worker(message_id)))
        if handed.passthrough:
            return real(args, **kwargs)
        return None

    monkeypatch.setattr(outbox_deliver_task, "apply_async", apply_async)
    return handed


@pytest.mark.django_db(transaction=True)
def test_delivery_is_handed_to_the_worker_only_after_commit(make_member, handed_to_worker):
    user = make_member(Role.REFERRER)
    with transaction.atomic():
        messages = outbox_enqueue(recipient=user, subject="Status", body="Nieuw")
        outbox_enqueue(recipient=user, subject="Tweede", body="Nog een", email=False)
        assert handed_to_worker == []  # nothing leaves while the transaction is open
    pks = sorted(OutboxMessage.objects.values_list("pk", flat=True))
    assert len(messages) == 2 and len(pks) == 3
    # Each message once, and only when a worker can already read it.
    assert sorted(handed_to_worker) == [(pk, True) for pk in pks]


@pytest.mark.django_db(transaction=True)
def test_nothing_is_handed_over_or_delivered_for_a_rolled_back_transaction(make_member, handed_to_worker):
    user = make_member(Role.REFERRER)
    with pytest.raises(Boom), transaction.atomic():
        outbox_enqueue(recipient=user, subject="Teruggedraaid", body="Mag nooit aankomen")
        raise Boom
    assert handed_to_worker == []
    assert sum(outbox_deliver(pk) for pk in outbox_pending_ids()) == 0  # beat's flush finds nothing either
    assert not OutboxMessage.objects.exists() and not Notification.objects.exists() and mail.outbox == []


@pytest.mark.django_db
def test_a_service_rolled_back_inside_a_larger_transaction_sends_nothing(
    referrer, handed_to_worker, django_capture_on_commit_callbacks
):
    """Only the callbacks of what commits run: a savepoint rolled back takes its
    messages (and their delivery) with it."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            kept = outbox_enqueue(recipient=referrer, subject="Blijft", body="B", email=False)
            with pytest.raises(Boom), transaction.atomic():
                outbox_enqueue(recipient=referrer, subject="Weg", body="B", email=False)
                raise Boom
        assert handed_to_worker == []
    assert len(callbacks) == 1
    assert [pk for pk, _seen in handed_to_worker] == [kept[0].pk]


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


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("channel", ["email", "in_app"])
def test_two_workers_delivering_the_same_message_at_once_deliver_it_once(make_member, monkeypatch, channel):
    """Two deliveries of one message in two connections at the same moment. A delivery
    that gets as far as sending waits there until the other one has either finished or
    reached sending too, so without the row lock both would send."""
    import core.outbox

    monkeypatch.setattr(core.outbox, "_schedule_delivery", lambda message_id: None)  # the test delivers
    user = make_member(Role.REFERRER)
    (message,) = outbox_enqueue(
        recipient=user, subject="Tegelijk", body="Een keer", email=channel == "email", in_app=channel == "in_app"
    )
    state = {"sending": 0, "finished": 0}
    changed = threading.Condition()

    def at_sending():
        with changed:
            state["sending"] += 1
            changed.notify_all()
            if not changed.wait_for(lambda: state["sending"] == 2 or state["finished"] == 1, timeout=60):
                raise AssertionError("the other delivery neither finished nor reached sending")

    class GatedEmail(core.outbox.EmailMessage):
        def send(self, *args, **kwargs):
            at_sending()
            return super().send(*args, **kwargs)

    class GatedNotifications:
        class objects:  # noqa: N801 - stands in for the model manager
            @staticmethod
            def create(**fields):
                at_sending()
                return Notification.objects.create(**fields)

    monkeypatch.setattr(core.outbox, "EmailMessage", GatedEmail)
    monkeypatch.setattr(core.outbox, "Notification", GatedNotifications)
    barrier = threading.Barrier(2)
    results = []

    def deliver():
        try:
            barrier.wait(60)
            results.append(outbox_deliver(message.pk))
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results.append(error)
        finally:
            with changed:
                state["finished"] += 1
                changed.notify_all()
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert sorted(results, key=str) == [False, True]
    assert state["sending"] == 1
    if channel == "email":
        assert [m.to for m in mail.outbox] == [[user.email]]
    else:
        assert Notification.objects.filter(user=user, subject="Tegelijk").count() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.SENT, 1)


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
def test_the_worker_delivers_nothing_of_a_rolled_back_transaction(celery_worker_process, make_member, handed_to_worker):
    handed_to_worker.passthrough = True  # the real worker gets whatever is handed over
    user = make_member(Role.REFERRER)
    with pytest.raises(Boom), transaction.atomic():
        outbox_enqueue(recipient=user, subject="Teruggedraaid", body="Mag nooit aankomen")
        raise Boom
    assert handed_to_worker == []
    # A committed message afterwards: once the worker (one process, tasks in order) has
    # delivered it, it has had every chance to deliver anything handed over before.
    with transaction.atomic():
        later = outbox_enqueue(recipient=user, subject="Daarna", body="Komt wel aan")
    assert sorted(handed_to_worker) == sorted((m.pk, True) for m in later)
    wait_for(lambda: Notification.objects.filter(user=user, subject="Daarna").exists())
    mail_files = wait_for(lambda: [p for p in celery_worker_process.mail_dir.iterdir() if "Daarna" in p.read_text()])
    assert len(mail_files) == 1
    assert not Notification.objects.filter(subject="Teruggedraaid").exists()
    assert not [p for p in celery_worker_process.mail_dir.iterdir() if "Teruggedraaid" in p.read_text()]
    assert not OutboxMessage.objects.filter(subject="Teruggedraaid").exists()


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
        f"    outbox_enqueue(recipient=User.objects.get(pk={user.pk}), subject='Tijdens storing', body='B',\n"
        "                   email=False)\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for(connection.settings_dict["NAME"]),
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    # The call returns (it does not wait for the broker) and its transaction committed.
    subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, env=env, check=True, timeout=180)
    message = OutboxMessage.objects.get(subject="Tijdens storing")
    assert message.status == OutboxMessage.Status.PENDING  # committed, not delivered

    # Redis comes back on the same address; a worker with beat catches up.
    _, redis_back = start_redis(persistent=False, port=port)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = start_worker(redis_url=redis_url, mail_dir=mail_dir, beat=True, extra_env={"OUTBOX_FLUSH_SECONDS": "1"})
    try:
        wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.SENT, timeout=90)
        # Further flushes must not deliver it again. Messages that only a flush can
        # deliver (rows written without asking a worker) mark two more flushes.
        for n in (1, 2):
            marker = OutboxMessage.objects.create(
                channel=OutboxMessage.Channel.IN_APP, recipient=user, subject=f"Flush {n}", body="B"
            )
            wait_for(lambda m=marker: OutboxMessage.objects.get(pk=m.pk).status == OutboxMessage.Status.SENT, 90)
        assert Notification.objects.filter(user=user, subject="Tijdens storing").count() == 1
        assert OutboxMessage.objects.get(pk=message.pk).attempts == 1
    finally:
        stop_process(worker)
        stop(redis_back)
