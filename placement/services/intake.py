"""Writes for youth and placement requests: create, complete, submit, triage, withdraw.

Each service locks the request it decides on, checks the transition table, writes an
event and notifies the referrer through the outbox.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from core.errors import Forbidden, Invalid, TransitionNotAllowed
from core.events import event_record
from core.outbox import outbox_enqueue
from placement import crypto
from placement.models import (
    EDITABLE_STATUSES,
    TRIAGE_TARGET,
    Guardian,
    Kind,
    LegalStatus,
    Outcome,
    PlacementRequest,
    Status,
    TriageDecision,
    Urgency,
    WaitingPeriod,
    Youth,
    transition_allowed,
)


def waiting_end(placement_request) -> None:
    """Close the request's open waiting period, if any (it is no longer waiting)."""
    WaitingPeriod.objects.filter(request=placement_request, ended_at__isnull=True).update(ended_at=timezone.now())


YOUTH_FIELDS = [
    "given_names",
    "family_name",
    "birth_date",
    "gender",
    "address",
    "postcode",
    "city",
    "municipality",
    "legal_status",
    "machtiging_end_date",
    "school",
]
REQUIRED_YOUTH_FIELDS = ["given_names", "family_name", "birth_date", "gender", "municipality"]


# --- youth -----------------------------------------------------------------------------


def youth_validate(data: dict, *, partial: bool = False) -> None:
    """Raise Invalid naming every field that breaks a rule."""
    problems = []
    if not partial:
        for name in REQUIRED_YOUTH_FIELDS:
            if data.get(name) in (None, ""):
                problems.append({"name": name, "reason": _("Dit veld is verplicht.")})
    bsn = data.get("bsn")
    if bsn and not crypto.bsn_is_valid(bsn):
        problems.append({"name": "bsn", "reason": _("Dit is geen geldig BSN (de elfproef klopt niet).")})
    birth_date = data.get("birth_date")
    today = timezone.localdate()
    if birth_date and birth_date > today:
        problems.append({"name": "birth_date", "reason": _("De geboortedatum ligt in de toekomst.")})
    elif birth_date and today.year - birth_date.year > 23:
        problems.append(
            {"name": "birth_date", "reason": _("Jeugdhulp is er tot 23 jaar; controleer de geboortedatum.")}
        )
    if data.get("legal_status") == LegalStatus.MACHTIGING_GJ and not data.get("machtiging_end_date"):
        problems.append(
            {"name": "machtiging_end_date", "reason": _("Vul de einddatum van de machtiging gesloten jeugdzorg in.")}
        )
    for index, guardian in enumerate(data.get("guardians") or []):
        if not (guardian.get("name") or "").strip():
            problems.append(
                {"name": f"guardians.{index}.name", "reason": _("Vul de naam van de ouder of verzorger in.")}
            )
    if problems:
        raise Invalid(_("De gegevens van de jeugdige zijn niet volledig of niet juist."), invalid_params=problems)


def _youth_apply(youth: Youth, data: dict) -> None:
    for name in YOUTH_FIELDS:
        if name in data:
            setattr(youth, name, data[name] if data[name] is not None or name == "machtiging_end_date" else "")
    if youth.legal_status != LegalStatus.MACHTIGING_GJ:
        youth.machtiging_end_date = None
    if "bsn" in data:
        youth.set_bsn(data["bsn"] or "")


def _guardians_set(youth: Youth, guardians) -> None:
    if guardians is None:
        return
    youth.guardians.all().delete()
    Guardian.objects.bulk_create(
        [
            Guardian(
                youth=youth,
                name=g["name"].strip(),
                relationship=g.get("relationship", ""),
                has_authority=bool(g.get("has_authority")),
                phone=g.get("phone", ""),
                email=g.get("email", ""),
            )
            for g in guardians
        ]
    )


# --- requests --------------------------------------------------------------------------


def _referrer_membership_check(membership: Membership, placement_request: PlacementRequest | None = None) -> None:
    if membership is None or membership.role != Role.REFERRER:
        raise Forbidden()
    if placement_request is not None and placement_request.referrer_organisation_id != membership.organisation_id:
        raise Forbidden()


@transaction.atomic
def request_create(
    *,
    youth: dict,
    by,
    membership: Membership,
    urgency: str = Urgency.REGULAR,
    kind: str = Kind.FIRST,
    previous_request: PlacementRequest | None = None,
    wishes_youth: str = "",
    wishes_parents: str = "",
) -> PlacementRequest:
    """A referrer starts a request (a draft) for a youth."""
    _referrer_membership_check(membership)
    youth_validate(youth)
    if kind == Kind.TRANSFER and previous_request is None:
        raise Invalid.field("previous_request", _("Een doorplaatsing verwijst naar het vorige verzoek."))
    record = Youth()
    _youth_apply(record, youth)
    record.save()
    _guardians_set(record, youth.get("guardians"))
    placement_request = PlacementRequest.objects.create(
        youth=record,
        referrer_organisation=membership.organisation,
        referrer=by,
        region=record.municipality.region,
        urgency=urgency,
        kind=kind,
        previous_request=previous_request,
        wishes_youth=wishes_youth,
        wishes_parents=wishes_parents,
    )
    event_record(
        subject=placement_request,
        event_type="request_created",
        by=by,
        organisation=membership.organisation,
        to_state=Status.DRAFT,
        details={"kind": kind, "urgency": urgency},
    )
    return placement_request


def _lock(placement_request: PlacementRequest) -> PlacementRequest:
    return (
        PlacementRequest.objects.select_for_update(of=("self",))
        .select_related("youth", "region")
        .get(pk=placement_request.pk)
    )


def request_editable_check(placement_request: PlacementRequest) -> None:
    if placement_request.status not in EDITABLE_STATUSES:
        raise TransitionNotAllowed(
            _("Een verzoek met status '%(status)s' kan niet meer worden gewijzigd.")
            % {"status": placement_request.get_status_display()},
            code="not_editable",
        )


@transaction.atomic
def request_update(
    *, placement_request: PlacementRequest, by, membership: Membership, youth: dict | None = None, **fields
) -> PlacementRequest:
    """Change a draft or returned request: youth data, urgency, wishes."""
    _referrer_membership_check(membership, placement_request)
    placement_request = _lock(placement_request)
    request_editable_check(placement_request)
    changed = []
    if youth:
        youth_validate(youth, partial=True)
        record = placement_request.youth
        _youth_apply(record, youth)
        youth_validate({name: getattr(record, name) for name in YOUTH_FIELDS})
        record.save()
        _guardians_set(record, youth.get("guardians"))
        if record.municipality.region_id != placement_request.region_id:
            placement_request.region = record.municipality.region
            changed.append("region")
        changed.append("youth")
    for name in ("urgency", "wishes_youth", "wishes_parents"):
        if name in fields and fields[name] is not None:
            setattr(placement_request, name, fields[name])
            changed.append(name)
    placement_request.save()
    if changed:
        event_record(
            subject=placement_request,
            event_type="request_updated",
            by=by,
            organisation=membership.organisation,
            details={"changed": sorted(set(changed))},
        )
    return placement_request


def request_missing_items(placement_request: PlacementRequest) -> list[dict]:
    """Everything that still blocks submission, as invalid_params (name, reason)."""
    from analyses.models import Document

    missing = []
    analysis = placement_request.analysis
    if analysis is None:
        missing.append({"name": "analysis", "reason": _("De verklarende analyse ontbreekt.")})
        missing.append({"name": "analysis.need_profile", "reason": _("Het behoefteprofiel ontbreekt.")})
    else:
        for section in analysis.missing_sections():
            label = analysis._meta.get_field(section).verbose_name
            missing.append(
                {"name": f"analysis.{section}", "reason": _("Vul in de analyse in: %(section)s.") % {"section": label}}
            )
        if not analysis.has_need_profile:
            missing.append(
                {
                    "name": "analysis.need_profile",
                    "reason": _("Het behoefteprofiel ontbreekt (zorgvormen, intensiteit en beveiligingsniveau)."),
                }
            )
        elif analysis.security == "closed" and not placement_request.youth.has_valid_machtiging():
            missing.append(
                {
                    "name": "analysis.security",
                    "reason": _("Gesloten jeugdzorg vraagt een geldige machtiging gesloten jeugdzorg."),
                }
            )
    if not hasattr(placement_request, "perspective_plan"):
        missing.append({"name": "perspective_plan", "reason": _("Het perspectiefplan ontbreekt.")})
    if not hasattr(placement_request, "safety_plan"):
        missing.append({"name": "safety_plan", "reason": _("Het eerste veiligheidsplan ontbreekt.")})
    if not Document.objects.filter(request=placement_request, kind=Document.DocumentKind.ZORGVRAAG).exists():
        missing.append({"name": "zorgvraag", "reason": _("Het zorgvraagdossier (PDF) ontbreekt.")})
    return missing


def _change_status(placement_request, *, to, by, organisation, event_type, reason_code="", details=None, reason=""):
    source = placement_request.status
    placement_request.status = to
    placement_request.status_changed_at = timezone.now()
    placement_request.status_reason = reason or ""
    placement_request.save()
    event_record(
        subject=placement_request,
        event_type=event_type,
        by=by,
        organisation=organisation,
        from_state=source,
        to_state=to,
        reason_code=reason_code,
        details=details or {},
    )
    _notify_referrer(placement_request)


def _notify_referrer(placement_request: PlacementRequest) -> None:
    status = placement_request.get_status_display()
    body = _("De status van plaatsingsverzoek %(ref)s is nu: %(status)s.") % {
        "ref": placement_request.reference,
        "status": status,
    }
    if placement_request.status_reason:
        body += "\n\n" + _("Toelichting: %(reason)s") % {"reason": placement_request.status_reason}
    outbox_enqueue(
        recipient=placement_request.referrer,
        subject=_("Plaatsingsverzoek %(ref)s: %(status)s") % {"ref": placement_request.reference, "status": status},
        body=body,
        url=reverse("placement:request-detail", args=[placement_request.pk]),
    )


def _notify_coordinators(placement_request: PlacementRequest, subject: str, body: str) -> None:
    coordinators = (
        Membership.objects.filter(
            role=Role.COORDINATOR, is_active=True, regions=placement_request.region, user__is_active=True
        )
        .select_related("user")
        .distinct()
    )
    for membership in coordinators:
        outbox_enqueue(
            recipient=membership.user,
            subject=subject,
            body=body,
            url=reverse("placement:request-detail", args=[placement_request.pk]),
            email=False,
        )


def _transition_check(placement_request, to, role, *, sources=None):
    """The move must be in the transition table; `sources` narrows it to the states this
    particular service starts from (several services share a (from, to) pair)."""
    if not transition_allowed(placement_request.status, to, role) or (
        sources is not None and placement_request.status not in sources
    ):
        raise TransitionNotAllowed(
            _("Van '%(source)s' naar '%(target)s' is niet toegestaan.")
            % {"source": placement_request.get_status_display(), "target": Status(to).label}
        )


@transaction.atomic
def request_submit(*, placement_request: PlacementRequest, by, membership: Membership) -> PlacementRequest:
    """The referrer submits: only when every required item is present (else 422 listing all)."""
    _referrer_membership_check(membership, placement_request)
    placement_request = _lock(placement_request)
    _transition_check(placement_request, Status.SUBMITTED, Role.REFERRER)
    missing = request_missing_items(placement_request)
    if missing:
        raise Invalid(
            _("Het verzoek is nog niet compleet: %(count)s onderdelen ontbreken.") % {"count": len(missing)},
            code="incomplete",
            invalid_params=missing,
        )
    resubmission = placement_request.status == Status.RETURNED
    if placement_request.referral_date is None:
        placement_request.referral_date = timezone.localdate()
    placement_request.submitted_at = timezone.now()
    _change_status(
        placement_request,
        to=Status.SUBMITTED,
        by=by,
        organisation=membership.organisation,
        event_type="request_submitted",
        details={"analysis_version": placement_request.analysis.version, "resubmission": resubmission},
    )
    _notify_coordinators(
        placement_request,
        _("Nieuw plaatsingsverzoek %(ref)s") % {"ref": placement_request.reference}
        if not resubmission
        else _("Aangevuld plaatsingsverzoek %(ref)s") % {"ref": placement_request.reference},
        _("Er staat een plaatsingsverzoek klaar voor triage."),
    )
    return placement_request


@transaction.atomic
def request_triage(
    *,
    placement_request: PlacementRequest,
    decision: str,
    by,
    membership: Membership,
    reason: str = "",
    outcome: str = "",
) -> PlacementRequest:
    """A coordinator of the responsible region decides where the request goes next."""
    if membership is None or membership.role != Role.COORDINATOR:
        raise Forbidden()
    if placement_request.region_id not in {r.pk for r in membership.regions.all()}:
        raise Forbidden()
    problems = []
    if decision not in TriageDecision.values:
        problems.append({"name": "decision", "reason": _("Kies een van de mogelijke besluiten.")})
    reason = (reason or "").strip()
    if decision in (TriageDecision.RETURN, TriageDecision.EXPERT_TABLE) and not reason:
        problems.append({"name": "reason", "reason": _("Geef aan waarom (de verwijzer ziet deze toelichting).")})
    if decision == TriageDecision.CLOSE:
        if outcome not in Outcome.values:
            problems.append({"name": "outcome", "reason": _("Kies de uitkomst waarmee het verzoek wordt afgesloten.")})
    elif outcome:
        problems.append({"name": "outcome", "reason": _("Een uitkomst hoort alleen bij afsluiten.")})
    if problems:
        raise Invalid(invalid_params=problems)
    placement_request = _lock(placement_request)
    target = TRIAGE_TARGET[TriageDecision(decision)]
    _transition_check(placement_request, target, Role.COORDINATOR, sources=(Status.SUBMITTED, Status.EXPERT_TABLE))
    if decision == TriageDecision.MATCHING and request_missing_items(placement_request):
        raise Invalid(
            _("Het verzoek is niet compleet en kan niet in matching."),
            code="incomplete",
            invalid_params=request_missing_items(placement_request),
        )
    if target == Status.CLOSED:
        placement_request.outcome = outcome
    if decision == TriageDecision.MATCHING:
        placement_request.triage_analysis = placement_request.analysis
    _change_status(
        placement_request,
        to=target,
        by=by,
        organisation=membership.organisation,
        event_type="request_triaged",
        reason_code=outcome or decision,
        reason=reason,
        details={
            "decision": decision,
            "reason": reason,
            "analysis_version": placement_request.analysis.version if placement_request.analysis else None,
            "analysis_id": placement_request.analysis_id,
        },
    )
    return placement_request


@transaction.atomic
def request_withdraw(
    *, placement_request: PlacementRequest, by, membership: Membership, reason: str = ""
) -> PlacementRequest:
    """The referrer withdraws the request; it closes with outcome 'withdrawn'."""
    _referrer_membership_check(membership, placement_request)
    placement_request = _lock(placement_request)
    _transition_check(placement_request, Status.CLOSED, Role.REFERRER)
    placement_request.outcome = Outcome.WITHDRAWN
    waiting_end(placement_request)  # a withdrawn request no longer counts as unmet need
    _change_status(
        placement_request,
        to=Status.CLOSED,
        by=by,
        organisation=membership.organisation,
        event_type="request_withdrawn",
        reason_code=Outcome.WITHDRAWN,
        reason=(reason or "").strip(),
        details={"reason": (reason or "").strip()},
    )
    if placement_request.region_id and placement_request.submitted_at:
        _notify_coordinators(
            placement_request,
            _("Plaatsingsverzoek %(ref)s is ingetrokken") % {"ref": placement_request.reference},
            _("De verwijzer heeft het verzoek ingetrokken."),
        )
    return placement_request


@transaction.atomic
def request_file(
    *,
    by,
    membership: Membership,
    youth: dict,
    urgency: str = Urgency.REGULAR,
    kind: str = Kind.FIRST,
    previous_request: PlacementRequest | None = None,
    wishes: dict | None = None,
    analysis: dict | None = None,
    perspective_plan: dict | None = None,
    safety_plan: dict | None = None,
    alternatives: list | None = None,
) -> PlacementRequest:
    """Create a draft request with whatever content is given, all or nothing (API)."""
    wishes = wishes or {}
    placement_request = request_create(
        youth=youth,
        by=by,
        membership=membership,
        urgency=urgency,
        kind=kind,
        previous_request=previous_request,
        wishes_youth=wishes.get("youth", ""),
        wishes_parents=wishes.get("parents", ""),
    )
    request_content_save(
        placement_request=placement_request,
        by=by,
        membership=membership,
        analysis=analysis,
        perspective_plan=perspective_plan,
        safety_plan=safety_plan,
        alternatives=alternatives,
    )
    placement_request.refresh_from_db()
    return placement_request


@transaction.atomic
def request_content_save(
    *, placement_request, by, membership, analysis=None, perspective_plan=None, safety_plan=None, alternatives=None
) -> None:
    from analyses import services as analyses_services

    if analysis is not None:
        analyses_services.analysis_save(
            placement_request=placement_request,
            data=analysis,
            by=by,
            membership=membership,
            partial=False,
            require_need_profile=True,
        )
    if perspective_plan is not None:
        analyses_services.perspective_plan_save(
            placement_request=placement_request, data=perspective_plan, by=by, membership=membership
        )
    if safety_plan is not None:
        analyses_services.safety_plan_save(
            placement_request=placement_request, data=safety_plan, by=by, membership=membership
        )
    if alternatives is not None:
        analyses_services.alternatives_set(
            placement_request=placement_request, alternatives=alternatives, by=by, membership=membership
        )
