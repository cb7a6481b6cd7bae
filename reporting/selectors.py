"""Reads for reporting."""

from accounts.selectors import region_ids_of
from intake.selectors import request_scope
from reporting.models import ExportJob, QuarterlyReport


def export_get(*, user, job_id: int) -> ExportJob | None:
    """A user sees only their own exports."""
    return ExportJob.objects.filter(pk=job_id, requested_by=user).first()


def quarterly_list(*, membership):
    """Quarterly reports of the contract manager's regions."""
    return QuarterlyReport.objects.filter(region_id__in=region_ids_of(membership)).select_related("region")


def quarterly_get(*, membership, pk):
    return quarterly_list(membership=membership).filter(pk=pk).first()


def drill_down_requests(*, membership, ids) -> list:
    """The requests behind a report figure (ids from the report's drill-down SQL), as far
    as the membership may see them (the request scope of intake), oldest referral first."""
    return list(request_scope(membership).filter(pk__in=ids).select_related("region").order_by("referral_date", "pk"))
