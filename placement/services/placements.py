"""Waiting with bridging care, placement start and end, and transfers (doorplaatsingen)."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from capacity import services as capacity_services
from core.errors import Conflict, Forbidden, Invalid, missing_params
from core.events import event_record
from core.private_files import private_copy
from intake.models import (
    RESUME_FROM,
    START_FROM,
    AlternativeConsidered,
    Document,
    ExplanatoryAnalysis,
    Kind,
    PerspectivePlan,
    PlacementRequest,
    SafetyPlan,
    Status,
)
from intake.services.workflow import (
    coordinator_check,
    coordinators_notify,
    is_coordinator_of,
    provider_staff_notify,
    referrer_notify,
    request_lock,
    status_change,
    transition_check,
    waiting_end,
)
from placement.models import (
    AftercareDestination,
    EndReason,
    Offer,
    OfferStatus,
    Placement,
    PlacementKind,
    Transfer,
    WaitingPeriod,
    WaitingReason,
)

# The fields each use case requires (reused by the forms: `AccessibleForm.service_required`).
WAIT_REQUIRED = {
    "reason": gettext_lazy("Kies waarom het verzoek moet wachten."),
    "bridging_care": gettext_lazy("Beschrijf de overbruggingszorg (wat, door wie, vanaf wanneer)."),
}
PLACEMENT_START_REQUIRED = {"start_date": gettext_lazy("Vul de startdatum in.")}
PLACEMENT_END_REQUIRED = {
    "end_date": gettext_lazy("Vul de einddatum in."),
    "reason": gettext_lazy("Kies de reden van beëindiging (CBS)."),
    "destination": gettext_lazy("Kies waar de jeugdige na vertrek heen gaat (of 'Onbekend')."),
}


@transaction.atomic
def request_wait(
    *,
    placement_request: PlacementRequest,
    reason: str,
    bridging_care: str,
    by,
    membership,
    bridging_provider: str = "",
    bridging_from: date | None = None,
) -> WaitingPeriod:
    """Nothing fitting is free: the request waits (vertraagd) with bridging care recorded."""
    coordinator_check(membership, placement_request)
    bridging_care = (bridging_care or "").strip()
    problems = missing_params(WAIT_REQUIRED, {"reason": reason, "bridging_care": bridging_care})
    if reason and reason not in WaitingReason.values:
        problems.append({"name": "reason", "reason": _("Kies waarom het verzoek moet wachten.")})
    if problems:
        raise Invalid(_("Het wachten is niet volledig vastgelegd."), invalid_params=problems)
    placement_request = request_lock(placement_request)
    transition_check(placement_request, Status.WAITING, Role.COORDINATOR)
    period = WaitingPeriod.objects.create(
        request=placement_request,
        reason=reason,
        bridging_care=bridging_care,
        bridging_provider=(bridging_provider or "").strip(),
        bridging_from=bridging_from,
        started_by=by,
    )
    status_change(
        placement_request,
        to=Status.WAITING,
        by=by,
        organisation=membership.organisation,
        event_type="request_waiting",
        reason_code=reason,
        reason=WaitingReason(reason).label,
        details={
            "waiting_period": period.pk,
            "bridging_care": bridging_care,
            "bridging_provider": period.bridging_provider,
            "bridging_from": bridging_from.isoformat() if bridging_from else None,
        },
    )
    return period


@transaction.atomic
def request_resume_matching(*, placement_request: PlacementRequest, by, membership) -> PlacementRequest:
    coordinator_check(membership, placement_request)
    placement_request = request_lock(placement_request)
    transition_check(placement_request, Status.MATCHING, Role.COORDINATOR, sources=RESUME_FROM)
    waiting_end(placement_request)
    status_change(
        placement_request,
        to=Status.MATCHING,
        by=by,
        organisation=membership.organisation,
        event_type="request_matching_resumed",
    )
    return placement_request


def placement_actor_role(membership, placement_request, provider_id) -> str:
    """Who acts on a placement: the coordinator of the request's region, or staff of the
    placement's provider; anyone else is refused (403)."""
    if is_coordinator_of(membership, placement_request):
        return Role.COORDINATOR
    if membership is not None and membership.role == Role.PROVIDER and membership.organisation_id == provider_id:
        return Role.PROVIDER
    raise Forbidden()


@transaction.atomic
def placement_start(
    *,
    placement_request: PlacementRequest,
    start_date: date,
    by,
    membership,
    school: str = "",
    handover: str = "",
    transport: str = "",
    funding: str = "",
) -> Placement:
    """The accepted offer becomes a placement: the held place becomes occupied."""
    placement_request = request_lock(placement_request)
    accepted = Offer.objects.filter(request=placement_request, status=OfferStatus.ACCEPTED)
    offer = (
        accepted.select_for_update(of=("self",))
        .select_related("facility", "provider")
        .filter(placement__isnull=True)
        .first()
    )
    # Issue 14: who may act is decided by the accepted offer even when its placement already
    # started, so a second start by the provider's staff is a wrong state (409), not 403.
    provider_id = offer.provider_id if offer else accepted.order_by("-pk").values_list("provider_id", flat=True).first()
    role = placement_actor_role(membership, placement_request, provider_id)
    transition_check(placement_request, Status.PLACED, role, sources=START_FROM)
    if offer is None:
        raise Conflict(_("Er is geen geaccepteerde aanmelding om te plaatsen."), code="no_accepted_offer")
    if start_date is None:
        raise Invalid(invalid_params=missing_params(PLACEMENT_START_REQUIRED, {"start_date": start_date}))
    if start_date < timezone.localdate(offer.answered_at):
        raise Invalid.field("start_date", _("De startdatum ligt voor de acceptatie van de aanmelding."))
    placement = Placement.objects.create(
        request=placement_request,
        offer=offer,
        youth=placement_request.youth,
        facility=offer.facility,
        provider=offer.provider,
        start_date=start_date,
        school=(school or "").strip(),
        handover=(handover or "").strip(),
        transport=(transport or "").strip(),
        funding=(funding or "").strip(),
        created_by=by,
        # The current values a change in place may later update (placement.services.changes).
        intensity=placement_request.analysis.intensity if placement_request.analysis_id else "",
        care_type_id=offer.facility.care_type_id,
    )
    _crisis_placement_end_on_transfer(placement_request, placement, role=role, by=by, membership=membership)
    capacity_services.availability_occupy_from_hold(
        facility=offer.facility, by=by, reason_ref=f"placement:{placement.pk}"
    )
    status_change(
        placement_request,
        to=Status.PLACED,
        by=by,
        organisation=membership.organisation,
        event_type="placement_started",
        details={
            "placement": placement.pk,
            "offer": offer.pk,
            "facility": offer.facility_id,
            "provider": offer.provider_id,
            "facility_name": offer.facility.name,
            "start_date": start_date.isoformat(),
        },
    )
    subject = _("Plaatsing %(ref)s gestart") % {"ref": placement_request.reference}
    body = _("De plaatsing bij %(facility)s start op %(date)s.") % {
        "facility": offer.facility.name,
        "date": start_date.strftime("%d-%m-%Y"),
    }
    if role == Role.PROVIDER:
        coordinators_notify(placement_request, subject, body)
    else:
        provider_staff_notify(offer.provider_id, subject, body, reverse("placement:provider-offer", args=[offer.pk]))
    return placement


def _crisis_placement_end_on_transfer(placement_request, placement, *, role, by, membership) -> None:
    """The longer-term placement after a crisis placement starts (issue 11): the crisis
    placement ends according to plan on that day and its request ends; the transfer was
    recorded when the dossier was triaged. Locks the crisis request, then its placement,
    then (inside capacity) its facility."""
    if not placement_request.previous_placement_id:
        return
    crisis = Placement.objects.filter(
        pk=placement_request.previous_placement_id, kind=PlacementKind.CRISIS, end_date__isnull=True
    ).first()
    if crisis is None:
        return
    crisis_request = request_lock(crisis.request)
    crisis = Placement.objects.select_for_update(of=("self",)).select_related("facility").get(pk=crisis.pk)
    if crisis.end_date is not None:
        return
    transition_check(crisis_request, Status.ENDED, role)
    crisis.end_date = max(placement.start_date, crisis.start_date)
    crisis.end_reason = EndReason.ACCORDING_TO_PLAN
    crisis.end_narrative = _("Doorgeplaatst naar %(facility)s.") % {"facility": placement.facility.name}
    crisis.needs_new_place = True
    # The youth moves on to this transfer's placement, which the Transfer row records; the
    # after-care destination is for leaving residential care, so it is not known here.
    crisis.aftercare_destination = AftercareDestination.UNKNOWN
    crisis.ended_by = by
    crisis.save(
        update_fields=[
            "end_date",
            "end_reason",
            "end_narrative",
            "needs_new_place",
            "aftercare_destination",
            "ended_by",
        ]
    )
    capacity_services.availability_release_occupied(
        facility=crisis.facility, by=by, reason_ref=f"placement:{crisis.pk}"
    )
    status_change(
        crisis_request,
        to=Status.ENDED,
        by=by,
        organisation=membership.organisation,
        event_type="placement_ended",
        reason_code=EndReason.ACCORDING_TO_PLAN,
        reason=crisis.end_narrative,
        details={
            "placement": crisis.pk,
            "provider": crisis.provider_id,
            "end_date": crisis.end_date.isoformat(),
            "end_reason": EndReason.ACCORDING_TO_PLAN,
            "needs_new_place": True,
            "next_placement": placement.pk,
        },
    )


def _copy_documents(source: PlacementRequest, target: PlacementRequest, by) -> None:
    directory = settings.PRIVATE_MEDIA_ROOT / "documents"
    for document in source.documents.all():
        if not document.path.is_file():
            continue
        storage_name = f"{uuid.uuid4().hex}.pdf"
        private_copy(document.path, directory / storage_name)  # encrypted, 0600 in 0700
        Document.objects.create(
            request=target,
            kind=document.kind,
            title=document.title,
            original_name=document.original_name,
            storage_name=storage_name,
            size=document.size,
            sha256=document.sha256,
            uploaded_by=by,
        )


def _transfer_request(
    placement: Placement, placement_request: PlacementRequest, *, end_date: date, by, status=Status.SUBMITTED
) -> PlacementRequest:
    """A new request for the same youth, linked to the ended placement, prefilled from the
    latest analysis and plans, and submitted so it is in the coordinator's triage. After a
    crisis placement's dossier was triaged (issue 11) it goes straight into matching
    (`status`), while the crisis placement continues until the new placement starts."""
    now = timezone.now()
    new = PlacementRequest.objects.create(
        youth=placement_request.youth,
        referrer_organisation=placement_request.referrer_organisation,
        referrer=placement_request.referrer,
        region=placement_request.youth.municipality.region,
        status=status,
        urgency=placement_request.urgency,
        kind=Kind.TRANSFER,
        previous_request=placement_request,
        previous_placement=placement,
        referral_date=min(end_date, timezone.localdate()),
        wishes_youth=placement_request.wishes_youth,
        wishes_parents=placement_request.wishes_parents,
        submitted_at=now,
        status_changed_at=now,
    )
    latest = placement_request.analysis
    if latest is not None:
        fields = {
            f.name: getattr(latest, f.name)
            for f in ExplanatoryAnalysis._meta.concrete_fields
            if f.name not in ("id", "request", "version", "previous", "created_at", "created_by", "assignment")
        }
        copy = ExplanatoryAnalysis.objects.create(request=new, version=1, created_by=by, **fields)
        new.analysis = copy
        if status == Status.MATCHING:  # triaged already (the crisis dossier)
            new.triage_analysis = copy
        new.save(update_fields=["analysis", "triage_analysis"])
    if hasattr(placement_request, "perspective_plan"):
        plan = placement_request.perspective_plan
        PerspectivePlan.objects.create(
            request=new,
            goal=plan.goal,
            expected_duration_months=plan.expected_duration_months,
            return_perspective=plan.return_perspective,
            return_explanation=plan.return_explanation,
            updated_by=by,
        )
    if hasattr(placement_request, "safety_plan"):
        safety = placement_request.safety_plan
        SafetyPlan.objects.create(
            request=new, risks=safety.risks, agreements=safety.agreements, contacts=safety.contacts, updated_by=by
        )
    AlternativeConsidered.objects.bulk_create(
        [
            AlternativeConsidered(
                request=new, form=a.form, description=a.description, why_insufficient=a.why_insufficient
            )
            for a in placement_request.alternatives.all()
        ]
    )
    _copy_documents(placement_request, new, by)
    Transfer.objects.create(from_placement=placement, new_request=new, youth=placement_request.youth)
    event_record(
        subject=new,
        event_type="transfer_request_created",
        by=by,
        to_state=status,
        details={
            "previous_request": placement_request.pk,
            "previous_placement": placement.pk,
            "analysis_version": new.analysis.version if new.analysis_id else None,
        },
    )
    referrer_notify(new)
    coordinators_notify(
        new,
        _("Doorplaatsing %(ref)s") % {"ref": new.reference},
        _("Een plaatsing is beëindigd en de jeugdige heeft een nieuwe plek nodig. Het verzoek staat klaar voor triage.")
        if status == Status.SUBMITTED
        else _("De jeugdige heeft na de crisisplaatsing een langere plek nodig. Het verzoek staat in matching."),
    )
    return new


@transaction.atomic
def placement_end(
    *,
    placement: Placement,
    end_date: date,
    reason: str,
    by,
    membership,
    destination: str = "",
    narrative: str = "",
    needs_new_place: bool = False,
) -> Placement:
    """End a placement with the CBS end reason and where the youth goes next (the
    after-care destination, required); 'needs another place' makes a transfer."""
    placement_request = request_lock(placement.request)
    placement = (
        Placement.objects.select_for_update(of=("self",)).select_related("facility", "provider").get(pk=placement.pk)
    )
    role = placement_actor_role(membership, placement_request, placement.provider_id)
    problems = missing_params(
        PLACEMENT_END_REQUIRED, {"end_date": end_date, "reason": reason, "destination": destination}
    )
    if end_date is None:
        pass
    elif end_date < placement.start_date:
        problems.append(
            {
                "name": "end_date",
                "reason": _("De einddatum ligt voor de startdatum (%(date)s).")
                % {"date": placement.start_date.strftime("%d-%m-%Y")},
            }
        )
    elif end_date > timezone.localdate():
        problems.append(
            {"name": "end_date", "reason": _("De einddatum ligt in de toekomst; leg het einde vast als het zover is.")}
        )
    if reason and reason not in EndReason.values:
        problems.append({"name": "reason", "reason": _("Kies de reden van beëindiging (CBS).")})
    if destination and destination not in AftercareDestination.values:
        problems.append(
            {"name": "destination", "reason": _("Kies waar de jeugdige na vertrek heen gaat (of 'Onbekend').")}
        )
    if problems:
        raise Invalid(_("Het einde van de plaatsing is niet juist ingevuld."), invalid_params=problems)
    if placement.end_date is not None:
        raise Conflict(_("Deze plaatsing is al beëindigd."), code="placement_ended")
    transition_check(placement_request, Status.ENDED, role)
    placement.end_date = end_date
    placement.end_reason = reason
    placement.end_narrative = (narrative or "").strip()
    placement.needs_new_place = bool(needs_new_place)
    placement.ended_by = by
    placement.aftercare_destination = destination
    placement.save(
        update_fields=[
            "end_date",
            "end_reason",
            "end_narrative",
            "needs_new_place",
            "ended_by",
            "aftercare_destination",
        ]
    )
    capacity_services.availability_release_occupied(
        facility=placement.facility, by=by, reason_ref=f"placement:{placement.pk}"
    )
    status_change(
        placement_request,
        to=Status.ENDED,
        by=by,
        organisation=membership.organisation,
        event_type="placement_ended",
        reason_code=reason,
        reason=placement.end_narrative,
        details={
            "placement": placement.pk,
            "provider": placement.provider_id,
            "end_date": end_date.isoformat(),
            "end_reason": reason,
            "aftercare_destination": destination,
            "needs_new_place": placement.needs_new_place,
            "reason": placement.end_narrative,
        },
    )
    # A crisis placement whose transfer request already exists (issue 11) gets no second one.
    if placement.needs_new_place and not Transfer.objects.filter(from_placement=placement).exists():
        _transfer_request(placement, placement_request, end_date=end_date, by=by)
    if role == Role.PROVIDER:
        coordinators_notify(
            placement_request,
            _("Plaatsing %(ref)s beëindigd") % {"ref": placement_request.reference},
            _("%(provider)s heeft de plaatsing beëindigd: %(reason)s.")
            % {"provider": placement.provider.name, "reason": EndReason(reason).label},
        )
    else:
        provider_staff_notify(
            placement.provider_id,
            _("Plaatsing %(ref)s beëindigd") % {"ref": placement_request.reference},
            _("De coördinator heeft de plaatsing beëindigd: %(reason)s.") % {"reason": EndReason(reason).label},
        )
    return placement
