from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.context_processors import ROLE_HOME
from accounts.forms import RoleGrantDecisionForm, RoleGrantRequestForm
from accounts.models import Role
from accounts.permissions import role_required
from accounts.selectors import memberships_of
from core.errors import DomainError, Invalid, NotFound


@login_required
def home(request):
    """Send each user to the work queue of their (first) role."""
    membership = memberships_of(request.user).first()
    if membership is None:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(ROLE_HOME[membership.role])


@role_required(Role.ADMIN)
def admin_home(request):
    pending = len(selectors.role_grant_lists()["pending"])
    return render(request, "accounts/admin_home.html", {"pending_grants": pending})


def _role_grants_page(request, form, status=200):
    return render(
        request,
        "accounts/role_grants.html",
        {"form": form, "decision_form": RoleGrantDecisionForm(), **selectors.role_grant_lists()},
        status=status,
    )


@role_required(Role.ADMIN)
def role_grants(request):
    """Four-eyes: ask for a privilege for someone else; approve or refuse what another
    administrator asked."""
    form = RoleGrantRequestForm(request.POST or None)
    if request.method != "POST":
        return _role_grants_page(request, form)
    if not form.is_valid():
        return _role_grants_page(request, form, status=422)
    data = form.cleaned_data
    try:
        services.role_grant_request(
            by=request.user,
            user=data["user"],
            kind=data["kind"],
            organisation=data.get("organisation"),
            role=data.get("role") or "",
            regions=data.get("regions") or [],
            reason=data["reason"],
        )
    except Invalid as error:
        form.apply_invalid(error)
        return _role_grants_page(request, form, status=422)
    except DomainError as error:
        form.add_error(None, str(error.detail))
        return _role_grants_page(request, form, status=error.status)
    messages.success(request, _("De aanvraag is ingediend. Een andere beheerder moet haar goedkeuren."))
    return redirect("accounts:role-grants")


@role_required(Role.ADMIN)
@require_POST
def role_grant_decide(request, pk, decision):
    try:
        grant = selectors.role_grant_get(pk)
    except NotFound:
        raise Http404 from None
    form = RoleGrantDecisionForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if decision == "approve":
            services.role_grant_approve(grant=grant, by=request.user, reason=reason)
            messages.success(request, _("De aanvraag is goedgekeurd en toegepast."))
        else:
            services.role_grant_refuse(grant=grant, by=request.user, reason=reason)
            messages.success(request, _("De aanvraag is geweigerd."))
    except DomainError as error:
        messages.error(request, str(error.detail))
        return _role_grants_page(request, RoleGrantRequestForm(), status=error.status)
    return redirect("accounts:role-grants")


@login_required
def notification_list(request):
    notifications = request.user.notifications.all()[:100]
    return render(request, "accounts/notifications.html", {"notifications": notifications})


@login_required
@require_POST
def notifications_mark_read(request):
    services.notifications_mark_read(user=request.user)
    return redirect("accounts:notifications")
