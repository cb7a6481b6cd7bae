"""Screens: the contract-management dashboard, the coordinator's figures with drill-down,
exports (Celery, progress polled with htmx, owner-only download). The quarterly report's
screens are in reporting/quarterly_views.py."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from core.errors import DomainError, Forbidden, NotFound
from reporting import selectors, services
from reporting.charts import charts_for
from reporting.forms import FILTER_KEYS, ReportFilterForm
from reporting.headlines import HEADLINE_TABLE, previous_period, with_previous
from reporting.models import ExportJob
from reporting.reports import DRILLABLE, REPORT_MODULES
from reporting.reports.cbs_placements import CODE as CBS_CODE
from reporting.reports.cbs_placements import ROLES as CBS_ROLES
from reporting.reports.common import READ_ROLES, scope_from_params, visible_regions
from reporting.router import reporting_reads
from reporting.titles import report_title

# --- Issue 12 (dashboard): an overview, a page per report, previous-period comparison --------
PAGES = {
    # role: (overview url name, report page url name, drill-down allowed)
    Role.CONTRACT_MANAGER: ("reporting:contract-manager-home", "reporting:contract-manager-report", False),
    Role.COORDINATOR: ("reporting:coordinator-figures", "reporting:coordinator-report", True),
}


def _filters(request):
    """The filter form, its scope (None when a value is bad) and the query string for links.
    A region the user may not see is a 404, like everywhere else."""
    try:
        form = ReportFilterForm(request.GET, membership=request.membership)
        form.is_valid()
    except NotFound as exc:
        raise Http404 from exc
    params = form.query_params()
    query = urlencode([(k, v) for k, values in params.items() for v in values], doseq=False)
    return form, params, query


def _report_links(role, query):
    _home, report_url, _drill = PAGES[role]
    suffix = f"?{query}" if query else ""
    return [(code, report_title(code), reverse(report_url, args=[code]) + suffix) for code in REPORT_MODULES]


def _overview(request, role, page_title):
    form, params, query = _filters(request)
    cards = []
    if form.scope is not None:
        for code, title, url in _report_links(role, query):
            tables, headlines = with_previous(
                code, membership=request.membership, params=params, start=form.scope.start, end=form.scope.end
            )
            first = charts_for(code, tables)[:1]
            cards.append(
                {
                    "code": code,
                    "title": title,
                    "url": url,
                    "description": getattr(REPORT_MODULES[code], "DESCRIPTION", ""),
                    "headlines": headlines,
                    "charts": first,
                }
            )
    return render(
        request,
        "reporting/dashboard.html",
        {
            "page_title": page_title,
            "form": form,
            "scope": form.scope,
            "previous": previous_period(form.scope.start, form.scope.end) if form.scope else None,
            "cards": cards,
            "chart_specs": [c for card in cards for c in card["charts"]],
            "reports": _report_links(role, query),
            "home_url": request.path + (f"?{query}" if query else ""),
            "show_quarterly": role == Role.CONTRACT_MANAGER,
            "regions": visible_regions(request.membership),  # links to each region's band tariffs
            "drill": role == Role.COORDINATOR,  # coordinators may export the CBS-shaped placements
        },
    )


def _report_page(request, role, code):
    if code not in REPORT_MODULES:
        raise Http404
    home, _report_url, drill = PAGES[role]
    form, params, query = _filters(request)
    tables, headlines, chart_specs = [], [], []
    if form.scope is not None:
        tables, headlines = with_previous(
            code, membership=request.membership, params=params, start=form.scope.start, end=form.scope.end
        )
        chart_specs = charts_for(code, tables)
    return render(
        request,
        "reporting/report.html",
        {
            "page_title": report_title(code),
            "description": getattr(REPORT_MODULES[code], "DESCRIPTION", ""),
            "code": code,
            "form": form,
            "scope": form.scope,
            "previous": previous_period(form.scope.start, form.scope.end) if form.scope else None,
            "headlines": headlines,
            "tables": [t for t in tables if t.key != HEADLINE_TABLE],
            "chart_specs": chart_specs,
            "reports": _report_links(role, query),
            "home_url": reverse(home) + (f"?{query}" if query else ""),
            "params": params,
            "query": query,
            "drill": drill and code in DRILLABLE,
            "formats": ExportJob.Format.choices,
            "show_quarterly": role == Role.CONTRACT_MANAGER,
        },
    )


@role_required(Role.CONTRACT_MANAGER)
def contract_manager_home(request):
    return _overview(request, Role.CONTRACT_MANAGER, _("Cijfers contractmanagement"))


@role_required(Role.CONTRACT_MANAGER)
def contract_manager_report(request, code):
    return _report_page(request, Role.CONTRACT_MANAGER, code)


@role_required(Role.COORDINATOR)
def coordinator_figures(request):
    return _overview(request, Role.COORDINATOR, _("Cijfers van mijn regio"))


@role_required(Role.COORDINATOR)
def coordinator_report(request, code):
    return _report_page(request, Role.COORDINATOR, code)


# --- end issue 12 (dashboard) ---------------------------------------------------------------


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
        {"requests": requests, "code": code, "title": report_title(code), "scope": scope},
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
    except Forbidden as exc:  # a report this role may not make (the CBS export: issue 12)
        raise PermissionDenied from exc
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


# --- CBS Beleidsinformatie Jeugd export of the placements (issue 12, refdata) -------------


@role_required(*CBS_ROLES)
def cbs_export(request):
    """The page that starts the CBS-shaped placements export (row-level: coordinators for
    their regions, administrators for any region or nationally)."""
    return render(
        request,
        "reporting/cbs_export.html",
        {
            "regions": visible_regions(request.membership),
            "formats": ExportJob.Format.choices,
            "report_code": CBS_CODE,
            "national": request.membership.role == Role.ADMIN,
        },
    )
