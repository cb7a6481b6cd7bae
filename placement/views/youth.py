"""One youth across requests (issue 11 point 3): the youth's page and linking a request to
an earlier request's youth by hand, or unlinking it. Thin: parse, call one service or
selector, render. Referrers and coordinators only (anyone else 403); a request or youth
outside the reader's scope is a 404."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.permissions import role_required
from core.errors import DomainError, Invalid, NotFound
from intake import selectors as intake_selectors
from intake.models import Status
from placement import selectors, services
from placement.forms import YouthLinkForm, YouthUnlinkForm
from placement.views.common import request_or_404
from placement.views.requests import _timeline

YOUTH_ROLES = (Role.REFERRER, Role.COORDINATOR)

# The youth page's timeline labels: those of the request page plus the links.
LINK_LABELS = {
    "youth_linked": gettext_lazy("Gekoppeld aan de jeugdige van een eerder verzoek"),
    "youth_unlinked": gettext_lazy("Ontkoppeld: eigen gegevens van de jeugdige"),
}


@role_required(*YOUTH_ROLES)
def youth_detail(request, pk):
    try:
        page = selectors.youth_page(membership=request.membership, pk=pk)
    except NotFound:
        raise Http404 from None
    labels = {row["event_type"]: row["label"] for r in page["requests"] for row in _timeline(request, r["request"])}
    for row in page["timeline"]:
        row["label"] = str(LINK_LABELS.get(row["event_type"]) or labels.get(row["event_type"], row["event_type"]))
        row["to_state_label"] = Status(row["to_state"]).label if row["to_state"] else ""
    return render(request, "placement/youth_detail.html", {**page, "role": request.membership.role})


def _link_page(request, placement_request, form, *, unlink: bool, status=200):
    context = {
        "placement_request": placement_request,
        "form": form,
        "unlink": unlink,
        "candidates": []
        if unlink
        else intake_selectors.youth_link_candidates(placement_request=placement_request, membership=request.membership),
    }
    return render(request, "placement/youth_link.html", context, status=status)


def _act(request, placement_request, form, *, act, unlink: bool, success: str):
    """POST: valid form -> the service; its field errors next to the fields (422), a target
    the user may not see next to its field with 404 (nothing written), any other refusal
    a message on the request page."""
    if request.method != "POST":
        return _link_page(request, placement_request, form, unlink=unlink)
    if form.is_valid():
        try:
            placement_request = act(form.cleaned_data)
        except Invalid as error:
            form.apply_invalid(error)
        except NotFound as error:
            form.add_error("target_request", str(error.detail))
            return _link_page(request, placement_request, form, unlink=unlink, status=404)
        except DomainError as error:
            messages.error(request, str(error.detail))
            return redirect("placement:request-detail", pk=placement_request.pk)
        else:
            messages.success(request, success)
            return redirect("placement:youth-detail", pk=placement_request.youth_id)
    return _link_page(request, placement_request, form, unlink=unlink, status=422)


@role_required(*YOUTH_ROLES)
def youth_link(request, pk):
    placement_request = request_or_404(request, pk, log=False)
    return _act(
        request,
        placement_request,
        YouthLinkForm(request.POST or None),
        act=lambda data: services.youth_link(
            placement_request=placement_request,
            target=data["target_request"],
            reason=data["reason"],
            by=request.user,
            membership=request.membership,
        ),
        unlink=False,
        success=_("Het verzoek is gekoppeld aan de jeugdige van het eerdere verzoek."),
    )


@role_required(*YOUTH_ROLES)
def youth_unlink(request, pk):
    placement_request = request_or_404(request, pk, log=False)
    return _act(
        request,
        placement_request,
        YouthUnlinkForm(request.POST or None),
        act=lambda data: services.youth_unlink(
            placement_request=placement_request, reason=data["reason"], by=request.user, membership=request.membership
        ),
        unlink=True,
        success=_("Het verzoek is ontkoppeld en heeft nu eigen gegevens van de jeugdige."),
    )
