"""Transactional outbox for e-mail and in-app notifications.

`outbox_enqueue` writes the message in the caller's transaction and asks a worker to
deliver it once that transaction commits: nothing is sent for a rolled-back transaction.
If Redis is down at that moment the row simply waits; the beat job `outbox_flush`
picks up every pending message when the broker is back. Delivery locks the row, so two
workers (or a task run twice) deliver a message once.
"""

import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from core.models import Notification, OutboxMessage
from core.publish import publish

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10


def outbox_enqueue(
    *,
    recipient,
    subject: str,
    body: str,
    url: str = "",
    email: bool = True,
    in_app: bool = True,
    group_key: str = "",
) -> list[OutboxMessage]:
    """Queue an in-app notification and (when the user has an address) an e-mail. In-app
    messages with a `group_key` become one unread item per recipient and group."""
    messages = []
    if in_app:
        messages.append(
            OutboxMessage.objects.create(
                channel=OutboxMessage.Channel.IN_APP,
                recipient=recipient,
                subject=subject,
                body=body,
                url=url,
                group_key=group_key,
            )
        )
    if email and recipient.email:
        messages.append(
            OutboxMessage.objects.create(
                channel=OutboxMessage.Channel.EMAIL,
                recipient=recipient,
                to_address=recipient.email,
                subject=subject,
                body=body,
                url=url,
            )
        )
    for message in messages:
        transaction.on_commit(lambda pk=message.pk: _schedule_delivery(pk), robust=True)
    return messages


def _schedule_delivery(message_id: int) -> None:
    from core.tasks import outbox_deliver

    publish(outbox_deliver, (message_id,))  # broker down: the beat flush delivers it later


def outbox_deliver(message_id: int) -> bool:
    """Deliver one message if it is still pending. Returns True when this call sent it."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return False  # already sent, failed for good, or being sent by another worker
        message.attempts += 1
        try:
            if message.channel == OutboxMessage.Channel.IN_APP:
                _notification_deliver(message)
            else:
                EmailMessage(
                    subject=message.subject,
                    body=message.body + (f"\n\n{message.url}" if message.url else ""),
                    to=[message.to_address],
                    headers={"X-Outbox-Id": str(message.pk)},
                ).send()
        except Exception as exc:
            log.exception("outbox: delivery of %s failed", message.pk)
            message.last_error = str(exc)[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
            message.save(update_fields=["attempts", "last_error", "status"])
            return False
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "status", "sent_at"])
        return True


def _notification_deliver(message: OutboxMessage) -> Notification:
    """The in-app item: a new one, or, for a grouped message, the user's unread item of
    that group updated to this latest step (count + 1, moved to the top)."""
    fields = {"subject": message.subject, "body": message.body, "url": message.url, "created_at": timezone.now()}
    if message.group_key:
        unread = (
            Notification.objects.select_for_update()
            .filter(user_id=message.recipient_id, group_key=message.group_key, read_at__isnull=True)
            .first()
        )
        if unread is not None:
            for name, value in fields.items():
                setattr(unread, name, value)
            unread.source = message
            unread.count += 1
            unread.save(update_fields=[*fields, "source", "count"])
            return unread
    # A concurrent first delivery of the same group fails the partial unique index; the
    # delivery is retried (attempts) and then finds the item above.
    with transaction.atomic():
        return Notification.objects.create(
            user_id=message.recipient_id, source=message, group_key=message.group_key, **fields
        )


def outbox_pending_ids(limit: int = 500) -> list[int]:
    return list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def outbox_backlog() -> dict:
    """For monitoring (issue 13, config/metrics.py): pending messages and the oldest one's
    creation time (None when nothing waits)."""
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).aggregate(
        pending=Count("id"), oldest=Min("created_at")
    )
