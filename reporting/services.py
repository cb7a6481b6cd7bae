"""Writes for reporting: export jobs and quarterly reports."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership, Region, Role
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.jobs import job_claimed, jobs_requeue_stale
from core.outbox import outbox_enqueue
from core.publish import publish
from reporting import exports, selectors
from reporting.charts import charts_for
from reporting.models import ExportJob, QuarterlyReport
from reporting.quarterly_sections import QUARTERLY_SECTIONS, section_tables
from reporting.registry import REPORTS, build_for_scope, build_report, report_allowed
from reporting.reports import REPORT_MODULES
from reporting.reports.common import Scope, scope_from_params, visible_regions
from reporting.tables import Table
from reporting.titles import report_title


def export_directory() -> Path:
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def export_request(*, membership, report: str, params: dict, fmt: str, by) -> ExportJob:
    if report not in REPORTS:
        raise Invalid.field("report", _("Dit rapport bestaat niet."))
    if not report_allowed(report, membership):
        raise Forbidden()
    if fmt not in ExportJob.Format.values:
        raise Invalid.field("format", _("Kies CSV of XLSX."))
    job = ExportJob.objects.create(requested_by=by, membership=membership, report=report, params=params, format=fmt)
    transaction.on_commit(lambda: _schedule(job.pk), robust=True)
    return job


def _schedule(job_id: int) -> None:
    # The task module imports this one (tasks call services), so the task is looked up
    # when it is scheduled, not when this module loads.
    from reporting.tasks import export_run as task

    publish(task, (job_id,))  # broker down: beat's stale_jobs_requeue hands it over later


def _set_progress(job_id: int, percent: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(progress=max(0, min(99, percent)))


def made_by(membership) -> str:
    """Who made an export, as its cover says it: the role and the organisation, not the person."""
    return f"{membership.get_role_display()}, {membership.organisation.name}"


def _export_cover(job: ExportJob) -> exports.Cover:
    scope = scope_from_params(job.membership, job.params, now=job.created_at)
    regions = Region.objects.filter(pk__in=scope.region_ids).order_by("name").values_list("name", flat=True)
    return exports.Cover(
        title=report_title(job.report),
        regions=list(regions),
        start=scope.start,
        end=scope.end,
        made_by=made_by(job.membership),
        suppressed=scope.suppress,
    )


def export_run(job_id: int) -> bool:
    """Build the report and write the file. Idempotent: a job runs once at a time and only
    until it is done (core.jobs: a job left running by a killed worker is taken over)."""
    with job_claimed(ExportJob, job_id) as job:
        if job is None:
            return False
        name = f"{job.report}-{job.pk}.{job.format}"
        # Written under a temporary name and renamed when complete: a run killed halfway
        # leaves no half file under the job's name; the next run overwrites the rest.
        partial = export_directory() / f".{name}.partial"
        try:
            tables = build_report(job.report, membership=job.membership, params=job.params)
            _set_progress(job.pk, 10)  # building the tables is the first tenth
            writer = exports.write_csv if job.format == ExportJob.Format.CSV else exports.write_xlsx
            writer(
                tables,
                partial,
                progress=lambda done, total: _set_progress(job.pk, 10 + 89 * done // max(total, 1)),
                cover=_export_cover(job),
            )
            partial.replace(export_directory() / name)
        except Exception as exc:  # the user sees that it failed; the log has the rest
            partial.unlink(missing_ok=True)
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
            )
            raise
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE, progress=100, file_name=name, finished_at=timezone.now()
        )
        return True


def stale_jobs_requeue() -> int:
    """Beat: hand exports and quarterly reports whose message was lost or whose worker
    died to a worker again (core.jobs). Returns how many were handed out."""
    from reporting.tasks import export_run as export_task  # see _schedule
    from reporting.tasks import quarterly_run as quarterly_task

    return len(jobs_requeue_stale(ExportJob, export_task)) + len(jobs_requeue_stale(QuarterlyReport, quarterly_task))


# --- Quarterly report ------------------------------------------------------------------

QUARTERLY_FIRST_YEAR = 2015  # the Jeugdwet: regions commission youth care since 2015
QUARTERLY_LANGUAGES = ("nl", "en")  # the report is built in both; the reader chooses
COMMENTARY_MAX = 4000


def quarter_bounds(year: int, quarter: int):
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return start, end


def previous_quarter(today) -> tuple[int, int]:
    """The last quarter that has ended on `today`."""
    quarter = (today.month - 1) // 3 + 1
    return quarter_before(today.year, quarter)


def quarter_before(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def quarterly_period_problems(year, quarter, *, today=None) -> tuple[list[dict], int | None, int | None]:
    """Check a year and quarter as typed (text or number): the problems of both at once,
    and the values when they are good. A quarter must have ended: its report is about a
    whole quarter."""
    today = today or timezone.localdate()
    last_year, last_quarter = previous_quarter(today)
    problems = []
    try:
        year = int(str(year).strip())
        if not QUARTERLY_FIRST_YEAR <= year <= last_year:
            raise ValueError
    except ValueError:
        problems.append(
            {
                "name": "year",
                "reason": _("Geef een jaar van %(first)s tot en met %(last)s.")
                % {"first": QUARTERLY_FIRST_YEAR, "last": last_year},
            }
        )
        year = None
    try:
        quarter = int(str(quarter).strip())
        if not 1 <= quarter <= 4:
            raise ValueError
    except ValueError:
        problems.append({"name": "quarter", "reason": _("Kies kwartaal 1, 2, 3 of 4.")})
        quarter = None
    if year is not None and quarter is not None and (year, quarter) > (last_year, last_quarter):
        problems.append(
            {
                "name": "quarter",
                "reason": _("Dit kwartaal is nog niet voorbij. Het laatste afgelopen kwartaal is %(label)s.")
                % {"label": f"{last_year} Q{last_quarter}"},
            }
        )
        quarter = None
    return problems, year, quarter


def _quarterly_schedule(report_id: int) -> None:
    from reporting.tasks import quarterly_run as task  # see _schedule

    publish(task, (report_id,))  # see _schedule


def quarterly_request(*, membership, region, year, quarter, by, today=None) -> QuarterlyReport:
    """A contract manager asks for a region's quarterly report (on demand). Every bad field
    is named at once (Invalid); a region the membership may not see is NotFound.
    Idempotent: one report per region+quarter; asking again returns it, and schedules the
    build again only when it has not run (queued) or failed."""
    problems, year, quarter = quarterly_period_problems(year, quarter, today=today)
    code = str(region or "").strip()
    found = Region.objects.filter(code=code).first() if code else None
    if not code:
        problems.insert(0, {"name": "region", "reason": str(_("Kies een regio."))})
    elif found is None:
        problems.insert(0, {"name": "region", "reason": _("Onbekende regio: %(codes)s") % {"codes": code}})
    if problems:
        raise Invalid(problems[0]["reason"], invalid_params=[{**p, "reason": str(p["reason"])} for p in problems])
    if not visible_regions(membership).filter(pk=found.pk).exists():
        raise NotFound()
    with transaction.atomic():
        report, _created = QuarterlyReport.objects.get_or_create(
            region=found, year=year, quarter=quarter, defaults={"requested_by": by}
        )
        report = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
        if report.status in (QuarterlyReport.Status.QUEUED, QuarterlyReport.Status.FAILED):
            if report.status == QuarterlyReport.Status.FAILED:
                report.status, report.progress, report.error = QuarterlyReport.Status.QUEUED, 0, ""
                report.requested_by, report.attempts, report.queued_at = by, 0, timezone.now()
                report.save(update_fields=["status", "progress", "error", "requested_by", "attempts", "queued_at"])
            transaction.on_commit(lambda: _quarterly_schedule(report.pk), robust=True)
    return report


def _table_json(table: Table) -> dict:
    def cell(value):
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, (dt.date, dt.datetime)):
            return value.strftime("%d-%m-%Y")
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        try:
            return float(value) if type(value).__name__ == "Decimal" else str(value)
        except (TypeError, ValueError):
            return str(value)

    return {
        "key": table.key,
        "title": str(table.title),
        "description": str(table.description or ""),
        "columns": [{"key": c.key, "label": str(c.label), "numeric": c.numeric} for c in table.columns],
        "rows": [[cell(v) for v in values] for values in table.values()],
    }


def quarterly_content(*, region, year: int, quarter: int, progress=None) -> dict:
    """The figures of the region's quarter and of the quarter before it, every report,
    suppressed (the readers are contract managers), in each language: {lang: {"sections":
    [{"code", "title", "tables", "previous", "charts"}]}}. Tables come from
    `build_for_scope`, the one way to build a report for a scope."""
    now = timezone.now()
    scopes = [
        Scope(region_ids=[region.pk], start=start, end=end, suppress=True, drill=False, now=now)
        for start, end in (quarter_bounds(year, quarter), quarter_bounds(*quarter_before(year, quarter)))
    ]
    steps, done, content = len(QUARTERLY_LANGUAGES) * (len(REPORT_MODULES) + len(QUARTERLY_SECTIONS)), 0, {}
    for lang in QUARTERLY_LANGUAGES:
        with translation.override(lang):
            sections = []
            for code in REPORT_MODULES:
                tables, previous = (build_for_scope(code, scope) for scope in scopes)
                sections.append(
                    {
                        "code": code,
                        "title": report_title(code),
                        "tables": [_table_json(t) for t in tables],
                        "previous": [_table_json(t) for t in previous],
                        "charts": charts_for(code, tables),
                    }
                )
                done += 1
                if progress:
                    progress(done, steps)
            # Issue 16 (contracting): sections registered by apps above reporting.
            for code, extra in QUARTERLY_SECTIONS.items():
                tables, previous = (section_tables(extra, scope) for scope in scopes)
                sections.append(
                    {
                        "code": code,
                        "title": str(extra.title()),
                        "tables": [_table_json(t) for t in tables],
                        "previous": [_table_json(t) for t in previous],
                        "charts": extra.charts(tables) if extra.charts else [],
                    }
                )
                done += 1
                if progress:
                    progress(done, steps)
            content[lang] = {"sections": sections}
    return content


def _quarterly_progress(report_id: int, percent: int) -> None:
    QuarterlyReport.objects.filter(pk=report_id).update(progress=max(0, min(99, percent)))


def quarterly_run(report_id: int) -> bool:
    """Build a queued quarterly report (the Celery task's body, and beat's). Idempotent:
    only a queued report runs, and only once at a time (the row is locked while it is
    claimed; a second worker skips it). Notifies the region's contract managers."""
    with job_claimed(QuarterlyReport, report_id, related=("region",)) as report:
        if report is None:
            return False
        _quarterly_progress(report.pk, 1)
        try:
            content = quarterly_content(
                region=report.region,
                year=report.year,
                quarter=report.quarter,
                progress=lambda done, total: _quarterly_progress(report.pk, 5 + 90 * done // max(total, 1)),
            )
        except Exception as exc:  # the requester sees that it failed; the log has the rest
            QuarterlyReport.objects.filter(pk=report.pk).update(
                status=QuarterlyReport.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
            )
            raise
        QuarterlyReport.objects.filter(pk=report.pk).update(
            status=QuarterlyReport.Status.DONE, progress=100, content=content, finished_at=timezone.now()
        )
    _quarterly_notify(report)
    return True


def _quarterly_notify(report: QuarterlyReport) -> None:
    start, end = quarter_bounds(report.year, report.quarter)
    managers = {
        m.user
        for m in Membership.objects.filter(
            role=Role.CONTRACT_MANAGER, is_active=True, regions=report.region_id, user__is_active=True
        ).select_related("user")
    }
    for user in sorted(managers, key=lambda u: u.pk):
        outbox_enqueue(
            recipient=user,
            subject=_("Kwartaalrapportage %(quarter)s %(region)s staat klaar")
            % {"quarter": report.label, "region": report.region.name},
            body=_(
                "De kwartaalrapportage over %(start)s tot en met %(end)s is gemaakt."
                " Vul de toelichting in en publiceer."
            )
            % {"start": start.strftime("%d-%m-%Y"), "end": end.strftime("%d-%m-%Y")},
            url=reverse("reporting:quarterly-page", args=[report.pk]),
        )


def quarterly_report_build(*, region, year: int, quarter: int):
    """Beat: build and store the region's quarterly report now (in this process) and
    notify its contract managers. Idempotent: for a region and quarter that already has
    a report, nothing new is made (a queued one, asked for on demand, is built now).
    Returns (report, made by this call)."""
    with transaction.atomic():
        Region.objects.select_for_update().get(pk=region.pk)  # one builder per region at a time
        report, created = QuarterlyReport.objects.get_or_create(region=region, year=year, quarter=quarter)
    quarterly_run(report.pk)
    report.refresh_from_db()
    return report, created


def quarterly_reports_build_all(*, today=None) -> int:
    """Beat, first day of each quarter: the previous quarter's report for every region."""
    year, quarter = previous_quarter(today or timezone.localdate())
    made = 0
    for region in Region.objects.order_by("code"):
        _report, created = quarterly_report_build(region=region, year=year, quarter=quarter)
        made += created
    return made


def _editable(report: QuarterlyReport) -> None:
    if report.is_published:
        raise Conflict(_("Deze kwartaalrapportage is gepubliceerd en kan niet meer worden gewijzigd."))
    if report.status != QuarterlyReport.Status.DONE:
        raise Conflict(_("De kwartaalrapportage is nog niet klaar."))


def _locked(membership, report_id: int) -> QuarterlyReport:
    reports = selectors.quarterly_list(membership=membership).select_for_update(of=("self",))
    report = reports.filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    return report


@transaction.atomic
def quarterly_commentary_save(*, membership, report_id: int, texts: dict, by) -> QuarterlyReport:
    """Save the region's commentary per section (report code -> text) of a draft. Every
    text that is too long is named at once; nothing is saved then."""
    report = _locked(membership, report_id)
    _editable(report)
    problems, commentary = [], dict(report.commentary or {})
    for code in REPORT_MODULES:
        if code not in texts:
            continue
        text = str(texts[code] or "").strip()
        if len(text) > COMMENTARY_MAX:
            problems.append(
                {
                    "name": code,
                    "reason": str(
                        _("Gebruik hoogstens %(max)s tekens (nu %(n)s).") % {"max": COMMENTARY_MAX, "n": len(text)}
                    ),
                }
            )
        commentary[code] = text
    if problems:
        raise Invalid(problems[0]["reason"], invalid_params=problems)
    report.commentary = commentary
    report.save(update_fields=["commentary"])
    return report


@transaction.atomic
def quarterly_publish(*, membership, report_id: int, by) -> QuarterlyReport:
    """Publish a finished draft: every section needs the region's commentary first (each
    missing one is named). After this the report is read-only."""
    report = _locked(membership, report_id)
    _editable(report)
    missing = [code for code in REPORT_MODULES if not str((report.commentary or {}).get(code, "")).strip()]
    if missing:
        reason = str(_("Schrijf een toelichting bij dit onderdeel voordat u publiceert."))
        raise Invalid(reason, invalid_params=[{"name": code, "reason": reason} for code in missing])
    report.published_at, report.published_by = timezone.now(), by
    report.save(update_fields=["published_at", "published_by"])
    return report
