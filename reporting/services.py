"""Writes for reporting: export jobs."""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import Invalid
from reporting import exports
from reporting.models import ExportJob
from reporting.registry import REPORTS, build_report


def export_directory() -> Path:
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def export_request(*, membership, report: str, params: dict, fmt: str, by) -> ExportJob:
    if report not in REPORTS:
        raise Invalid.field("report", "unknown report")
    if fmt not in ExportJob.Format.values:
        raise Invalid.field("format", "choose csv or xlsx")
    job = ExportJob.objects.create(requested_by=by, membership=membership, report=report, params=params, format=fmt)
    transaction.on_commit(lambda: _schedule(job.pk), robust=True)
    return job


def _schedule(job_id: int) -> None:
    from reporting.tasks import export_run as task

    task.apply_async((job_id,), retry=False)


def _set_progress(job_id: int, percent: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(progress=max(0, min(99, percent)))


def export_run(job_id: int) -> bool:
    """Build the report and write the file. Idempotent: only a queued job runs."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update(skip_locked=True).filter(pk=job_id, status=ExportJob.Status.QUEUED).first()
        if job is None:
            return False
        job.status = ExportJob.Status.RUNNING
        job.save(update_fields=["status"])
    try:
        tables = build_report(job.report, membership=job.membership, params=job.params)
        _set_progress(job.pk, 10)  # building the tables is the first tenth
        name = f"{job.report}-{job.pk}.{job.format}"
        writer = exports.write_csv if job.format == ExportJob.Format.CSV else exports.write_xlsx
        writer(tables, export_directory() / name,
               progress=lambda done, total: _set_progress(job.pk, 10 + 89 * done // max(total, 1)))
    except Exception as exc:  # the user sees that it failed; the log has the rest
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, progress=100, file_name=name, finished_at=timezone.now()
    )
    return True
