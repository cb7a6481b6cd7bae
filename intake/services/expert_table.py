"""The expert table (experttafel / RET, issue 11): the coordinator records a meeting on a
request that triage sent there (date, participants by role and organisation, advice,
decision with motivation). The decision moves the request through the triage service
(`triage.request_triage`: one place for the transition rules); "adjourned" keeps it at
the expert table for a later meeting. The latest meeting's decision is the one that
moved the request. Meeting and move are one transaction: a refused move writes nothing.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from core.errors import Invalid, TransitionNotAllowed
from core.events import event_record
from intake.models import (
    EXPERT_TABLE_FROM,
    PERSONAL_ROLES,
    TRIAGE_TARGET,
    ExpertTableDecision,
    ExpertTableMeeting,
    ExpertTableParticipant,
    ParticipantRole,
    Status,
    TriageDecision,
)
from intake.services.triage import request_triage, triage_problems
from intake.services.workflow import coordinator_check, request_lock, transition_check

ORGANISATION_MAX_LENGTH = 200
MAX_PARTICIPANTS = 30


def expert_table_problems(
    *, placement_request, held_on, participants, advice: str, decision: str, motivation: str, outcome: str
) -> list[dict]:
    """Every problem with a meeting's input at once, as invalid_params."""
    problems = []
    today = timezone.localdate()
    if held_on is None:
        problems.append({"name": "held_on", "reason": _("Vul de datum van de bespreking in.")})
    elif held_on > today:
        problems.append(
            {"name": "held_on", "reason": _("Een bespreking in de toekomst kan nog niet worden vastgelegd.")}
        )
    elif placement_request.referral_date and held_on < placement_request.referral_date:
        problems.append({"name": "held_on", "reason": _("De bespreking kan niet voor de verwijsdatum liggen.")})
    participants = participants or []
    if not participants:
        problems.append({"name": "participants", "reason": _("Noem wie er aan tafel zat (minstens één deelnemer).")})
    elif len(participants) > MAX_PARTICIPANTS:
        problems.append({"name": "participants", "reason": _("Te veel deelnemers.")})
    for index, item in enumerate(participants[:MAX_PARTICIPANTS]):
        role = item.get("role") or ""
        organisation = (item.get("organisation") or "").strip()
        if role not in ParticipantRole.values:
            problems.append({"name": f"participants.{index}.role", "reason": _("Kies de rol van de deelnemer.")})
        elif role not in PERSONAL_ROLES and not organisation:
            problems.append(
                {"name": f"participants.{index}.organisation", "reason": _("Noem de organisatie van de deelnemer.")}
            )
        if len(organisation) > ORGANISATION_MAX_LENGTH:
            problems.append(
                {
                    "name": f"participants.{index}.organisation",
                    "reason": _("Hoogstens %(n)s tekens.") % {"n": ORGANISATION_MAX_LENGTH},
                }
            )
    if not (advice or "").strip():
        problems.append({"name": "advice", "reason": _("Vul het advies van de experttafel in.")})
    if not (motivation or "").strip():
        problems.append(
            {"name": "motivation", "reason": _("Motiveer het besluit (de verwijzer ziet deze motivering).")}
        )
    if decision not in ExpertTableDecision.values:
        problems.append({"name": "decision", "reason": _("Kies een van de mogelijke besluiten.")})
    elif decision == ExpertTableDecision.ADJOURNED:
        if outcome:
            problems.append({"name": "outcome", "reason": _("Een uitkomst hoort alleen bij afsluiten.")})
    else:
        # The triage rules for the decision itself (the motivation is triage's reason).
        problems.extend(
            {**p, "name": "motivation"} if p["name"] == "reason" else p
            for p in triage_problems(decision=decision, reason=motivation or "", outcome=outcome or "")
            if not (p["name"] == "reason" and not (motivation or "").strip())  # already named above
        )
    return problems


@transaction.atomic
def expert_table_meeting_record(
    *,
    placement_request,
    held_on,
    participants: list[dict],
    advice: str,
    decision: str,
    motivation: str,
    outcome: str = "",
    by,
    membership,
) -> ExpertTableMeeting:
    """Record a meeting of the expert table on a request that is there, and carry out its
    decision (through triage)."""
    coordinator_check(membership, placement_request)
    outcome = outcome or ""
    problems = expert_table_problems(
        placement_request=placement_request,
        held_on=held_on,
        participants=participants,
        advice=advice,
        decision=decision,
        motivation=motivation,
        outcome=outcome,
    )
    if problems:
        raise Invalid(_("De bespreking is niet volledig ingevuld."), invalid_params=problems)
    placement_request = request_lock(placement_request)
    if placement_request.status not in EXPERT_TABLE_FROM:
        raise TransitionNotAllowed(
            _("Alleen een verzoek dat bij de experttafel ligt krijgt een verslag van de experttafel."),
            code="not_at_expert_table",
        )
    # A crisis decision stays at the table until the crisis placement is registered in one
    # step (placement.services.crisis), which makes this request its follow-up.
    adjourned = decision in (ExpertTableDecision.ADJOURNED, ExpertTableDecision.CRISIS)
    target = Status.EXPERT_TABLE if adjourned else TRIAGE_TARGET[TriageDecision(decision)]
    if not adjourned:
        transition_check(placement_request, target, Role.COORDINATOR, sources=EXPERT_TABLE_FROM)
    meeting = ExpertTableMeeting.objects.create(
        request=placement_request,
        held_on=held_on,
        advice=advice.strip(),
        decision=decision,
        motivation=motivation.strip(),
        outcome=outcome,
        status_after=target,
        recorded_by=by,
    )
    ExpertTableParticipant.objects.bulk_create(
        [
            ExpertTableParticipant(
                meeting=meeting, role=item["role"], organisation=(item.get("organisation") or "").strip()
            )
            for item in participants
        ]
    )
    event_record(
        subject=placement_request,
        event_type="expert_table_meeting_recorded",
        by=by,
        organisation=membership.organisation,
        reason_code=decision,
        details={
            "meeting_id": meeting.pk,
            "held_on": held_on.isoformat(),
            "decision": decision,
            "participant_roles": sorted({item["role"] for item in participants}),
            "reason": meeting.motivation,
        },
    )
    if not adjourned:
        request_triage(
            placement_request=placement_request,
            decision=decision,
            by=by,
            membership=membership,
            reason=meeting.motivation,
            outcome=outcome,
        )
    return meeting
