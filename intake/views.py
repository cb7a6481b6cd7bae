"""The behavioural scientist's assignment queue and analysis editing."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from core.errors import DomainError, Invalid, NotFound
from intake import selectors, services
from intake import selectors as intake_selectors
from intake.forms import AnalysisForm, CompleteAssignmentForm, NeedProfileForm, initial_from_version


def _assignment(request, pk):
    try:
        return intake_selectors.assignment_get(membership=request.membership, pk=pk)
    except NotFound:
        raise Http404 from None


@role_required(Role.BEHAVIOURAL_SCIENTIST)
def behavioural_scientist_home(request):
    assignments = intake_selectors.assignment_list(membership=request.membership)
    return render(
        request,
        "analyses/behavioural_scientist_home.html",
        {"assignments": assignments, "pool_waiting": intake_selectors.pool_waiting(membership=request.membership)},
    )


@role_required(Role.BEHAVIOURAL_SCIENTIST)
def assignment_detail(request, pk):
    assignment = _assignment(request, pk)
    # The dossier only through an accepted, active assignment (the selector decides);
    # an open assignment shows the question and the reference, nothing identifying.
    placement_request = selectors.assignment_request_get(membership=request.membership, assignment=assignment)
    if placement_request is None:
        if request.method == "POST":
            raise Http404
        return render(request, "analyses/assignment_detail.html", {"assignment": assignment, "mine": False})
    fields = AnalysisForm.FIELDS + NeedProfileForm.FIELDS
    initial = initial_from_version(placement_request.analysis, fields)
    analysis_form = AnalysisForm(request.POST if request.method == "POST" else None, initial=initial, prefix="analysis")
    need_form = NeedProfileForm(request.POST if request.method == "POST" else None, initial=initial, prefix="need")
    status = 200
    if request.method == "POST":
        if analysis_form.is_valid() and need_form.is_valid():
            try:
                version = services.analysis_save(
                    placement_request=placement_request,
                    data={**analysis_form.cleaned_data, **need_form.cleaned_data},
                    by=request.user,
                    membership=request.membership,
                    partial=True,
                )
            except Invalid as error:
                need_form.apply_invalid(error, aliases={"need_profile.care_types": "care_types"})
                status = 422
            else:
                messages.success(request, _("Versie %(v)s van de analyse is opgeslagen.") % {"v": version.version})
                return redirect("analyses:assignment-detail", pk=pk)
        else:
            status = 422
    return render(
        request,
        "analyses/assignment_detail.html",
        {
            "assignment": assignment,
            "placement_request": placement_request,
            "youth": placement_request.youth,
            "mine": True,
            "analysis_form": analysis_form,
            "need_form": need_form,
            "complete_form": CompleteAssignmentForm(),
            **selectors.request_summary(placement_request),
        },
        status=status,
    )


@role_required(Role.BEHAVIOURAL_SCIENTIST)
@require_POST
def assignment_accept(request, pk):
    assignment = _assignment(request, pk)
    try:
        services.assignment_accept(assignment=assignment, by=request.user, membership=request.membership)
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("U heeft de opdracht aangenomen."))
    return redirect("analyses:assignment-detail", pk=pk)


@role_required(Role.BEHAVIOURAL_SCIENTIST)
@require_POST
def assignment_complete(request, pk):
    assignment = _assignment(request, pk)
    form = CompleteAssignmentForm(request.POST)
    form.is_valid()
    try:
        services.assignment_complete(
            assignment=assignment,
            by=request.user,
            membership=request.membership,
            note=form.cleaned_data.get("note", ""),
        )
    except DomainError as error:
        messages.error(request, str(error.detail))
        return redirect("analyses:assignment-detail", pk=pk)
    if assignment.before_submission:
        messages.success(request, _("De hulp is afgerond; de verwijzer is op de hoogte gebracht en kan indienen."))
    else:
        messages.success(request, _("De opdracht is afgerond; de coördinator is op de hoogte gebracht."))
    return redirect("analyses:behavioural-scientist-home")
