"""Shared mechanisms every workflow uses.

- `Event`: the append-only history of every transition (timelines, refusal reports and
  transfer counts are queries over it).
- `AccessLogEntry`: the append-only NEN 7513 log of reads of identifying personal data.
- `OutboxMessage` / `Notification`: the transactional outbox and the in-app inbox.

The database refuses UPDATE and DELETE on the two logs (pgtrigger.Protect), the
application's database role may only INSERT and SELECT them (core/sql/grants.sql and
migration 0002), and each row carries the SHA-256 of the row before it (a hash chain kept
by a database trigger, see `LogChainHead`; `manage.py verify_log_chain` checks it).
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField

APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


class ChainedLog(models.Model):
    """The hash-chain columns of an append-only log. The BEFORE INSERT trigger of
    migration core/0002 fills them (whatever the writer passed): `chain_seq` is the row's
    place in the chain (1, 2, 3, ... in commit order), `prev_hash` the `row_hash` of the
    row before it (64 zeros for the first), `row_hash` the SHA-256 of this row's content
    and `prev_hash`."""

    chain_seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class Event(ChainedLog):
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


class AccessLogEntry(ChainedLog):
    """Who read (or tried to read) which identifying personal data, for whom, why, how
    and from where (NEN 7513)."""

    class Action(models.TextChoices):
        VIEW = "view", _("inzien")
        DOWNLOAD = "download", _("downloaden")
        EXPORT = "export", _("exporteren")
        DENIED = "denied", _("geweigerd")

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("toegestaan")
        REFUSED = "refused", _("geweigerd")

    accessed_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_type = models.CharField(max_length=64)
    subject_id = models.BigIntegerField()
    purpose = models.CharField(max_length=64)
    action = models.CharField(max_length=16, choices=Action.choices, default=Action.VIEW)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.ALLOWED)
    # The request's address (REMOTE_ADDR, or the first X-Forwarded-For hop behind a
    # trusted proxy); empty for reads without a web request (tasks, commands).
    source_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("inzage-logregel")
        verbose_name_plural = _("inzagelog")
        ordering = ["-accessed_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "accessed_at"])]
        triggers = [APPEND_ONLY]

    def __str__(self):
        return f"{self.user_id} {self.purpose} {self.subject_type}:{self.subject_id}"


class LogChainHead(models.Model):
    """The end of each log's hash chain: one row per log table. The insert trigger
    updates it in the inserting transaction, so the row lock serialises writers of that
    log until they commit (the chain cannot fork) and a deleted last row is noticed. Only
    the trigger (SECURITY DEFINER, owned by the owner role) writes it; the application
    role may only read it."""

    log_table = models.CharField(max_length=63, primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("einde van de logketen")
        verbose_name_plural = _("einden van de logketens")

    def __str__(self):
        return f"{self.log_table} #{self.last_seq}"


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
    # In-app messages with the same group key (e.g. "request:42") are one unread item per
    # recipient: delivering another updates that item (latest step, count) instead of
    # adding one. Empty: every message is an item of its own.
    group_key = models.CharField(max_length=100, blank=True)
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
    """An in-app message; at most one per delivered outbox message (the database ensures
    it). Grouped messages (`group_key`) share one unread item per user: `source` is the
    latest message, `count` how many steps it stands for (the database allows one unread
    item per user and group)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    source = models.OneToOneField(OutboxMessage, on_delete=models.PROTECT, related_name="notification")
    created_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    group_key = models.CharField(max_length=100, blank=True)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group_key"],
                condition=models.Q(read_at__isnull=True) & ~models.Q(group_key=""),
                name="notification_one_unread_per_group",
            ),
            models.CheckConstraint(name="notification_count_positive", condition=models.Q(count__gte=1)),
        ]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")

    def __str__(self):
        return self.subject


class IdempotencyKey(models.Model):
    """Issue 14 (api-behaviour): the answer to a POST sent with an `Idempotency-Key`
    (core.idempotency). One row per caller and key (the database guards it); `status` is
    null while the first request is still running. The answer may carry personal data
    (a new request's youth), so it is stored encrypted. Rows older than 24 h are deleted
    (core.tasks.idempotency_keys_prune)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path and body
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=500, blank=True)
    body = EncryptedTextField(blank=True)
    # The reads of identifying data the first answer logged (subjects and purposes only):
    # a replay sends that data again, so it is logged again (core.access_log).
    access = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user"),
            models.CheckConstraint(
                name="idempotency_status_is_http",
                condition=models.Q(status__isnull=True) | models.Q(status__range=(100, 599)),
            ),
        ]

    def __str__(self):
        return self.key
