"""Screens of the capacity what-if (issue 16.2), for contract managers and coordinators of
the scenario's region: describe a scenario, run its replay (a Celery job; progress polled
with htmx), compare scenario, baseline and what happened; the method page. Someone else's
scenario or run is a 404, another role a 403 (role_required)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from capacity.selectors import facility_list
from core.errors import Invalid, NotFound
from planning import comparison, selectors, services
from planning.forms import ScenarioForm
from planning.scenarios import CHANGE_KINDS
from reporting.svg import render_svg

ROLES = (Role.CONTRACT_MANAGER, Role.COORDINATOR)


def _facilities(membership):
    return list(facility_list(membership=membership, detail=False).values_list("id", "name"))


def _list(request, form, status=200):
    context = {"form": form, "scenarios": selectors.scenario_list(membership=request.membership)}
    return render(request, "planning/scenario_list.html", context, status=status)


@role_required(*ROLES)
def scenario_list(request):
    if request.method == "POST":
        form = ScenarioForm(request.POST, membership=request.membership, facilities=_facilities(request.membership))
        form.is_valid()
        try:
            scenario = services.scenario_create(
                membership=request.membership, by=request.user, **form.service_arguments()
            )
        except NotFound as exc:
            raise Http404 from exc
        except Invalid as exc:
            form.apply_invalid(exc)
            return _list(request, form, status=422)
        return redirect("planning:scenario", pk=scenario.pk)
    return _list(request, ScenarioForm(membership=request.membership, facilities=_facilities(request.membership)))


def _scenario(request, pk):
    scenario = selectors.scenario_get(membership=request.membership, pk=pk)
    if scenario is None:
        raise Http404
    return scenario


@role_required(*ROLES)
def scenario_page(request, pk):
    scenario = _scenario(request, pk)
    names = dict(_facilities(request.membership))
    changes = [
        {**c, "label": CHANGE_KINDS.get(c["kind"], c["kind"]), "facility_name": names.get(c["facility"], c["facility"])}
        for c in scenario.changes
    ]
    runs = list(scenario.runs.all()[:10])
    return render(request, "planning/scenario_page.html", {"scenario": scenario, "changes": changes, "runs": runs})


@require_POST
@role_required(*ROLES)
def replay_request(request, pk):
    try:
        run = services.replay_request(membership=request.membership, scenario_id=pk, by=request.user)
    except NotFound as exc:
        raise Http404 from exc
    return redirect("planning:run", pk=run.pk)


def _run(request, pk):
    run = selectors.run_get(membership=request.membership, pk=pk)
    if run is None:
        raise Http404
    return run


@role_required(*ROLES)
def run_status(request, pk):
    return render(request, "planning/_run_status.html", {"run": _run(request, pk)})


@role_required(*ROLES)
def run_page(request, pk):
    run = _run(request, pk)
    context = {"run": run, "scenario": run.scenario}
    if run.status == run.Status.DONE:
        results = selectors.results_of(run)
        context.update(
            rows=comparison.rows(results),
            occupancy=comparison.occupancy_rows(results),
            chart=render_svg(comparison.chart(results)),
            variants=[v.label for v in comparison.VARIANTS],
        )
    return render(request, "planning/run_page.html", context)


@role_required(*ROLES)
def method_page(request):
    return render(request, "planning/method.html")
