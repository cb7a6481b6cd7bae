"""Crisis placements (issue 11): the one-step registration, the coordinator's submission
of the dossier, and the triage of that dossier. Thin: parse, call one service, render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organisation, Role
from accounts.permissions import role_required
from core.errors import DomainError, Invalid
from placement import selectors, services
from placement.forms import CrisisFollowUpTriageForm, CrisisPlacementForm
from placement.views.common import request_or_404


def _youth_of(form) -> services.CrisisYouth:
    municipality = form.value("municipality")
    return services.CrisisYouth(
        municipality_id=municipality.pk if municipality is not None else None,
        given_names=form.value("given_names") or "",
        family_name=form.value("family_name") or "",
        birth_date=form.value("birth_date"),
        gender=form.value("gender") or "",
        bsn=form.value("bsn") or "",
    )


@role_required(Role.COORDINATOR)
def crisis_register(request):
    """GET: the form (with `?request=<pk>`: that request's data, from triage). POST: one
    step; every problem at once next to its field, nothing written on any of them."""
    placement_request = None
    source = request.POST.get("request") or request.GET.get("request")
    if source:
        try:
            placement_request = request_or_404(request, int(source), view="crisis_register")
        except ValueError:
            raise Http404 from None
    membership = request.membership
    facilities = list(selectors.crisis_facilities(membership=membership))
    referrers = Organisation.objects.filter(kind=Organisation.Kind.REFERRER, is_active=True).order_by("name")
    form = CrisisPlacementForm(
        request.POST or None, facilities=facilities, referrers=referrers, placement_request=placement_request
    )
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
        checked = {
            "facility_id": form.value("facility"),
            "started_at": form.value("started_at"),
        }
        if placement_request is None:
            checked.update(youth=_youth_of(form), referrer_organisation_id=form.value("referrer_organisation"))
        try:
            if not valid:  # the service's checks too, so that every error shows at once
                services.crisis_placement_validate(membership=membership, **checked)
            else:
                placement = services.crisis_placement_register(
                    by=request.user,
                    membership=membership,
                    placement_request=placement_request,
                    note=form.cleaned_data.get("note", ""),
                    **checked,
                )
                messages.success(
                    request,
                    _("De crisisplaatsing is geregistreerd. Het dossier volgt uiterlijk %(date)s.")
                    % {"date": placement.request.crisis_dossier_due.strftime("%d-%m-%Y")},
                )
                return redirect("placement:request-detail", pk=placement.request_id)
        except DomainError as error:
            if error.invalid_params:
                params = [p for p in error.invalid_params if p["name"] not in form.errors]
                form.apply_invalid(Invalid(error.detail, invalid_params=params))
            else:
                form.add_error(None, str(error.detail))
        status = 422
    return render(
        request,
        "placement/crisis_register.html",
        {"form": form, "placement_request": placement_request},
        status=status,
    )


@role_required(Role.COORDINATOR)
@require_POST
def crisis_submit(request, pk):
    placement_request = request_or_404(request, pk, log=False)
    try:
        services.crisis_dossier_submit(
            placement_request=placement_request, by=request.user, membership=request.membership
        )
    except Invalid as error:
        messages.error(
            request,
            _("Het dossier is nog niet compleet: %(items)s")
            % {"items": "; ".join(p["reason"] for p in error.invalid_params)},
        )
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("Het dossier van de crisisplaatsing is ingediend en staat klaar voor triage."))
    return redirect("placement:request-detail", pk=pk)


@role_required(Role.COORDINATOR)
@require_POST
def crisis_followup_triage(request, pk):
    placement_request = request_or_404(request, pk, log=False)
    form = CrisisFollowUpTriageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies of de jeugdige blijft of een langere plek nodig heeft."))
        return redirect("placement:request-detail", pk=pk)
    try:
        result = services.crisis_followup_triage(
            placement_request=placement_request,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            membership=request.membership,
        )
    except DomainError as error:
        messages.error(request, str(error.detail))
        return redirect("placement:request-detail", pk=pk)
    if result.pk != placement_request.pk:
        messages.success(request, _("Er is een doorplaatsingsverzoek gemaakt; het staat in matching."))
        return redirect("placement:matching", pk=result.pk)
    messages.success(request, _("De crisisplaatsing loopt door als gewone plaatsing."))
    return redirect("placement:request-detail", pk=pk)
