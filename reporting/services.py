"""Writes for reporting: export jobs."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Region, Role
from core.errors import Invalid
from core.outbox import outbox_enqueue
from reporting import exports
from reporting.models import ExportJob, QuarterlyReport
from reporting.registry import REPORTS, build_for_scope, build_report
from reporting.reports import REPORT_MODULES
from reporting.reports.common import Scope


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
    # The task module imports this one (tasks call services), so the task is looked up
    # when it is scheduled, not when this module loads.
    from reporting.tasks import export_run as task

    task.apply_async((job_id,), retry=False)


def _set_progress(job_id: int, percent: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(progress=max(0, min(99, percent)))


def export_run(job_id: int) -> bool:
    """Build the report and write the file. Idempotent: only a queued job runs."""
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id, status=ExportJob.Status.QUEUED)
            .first()
        )
        if job is None:
            return False
        job.status = ExportJob.Status.RUNNING
        job.save(update_fields=["status"])
    try:
        tables = build_report(job.report, membership=job.membership, params=job.params)
        _set_progress(job.pk, 10)  # building the tables is the first tenth
        name = f"{job.report}-{job.pk}.{job.format}"
        writer = exports.write_csv if job.format == ExportJob.Format.CSV else exports.write_xlsx
        writer(
            tables,
            export_directory() / name,
            progress=lambda done, total: _set_progress(job.pk, 10 + 89 * done // max(total, 1)),
        )
    except Exception as exc:  # the user sees that it failed; the log has the rest
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, progress=100, file_name=name, finished_at=timezone.now()
    )
    return True


# --- Quarterly report ------------------------------------------------------------------


def quarter_bounds(year: int, quarter: int):
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return start, end


def previous_quarter(today) -> tuple[int, int]:
    quarter = (today.month - 1) // 3 + 1
    return (today.year - 1, 4) if quarter == 1 else (today.year, quarter - 1)


def quarterly_tables(*, region, year: int, quarter: int):
    start, end = quarter_bounds(year, quarter)
    scope = Scope(region_ids=[region.pk], start=start, end=end, suppress=True, drill=False)
    return [(code, build_for_scope(code, scope)) for code in REPORT_MODULES]


def quarterly_report_build(*, region, year: int, quarter: int):
    """Build and store the region's quarterly report and notify its contract managers.
    Idempotent: a second call for the same region and quarter returns the stored one."""
    with transaction.atomic():
        Region.objects.select_for_update().get(pk=region.pk)  # one builder per region at a time
        existing = QuarterlyReport.objects.filter(region=region, year=year, quarter=quarter).first()
        if existing:
            return existing, False
        sections = quarterly_tables(region=region, year=year, quarter=quarter)
        start, end = quarter_bounds(year, quarter)
        directory = Path(settings.PRIVATE_MEDIA_ROOT) / "quarterly"
        directory.mkdir(parents=True, exist_ok=True)
        name = f"kwartaalrapportage-{region.code}-{year}-Q{quarter}.xlsx"
        exports.write_xlsx([t for _code, tables in sections for t in tables], directory / name)
        html = render_to_string(
            "reporting/quarterly_report.html",
            {
                "region": region,
                "year": year,
                "quarter": quarter,
                "start": start,
                "end": end,
                "sections": [tables for _code, tables in sections],
            },
        )
        report = QuarterlyReport.objects.create(region=region, year=year, quarter=quarter, xlsx_name=name, html=html)
        managers = {
            m.user
            for m in Membership.objects.filter(
                role=Role.CONTRACT_MANAGER, is_active=True, regions=region, user__is_active=True
            ).select_related("user")
        }
        for user in sorted(managers, key=lambda u: u.pk):
            outbox_enqueue(
                recipient=user,
                subject=_("Kwartaalrapportage %(quarter)s %(region)s staat klaar")
                % {"quarter": report.label, "region": region.name},
                body=_("De kwartaalrapportage over %(start)s tot en met %(end)s is gemaakt.")
                % {"start": start.strftime("%d-%m-%Y"), "end": end.strftime("%d-%m-%Y")},
                url=reverse("reporting:quarterly-list"),
            )
        return report, True


def quarterly_reports_build_all(*, today=None) -> int:
    """Beat, first day of each quarter: the previous quarter's report for every region."""
    year, quarter = previous_quarter(today or timezone.localdate())
    made = 0
    for region in Region.objects.order_by("code"):
        _report, created = quarterly_report_build(region=region, year=year, quarter=quarter)
        made += created
    return made
