"""Screens: the contract-management dashboard, the coordinator's figures with drill-down,
exports (Celery, progress polled with htmx, owner-only download) and quarterly reports."""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from capacity.rules import OCCUPANCY_NORM
from core.access_log import Action
from core.errors import DomainError, NotFound
from placement.models import DeclineReason
from reporting import selectors, services
from reporting.models import ExportJob
from reporting.registry import build_report
from reporting.reports import DRILLABLE, REPORT_MODULES
from reporting.reports.common import READ_ROLES, scope_from_params, visible_regions
from reporting.router import reporting_reads

TITLES = {
    "unmet-need": _("Onvervulde vraag"),
    "refusals": _("Weigeringen"),
    "transfers": _("Doorplaatsingen"),
    "occupancy": _("Capaciteit en bezetting"),
    "waiting-times": _("Wachttijd en afstand"),
    "contracts": _("Contracten en kosten"),  # issue 12 part "contracts"
}
FILTER_KEYS = ("region", "from", "to", "threshold")


def _chart_value(value):
    return value if isinstance(value, (int, float)) else None


def _charts(reports: dict) -> dict:
    """Series for Chart.js, from the same (suppressed) tables: '<5' becomes a gap."""

    def rows(code, key):
        return next((t.rows for t in reports.get(code, []) if t.key == key), [])

    occupancy = rows("occupancy", "over_time")
    waiting = rows("waiting-times", "by_month")
    transfers = rows("transfers", "by_month")
    reasons = rows("refusals", "by_provider_reason")
    return {
        "occupancy": {
            "labels": [r["period"] for r in occupancy],
            "rate": [_chart_value(r["rate"]) for r in occupancy],
            "norm": [OCCUPANCY_NORM for _r in occupancy],
            "norm_percent": OCCUPANCY_NORM,
        },
        "waiting": {
            "labels": [r["month"] for r in waiting],
            "median": [_chart_value(r["wait_median"]) for r in waiting],
            "p90": [_chart_value(r["wait_p90"]) for r in waiting],
        },
        "transfers": {"labels": [r["month"] for r in transfers], "rate": [_chart_value(r["rate"]) for r in transfers]},
        "refusals": {
            "labels": [r["provider"] for r in reasons],
            "datasets": [
                {"label": str(label), "data": [_chart_value(r[code]) for r in reasons]}
                for code, label in DeclineReason.choices
            ],
        },
    }


def _dashboard(request, template_title, drill):
    params = request.GET
    try:
        scope = scope_from_params(request.membership, params)
        reports = {code: build_report(code, membership=request.membership, params=params) for code in REPORT_MODULES}
        error = None
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise Http404 from exc
        scope, reports, error = None, {}, exc
    query = "&".join(f"{k}={v}" for k in FILTER_KEYS for v in params.getlist(k) if v)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "page_title": template_title,
            "scope": scope,
            "error": error,
            "sections": [(code, TITLES[code], reports.get(code, [])) for code in REPORT_MODULES],
            "charts": _charts(reports),
            "regions": visible_regions(request.membership),
            "selected_regions": set(",".join(params.getlist("region")).split(",")),
            "params": params,
            "query": query,
            "drill": drill,
            "drillable": DRILLABLE,
            "formats": ExportJob.Format.choices,
            "norm": OCCUPANCY_NORM,
        },
    )


@role_required(Role.CONTRACT_MANAGER)
def contract_manager_home(request):
    return _dashboard(request, _("Cijfers contractmanagement"), drill=False)


@role_required(Role.COORDINATOR)
def coordinator_figures(request):
    return _dashboard(request, _("Cijfers van mijn regio"), drill=True)


@role_required(Role.COORDINATOR)
def drill_down(request, code):
    """The requests behind a figure: references and status only (no names, so no access log)."""
    if code not in DRILLABLE:
        raise Http404
    try:
        scope = scope_from_params(request.membership, request.GET)
    except DomainError as exc:
        raise Http404 from exc
    with reporting_reads():
        ids = REPORT_MODULES[code].drill(scope, request.GET.dict())
        requests = selectors.drill_down_requests(membership=request.membership, ids=ids)
    return render(
        request,
        "reporting/drill_down.html",
        {"requests": requests, "code": code, "title": TITLES[code], "scope": scope},
    )


@require_POST
@role_required(*READ_ROLES)
def export_create(request):
    params = {k: request.POST.getlist(k) for k in FILTER_KEYS if request.POST.getlist(k)}
    params = {k: v[0] if len(v) == 1 else v for k, v in params.items()}
    try:
        scope_from_params(request.membership, params)  # refuse a bad filter now, not in the worker
        job = services.export_request(
            membership=request.membership,
            report=request.POST.get("report", ""),
            params=params,
            fmt=request.POST.get("format", ""),
            by=request.user,
        )
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:  # the message may echo what was sent: the template escapes it
        return render(request, "reporting/_export_error.html", {"error": exc}, status=422)
    return render(request, "reporting/_export_status.html", {"job": job})


@role_required(*READ_ROLES)
def export_status(request, pk):
    job = selectors.export_get(user=request.user, job_id=pk)
    if job is None:
        raise Http404
    return render(request, "reporting/_export_status.html", {"job": job})


@role_required(*READ_ROLES)
def export_download(request, pk):
    job = selectors.export_download_get(membership=request.membership, user=request.user, job_id=pk)
    if job is None:
        raise Http404
    path = services.export_directory() / job.file_name
    return FileResponse(open(path, "rb"), as_attachment=True, filename=job.file_name)


@role_required(Role.CONTRACT_MANAGER)
def quarterly_list(request):
    return render(
        request, "reporting/quarterly_list.html", {"reports": selectors.quarterly_list(membership=request.membership)}
    )


@role_required(Role.CONTRACT_MANAGER)
def quarterly_download(request, pk):
    report = selectors.quarterly_get(membership=request.membership, pk=pk, action=Action.DOWNLOAD)
    if report is None:
        raise Http404
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "quarterly" / report.xlsx_name
    return FileResponse(open(path, "rb"), as_attachment=True, filename=report.xlsx_name)


@role_required(Role.CONTRACT_MANAGER)
def quarterly_page(request, pk):
    report = selectors.quarterly_get(membership=request.membership, pk=pk, action=Action.VIEW)
    if report is None:
        raise Http404
    return HttpResponse(report.html)
