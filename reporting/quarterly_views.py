"""Screens of the quarterly report (contract managers of the report's region): ask for one
on demand (a Celery task; progress polled with htmx), read it, write the region's
commentary per section, publish, and download it as PDF or XLSX in Dutch or English.
Someone else's region is a 404, another role a 403 (role_required)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from core.access_log import Action
from core.errors import DomainError, Invalid, NotFound
from reporting import quarterly_render, selectors, services
from reporting.forms import CommentaryForm, QuarterlyRequestForm
from reporting.reports import REPORT_MODULES
from reporting.reports.common import visible_regions


def _get(request, pk, action=None):
    report = selectors.quarterly_get(membership=request.membership, pk=pk, action=action)
    if report is None:
        raise Http404
    return report


def _list(request, form, status=200, report=None):
    if request.htmx:
        # htmx 2 swaps no 4xx answer (its default responseHandling): the form with its
        # messages comes back as 200, so they appear next to the fields.
        template, status = "reporting/_quarterly_request.html", 200
    else:
        template = "reporting/quarterly_list.html"
    context = {"reports": selectors.quarterly_list(membership=request.membership), "form": form, "requested": report}
    return render(request, template, context, status=status)


@role_required(Role.CONTRACT_MANAGER)
def quarterly_list(request):
    return _list(request, QuarterlyRequestForm(regions=visible_regions(request.membership)))


@require_POST
@role_required(Role.CONTRACT_MANAGER)
def quarterly_request(request):
    regions = visible_regions(request.membership)
    form = QuarterlyRequestForm(request.POST, regions=regions)
    form.is_valid()
    try:
        report = services.quarterly_request(
            membership=request.membership,
            region=request.POST.get("region", ""),
            year=request.POST.get("year", ""),
            quarter=request.POST.get("quarter", ""),
            by=request.user,
        )
    except NotFound as exc:
        raise Http404 from exc
    except Invalid as exc:
        form.apply_invalid(exc)
        return _list(request, form, status=422)
    return _list(request, QuarterlyRequestForm(regions=regions), report=report)


@role_required(Role.CONTRACT_MANAGER)
def quarterly_status(request, pk):
    return render(request, "reporting/_quarterly_status.html", {"report": _get(request, pk)})


def _page(request, report, *, commentary=None, publish_error=None, status=200):
    lang = quarterly_render.reader_language(request)
    context = quarterly_render.report_context(report, lang) if report.status == report.Status.DONE else {}
    return render(
        request,
        "reporting/quarterly_page.html",
        {
            **context,
            "report": report,
            "lang": lang,
            "commentary_form": commentary or CommentaryForm(report=report),
            "publish_error": publish_error,
        },
        status=status,
    )


@role_required(Role.CONTRACT_MANAGER)
def quarterly_page(request, pk):
    return _page(request, _get(request, pk, Action.VIEW))


@require_POST
@role_required(Role.CONTRACT_MANAGER)
def quarterly_commentary(request, pk):
    report = _get(request, pk)
    form = CommentaryForm(request.POST, report=report)
    form.is_valid()
    texts = {code: request.POST.get(code, "") for code in form.fields}
    try:
        services.quarterly_commentary_save(membership=request.membership, report_id=pk, texts=texts, by=request.user)
    except NotFound as exc:
        raise Http404 from exc
    except Invalid as exc:
        form.apply_invalid(exc)
        return _page(request, report, commentary=form, status=422)
    except DomainError as exc:
        return _page(request, report, publish_error=exc, status=409)
    messages.success(request, _("De toelichting is opgeslagen."))
    return redirect("reporting:quarterly-page", pk=pk)


@require_POST
@role_required(Role.CONTRACT_MANAGER)
def quarterly_publish(request, pk):
    report = _get(request, pk)
    try:
        services.quarterly_publish(membership=request.membership, report_id=pk, by=request.user)
    except NotFound as exc:
        raise Http404 from exc
    except Invalid as exc:
        form = CommentaryForm({code: (report.commentary or {}).get(code, "") for code in REPORT_MODULES}, report=report)
        form.is_valid()
        form.apply_invalid(exc)
        return _page(request, report, commentary=form, publish_error=exc, status=422)
    except DomainError as exc:
        return _page(request, report, publish_error=exc, status=409)
    messages.success(request, _("De kwartaalrapportage is gepubliceerd."))
    return redirect("reporting:quarterly-page", pk=pk)


def _ready(report):
    if report.status != report.Status.DONE:
        raise Http404


@role_required(Role.CONTRACT_MANAGER)
def quarterly_print(request, pk):
    report = _get(request, pk, Action.VIEW)
    _ready(report)
    lang = quarterly_render.reader_language(request)
    html = quarterly_render.render_html(report, lang, back_url=reverse("reporting:quarterly-page", args=[pk]))
    return HttpResponse(html)


def _file_name(report, lang, ext):
    return f"kwartaalrapportage-{report.region.code}-{report.year}-Q{report.quarter}-{lang}.{ext}"


def _attachment(content, content_type, name):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(Role.CONTRACT_MANAGER)
def quarterly_pdf(request, pk):
    report = _get(request, pk, Action.DOWNLOAD)
    _ready(report)
    lang = quarterly_render.reader_language(request)
    return _attachment(quarterly_render.render_pdf(report, lang), "application/pdf", _file_name(report, lang, "pdf"))


@role_required(Role.CONTRACT_MANAGER)
def quarterly_download(request, pk):
    report = _get(request, pk, Action.DOWNLOAD)
    _ready(report)
    lang = quarterly_render.reader_language(request)
    return _attachment(
        quarterly_render.render_xlsx(report, lang),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _file_name(report, lang, "xlsx"),
    )
