"""Screens for contracts and planned capacity changes (issue 12 point 2).

Contract managers see and change the contracts and the afbouw/opbouw of their regions;
coordinators may read contracts (not change them); administrators read every contract.
Another region's contract or facility is a 404, another role a 403."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from capacity import contract_selectors as selectors
from capacity import services
from capacity.contract_forms import CONTRACT_FIELDS, ContractFilterForm, ContractForm, PlannedChangeForm
from capacity.rules import OCCUPANCY_NORM
from core.errors import DomainError, Invalid

OCCUPANCY_DAYS = 90


def _contract_or_404(request, pk):
    contract = selectors.contract_get(membership=request.membership, pk=pk)
    if contract is None:
        raise Http404
    return contract


@role_required(*selectors.CONTRACT_READ_ROLES)
def contract_list(request):
    form = ContractFilterForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    filters = form.cleaned_data if request.GET and valid else {}
    contracts = (
        selectors.contract_list(
            membership=request.membership,
            provider_id=filters.get("provider").pk if filters.get("provider") else None,
            funding_form=filters.get("funding_form") or None,
            active_on=filters.get("active_on"),
        )
        if valid
        else []
    )
    return render(
        request,
        "capacity/contract_list.html",
        {"form": form, "contracts": contracts, "may_edit": selectors.may_edit_contracts(request.membership)},
        status=200 if valid else 422,
    )


@role_required(*selectors.CONTRACT_READ_ROLES)
def contract_detail(request, pk):
    contract = _contract_or_404(request, pk)
    return render(
        request,
        "capacity/contract_detail.html",
        {
            "contract": contract,
            "history": selectors.contract_history(contract=contract),
            "facilities": selectors.contract_facilities(contract=contract),
            "occupancy": selectors.contract_occupancy(contract=contract, days=OCCUPANCY_DAYS),
            "norm": OCCUPANCY_NORM,
            "occupancy_days": OCCUPANCY_DAYS,
            "may_edit": selectors.may_edit_contracts(request.membership),
        },
    )


def _save_contract(request, form, contract=None):
    data, tariffs = form.values()
    try:
        if contract is None:
            return services.contract_create(membership=request.membership, by=request.user, tariffs=tariffs, **data)
        return services.contract_update(
            membership=request.membership, contract=contract, by=request.user, tariffs=tariffs, **data
        )
    except Invalid as exc:
        form.apply_invalid(exc)
    return None


@role_required(Role.CONTRACT_MANAGER)
def contract_create(request):
    form = ContractForm(request.POST or None, membership=request.membership)
    if request.method == "POST":
        if form.is_valid():
            contract = _save_contract(request, form)
            if contract is not None:
                messages.success(request, _("Het contract is vastgelegd."))
                return redirect("capacity:contract-detail", pk=contract.pk)
        return render(request, "capacity/contract_form.html", {"form": form, "contract": None}, status=422)
    return render(request, "capacity/contract_form.html", {"form": form, "contract": None})


@role_required(Role.CONTRACT_MANAGER)
def contract_edit(request, pk):
    contract = _contract_or_404(request, pk)
    initial = {name: getattr(contract, name) for name in CONTRACT_FIELDS}
    initial.update({f"tariff_{t.band}": t.day_tariff for t in contract.tariffs.all()})
    form = ContractForm(request.POST or None, membership=request.membership, initial=initial)
    if request.method == "POST":
        if form.is_valid() and _save_contract(request, form, contract) is not None:
            messages.success(request, _("Het contract is gewijzigd."))
            return redirect("capacity:contract-detail", pk=contract.pk)
        return render(request, "capacity/contract_form.html", {"form": form, "contract": contract}, status=422)
    return render(request, "capacity/contract_form.html", {"form": form, "contract": contract})


# --- Planned capacity changes (afbouw / opbouw) ------------------------------------------------


def _change_or_404(request, pk):
    change = selectors.planned_change_get(membership=request.membership, pk=pk)
    if change is None:
        raise Http404
    return change


def _plan_errors(form, exc):
    form.apply_invalid(exc)


@role_required(Role.CONTRACT_MANAGER)
def change_list(request):
    form = PlannedChangeForm(request.POST or None, membership=request.membership)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.capacity_change_plan(
                    facility=data["facility"],
                    by=request.user,
                    effective_date=data["effective_date"],
                    places_contracted=data["places_contracted"],
                    note=data["note"],
                )
            except Invalid as exc:
                _plan_errors(form, exc)
            else:
                messages.success(request, _("De capaciteitswijziging is gepland."))
                return redirect("capacity:change-list")
        status = 422
    return render(
        request,
        "capacity/change_list.html",
        {"form": form, "changes": selectors.planned_change_list(membership=request.membership)},
        status=status,
    )


@role_required(Role.CONTRACT_MANAGER)
def change_detail(request, pk):
    change = _change_or_404(request, pk)
    form = PlannedChangeForm(
        request.POST or None,
        membership=request.membership,
        fixed_facility=change.facility,
        initial={
            "effective_date": change.effective_date,
            "places_contracted": change.places_contracted,
            "note": change.note,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.capacity_change_update(
                    change=change,
                    by=request.user,
                    effective_date=data["effective_date"],
                    places_contracted=data["places_contracted"],
                    note=data["note"],
                )
            except Invalid as exc:
                _plan_errors(form, exc)
            except DomainError as exc:
                form.add_error(None, str(exc.detail))
            else:
                messages.success(request, _("De capaciteitswijziging is gewijzigd."))
                return redirect("capacity:change-detail", pk=change.pk)
        status = 422
    return render(
        request,
        "capacity/change_detail.html",
        {"change": change, "form": form, "history": selectors.planned_change_history(change=change)},
        status=status,
    )


@require_POST
@role_required(Role.CONTRACT_MANAGER)
def change_cancel(request, pk):
    change = _change_or_404(request, pk)
    try:
        services.capacity_change_cancel(change=change, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("De capaciteitswijziging is geannuleerd."))
    return redirect("capacity:change-detail", pk=change.pk)
