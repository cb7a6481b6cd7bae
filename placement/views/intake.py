"""Screens for referrers (my requests, the wizard, the request page) and coordinators
(triage queue and request page). Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from analyses import services as analyses_services
from analyses.forms import (
    AnalysisForm,
    DocumentForm,
    NeedProfileForm,
    PerspectivePlanForm,
    SafetyPlanForm,
    WishesForm,
    initial_from_version,
)
from analyses.models import AnalysisAssignment
from analyses.taxonomy import labels
from capacity.models import CareType, Specialisation
from core.errors import DomainError, Invalid, NotFound
from placement import selectors, services
from placement.api import document_response
from placement.forms import AssignmentRequestForm, TriageForm, WithdrawForm, YouthForm
from placement.models import WITHDRAW_FROM, Status

READERS = (Role.REFERRER, Role.COORDINATOR, Role.BEHAVIOURAL_SCIENTIST)

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


def _get(request, pk, *, log=True, view="detail"):
    try:
        return selectors.request_get(membership=request.membership, pk=pk, log=log, view=view)
    except NotFound:
        raise Http404 from None


# --- referrer ----------------------------------------------------------------------------


@role_required(Role.REFERRER)
def referrer_home(request):
    rows = selectors.request_list(membership=request.membership, log_identities=True)
    return render(request, "placement/referrer_home.html", {"requests": rows})


@role_required(Role.REFERRER)
def request_new(request):
    form = YouthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            placement_request = services.request_create(
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
    missing = services.request_missing_items(placement_request) if placement_request else []
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
    placement_request = _get(request, pk, view=f"wizard:{step}")
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
    form = YouthForm(request.POST or None, initial=YouthForm.initial_from(placement_request))
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update(
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
    form = form_class(request.POST or None, initial=initial_from_version(placement_request.analysis, form_class.FIELDS))
    if request.method == "POST" and form.is_valid():
        try:
            analyses_services.analysis_save(
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
        request.POST or None,
        prefix="perspective",
        initial={n: getattr(perspective, n) for n in PerspectivePlanForm.base_fields} if perspective else None,
    )
    s_form = SafetyPlanForm(
        request.POST or None,
        prefix="safety",
        initial={n: getattr(safety, n) for n in SafetyPlanForm.base_fields} if safety else None,
    )
    if request.method == "POST":
        p_ok, s_ok = p_form.is_valid(), s_form.is_valid()
        try:
            if p_ok:
                analyses_services.perspective_plan_save(
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
                analyses_services.safety_plan_save(
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
    form = DocumentForm(request.POST or None, request.FILES or None, initial={"kind": "zorgvraag"})
    if request.method == "POST" and form.is_valid():
        try:
            analyses_services.document_upload(
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
    form = WishesForm(request.POST or None, initial=WishesForm.initial_from(placement_request))
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update(
                placement_request=placement_request,
                by=request.user,
                membership=request.membership,
                wishes_youth=form.cleaned_data["wishes_youth"],
                wishes_parents=form.cleaned_data["wishes_parents"],
            )
            analyses_services.alternatives_set(
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
    return {"review": True, **_summary(placement_request)}


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
    placement_request = _get(request, pk, log=False)
    try:
        services.request_submit(placement_request=placement_request, by=request.user, membership=request.membership)
    except Invalid:
        messages.error(request, _("Het verzoek is nog niet compleet. Vul de ontbrekende onderdelen aan."))
        return redirect("placement:request-step", pk=pk, step="review")
    except DomainError as error:
        messages.error(request, str(error.detail))
        return redirect("placement:request-detail", pk=pk)
    messages.success(request, _("Het verzoek is ingediend bij de regio."))
    return redirect("placement:request-detail", pk=pk)


@role_required(Role.REFERRER)
@require_POST
def request_withdraw(request, pk):
    placement_request = _get(request, pk, log=False)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.request_withdraw(
            placement_request=placement_request,
            by=request.user,
            membership=request.membership,
            reason=form.cleaned_data.get("reason", ""),
        )
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("Het verzoek is ingetrokken."))
    return redirect("placement:request-detail", pk=pk)


# --- request page (every role that may see it) -------------------------------------------


def _summary(placement_request):
    analysis = placement_request.analysis
    return {
        "analysis": analysis,
        "care_type_labels": labels(analysis.care_types, CareType) if analysis else [],
        "specialisation_labels": labels(analysis.specialisations, Specialisation) if analysis else [],
        "perspective_plan": placement_request.perspective_plan
        if hasattr(placement_request, "perspective_plan")
        else None,
        "safety_plan": placement_request.safety_plan if hasattr(placement_request, "safety_plan") else None,
        "documents": list(placement_request.documents.all()),
        "alternatives": list(placement_request.alternatives.all()),
    }


def _timeline(placement_request, role=None):
    from placement.serializers import event_data

    labels = {
        "request_created": _("Concept aangemaakt"),
        "request_updated": _("Gegevens aangepast"),
        "request_submitted": _("Ingediend bij de regio"),
        "request_triaged": _("Triage door de plaatsingscoördinator"),
        "request_withdrawn": _("Ingetrokken"),
        "analysis_version_created": _("Nieuwe versie van de verklarende analyse"),
        "perspective_plan_saved": _("Perspectiefplan opgeslagen"),
        "safety_plan_saved": _("Veiligheidsplan opgeslagen"),
        "alternatives_saved": _("Alternatieven vastgelegd"),
        "document_uploaded": _("Document toegevoegd"),
        "document_shareable_changed": _("Delen van document gewijzigd"),
        "assignment_requested": _("Hulp van gedragswetenschapper gevraagd"),
        "assignment_accepted": _("Gedragswetenschapper heeft de opdracht aangenomen"),
        "assignment_completed": _("Gedragswetenschapper heeft de analyse afgerond"),
        "offer_made": _("Aangemeld bij een aanbieder"),
        "offer_accepted": _("Aanbieder heeft de aanmelding geaccepteerd"),
        "offer_declined": _("Aanbieder heeft de aanmelding afgewezen"),
        "offer_expired": _("Aanmelding verlopen zonder antwoord"),
        "offer_withdrawn": _("Aanmelding ingetrokken door de coördinator"),
        "request_waiting": _("Wacht op een passende plek (overbruggingszorg geregeld)"),
        "request_matching_resumed": _("Terug in matching"),
        "placement_started": _("Plaatsing gestart"),
        "placement_ended": _("Plaatsing beëindigd"),
        "transfer_request_created": _("Doorplaatsing: nieuw verzoek na beëindigde plaatsing"),
    }
    rows = []
    for event in selectors.request_events(placement_request=placement_request):
        data = event_data(event, show_providers=role == Role.COORDINATOR)
        data["label"] = labels.get(event.event_type, event.event_type)
        data["to_state_label"] = Status(event.to_state).label if event.to_state else ""
        rows.append(data)
    return rows


def _offer_context(request, placement_request, role):
    """Offers, placement and transfers shown on the request page (issue 5)."""
    from placement.forms import OfferWithdrawForm, PlacementEndForm, PlacementStartForm, WaitForm

    placement = getattr(placement_request, "placement", None) if hasattr(placement_request, "placement") else None
    context = {
        "transfer_count": selectors.transfers_of_youth(placement_request.youth_id),
        "placement": placement,
        "transfer_requests": list(placement_request.transfers.all()),
    }
    if role == Role.COORDINATOR:
        context.update(
            {
                "offers": selectors.offers_of_request(placement_request=placement_request),
                "can_match": placement_request.status in (Status.MATCHING, Status.WAITING),
                "can_wait": placement_request.status == Status.MATCHING,
                "can_resume": placement_request.status == Status.WAITING,
                "wait_form": WaitForm(),
                "offer_withdraw_form": OfferWithdrawForm(),
                "can_start": placement_request.status == Status.ACCEPTED,
                "start_form": PlacementStartForm(initial={"school": placement_request.youth.school}),
                "can_end": placement is not None and placement.end_date is None,
                "end_form": PlacementEndForm(),
                "waiting_period": placement_request.waiting_periods.filter(ended_at__isnull=True).first(),
            }
        )
    return context


@role_required(*READERS)
def request_detail(request, pk):
    placement_request = _get(request, pk)
    role = request.membership.role
    context = {
        "placement_request": placement_request,
        "youth": placement_request.youth,
        "role": role,
        "timeline": _timeline(placement_request, role),
        **_summary(placement_request),
        **_offer_context(request, placement_request, role),
    }
    if role == Role.REFERRER:
        context["missing"] = services.request_missing_items(placement_request) if placement_request.is_editable else []
        context["can_withdraw"] = placement_request.status in WITHDRAW_FROM
        context["withdraw_form"] = WithdrawForm()
    if role == Role.COORDINATOR:
        context["duplicates"] = selectors.request_possible_duplicates(placement_request=placement_request)
        context["triage_form"] = TriageForm()
        context["can_triage"] = placement_request.status in (Status.SUBMITTED, Status.EXPERT_TABLE)
        context["assignments"] = list(placement_request.assignments.select_related("assigned_to"))
        context["assignment_form"] = AssignmentRequestForm()
        context["can_request_assignment"] = (
            placement_request.status in analyses_services.ASSIGNABLE_STATUSES
            and not any(a.status in analyses_services.ACTIVE for a in context["assignments"])
        )
    if role == Role.BEHAVIOURAL_SCIENTIST:
        context["assignments"] = [
            a
            for a in placement_request.assignments.select_related("assigned_to")
            if a.status != AnalysisAssignment.AssignmentStatus.CANCELLED
        ]
    return render(request, "placement/request_detail.html", context)


@role_required(*READERS)
def document_download(request, pk, document_id):
    placement_request = _get(request, pk, log=False)
    try:
        document = selectors.document_get(
            membership=request.membership, placement_request=placement_request, document_id=document_id
        )
        return document_response(document)
    except NotFound:
        raise Http404 from None


# --- coordinator ---------------------------------------------------------------------------

# The work queue's sections, in order: (key of selectors.coordinator_queue, title).
QUEUE_SECTIONS = [
    ("new", gettext_lazy("Nieuw en aangevuld: triage nodig")),
    ("waiting_fitting", gettext_lazy("Wachtend, en er is nu een passende plek vrij")),
    ("near_deadline", gettext_lazy("Aanmeldingen waarvan de termijn bijna verloopt")),
    ("expired", gettext_lazy("Aanmelding verlopen: opnieuw matchen")),
    ("declined", gettext_lazy("Aanmelding afgewezen: opnieuw matchen")),
    ("matching", gettext_lazy("In matching")),
    ("offered", gettext_lazy("Aangemeld, wacht op antwoord")),
    ("accepted", gettext_lazy("Geaccepteerd: plaatsing starten")),
    ("waiting", gettext_lazy("Wachtend op een passende plek")),
    ("expert_table", gettext_lazy("Bij de experttafel")),
    ("returned", gettext_lazy("Teruggestuurd naar de verwijzer")),
    ("placed", gettext_lazy("Geplaatst")),
]


@role_required(Role.COORDINATOR)
def coordinator_home(request):
    queue = selectors.coordinator_queue(membership=request.membership)
    sections = [{"status": key, "title": title, "requests": queue[key]} for key, title in QUEUE_SECTIONS]
    return render(request, "placement/coordinator_home.html", {"sections": sections, "total": queue["total"]})


@role_required(Role.COORDINATOR)
@require_POST
def request_triage(request, pk):
    placement_request = _get(request, pk, log=False)
    form = TriageForm(request.POST)
    if form.is_valid():
        try:
            services.request_triage(
                placement_request=placement_request,
                by=request.user,
                membership=request.membership,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                outcome=form.cleaned_data["outcome"],
            )
        except Invalid as error:
            form.apply_invalid(error)
        except DomainError as error:
            messages.error(request, str(error.detail))
            return redirect("placement:request-detail", pk=pk)
        else:
            messages.success(request, _("Het besluit is vastgelegd en de verwijzer is op de hoogte gebracht."))
            return redirect("placement:coordinator-home")
    placement_request = _get(request, pk)
    context = {
        "placement_request": placement_request,
        "youth": placement_request.youth,
        "role": Role.COORDINATOR,
        "timeline": _timeline(placement_request, Role.COORDINATOR),
        **_summary(placement_request),
        **_offer_context(request, placement_request, Role.COORDINATOR),
        "duplicates": selectors.request_possible_duplicates(placement_request=placement_request),
        "triage_form": form,
        "can_triage": True,
        "assignments": list(placement_request.assignments.select_related("assigned_to")),
        "assignment_form": AssignmentRequestForm(),
        "can_request_assignment": False,
    }
    return render(request, "placement/request_detail.html", context, status=422)


@role_required(Role.COORDINATOR)
@require_POST
def assignment_request(request, pk):
    placement_request = _get(request, pk, log=False)
    form = AssignmentRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Beschrijf waarmee de gedragswetenschapper moet helpen."))
        return redirect("placement:request-detail", pk=pk)
    try:
        analyses_services.assignment_request(
            placement_request=placement_request,
            question=form.cleaned_data["question"],
            by=request.user,
            membership=request.membership,
        )
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("De pool gedragswetenschappers is gevraagd te helpen."))
    return redirect("placement:request-detail", pk=pk)


@role_required(Role.COORDINATOR)
@require_POST
def document_shareable(request, pk, document_id):
    placement_request = _get(request, pk, log=False)
    document = placement_request.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    document = analyses_services.document_set_shareable(
        document=document,
        shareable=request.POST.get("shareable") == "1",
        by=request.user,
        membership=request.membership,
    )
    if request.htmx:
        return render(
            request,
            "placement/_document_row.html",
            {
                "document": document,
                "placement_request": placement_request,
                "role": Role.COORDINATOR,
            },
        )
    return redirect(reverse("placement:request-detail", args=[pk]) + "#documenten")
