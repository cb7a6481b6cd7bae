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

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="export_progress_percent", condition=Q(progress__lte=100)),
            models.CheckConstraint(name="export_done_has_file", condition=~Q(status="done") | ~Q(file_name="")),
        ]

    def __str__(self):
        return f"{self.report}.{self.format} ({self.status})"


class QuarterlyReport(models.Model):
    """The report of one region over one quarter, built by beat on the first day of the
    next quarter (suppressed: its readers are contract managers). One per region+quarter."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    xlsx_name = models.CharField(max_length=200)
    html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "-quarter", "region__name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "quarter"], name="quarterly_report_once"),
            models.CheckConstraint(name="quarterly_report_quarter", condition=Q(quarter__gte=1, quarter__lte=4)),
        ]

    def __str__(self):
        return f"{self.region_id} {self.year}-Q{self.quarter}"

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}"
