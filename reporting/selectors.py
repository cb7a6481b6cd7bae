"""Reads for reporting."""

from reporting.models import ExportJob


def export_get(*, user, job_id: int) -> ExportJob | None:
    """A user sees only their own exports."""
    return ExportJob.objects.filter(pk=job_id, requested_by=user).first()
