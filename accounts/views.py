from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services, two_factor
from accounts.context_processors import ROLE_HOME
from accounts.forms import RoleGrantDecisionForm, RoleGrantRequestForm, TwoFactorSetupForm, TwoFactorVerifyForm
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
    form = RoleGrantRequestForm(request.POST if request.method == "POST" else None)
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


def _next_url(request):
    """Where to go after the second factor: the page asked for, if it is ours."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authenticator app: scan the QR code (or type the secret), confirm with a
    code, then see the recovery codes once. Once an app is set up, only verify is offered
    (someone with just the password cannot add an app of their own)."""
    user = request.user
    if two_factor.has_device(user):
        return redirect(f"{resolve_url('two-factor-verify')}?{request.GET.urlencode()}")
    form = TwoFactorSetupForm(request.POST if request.method == "POST" else None)
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        codes = two_factor.setup_confirm(request, code=form.cleaned_data["code"])
        if codes is not None:
            return render(
                request, "registration/two_factor_recovery_codes.html", {"codes": codes, "next": _next_url(request)}
            )
        form.add_error(
            "code",
            _("Deze code klopt niet. Controleer of de tijd op uw telefoon goed staat en vul de nieuwste code in."),
        )
    device = two_factor.unsaved_device(user, two_factor.setup_key(request))
    context = {
        "form": form,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret_for_display(device.key),
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "required": two_factor.required(user),
    }
    return render(request, "registration/two_factor_setup.html", context, status=status)


@login_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of logging in: a code from the app, or a recovery code."""
    user = request.user
    if not two_factor.has_device(user):
        return redirect(f"{resolve_url('two-factor-setup')}?{request.GET.urlencode()}")
    if two_factor.is_verified(user):
        return redirect(_next_url(request))
    form = TwoFactorVerifyForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.verify(request, code=form.cleaned_data["code"])
        except two_factor.CodeRefused as refused:
            status = 422
            form.add_error(
                "code",
                _("Te veel verkeerde codes na elkaar. Wacht een paar seconden en probeer het opnieuw.")
                if refused.throttled
                else _("Deze code klopt niet. Vul de nieuwste code uit uw app in, of een herstelcode."),
            )
        else:
            left = two_factor.recovery_codes_left(device)
            if left is not None:
                messages.warning(
                    request,
                    ngettext(
                        "U heeft een herstelcode gebruikt. U heeft er nog %(count)s over.",
                        "U heeft een herstelcode gebruikt. U heeft er nog %(count)s over.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_next_url(request))
    elif request.method == "POST":
        status = 422
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "registration/two_factor_verify.html", context, status=status)
