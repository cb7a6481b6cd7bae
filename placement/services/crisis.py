"""Crisis placements (issue 11, point 1): registered at once, the dossier follows.

A coordinator registers a crisis placement in one step: the youth with what is known, the
referrer organisation, the facility and the moment it started. It occupies a place exactly
like a regular placement (the capacity hold, then occupancy, under the facility row lock;
the facility's CHECK constraints are the last line of defence) and its request, in status
`crisis`, is the dossier that follows: due `region.crisis_dossier_working_days` working
days after the start (`placement.deadlines`). The referrer completes and submits it as
usual (the coordinator may submit it too); at triage the youth stays in the crisis place
(convert: the placement simply continues) or a longer-term place is sought: the request
stays placed in the crisis place and a transfer request (the existing transfer logic) goes
to matching; when that placement starts, the crisis placement ends.

A request in triage can also be registered as a crisis placement (triage decision
"crisis"): the same registration, with that request as the follow-up.

Lock order as everywhere: the request row, then the facility row (inside capacity).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Municipality, Organisation, Role
from accounts.selectors import region_ids_of
from capacity import services as capacity_services
from capacity.models import Facility, Gender
from capacity.selectors import facility_list
from core.access_log import Purpose, access_log_record
from core.errors import Conflict, Forbidden, Invalid
from core.events import event_record
from core.outbox import outbox_enqueue
from intake import crypto
from intake.models import (
    CONVERT_FROM,
    CRISIS_SUBMIT_FROM,
    TRIAGE_FROM,
    PlacementRequest,
    Status,
    Urgency,
)
from intake.services.requests import youth_for_new_request
from intake.services.triage import request_missing_items
from intake.services.workflow import (
    coordinator_check,
    coordinators_notify,
    provider_staff_notify,
    referrer_notify,
    request_lock,
    status_change,
    transition_check,
    waiting_end,
)
from placement.deadlines import AMSTERDAM, add_working_days
from placement.models import Placement, PlacementKind
from placement.services.placements import _transfer_request

# How far from now a crisis start may lie: registered at once, so not far in the past,
# and at most a day ahead (a youth arriving tonight).
START_MAX_AHEAD = timedelta(hours=24)
START_MAX_BEHIND = timedelta(days=14)


@dataclass(frozen=True)
class CrisisYouth:
    """What is known of the youth at the registration (names and birth date may follow)."""

    municipality_id: int | None
    given_names: str = ""
    family_name: str = ""
    birth_date: object = None
    gender: str = Gender.UNKNOWN
    bsn: str = ""


def dossier_due(region, started_at: datetime):
    """The day the dossier of a crisis placement that started at `started_at` is due."""
    start_day = timezone.localtime(started_at, AMSTERDAM).date()
    return add_working_days(start_day, region.crisis_dossier_working_days)


def _validate(*, membership, youth: CrisisYouth | None, referrer_organisation_id, facility_id, started_at, now):
    """Every problem at once (invalid_params), with the objects it resolved."""
    problems = []
    resolved = {}
    if youth is not None:
        municipality = (
            Municipality.objects.select_related("region").filter(pk=youth.municipality_id).first()
            if youth.municipality_id
            else None
        )
        if municipality is None:
            problems.append({"name": "municipality", "reason": _("Kies de woongemeente van de jeugdige.")})
        elif municipality.region_id not in region_ids_of(membership):
            problems.append(
                {
                    "name": "municipality",
                    "reason": _(
                        "Deze gemeente hoort niet bij uw regio; de eigen regio registreert de crisisplaatsing."
                    ),
                }
            )
        resolved["municipality"] = municipality
        if youth.gender not in Gender.values:
            problems.append({"name": "gender", "reason": _("Kies een geslacht (of 'onbekend').")})
        if youth.bsn and not crypto.bsn_is_valid(youth.bsn):
            problems.append({"name": "bsn", "reason": _("Dit is geen geldig BSN (de elfproef klopt niet).")})
        if youth.birth_date and youth.birth_date > timezone.localdate(now):
            problems.append({"name": "birth_date", "reason": _("De geboortedatum ligt in de toekomst.")})
        elif youth.birth_date and timezone.localdate(now).year - youth.birth_date.year > 23:
            problems.append(
                {"name": "birth_date", "reason": _("Jeugdhulp is er tot 23 jaar; controleer de geboortedatum.")}
            )
        organisation = (
            Organisation.objects.filter(
                pk=referrer_organisation_id, kind=Organisation.Kind.REFERRER, is_active=True
            ).first()
            if referrer_organisation_id
            else None
        )
        referrer = None
        if organisation is None:
            problems.append({"name": "referrer_organisation", "reason": _("Kies de verwijzende organisatie.")})
        else:
            member = (
                Membership.objects.filter(
                    organisation=organisation, role=Role.REFERRER, is_active=True, user__is_active=True
                )
                .select_related("user")
                .order_by("pk")
                .first()
            )
            if member is None:
                problems.append(
                    {
                        "name": "referrer_organisation",
                        "reason": _("Deze organisatie heeft geen actieve verwijzer die het dossier kan aanvullen."),
                    }
                )
            else:
                referrer = member.user
        resolved["organisation"], resolved["referrer"] = organisation, referrer
    facility = None
    if facility_id:
        try:
            facility = facility_list(membership=membership, now=now, detail=False).filter(pk=int(facility_id)).first()
        except (TypeError, ValueError):
            facility = None
    if facility is None:
        problems.append({"name": "facility", "reason": _("Kies een locatie die uw regio kan gebruiken.")})
    resolved["facility"] = facility
    if started_at is None:
        problems.append({"name": "started_at", "reason": _("Vul de datum en tijd van de start in.")})
    elif started_at > now + START_MAX_AHEAD:
        problems.append({"name": "started_at", "reason": _("De start ligt meer dan een dag in de toekomst.")})
    elif started_at < now - START_MAX_BEHIND:
        problems.append({"name": "started_at", "reason": _("De start ligt meer dan twee weken terug.")})
    if problems:
        raise Invalid(_("De crisisplaatsing is niet volledig of niet juist ingevuld."), invalid_params=problems)
    return resolved


def crisis_placement_validate(
    *, membership, facility_id, started_at, youth: CrisisYouth | None = None, referrer_organisation_id=None, now=None
) -> None:
    """The registration's checks without writing anything (a form whose other fields could
    not be read still shows every problem at once). Raises Invalid."""
    _validate(
        membership=membership,
        youth=youth,
        referrer_organisation_id=referrer_organisation_id,
        facility_id=facility_id,
        started_at=started_at,
        now=now or timezone.now(),
    )


@transaction.atomic
def crisis_placement_register(
    *,
    by,
    membership,
    facility_id,
    started_at: datetime | None,
    youth: CrisisYouth | None = None,
    referrer_organisation_id=None,
    placement_request: PlacementRequest | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Placement:
    """Register a crisis placement in one step. Without `placement_request`: a new youth
    and request (the follow-up); with one (triage decision "crisis"): that request becomes
    the follow-up. The place is taken at once (hold, then occupied) or the facility's row
    lock and checks refuse it (Conflict `no_free_place`)."""
    now = now or timezone.now()
    if placement_request is not None:
        coordinator_check(membership, placement_request)
        youth = None
    elif membership is None or membership.role != Role.COORDINATOR:
        raise Forbidden()
    resolved = _validate(
        membership=membership,
        youth=youth if placement_request is None else None,
        referrer_organisation_id=referrer_organisation_id,
        facility_id=facility_id,
        started_at=started_at,
        now=now,
    )
    if youth is None and placement_request is None:
        raise Invalid.field("municipality", _("Kies de woongemeente van de jeugdige."))
    facility: Facility = resolved["facility"]
    start_day = timezone.localtime(started_at, AMSTERDAM).date()
    if placement_request is not None:
        placement_request = request_lock(placement_request)
        transition_check(placement_request, Status.CRISIS, Role.COORDINATOR, sources=TRIAGE_FROM)
        if hasattr(placement_request, "placement"):
            raise Conflict(_("Dit verzoek heeft al een plaatsing."), code="placement_exists")
        placement_request.crisis_dossier_due = dossier_due(placement_request.region, started_at)
    else:
        municipality = resolved["municipality"]
        # A known BSN joins the youth record of the region's earlier requests (issue 11
        # point 3, the rule of intake.services.requests.youth_for_new_request); what is
        # not known yet is left out, so it never blanks what the record holds.
        known = {
            "given_names": youth.given_names.strip(),
            "family_name": youth.family_name.strip(),
            "birth_date": youth.birth_date,
            "gender": youth.gender,
            "bsn": youth.bsn or "",
        }
        record, link = youth_for_new_request(
            {"municipality": municipality, **{name: value for name, value in known.items() if value}},
            membership=membership,
        )
        placement_request = PlacementRequest.objects.create(
            youth=record,
            referrer_organisation=resolved["organisation"],
            referrer=resolved["referrer"],
            region=municipality.region,
            status=Status.CRISIS,
            urgency=Urgency.URGENT,
            referral_date=start_day,
            crisis_dossier_due=dossier_due(municipality.region, started_at),
        )
        if link is not None:
            event_record(
                subject=placement_request,
                event_type="youth_linked",
                by=by,
                organisation=membership.organisation,
                reason_code="bsn",
                details={"how": "bsn", "youth": record.pk, **link},
            )
    placement = Placement.objects.create(
        request=placement_request,
        offer=None,
        kind=PlacementKind.CRISIS,
        youth=placement_request.youth,
        facility=facility,
        provider=facility.provider,
        care_type_id=facility.care_type_id,  # the current value a change in place may update
        start_date=start_day,
        started_at=started_at,
        handover=(note or "").strip(),
        created_by=by,
    )
    # The place is taken like any placement: held, then occupied, each under the facility
    # row lock; the hold refuses a full facility (and the whole registration rolls back).
    try:
        capacity_services.availability_hold(facility=facility, by=by, reason_ref=f"placement:{placement.pk}")
    except Conflict as error:
        raise Conflict(
            error.detail, code=error.code, invalid_params=[{"name": "facility", "reason": str(error.detail)}]
        ) from None
    capacity_services.availability_occupy_from_hold(facility=facility, by=by, reason_ref=f"placement:{placement.pk}")
    details = {
        "placement": placement.pk,
        "facility": facility.pk,
        "provider": facility.provider_id,
        "facility_name": facility.name,
        "started_at": started_at.isoformat(),
        "dossier_due": placement_request.crisis_dossier_due.isoformat(),
    }
    if placement_request.status == Status.CRISIS:  # new: created in this state
        event_record(
            subject=placement_request,
            event_type="crisis_placement_registered",
            by=by,
            organisation=membership.organisation,
            to_state=Status.CRISIS,
            details=details,
        )
        referrer_notify(placement_request)
    else:  # triage decision "crisis": the request becomes the follow-up
        if placement_request.referral_date is None:
            placement_request.referral_date = start_day
        waiting_end(placement_request)
        status_change(
            placement_request,
            to=Status.CRISIS,
            by=by,
            organisation=membership.organisation,
            event_type="crisis_placement_registered",
            details=details,
        )
    access_log_record(
        user=by,
        membership=membership,
        subject=placement_request.youth,
        purpose=Purpose.MATCHING,
        details={"request": placement_request.pk, "view": "crisis_register"},
    )
    provider_staff_notify(
        facility.provider_id,
        _("Crisisplaatsing bij %(facility)s") % {"facility": facility.name},
        _("De coördinator heeft een crisisplaatsing bij %(facility)s geregistreerd, gestart op %(start)s.")
        % {"facility": facility.name, "start": timezone.localtime(started_at, AMSTERDAM).strftime("%d-%m-%Y %H:%M")},
    )
    return placement


def _active_crisis_placement(placement_request) -> Placement:
    placement = Placement.objects.filter(
        request=placement_request, kind=PlacementKind.CRISIS, end_date__isnull=True
    ).first()
    if placement is None:
        raise Conflict(_("Dit verzoek hoort niet bij een lopende crisisplaatsing."), code="no_crisis_placement")
    return placement


@transaction.atomic
def crisis_dossier_submit(*, placement_request: PlacementRequest, by, membership) -> PlacementRequest:
    """The coordinator submits the dossier of a crisis placement (the referrer uses the
    ordinary submission): only when it is complete, like every submission."""
    coordinator_check(membership, placement_request)
    placement_request = request_lock(placement_request)
    transition_check(placement_request, Status.SUBMITTED, Role.COORDINATOR, sources=CRISIS_SUBMIT_FROM)
    missing = request_missing_items(placement_request)
    if missing:
        raise Invalid(
            _("Het verzoek is nog niet compleet: %(count)s onderdelen ontbreken.") % {"count": len(missing)},
            code="incomplete",
            invalid_params=missing,
        )
    placement_request.submitted_at = timezone.now()
    status_change(
        placement_request,
        to=Status.SUBMITTED,
        by=by,
        organisation=membership.organisation,
        event_type="request_submitted",
        details={"analysis_version": placement_request.analysis.version, "crisis_dossier": True},
    )
    return placement_request


class FollowUpDecision:
    STAY = "stay"  # the youth stays: the crisis placement continues as the placement
    LONGER_TERM = "longer_term"  # a longer-term place elsewhere: a transfer request to matching
    VALUES = (STAY, LONGER_TERM)


@transaction.atomic
def crisis_followup_triage(
    *, placement_request: PlacementRequest, decision: str, by, membership, reason: str = ""
) -> PlacementRequest:
    """Triage of a crisis placement's submitted dossier. Both decisions keep the youth in
    the crisis place for now (the request becomes `placed`); `longer_term` also makes the
    transfer request (the existing transfer logic, straight into matching), and the crisis
    placement ends when its placement starts. Returns the request that goes on."""
    coordinator_check(membership, placement_request)
    if decision not in FollowUpDecision.VALUES:
        raise Invalid.field("decision", _("Kies of de jeugdige blijft of een langere plek nodig heeft."))
    placement_request = request_lock(placement_request)
    transition_check(placement_request, Status.PLACED, Role.COORDINATOR, sources=CONVERT_FROM)
    placement = _active_crisis_placement(placement_request)
    missing = request_missing_items(placement_request)
    if missing:
        raise Invalid(
            _("Het verzoek is niet compleet."), code="incomplete", invalid_params=missing
        )  # pragma: no cover - submission already required it
    placement_request.triage_analysis = placement_request.analysis
    reason = (reason or "").strip()
    status_change(
        placement_request,
        to=Status.PLACED,
        by=by,
        organisation=membership.organisation,
        event_type="crisis_followup_triaged",
        reason_code=decision,
        reason=reason,
        details={"decision": decision, "placement": placement.pk, "reason": reason},
    )
    if decision == FollowUpDecision.STAY:
        return placement_request
    new = _transfer_request(placement, placement_request, end_date=timezone.localdate(), by=by, status=Status.MATCHING)
    return new


def crisis_followups_overdue(*, now: datetime | None = None):
    """Follow-up requests whose dossier is overdue and not yet reported."""
    today = timezone.localdate(now or timezone.now())
    return PlacementRequest.objects.filter(
        status=Status.CRISIS, crisis_dossier_due__lt=today, crisis_overdue_notified_at__isnull=True
    ).order_by("pk")


def crisis_overdue_notify(*, now: datetime | None = None) -> int:
    """Beat job: tell the coordinators and the referrer once when a crisis dossier is
    overdue. Idempotent: the row lock and `crisis_overdue_notified_at` make a second run
    (or a concurrent one) send nothing."""
    now = now or timezone.now()
    sent = 0
    for pk in list(crisis_followups_overdue(now=now).values_list("pk", flat=True)):
        with transaction.atomic():
            placement_request = (
                PlacementRequest.objects.select_for_update(skip_locked=True)
                .select_related("region", "referrer")
                .filter(pk=pk, status=Status.CRISIS, crisis_overdue_notified_at__isnull=True)
                .first()
            )
            if placement_request is None:
                continue
            placement_request.crisis_overdue_notified_at = now
            placement_request.save(update_fields=["crisis_overdue_notified_at"])
            due = placement_request.crisis_dossier_due.strftime("%d-%m-%Y")
            subject = _("Dossier crisisplaatsing %(ref)s te laat") % {"ref": placement_request.reference}
            body = _(
                "Het dossier van de crisisplaatsing %(ref)s moest uiterlijk %(due)s binnen zijn. "
                "Vul het verzoek aan en dien het in."
            ) % {"ref": placement_request.reference, "due": due}
            coordinators_notify(placement_request, subject, body)
            outbox_enqueue(
                recipient=placement_request.referrer,
                subject=subject,
                body=body,
                url=reverse("placement:request-detail", args=[placement_request.pk]),
            )
            event_record(
                subject=placement_request,
                event_type="crisis_dossier_overdue",
                reason_code="overdue",
                details={"due": placement_request.crisis_dossier_due.isoformat()},
            )
            sent += 1
    return sent
