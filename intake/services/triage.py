"""The moves of a request through intake: submit (only when complete), triage, withdraw.

Each locks the request, asks the transition table, changes the status with an event and
tells those concerned (`intake.services.workflow`).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership, Role
from core.errors import Invalid, TransitionNotAllowed, missing_params
from intake.models import (
    TRIAGE_FROM,
    TRIAGE_TARGET,
    WITHDRAW_ACCEPTED_FROM,
    WITHDRAW_FROM,
    Document,
    Outcome,
    PlacementRequest,
    Status,
    TriageDecision,
)
from intake.services.workflow import (
    coordinator_check,
    coordinators_notify,
    is_coordinator_of,
    referrer_check,
    request_lock,
    status_change,
    transition_check,
    waiting_end,
)


def request_missing_items(placement_request: PlacementRequest) -> list[dict]:
    """Everything that still blocks submission, as invalid_params (name, reason)."""
    missing = []
    youth = placement_request.youth
    # A crisis registration may leave these for later (issue 11); the dossier needs them.
    for name in ("given_names", "family_name", "birth_date"):
        if getattr(youth, name) in (None, ""):
            label = youth._meta.get_field(name).verbose_name
            missing.append(
                {"name": f"youth.{name}", "reason": _("Vul bij de jeugdige in: %(field)s.") % {"field": label}}
            )
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


@transaction.atomic
def request_submit(*, placement_request: PlacementRequest, by, membership: Membership) -> PlacementRequest:
    """The referrer submits: only when every required item is present (else 422 listing all)."""
    referrer_check(membership, placement_request)
    placement_request = request_lock(placement_request)
    transition_check(placement_request, Status.SUBMITTED, Role.REFERRER)
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
    status_change(
        placement_request,
        to=Status.SUBMITTED,
        by=by,
        organisation=membership.organisation,
        event_type="request_submitted",
        details={"analysis_version": placement_request.analysis.version, "resubmission": resubmission},
    )
    coordinators_notify(
        placement_request,
        _("Nieuw plaatsingsverzoek %(ref)s") % {"ref": placement_request.reference}
        if not resubmission
        else _("Aangevuld plaatsingsverzoek %(ref)s") % {"ref": placement_request.reference},
        _("Er staat een plaatsingsverzoek klaar voor triage."),
    )
    return placement_request


# The fields triage always requires (reused by the form: `AccessibleForm.service_required`);
# the reason and the outcome depend on the decision (their help texts say when).
TRIAGE_REQUIRED = {"decision": gettext_lazy("Kies een van de mogelijke besluiten.")}


def triage_problems(*, decision: str, reason: str, outcome: str) -> list[dict]:
    """What is wrong with a triage decision's input, as invalid_params (the rule for
    triage and for the expert table's decision, `intake.services.expert_table`)."""
    problems = missing_params(TRIAGE_REQUIRED, {"decision": decision})
    if decision and decision not in TriageDecision.values:
        problems.append({"name": "decision", "reason": _("Kies een van de mogelijke besluiten.")})
    if decision in (TriageDecision.RETURN, TriageDecision.EXPERT_TABLE) and not (reason or "").strip():
        problems.append({"name": "reason", "reason": _("Geef aan waarom (de verwijzer ziet deze toelichting).")})
    if decision == TriageDecision.CLOSE:
        if outcome not in Outcome.values:
            problems.append({"name": "outcome", "reason": _("Kies de uitkomst waarmee het verzoek wordt afgesloten.")})
    elif outcome:
        problems.append({"name": "outcome", "reason": _("Een uitkomst hoort alleen bij afsluiten.")})
    return problems


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
    coordinator_check(membership, placement_request)
    reason = (reason or "").strip()
    problems = triage_problems(decision=decision, reason=reason, outcome=outcome)
    if decision == TriageDecision.CRISIS:
        # Issue 11: a crisis placement needs a facility and a start; it is registered in
        # one step (placement.services.crisis), with this request as the follow-up.
        problems.append(
            {
                "name": "decision",
                "reason": _("Registreer de crisisplaatsing met locatie en start (POST /api/v1/crisis-placements)."),
            }
        )
    if problems:
        raise Invalid(invalid_params=problems)
    placement_request = request_lock(placement_request)
    target = TRIAGE_TARGET[TriageDecision(decision)]
    transition_check(placement_request, target, Role.COORDINATOR, sources=TRIAGE_FROM)
    if placement_request.follows_crisis and decision in (TriageDecision.MATCHING, TriageDecision.CLOSE):
        # The youth is in the crisis place: placement.services.crisis decides what follows.
        raise Invalid.field(
            "decision",
            _(
                "Dit is het dossier van een lopende crisisplaatsing: kies of de jeugdige blijft "
                "of een langere plek nodig heeft."
            ),
        )
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
    status_change(
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
    """The referrer withdraws the request; it closes with outcome 'withdrawn'.

    A coordinator of the region may withdraw only an accepted request (the place is held:
    `placement.services.request_withdraw_accepted`); any other state is the wrong state
    for a role that may act, a 409, not a 403 (issue 14)."""
    if is_coordinator_of(membership, placement_request):
        placement_request = request_lock(placement_request)
        transition_check(placement_request, Status.CLOSED, Role.COORDINATOR, sources=WITHDRAW_ACCEPTED_FROM)
        raise TransitionNotAllowed()  # accepted meanwhile: that withdrawal is another service's
    referrer_check(membership, placement_request)
    placement_request = request_lock(placement_request)
    transition_check(placement_request, Status.CLOSED, Role.REFERRER, sources=WITHDRAW_FROM)
    placement_request.outcome = Outcome.WITHDRAWN
    waiting_end(placement_request)  # a withdrawn request no longer counts as unmet need
    status_change(
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
        coordinators_notify(
            placement_request,
            _("Plaatsingsverzoek %(ref)s is ingetrokken") % {"ref": placement_request.reference},
            _("De verwijzer heeft het verzoek ingetrokken."),
        )
    return placement_request
