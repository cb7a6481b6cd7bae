"""Shared mechanisms every workflow uses.

- `Event`: the append-only history of every transition (timelines, refusal reports and
  transfer counts are queries over it).
- `AccessLogEntry`: the append-only NEN 7513 log of reads of identifying personal data.
- `OutboxMessage` / `Notification`: the transactional outbox and the in-app inbox.

The database refuses UPDATE and DELETE on the two logs (pgtrigger.Protect).
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


class Event(models.Model):
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event_type = models.CharField(max_length=64)
    subject_type = models.CharField(max_length=64)
    subject_id = models.BigIntegerField()
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    reason_code = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "occurred_at"])]
        triggers = [APPEND_ONLY]

    def __str__(self):
        return f"{self.event_type} {self.subject_type}#{self.subject_id}"


class AccessLogEntry(models.Model):
    """Who read which identifying personal data, for whom and why (NEN 7513)."""

    accessed_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_type = models.CharField(max_length=64)
    subject_id = models.BigIntegerField()
    purpose = models.CharField(max_length=64)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("inzage-logregel")
        verbose_name_plural = _("inzagelog")
        ordering = ["-accessed_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "accessed_at"])]
        triggers = [APPEND_ONLY]

    def __str__(self):
        return f"{self.user_id} {self.purpose} {self.subject_type}:{self.subject_id}"


class OutboxMessage(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        IN_APP = "in_app", _("in de applicatie")

    class Status(models.TextChoices):
        PENDING = "pending", _("wacht op verzending")
        SENT = "sent", _("verzonden")
        FAILED = "failed", _("mislukt")

    created_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_address = models.EmailField(blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("uitgaand bericht")
        verbose_name_plural = _("uitgaande berichten")
        indexes = [
            models.Index(fields=["status", "created_at"], condition=models.Q(status="pending"), name="outbox_pending")
        ]
        constraints = [
            models.CheckConstraint(
                name="outbox_email_has_address",
                condition=~models.Q(channel="email") | ~models.Q(to_address=""),
            ),
            models.CheckConstraint(
                name="outbox_in_app_has_recipient",
                condition=~models.Q(channel="in_app") | models.Q(recipient__isnull=False),
            ),
            models.CheckConstraint(
                name="outbox_sent_has_time",
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.subject


class Notification(models.Model):
    """An in-app message; one per delivered outbox message (the database ensures it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    source = models.OneToOneField(OutboxMessage, on_delete=models.PROTECT, related_name="notification")
    created_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")

    def __str__(self):
        return self.subject
