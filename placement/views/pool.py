"""Issue 11 screens: the referrer asks the behavioural-scientist pool for help with a draft
(and sees how long it waits), and the coordinator records an expert-table meeting. Thin:
parse, call one service, render; the services hold the rules."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import role_required
from core.errors import DomainError, Invalid
from core.forms import AccessibleForm
from intake import services as intake_services
from placement.pool_forms import DraftHelpForm, ExpertTableForm
from placement.views.common import request_or_404


def pool_context(placement_request, role) -> dict:
    """What the request page's includes (_draft_help.html, _expert_table.html) need."""
    context = {"can_record_expert_table": "expert_table" in placement_request.actions_for(role)}
    if role == Role.REFERRER:
        context["draft_help"] = [a for a in placement_request.assignments.all() if a.before_submission]
        context["can_ask_draft_help"] = intake_services.draft_help_refusal(placement_request) is None
        context["draft_help_form"] = DraftHelpForm()
    return context


def _apply_all(form: AccessibleForm, problems: list[dict], aliases=None) -> None:
    """The service's problems next to the fields that have no error yet (the form's own
    parse errors stay): every error of the form at once."""
    fresh = [p for p in problems if (aliases or {}).get(p["name"], p["name"]) not in form.errors]
    if fresh:
        form.apply_invalid(Invalid(invalid_params=fresh), aliases=aliases)


@role_required(Role.REFERRER)
def draft_help_request(request, pk):
    placement_request = request_or_404(request, pk, log=False)
    form = DraftHelpForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                intake_services.draft_help_request(
                    placement_request=placement_request,
                    question=form.cleaned_data["question"],
                    by=request.user,
                    membership=request.membership,
                )
            except Invalid as error:
                form.apply_invalid(error)
            except DomainError as error:
                messages.error(request, str(error.detail))
                return redirect("placement:request-detail", pk=pk)
            else:
                messages.success(request, _("De pool gedragswetenschappers is gevraagd te helpen met de analyse."))
                return redirect("placement:request-detail", pk=pk)
        else:
            _apply_all(form, intake_services.draft_help_problems(question=request.POST.get("question", "")))
    return render(
        request,
        "placement/placement_form.html",
        {"title": _("Hulp vragen bij de verklarende analyse"), "form": form, "placement_request": placement_request},
        status=422 if request.method == "POST" else 200,
    )


@role_required(Role.COORDINATOR)
def expert_table_record(request, pk):
    placement_request = request_or_404(request, pk, log=False)
    form = ExpertTableForm(request.POST or None)
    if request.method == "POST":
        valid = form.is_valid()
        data = form.service_data()
        if valid:
            try:
                intake_services.expert_table_meeting_record(
                    placement_request=placement_request, by=request.user, membership=request.membership, **data
                )
            except Invalid as error:
                form.apply_invalid(error, aliases=form.participant_aliases())
            except DomainError as error:
                messages.error(request, str(error.detail))
                return redirect("placement:request-detail", pk=pk)
            else:
                messages.success(request, _("De bespreking van de experttafel is vastgelegd."))
                if data.get("decision") == "crisis":
                    return redirect(reverse("placement:crisis-register") + f"?request={placement_request.pk}")
                return redirect("placement:request-detail", pk=pk)
        else:
            _apply_all(
                form,
                intake_services.expert_table_problems(placement_request=placement_request, **data),
                aliases=form.participant_aliases(),
            )
    return render(
        request,
        "placement/expert_table_form.html",
        {"form": form, "placement_request": placement_request},
        status=422 if request.method == "POST" else 200,
    )
