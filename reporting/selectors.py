"""Reads for reporting."""

from django.db.models import Count, Min

from accounts.selectors import region_ids_of
from core.access_log import Action, Purpose, access_log_record
from intake.selectors import request_scope
from reporting.models import ExportJob, QuarterlyReport


def export_get(*, user, job_id: int) -> ExportJob | None:
    """A user sees only their own exports."""
    return ExportJob.objects.filter(pk=job_id, requested_by=user).first()


def export_download_get(*, membership, user, job_id: int) -> ExportJob | None:
    """A finished export of the user's own for download; the download is access-logged
    (action export, NEN 7513). None for anything else (the view answers 404, which the
    access log records as denied)."""
    job = export_get(user=user, job_id=job_id)
    if job is None or job.status != ExportJob.Status.DONE:
        return None
    access_log_record(
        user=user,
        membership=membership,
        subject=job,
        purpose=Purpose.EXPORT,
        action=Action.EXPORT,
        details={"report": job.report, "format": job.format, "params": job.params, "file": job.file_name},
    )
    return job


def quarterly_list(*, membership):
    """Quarterly reports of the contract manager's regions."""
    return QuarterlyReport.objects.filter(region_id__in=region_ids_of(membership)).select_related("region")


def quarterly_get(*, membership, pk, action: str | None = None):
    """One quarterly report of the membership's regions. With `action` (view, download)
    the read is access-logged."""
    report = quarterly_list(membership=membership).filter(pk=pk).first()
    if report is not None and action:
        access_log_record(
            user=membership.user,
            membership=membership,
            subject=report,
            purpose=Purpose.QUARTERLY_REPORT,
            action=action,
            details={"region": report.region.code, "year": report.year, "quarter": report.quarter},
        )
    return report


def drill_down_requests(*, membership, ids) -> list:
    """The requests behind a report figure (ids from the report's drill-down SQL), as far
    as the membership may see them (the request scope of intake), oldest referral first."""
    return list(request_scope(membership).filter(pk__in=ids).select_related("region").order_by("referral_date", "pk"))


def jobs_queued_summary() -> dict:
    """For monitoring (issue 13, config/metrics.py): export jobs and quarterly reports that
    wait for a worker (status queued), with the oldest one's creation time."""
    summary = {}
    for kind, model in (("export", ExportJob), ("quarterly_report", QuarterlyReport)):
        summary[kind] = model.objects.filter(status=model.Status.QUEUED).aggregate(
            count=Count("id"), oldest=Min("created_at")
        )
    return summary
