"""Screens for a change in place of a running placement (issue 11, point 6): the form on
its own page (the request page and the provider's page carry it in an include). Thin:
parse, call `services.placement_change`, put its errors next to the fields."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import role_required
from core.errors import DomainError, Invalid, NotFound
from placement import selectors, services
from placement.forms import PlacementChangeForm


def _back(request, placement):
    if request.membership.role == Role.COORDINATOR:
        return redirect("placement:request-detail", pk=placement.request_id)
    if placement.offer_id is None:
        return redirect("placement:provider-inbox")
    return redirect("placement:provider-offer", pk=placement.offer_id)


@role_required(Role.COORDINATOR, Role.PROVIDER)
def placement_change(request, pk):
    try:
        placement = selectors.placement_get(membership=request.membership, pk=pk)
    except NotFound:
        raise Http404 from None
    form = PlacementChangeForm(request.POST or None, placement=placement)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.placement_change(
                placement=placement, by=request.user, membership=request.membership, **form.cleaned_data
            )
        except Invalid as error:
            form.apply_invalid(error)
        except DomainError as error:
            messages.error(request, str(error.detail))
            return _back(request, placement)
        else:
            messages.success(
                request,
                _("De wijziging is vastgelegd (%(fields)s). De plaatsing loopt door; dit telt niet als doorplaatsing.")
                % {"fields": ", ".join(c.get_field_display().lower() for c in changes)},
            )
            return _back(request, placement)
    return render(
        request,
        "placement/placement_form.html",
        {"title": _("Wijziging in de plaatsing"), "form": form, "placement_request": placement.request},
        status=422 if request.method == "POST" else 200,
    )
