"""The referrer's screens: my requests and the step-by-step wizard (saved at every step),
submit and withdraw. Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from core.errors import DomainError, Invalid
from intake import selectors as intake_selectors
from intake import services as intake_services
from intake.forms import (
    AnalysisForm,
    DocumentForm,
    NeedProfileForm,
    PerspectivePlanForm,
    SafetyPlanForm,
    WishesForm,
    initial_from_version,
)
from placement import selectors
from placement.forms import WithdrawForm, YouthForm
from placement.views.common import confirmed_form_action, request_or_404

# The wizard's steps: (slug, title). Drafts are saved at every step.
STEPS = [
    ("youth", gettext_lazy("Jeugdige")),
    ("analysis", gettext_lazy("Verklarende analyse")),
    ("need", gettext_lazy("Behoefteprofiel")),
    ("plans", gettext_lazy("Perspectief- en veiligheidsplan")),
    ("documents", gettext_lazy("Zorgvraagdossier")),
    ("wishes", gettext_lazy("Wensen en alternatieven")),
    ("review", gettext_lazy("Controleren en indienen")),
]
STEP_SLUGS = [slug for slug, _title in STEPS]
# Which gate items each step completes (for the step navigation and the review list).
STEP_OF_ITEM = {
    "analysis": "analysis",
    "analysis.need_profile": "need",
    "analysis.security": "need",
    "perspective_plan": "plans",
    "safety_plan": "plans",
    "zorgvraag": "documents",
}


# --- referrer ----------------------------------------------------------------------------


@role_required(Role.REFERRER)
def referrer_home(request):
    rows = selectors.referrer_requests(membership=request.membership)
    return render(request, "placement/referrer_home.html", {"requests": rows})


@role_required(Role.REFERRER)
def request_new(request):
    form = YouthForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            placement_request = intake_services.request_create(
                youth=form.youth_data(),
                urgency=form.cleaned_data["urgency"],
                by=request.user,
                membership=request.membership,
            )
        except Invalid as error:
            form.apply_invalid(error)
        else:
            messages.success(request, _("Het concept is opgeslagen. Vul nu de verklarende analyse in."))
            return redirect("placement:request-step", pk=placement_request.pk, step="analysis")
    return render(request, "placement/wizard.html", _wizard_context(None, "youth", form=form))


def _wizard_context(placement_request, step, **extra):
    missing = intake_services.request_missing_items(placement_request) if placement_request else []
    open_steps = {STEP_OF_ITEM.get(item["name"], "analysis") for item in missing}
    steps = [
        {"slug": slug, "title": title, "current": slug == step, "incomplete": slug in open_steps, "number": index + 1}
        for index, (slug, title) in enumerate(STEPS)
    ]
    index = STEP_SLUGS.index(step)
    return {
        "placement_request": placement_request,
        "steps": steps,
        "step": step,
        "step_title": dict(STEPS)[step],
        "step_number": index + 1,
        "step_count": len(STEPS),
        "missing": missing,
        "missing_with_step": [{**item, "step": STEP_OF_ITEM.get(item["name"], "analysis")} for item in missing],
        **extra,
    }


def _next_step(step):
    return STEP_SLUGS[min(STEP_SLUGS.index(step) + 1, len(STEP_SLUGS) - 1)]


@role_required(Role.REFERRER)
def request_step(request, pk, step):
    if step not in STEP_SLUGS:
        raise Http404
    placement_request = request_or_404(request, pk, view=f"wizard:{step}")
    if not placement_request.is_editable:
        messages.info(request, _("Dit verzoek is ingediend en kan nu niet worden gewijzigd."))
        return redirect("placement:request-detail", pk=pk)
    handler = _STEP_HANDLERS[step]
    result = handler(request, placement_request)
    if result is None:  # saved
        messages.success(request, _("Opgeslagen."))
        return redirect("placement:request-step", pk=pk, step=_next_step(step))
    if not isinstance(result, dict):
        return result
    return render(request, "placement/wizard.html", _wizard_context(placement_request, step, **result))


def _step_youth(request, placement_request):
    form = YouthForm(
        request.POST if request.method == "POST" else None, initial=YouthForm.initial_from(placement_request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            intake_services.request_update(
                placement_request=placement_request,
                youth=form.youth_data(),
                urgency=form.cleaned_data["urgency"],
                by=request.user,
                membership=request.membership,
            )
            return None
        except Invalid as error:
            form.apply_invalid(error)
    return {"form": form}


def _analysis_step(form_class, request, placement_request):
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial=initial_from_version(placement_request.analysis, form_class.FIELDS),
    )
    if request.method == "POST" and form.is_valid():
        try:
            intake_services.analysis_save(
                placement_request=placement_request,
                data=form.cleaned_data,
                by=request.user,
                membership=request.membership,
                partial=True,
            )
            return None
        except Invalid as error:
            form.apply_invalid(error, aliases={"need_profile.care_types": "care_types"})
    return {"form": form}


def _step_analysis(request, placement_request):
    return _analysis_step(AnalysisForm, request, placement_request)


def _step_need(request, placement_request):
    result = _analysis_step(NeedProfileForm, request, placement_request)
    if isinstance(result, dict):
        result["youth_has_machtiging"] = placement_request.youth.has_valid_machtiging()
    return result


def _step_plans(request, placement_request):
    perspective = (
        getattr(placement_request, "perspective_plan", None) if hasattr(placement_request, "perspective_plan") else None
    )
    safety = placement_request.safety_plan if hasattr(placement_request, "safety_plan") else None
    p_form = PerspectivePlanForm(
        request.POST if request.method == "POST" else None,
        prefix="perspective",
        initial={n: getattr(perspective, n) for n in PerspectivePlanForm.base_fields} if perspective else None,
    )
    s_form = SafetyPlanForm(
        request.POST if request.method == "POST" else None,
        prefix="safety",
        initial={n: getattr(safety, n) for n in SafetyPlanForm.base_fields} if safety else None,
    )
    if request.method == "POST":
        p_ok, s_ok = p_form.is_valid(), s_form.is_valid()
        try:
            if p_ok:
                intake_services.perspective_plan_save(
                    placement_request=placement_request,
                    data=p_form.cleaned_data,
                    by=request.user,
                    membership=request.membership,
                )
        except Invalid as error:
            p_form.apply_invalid(error)
            p_ok = False
        try:
            if s_ok:
                intake_services.safety_plan_save(
                    placement_request=placement_request,
                    data=s_form.cleaned_data,
                    by=request.user,
                    membership=request.membership,
                )
        except Invalid as error:
            s_form.apply_invalid(error)
            s_ok = False
        if p_ok and s_ok:
            return None
    return {"forms": [(_("Perspectiefplan"), p_form), (_("Eerste veiligheidsplan"), s_form)]}


def _step_documents(request, placement_request):
    form = DocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"kind": "zorgvraag"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            intake_services.document_upload(
                placement_request=placement_request,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                by=request.user,
                membership=request.membership,
            )
            messages.success(request, _("Het document is toegevoegd."))
            return redirect("placement:request-step", pk=placement_request.pk, step="documents")
        except Invalid as error:
            form.apply_invalid(error)
    return {"form": form, "multipart": True, "documents": list(placement_request.documents.all())}


def _step_wishes(request, placement_request):
    form = WishesForm(
        request.POST if request.method == "POST" else None, initial=WishesForm.initial_from(placement_request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            intake_services.request_update(
                placement_request=placement_request,
                by=request.user,
                membership=request.membership,
                wishes_youth=form.cleaned_data["wishes_youth"],
                wishes_parents=form.cleaned_data["wishes_parents"],
            )
            intake_services.alternatives_set(
                placement_request=placement_request,
                alternatives=form.alternatives(),
                by=request.user,
                membership=request.membership,
            )
            return None
        except Invalid as error:
            form.apply_invalid(error, aliases=form.alternative_aliases())
    return {"form": form}


def _step_review(request, placement_request):
    return {"review": True, **intake_selectors.request_summary(placement_request)}


_STEP_HANDLERS = {
    "youth": _step_youth,
    "analysis": _step_analysis,
    "need": _step_need,
    "plans": _step_plans,
    "documents": _step_documents,
    "wishes": _step_wishes,
    "review": _step_review,
}


@role_required(Role.REFERRER)
@require_POST
def request_submit(request, pk):
    placement_request = request_or_404(request, pk, log=False)
    try:
        intake_services.request_submit(
            placement_request=placement_request, by=request.user, membership=request.membership
        )
    except Invalid:
        messages.error(request, _("Het verzoek is nog niet compleet. Vul de ontbrekende onderdelen aan."))
        return redirect("placement:request-step", pk=pk, step="review")
    except DomainError as error:
        messages.error(request, str(error.detail))
        return redirect("placement:request-detail", pk=pk)
    messages.success(request, _("Het verzoek is ingediend bij de regio."))
    return redirect("placement:request-detail", pk=pk)


@role_required(Role.REFERRER)
def request_withdraw(request, pk):
    placement_request = request_or_404(request, pk, log=False)
    back = redirect("placement:request-detail", pk=pk)
    return confirmed_form_action(
        request,
        WithdrawForm(request.POST if request.method == "POST" else None),
        act=lambda data: intake_services.request_withdraw(
            placement_request=placement_request, by=request.user, membership=request.membership, reason=data["reason"]
        ),
        done=back,
        refused=back,
        success=_("Het verzoek is ingetrokken."),
        title=_("Verzoek intrekken"),
        consequence=_(
            "Het verzoek wordt afgesloten met de uitkomst 'ingetrokken'. Dit kan niet ongedaan worden gemaakt."
        ),
        placement_request=placement_request,
        back_url=back.url,
    )
