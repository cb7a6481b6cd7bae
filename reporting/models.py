import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """An export made by a Celery worker; the page polls its progress."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    class Status(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="+")
    report = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    format = models.CharField(max_length=8, choices=Format.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Issue 13 (faults): recovery of lost messages and killed workers (core.jobs).
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="export_progress_percent", condition=Q(progress__lte=100)),
            models.CheckConstraint(name="export_done_has_file", condition=~Q(status="done") | ~Q(file_name="")),
        ]

    def __str__(self):
        return f"{self.report}.{self.format} ({self.status})"


class QuarterlyReport(models.Model):
    """The report of one region over one quarter: made by beat on the first day of the next
    quarter or on demand by a contract manager (a Celery task; `status`/`progress` as for
    export jobs). A draft until published: contract managers write the region's commentary
    per section, then publish; a published report is read-only (the service refuses, and
    the trigger below refuses any UPDATE or DELETE of a published row). One per
    region+quarter.

    `content` is the figures as built, per language ({"nl": ..., "en": ...}: sections with
    their tables, the previous quarter's tables and the chart specs; suppressed, since the
    readers are contract managers). The HTML, PDF and XLSX are rendered from it with the
    commentary, so the figures a region publishes are the ones it commented on."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    content = models.JSONField(default=dict, blank=True)
    commentary = models.JSONField(default=dict, blank=True)  # {report code: the region's text}
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Issue 13 (faults): recovery of lost messages and killed workers (core.jobs).
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-quarter", "region__name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "quarter"], name="quarterly_report_once"),
            models.CheckConstraint(name="quarterly_report_quarter", condition=Q(quarter__gte=1, quarter__lte=4)),
            models.CheckConstraint(name="quarterly_report_progress_percent", condition=Q(progress__lte=100)),
            models.CheckConstraint(
                name="quarterly_report_published_by_someone",
                condition=Q(published_at__isnull=True, published_by__isnull=True)
                | Q(published_at__isnull=False, published_by__isnull=False),
            ),
            models.CheckConstraint(
                name="quarterly_report_published_when_done", condition=Q(published_at__isnull=True) | Q(status="done")
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="quarterly_report_published_read_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__published_at__isnull=False),
            )
        ]

    def __str__(self):
        return f"{self.region_id} {self.year}-Q{self.quarter}"

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
