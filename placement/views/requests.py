"""The request page (every role that may see it), document downloads, and the coordinator's
work queue and triage. Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from core.downloads import private_pdf_response
from core.errors import DomainError, Invalid, NotFound
from intake import selectors as intake_selectors
from intake import services as intake_services
from intake.models import OPEN_STATUSES, AnalysisAssignment, PlacementRequest, Status, TriageDecision
from placement import selectors, services
from placement.forms import (
    AcceptedWithdrawForm,
    AssignmentRequestForm,
    FallThroughForm,
    IntroductionForm,
    OfferWithdrawForm,
    OwnerForm,
    PlacementEndForm,
    PlacementStartForm,
    QueueFilterForm,
    TriageForm,
    WaitForm,
    WithdrawForm,
)
from placement.models import AftercareDestination, ChangeField
from placement.views.common import request_or_404
from placement.views.pool import pool_context

READERS = (Role.REFERRER, Role.COORDINATOR, Role.BEHAVIOURAL_SCIENTIST)


# --- request page (every role that may see it) -------------------------------------------


def _timeline(request, placement_request):
    """The timeline as the membership may see it (`request_timeline`), with labels."""
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
        "document_removed": _("Document verwijderd"),
        "assignment_requested": _("Hulp van gedragswetenschapper gevraagd"),
        "assignment_accepted": _("Gedragswetenschapper heeft de opdracht aangenomen"),
        "assignment_completed": _("Gedragswetenschapper heeft de analyse afgerond"),
        "assignment_ended": _("Opdracht gedragswetenschapper beëindigd (verzoek afgesloten)"),
        "offer_made": _("Aangemeld bij een aanbieder"),
        "identifying_data_overridden": _("Herkenbaar gegeven bewust in de aanmelding gelaten"),
        "offer_accepted": _("Aanbieder heeft de aanmelding geaccepteerd"),
        "offer_declined": _("Aanbieder heeft de aanmelding afgewezen"),
        "offer_expired": _("Aanmelding verlopen zonder antwoord"),
        "offer_withdrawn": _("Aanmelding ingetrokken door de coördinator"),
        "introduction_recorded": _("Kennismaking vastgelegd"),
        "offer_fallen_through": _("Afgevallen na acceptatie (jeugdige, ouders of aanbieder)"),
        "request_waiting": _("Wacht op een passende plek (overbruggingszorg geregeld)"),
        "request_matching_resumed": _("Terug in matching"),
        "placement_started": _("Plaatsing gestart"),
        "placement_ended": _("Plaatsing beëindigd"),
        "transfer_request_created": _("Doorplaatsing: nieuw verzoek na beëindigde plaatsing"),
        "expert_table_meeting_recorded": _("Bespreking experttafel vastgelegd"),
        "placement_changed": _("Wijziging in de plaatsing (geen doorplaatsing)"),
        "machtiging_warning_sent": _("Gewaarschuwd: de machtiging loopt binnenkort af"),
    }
    rows = intake_selectors.request_timeline(placement_request=placement_request, membership=request.membership)
    for row in rows:
        row["label"] = labels.get(row["event_type"], row["event_type"])
        # events of other things on the request (an assignment ending) carry their own states
        row["to_state_label"] = Status(row["to_state"]).label if row["to_state"] in Status.values else ""
        if row["event_type"] == "placement_changed" and row["reason_code"] in ChangeField.values:
            row["label"] = _("%(field)s gewijzigd in de plaatsing (geen doorplaatsing)") % {
                "field": ChangeField(row["reason_code"]).label
            }
        if row["aftercare_destination"] in AftercareDestination.values:
            row["label"] += " — " + _("bestemming na vertrek: %(destination)s") % {
                "destination": AftercareDestination(row["aftercare_destination"]).label.lower()
            }
    return rows


def _owner_context(placement_request):
    """The owner panel of the request page (coordinators): who has it, and to whom it may go."""
    candidates = selectors.owner_candidates(region_ids=[placement_request.region_id])
    return {
        "can_set_owner": placement_request.status in OPEN_STATUSES,
        "owner_form": OwnerForm(
            initial={"owner": str(placement_request.owner_id or ""), "back": "detail"}, candidates=candidates
        ),
    }


def _offer_context(request, placement_request, role):
    """Offers, placement and transfers shown on the request page (issue 5)."""
    placement = getattr(placement_request, "placement", None) if hasattr(placement_request, "placement") else None
    context = {
        "transfer_count": selectors.transfers_of_youth(placement_request.youth_id),
        "placement": placement,
        "transfer_requests": list(placement_request.transfers.all()),
    }
    actions = placement_request.actions_for(role)
    context["can_withdraw_accepted"] = "withdraw_accepted" in actions
    context["accepted_withdraw_form"] = AcceptedWithdrawForm()
    if role == Role.COORDINATOR:
        context.update(
            {
                "offers": selectors.offers_of_request(placement_request=placement_request),
                "can_match": "offer" in actions,
                "can_wait": "wait" in actions,
                "can_resume": "resume" in actions,
                "wait_form": WaitForm(),
                "offer_withdraw_form": OfferWithdrawForm(),
                "can_fall_through": "fall_through" in actions,
                "introduction_form": IntroductionForm(),
                "fall_through_form": FallThroughForm(),
                "can_start": "start" in actions,
                "start_form": PlacementStartForm(initial={"school": placement_request.youth.school}),
                "can_end": "end" in actions and placement is not None and placement.end_date is None,
                "end_form": PlacementEndForm(),
                "waiting_period": placement_request.waiting_periods.filter(ended_at__isnull=True).first(),
            }
        )
    return context


@role_required(*READERS)
def request_detail(request, pk):
    placement_request = request_or_404(request, pk)
    context = _detail_context(request, placement_request, request.membership.role)
    return render(request, "placement/request_detail.html", context)


def _detail_context(request, placement_request, role):
    context = {
        "placement_request": placement_request,
        "youth": placement_request.youth,
        "role": role,
        "timeline": _timeline(request, placement_request),
        **intake_selectors.request_summary(placement_request),
        **_offer_context(request, placement_request, role),
        **pool_context(placement_request, role),
    }
    if role == Role.REFERRER:
        context["missing"] = (
            intake_services.request_missing_items(placement_request) if placement_request.is_editable else []
        )
        context["can_withdraw"] = "withdraw" in placement_request.actions_for(role)
        context["withdraw_form"] = WithdrawForm()
    if role == Role.COORDINATOR:
        context["duplicates"] = intake_selectors.request_possible_duplicates(
            placement_request=placement_request, membership=request.membership
        )
        context["triage_form"] = TriageForm()
        context["can_remove_documents"] = intake_services.documents_removable_by_coordinator(placement_request)
        context["can_triage"] = "triage" in placement_request.actions_for(role)
        context["assignments"] = list(placement_request.assignments.select_related("assigned_to"))
        context["assignment_form"] = AssignmentRequestForm()
        context["can_request_assignment"] = placement_request.status in intake_services.ASSIGNABLE_STATUSES and not any(
            a.status in intake_services.ACTIVE for a in context["assignments"]
        )
        context.update(_owner_context(placement_request))
    if role == Role.BEHAVIOURAL_SCIENTIST:
        context["assignments"] = [
            a
            for a in placement_request.assignments.select_related("assigned_to")
            if a.status != AnalysisAssignment.AssignmentStatus.CANCELLED
        ]
    return context


@role_required(*READERS)
def document_download(request, pk, document_id):
    placement_request = request_or_404(request, pk, log=False)
    try:
        document = intake_selectors.document_get(
            membership=request.membership, placement_request=placement_request, document_id=document_id
        )
        return private_pdf_response(document.path, filename=f"{document.title}.pdf")
    except NotFound:
        raise Http404 from None


@role_required(Role.REFERRER, Role.COORDINATOR)
@require_POST
def document_remove(request, pk, document_id):
    """Remove an uploaded PDF (the service decides who may, and when); back to the wizard's
    documents step for the referrer, to the request page for the coordinator."""
    placement_request = request_or_404(request, pk, log=False)
    document = placement_request.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    try:
        intake_services.document_remove(document=document, by=request.user, membership=request.membership)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("Het document %(title)s is verwijderd.") % {"title": document.title})
    if request.membership.role == Role.REFERRER and placement_request.is_editable:
        return redirect("placement:request-step", pk=pk, step="documents")
    return redirect(reverse("placement:request-detail", args=[pk]) + "#documenten")


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


def _queue_filters(form) -> selectors.QueueFilters:
    """The valid filters of the (bound) filter form; an invalid one is left out and its
    message shown next to it."""
    form.is_valid()
    data = form.cleaned_data
    search = (data.get("q") or "").strip()
    municipality = data.get("municipality")
    return selectors.QueueFilters(
        status=data.get("status") or "",
        urgency=data.get("urgency") or "",
        owner=data.get("owner") or "",
        kind=data.get("kind") or "",
        municipality=municipality.pk if municipality else None,
        reference=PlacementRequest.pk_from_reference(search) if search else None,
        searched=bool(search),
    )


@role_required(Role.COORDINATOR)
def coordinator_home(request):
    choices = selectors.queue_choices(membership=request.membership)
    form = QueueFilterForm(
        request.GET or None,
        statuses=[Status(s) for s in selectors.QUEUE_STATUSES],
        owners=choices["owners"],
        municipalities=choices["municipalities"],
    )
    filters = _queue_filters(form) if form.is_bound else selectors.QueueFilters()
    queue = selectors.coordinator_queue(membership=request.membership, filters=filters)
    sections = [{"status": key, "title": title, "requests": queue[key]} for key, title in QUEUE_SECTIONS]
    return render(
        request,
        "placement/coordinator_home.html",
        {
            "sections": sections,
            "total": queue["total"],
            "filter_form": form,
            "filtered": form.is_bound and any(v for v in request.GET.values()),
            "searched_badly": filters.searched and filters.reference is None,
            "crisis_followups": selectors.crisis_followups(membership=request.membership),  # issue 11
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def request_owner(request, pk):
    """Assign to me, hand to another coordinator of the region, or let go."""
    placement_request = request_or_404(request, pk, log=False)
    candidates = selectors.owner_candidates(region_ids=[placement_request.region_id])
    form = OwnerForm(request.POST, candidates=candidates)
    back = request.POST.get("back") if request.POST.get("back") in ("queue", "detail") else "detail"
    if form.is_valid():
        owner_id = int(form.cleaned_data["owner"]) if form.cleaned_data["owner"] else None
        try:
            placement_request = services.request_owner_set(
                placement_request=placement_request, owner_id=owner_id, by=request.user, membership=request.membership
            )
        except Invalid as error:
            form.apply_invalid(error)
        except DomainError as error:
            messages.error(request, str(error.detail))
            return redirect("placement:request-detail", pk=pk)
        else:
            owner = placement_request.owner
            if owner is None:
                messages.success(request, _("Het verzoek heeft nu geen behandelaar."))
            else:
                messages.success(
                    request,
                    _("%(name)s is nu behandelaar van %(ref)s.")
                    % {"name": owner.get_full_name() or owner.username, "ref": placement_request.reference},
                )
            if back == "queue":
                return redirect("placement:coordinator-home")
            return redirect("placement:request-detail", pk=pk)
    placement_request = request_or_404(request, pk)
    context = _detail_context(request, placement_request, Role.COORDINATOR)
    context["owner_form"] = form
    return render(request, "placement/request_detail.html", context, status=422)


@role_required(Role.COORDINATOR)
@require_POST
def request_triage(request, pk):
    placement_request = request_or_404(request, pk, log=False)
    form = TriageForm(request.POST)
    if form.is_valid() and form.cleaned_data["decision"] == TriageDecision.CRISIS:
        # Issue 11: a crisis placement is registered in one step, this request as follow-up.
        return redirect(reverse("placement:crisis-register") + f"?request={placement_request.pk}")
    if form.is_valid():
        try:
            intake_services.request_triage(
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
    return _coordinator_page_with_errors(request, pk, triage_form=form)


def _coordinator_page_with_errors(request, pk, *, triage_form=None, assignment_form=None):
    """The request page again (422) with the coordinator's form that had errors, each
    error next to its field."""
    placement_request = request_or_404(request, pk)
    assignments = list(placement_request.assignments.select_related("assigned_to"))
    context = {
        "placement_request": placement_request,
        "youth": placement_request.youth,
        "role": Role.COORDINATOR,
        "timeline": _timeline(request, placement_request),
        **intake_selectors.request_summary(placement_request),
        **_offer_context(request, placement_request, Role.COORDINATOR),
        "duplicates": intake_selectors.request_possible_duplicates(
            placement_request=placement_request, membership=request.membership
        ),
        "triage_form": triage_form or TriageForm(),
        "can_triage": "triage" in placement_request.actions_for(Role.COORDINATOR),
        "assignments": assignments,
        "assignment_form": assignment_form or AssignmentRequestForm(),
        "can_request_assignment": assignment_form is not None
        or (
            placement_request.status in intake_services.ASSIGNABLE_STATUSES
            and not any(a.status in intake_services.ACTIVE_ASSIGNMENT_STATUSES for a in assignments)
        ),
        "can_remove_documents": intake_services.documents_removable_by_coordinator(placement_request),
    }
    return render(request, "placement/request_detail.html", context, status=422)


@role_required(Role.COORDINATOR)
@require_POST
def assignment_request(request, pk):
    placement_request = request_or_404(request, pk, log=False)
    form = AssignmentRequestForm(request.POST)
    if form.is_valid():
        try:
            intake_services.assignment_request(
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
            messages.success(request, _("De pool gedragswetenschappers is gevraagd te helpen."))
            return redirect("placement:request-detail", pk=pk)
    return _coordinator_page_with_errors(request, pk, assignment_form=form)


@role_required(Role.COORDINATOR)
@require_POST
def document_shareable(request, pk, document_id):
    placement_request = request_or_404(request, pk, log=False)
    document = placement_request.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    document = intake_services.document_set_shareable(
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
                "can_remove_documents": intake_services.documents_removable_by_coordinator(placement_request),
            },
        )
    return redirect(reverse("placement:request-detail", args=[pk]) + "#documenten")
