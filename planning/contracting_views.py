"""Screens of "what to contract" (issue 16.3): the page for contract managers (table,
chart, CSV) and its method page with the backtest. Region-scoped: a region the user may
not see is a 404, another role a 403. Only aggregates leave, suppressed as in reports."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import role_required
from core.errors import NotFound
from planning import contracting
from planning.contracting_forms import ContractingForm
from reporting.exports import write_csv
from reporting.router import reporting_reads
from reporting.suppression import published, suppress_tables
from reporting.svg import render_svg

ROLES = (Role.CONTRACT_MANAGER, Role.ADMIN)


def _form(request):
    try:
        form = ContractingForm(request.GET, membership=request.membership)
        form.is_valid()
    except NotFound as exc:
        raise Http404 from exc
    return form


def _tables(form):
    with reporting_reads():
        tables = contracting.tables(form.scope, form.targets)
    return suppress_tables(tables) if form.scope.suppress else [published(t) for t in tables]


def _query(form) -> str:
    return urlencode([(k, v) for k, values in form.query_params().items() for v in values])


@role_required(*ROLES)
def contracting_page(request):
    form = _form(request)
    tables, svgs = [], []
    if form.scope is not None:
        tables = _tables(form)
        svgs = [render_svg(spec) for spec in contracting.chart(tables)]
    return render(
        request,
        "planning/contracting.html",
        {
            "form": form,
            "scope": form.scope,
            "targets": form.targets,
            "tables": tables,
            "svgs": svgs,
            "query": _query(form),
        },
        status=200 if not form.errors else 422,
    )


@role_required(*ROLES)
def contracting_csv(request):
    form = _form(request)
    if form.scope is None:
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(_tables(form), Path(folder) / "contracting.csv")
        content = path.read_bytes()
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="wat-te-contracteren.csv"'
    return response


@role_required(*ROLES)
def contracting_method(request):
    form = _form(request)
    tables = []
    if form.scope is not None:
        with reporting_reads():
            tables = [contracting.backtest_table(form.scope, form.targets)]
        tables = suppress_tables(tables) if form.scope.suppress else [published(t) for t in tables]
    return render(
        request,
        "planning/contracting_method.html",
        {
            "form": form,
            "scope": form.scope,
            "targets": form.targets,
            "tables": tables,
            "assumptions": contracting.assumptions(form.targets) if form.targets else [],
            "query": _query(form),
            "page_title": _("Methode: wat te contracteren"),
        },
        status=200 if not form.errors else 422,
    )
