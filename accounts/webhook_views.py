"""Issue 14 (api-push): the page where an organisation's own staff manage its webhooks."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import webhook_selectors, webhooks
from accounts.permissions import role_required
from accounts.webhook_forms import WebhookSubscriptionForm
from core.errors import DomainError, Invalid, NotFound


def _subscription_or_404(request, pk):
    try:
        return webhook_selectors.subscription_get(membership=request.membership, pk=pk)
    except NotFound:
        raise Http404 from None


def _list_page(request, form, *, secret=None, created=None, status=200):
    return render(
        request,
        "accounts/webhooks.html",
        {
            "form": form,
            "subscriptions": webhook_selectors.subscriptions_of(request.membership).select_related("created_by"),
            "secret": secret,
            "created": created,
            "organisation": request.membership.organisation,
        },
        status=status,
    )


@role_required(*webhooks.WEBHOOK_MANAGER_ROLES)
def webhook_list(request):
    """GET: the organisation's subscriptions and the form for a new one. POST: create one;
    the page then shows the secret, this once."""
    if request.method != "POST":
        return _list_page(request, WebhookSubscriptionForm())
    form = WebhookSubscriptionForm(request.POST)
    form.is_valid()
    # Every error at once: the form's and the service's, each next to its field.
    problems = webhooks.subscription_problems(
        url=request.POST.get("url", ""),
        event_types=request.POST.getlist("event_types"),
        description=request.POST.get("description", ""),
    )
    for param in problems:
        name = param["name"].split(".")[0]
        if name in form.fields and name not in form.errors:
            form.add_error(name, param["reason"])
    if form.errors:
        return _list_page(request, form, status=422)
    data = form.cleaned_data
    try:
        subscription, secret = webhooks.subscription_create(
            membership=request.membership,
            by=request.user,
            url=data["url"],
            event_types=data["event_types"],
            description=data["description"],
        )
    except Invalid as error:
        form.apply_invalid(error)
        return _list_page(request, form, status=422)
    except DomainError as error:
        form.add_error(None, str(error.detail))
        return _list_page(request, form, status=error.status)
    return _list_page(request, WebhookSubscriptionForm(), secret=secret, created=subscription, status=201)


@role_required(*webhooks.WEBHOOK_MANAGER_ROLES)
def webhook_detail(request, pk):
    subscription = _subscription_or_404(request, pk)
    deliveries = webhook_selectors.deliveries_of(subscription)[:50]
    return render(request, "accounts/webhook_detail.html", {"subscription": subscription, "deliveries": deliveries})


@role_required(*webhooks.WEBHOOK_MANAGER_ROLES)
@require_POST
def webhook_ping(request, pk):
    subscription = _subscription_or_404(request, pk)
    webhooks.webhook_ping(membership=request.membership, subscription=subscription, by=request.user)
    messages.success(request, _("Er is een testbericht verstuurd. Het resultaat ziet u hieronder."))
    return redirect("accounts:webhook-detail", pk=subscription.pk)


@role_required(*webhooks.WEBHOOK_MANAGER_ROLES)
@require_POST
def webhook_delete(request, pk):
    subscription = _subscription_or_404(request, pk)
    webhooks.subscription_delete(membership=request.membership, subscription=subscription, by=request.user)
    messages.success(request, _("Het webhook-abonnement is verwijderd."))
    return redirect("accounts:webhooks")


# Issue 14 (api-webhooks): pause and resume a subscription (no deliveries while paused).


@role_required(*webhooks.WEBHOOK_MANAGER_ROLES)
@require_POST
def webhook_pause(request, pk):
    subscription = _subscription_or_404(request, pk)
    webhooks.subscription_pause(membership=request.membership, subscription=subscription, by=request.user)
    messages.success(request, _("Het abonnement is gepauzeerd: er worden geen berichten meer verstuurd."))
    return redirect("accounts:webhook-detail", pk=subscription.pk)


@role_required(*webhooks.WEBHOOK_MANAGER_ROLES)
@require_POST
def webhook_resume(request, pk):
    subscription = _subscription_or_404(request, pk)
    webhooks.subscription_resume(membership=request.membership, subscription=subscription, by=request.user)
    messages.success(request, _("Het abonnement is hervat: nieuwe gebeurtenissen worden weer verstuurd."))
    return redirect("accounts:webhook-detail", pk=subscription.pk)
