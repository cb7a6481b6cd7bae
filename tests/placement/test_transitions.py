"""The transition rules against a hand-written oracle: `transition_allowed` answers as the
oracle does for every (from, to, role), and every service works from exactly the states
the oracle allows; every other move is refused with 409 TransitionNotAllowed and changes
nothing."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.errors import TransitionNotAllowed
from core.events import events_for
from core.models import OutboxMessage
from intake import services as intake_services
from intake.models import SYSTEM, TRANSITIONS, PlacementRequest, Status, transition_allowed
from intake.services.workflow import referrer_told
from placement import services
from tests.accounts.factories import member
from tests.placement.factories import make_request

# The oracle, written out by hand from the domain brief (not derived from TRANSITIONS):
# every (from, to, role) move the product allows. Anything else is refused.
DR, SU, RE, MA, EX = Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.MATCHING, Status.EXPERT_TABLE
WA, OF, AC, PL, EN = Status.WAITING, Status.OFFERED, Status.ACCEPTED, Status.PLACED, Status.ENDED
CL, CR = Status.CLOSED, Status.CRISIS
REF, COORD, PROV = Role.REFERRER, Role.COORDINATOR, Role.PROVIDER
ALLOWED_MOVES = {
    # the referrer submits a draft, or a returned request again
    (DR, SU, REF), (RE, SU, REF),
    # triage of a submitted request or one back from the expert table
    (SU, MA, COORD), (EX, MA, COORD), (SU, RE, COORD), (EX, RE, COORD), (SU, EX, COORD),
    (SU, CL, COORD), (EX, CL, COORD), (SU, CR, COORD), (EX, CR, COORD),
    # the referrer withdraws while no provider is involved
    (DR, CL, REF), (SU, CL, REF), (RE, CL, REF), (EX, CL, REF), (MA, CL, REF), (WA, CL, REF),
    # matching: offer, wait for a place, resume
    (MA, OF, COORD), (WA, OF, COORD), (MA, WA, COORD), (WA, MA, COORD),
    # the offer is withdrawn, declined or expires; or it is accepted
    (OF, MA, COORD), (OF, MA, PROV), (OF, MA, SYSTEM), (OF, AC, PROV),
    # placement start and end, by the coordinator or the provider
    (AC, PL, COORD), (AC, PL, PROV), (PL, EN, COORD), (PL, EN, PROV),
    # issue 11: after acceptance the offer falls through (coordinator: any party; provider:
    # its retraction), or the referrer or the coordinator withdraws the request
    (AC, MA, COORD), (AC, MA, PROV), (AC, CL, REF), (AC, CL, COORD),
    # issue 11, crisis: the dossier of a crisis placement is submitted by the referrer or
    # the coordinator; at triage the youth stays or a longer-term place is sought (both:
    # placed, in the crisis place for now); the crisis placement may end before the dossier
    (CR, SU, REF), (CR, SU, COORD), (SU, PL, COORD), (EX, PL, COORD), (CR, EN, COORD), (CR, EN, PROV),
    # issue 11: a change in place (intensity, legal status, care type) keeps the request
    # placed; the coordinator or the placement's provider records it
    (PL, PL, COORD), (PL, PL, PROV),
}  # fmt: skip
ROLES = [*Role.values, SYSTEM]

# Every action a service offers: the role performing it, its target, and (by hand) the
# states it works from. Several services share a (from, to) pair; each starts only from
# its own states (e.g. "resume matching" only from waiting, not from an open offer).
ACTIONS = {
    "submit": (REF, SU, {DR, RE, CR}),
    "triage_matching": (COORD, MA, {SU, EX}),
    "triage_return": (COORD, RE, {SU, EX}),
    "triage_expert_table": (COORD, EX, {SU}),
    "triage_close": (COORD, CL, {SU, EX}),
    "crisis_register": (COORD, CR, {SU, EX}),
    "crisis_submit": (COORD, SU, {CR}),
    "crisis_stay": (COORD, PL, {SU, EX}),
    "crisis_longer_term": (COORD, PL, {SU, EX}),
    "withdraw": (REF, CL, {DR, SU, RE, EX, MA, WA}),
    "offer": (COORD, OF, {MA, WA}),
    "wait": (COORD, WA, {MA}),
    "resume_matching": (COORD, MA, {WA}),
    "withdraw_offer": (COORD, MA, {OF}),
    "decline": (PROV, MA, {OF}),
    "expire": (SYSTEM, MA, {OF}),
    "accept": (PROV, AC, {OF}),
    "placement_start": (COORD, PL, {AC}),
    "placement_start_by_provider": (PROV, PL, {AC}),
    "placement_end": (COORD, EN, {PL, CR}),
    "placement_end_by_provider": (PROV, EN, {PL, CR}),
    "fall_through": (COORD, MA, {AC}),
    "fall_through_by_provider": (PROV, MA, {AC}),
    "withdraw_accepted": (REF, CL, {AC}),
    "withdraw_accepted_by_coordinator": (COORD, CL, {AC}),
    # issue 11: the decision of a recorded expert-table meeting moves the request
    "expert_table_matching": (COORD, MA, {EX}),
    "expert_table_return": (COORD, RE, {EX}),
    "expert_table_close": (COORD, CL, {EX}),
    # (a crisis decision stays at the table until the one-step registration, "crisis_register")
    "change_in_place": (COORD, PL, {PL}),
    "change_in_place_by_provider": (PROV, PL, {PL}),
}


def test_the_hand_written_tables_agree():
    """The per-service table covers exactly the allowed moves (a check of the oracle itself)."""
    assert {(s, t, r) for r, t, sources in ACTIONS.values() for s in sources} == ALLOWED_MOVES


def test_transition_allowed_answers_as_the_oracle_for_every_move_and_role():
    wrong = [
        (source, target, role, transition_allowed(source, target, role))
        for source in Status.values
        for target in Status.values
        for role in ROLES
        if transition_allowed(source, target, role) != ((source, target, role) in ALLOWED_MOVES)
    ]
    assert wrong == []


def _prepare(action, referrer, coordinator):
    """A request with what the action needs (an open offer, an accepted one, a placement)."""
    from tests.placement.factories import fitting_facility, in_matching, offer_to

    context = {}
    if action in ("offer",) or action in OFFER_ACTIONS | AFTER_ACCEPT or action.startswith(PLACED_ACTIONS):
        placement_request = in_matching(referrer, coordinator)
        facility = fitting_facility()
        context["staff"] = member(Role.PROVIDER, organisation=facility.provider)
        context["facility"] = facility
        if action != "offer":
            context["offer"] = offer_to(placement_request, facility, coordinator)
        if action.startswith(PLACED_ACTIONS) or action in AFTER_ACCEPT:
            services.offer_accept(
                offer=context["offer"],
                by=context["staff"],
                membership=membership_with_role(context["staff"], Role.PROVIDER),
            )
        if action.startswith(("placement_end", "change_in_place")):
            context["placement"] = services.placement_start(
                placement_request=placement_request,
                start_date=timezone.localdate(),
                by=coordinator,
                membership=membership_with_role(coordinator, Role.COORDINATOR),
            )
        placement_request.refresh_from_db()
        return placement_request, context
    if action in CRISIS_ACTIONS:
        context["facility"] = fitting_facility()
        placement_request = make_request(referrer, submit=True)
        if action != "crisis_register":  # the request has its crisis placement
            services.crisis_placement_register(
                by=coordinator,
                membership=membership_with_role(coordinator, Role.COORDINATOR),
                facility_id=context["facility"].pk,
                started_at=timezone.now(),
                placement_request=placement_request,
            )
            placement_request.refresh_from_db()
        return placement_request, context
    return make_request(referrer), context


CRISIS_ACTIONS = {"crisis_register", "crisis_submit", "crisis_stay", "crisis_longer_term"}


PLACED_ACTIONS = ("placement_", "change_in_place")
OFFER_ACTIONS = {"withdraw_offer", "decline", "expire", "accept"}
AFTER_ACCEPT = {"fall_through", "fall_through_by_provider", "withdraw_accepted", "withdraw_accepted_by_coordinator"}


def _run(action, placement_request, referrer, coordinator, context=None):
    context = context or {}
    coordination = membership_with_role(coordinator, Role.COORDINATOR)
    staff = context.get("staff")
    if action == "submit":
        return intake_services.request_submit(
            placement_request=placement_request, by=referrer, membership=membership_with_role(referrer, Role.REFERRER)
        )
    if action == "crisis_register":
        services.crisis_placement_register(
            by=coordinator,
            membership=coordination,
            facility_id=context["facility"].pk,
            started_at=timezone.now(),
            placement_request=placement_request,
        )
        return placement_request
    if action == "crisis_submit":
        return services.crisis_dossier_submit(
            placement_request=placement_request, by=coordinator, membership=coordination
        )
    if action in ("crisis_stay", "crisis_longer_term"):
        services.crisis_followup_triage(
            placement_request=placement_request,
            decision=action.removeprefix("crisis_"),
            by=coordinator,
            membership=coordination,
        )
        return placement_request  # the longer-term search is a new (transfer) request
    if action == "withdraw":
        return intake_services.request_withdraw(
            placement_request=placement_request, by=referrer, membership=membership_with_role(referrer, Role.REFERRER)
        )
    if action == "offer":
        services.offer_create(
            placement_request=placement_request,
            facility_id=context["facility"].pk,
            by=coordinator,
            membership=coordination,
        )
        return placement_request
    if action == "wait":
        services.request_wait(
            placement_request=placement_request,
            reason="fitting_full",
            bridging_care="Ambulant",
            by=coordinator,
            membership=coordination,
        )
        return placement_request
    if action == "resume_matching":
        return services.request_resume_matching(
            placement_request=placement_request, by=coordinator, membership=coordination
        )
    if action in OFFER_ACTIONS:
        offer = context["offer"]
        if action == "withdraw_offer":
            services.offer_withdraw(offer=offer, reason="Elders", by=coordinator, membership=coordination)
        elif action == "decline":
            services.offer_decline(
                offer=offer,
                reason="staffing",
                motivation="Te weinig personeel",
                by=staff,
                membership=membership_with_role(staff, Role.PROVIDER),
            )
        elif action == "accept":
            services.offer_accept(offer=offer, by=staff, membership=membership_with_role(staff, Role.PROVIDER))
        else:  # the beat job, run after the deadline
            services.offer_expire(offer_id=offer.pk, now=offer.deadline + datetime.timedelta(minutes=1))
        return placement_request
    if action in AFTER_ACCEPT:
        if action.startswith("fall_through"):
            by_provider = action.endswith("_by_provider")
            services.offer_fall_through(
                offer=context["offer"],
                party="provider" if by_provider else "youth",
                reason_code="other",
                motivation="Toelichting",
                by=staff if by_provider else coordinator,
                membership=membership_with_role(staff, Role.PROVIDER) if by_provider else coordination,
            )
            return placement_request
        by_referrer = action == "withdraw_accepted"
        return services.request_withdraw_accepted(
            placement_request=placement_request,
            reason="Toelichting",
            by=referrer if by_referrer else coordinator,
            membership=membership_with_role(referrer, Role.REFERRER) if by_referrer else coordination,
        )
    if action.startswith("change_in_place"):
        by_provider = action.endswith("_by_provider")
        user = staff if by_provider else coordinator
        services.placement_change(
            placement=context["placement"],
            effective_date=timezone.localdate(),
            reason="Meer begeleiding nodig",
            intensity="P",
            by=user,
            membership=membership_with_role(user, Role.PROVIDER if by_provider else Role.COORDINATOR),
        )
        return placement_request
    if action.startswith("placement_"):
        by_provider = action.endswith("_by_provider")
        user = staff if by_provider else coordinator
        membership = membership_with_role(user, Role.PROVIDER if by_provider else Role.COORDINATOR)
        if action.startswith("placement_start"):
            services.placement_start(
                placement_request=placement_request, start_date=timezone.localdate(), by=user, membership=membership
            )
        else:
            services.placement_end(
                placement=context["placement"],
                end_date=timezone.localdate(),
                reason="01",
                destination="home",
                by=user,
                membership=membership,
            )
        return placement_request
    if action.startswith("expert_table_"):
        decision = action.removeprefix("expert_table_")
        intake_services.expert_table_meeting_record(
            placement_request=placement_request,
            held_on=timezone.localdate(),
            participants=[{"role": "coordinator", "organisation": "Coördinatiepunt"}],
            advice="Advies",
            decision=decision,
            motivation="Motivering",
            outcome="help_at_home" if decision == "close" else "",
            by=coordinator,
            membership=coordination,
        )
        return placement_request
    decision = {"triage_return": "return"}.get(action, action.removeprefix("triage_"))
    return intake_services.request_triage(
        placement_request=placement_request,
        decision=decision,
        by=coordinator,
        membership=coordination,
        reason="Toelichting" if decision in ("return", "expert_table") else "",
        outcome="help_at_home" if decision == "close" else "",
    )


def _allowed(action, source):
    return source in ACTIONS[action][2]


def _put_in(placement_request, status):
    fields = {"status": status, "outcome": "other" if status == Status.CLOSED else ""}
    if status != Status.DRAFT:
        fields["referral_date"] = placement_request.referral_date or __import__("datetime").date.today()
    if status == Status.CRISIS:  # the database requires the dossier's due day
        fields["crisis_dossier_due"] = placement_request.crisis_dossier_due or __import__("datetime").date.today()
    PlacementRequest.objects.filter(pk=placement_request.pk).update(**fields)
    placement_request.refresh_from_db()


@pytest.mark.django_db
@pytest.mark.parametrize("source", Status.values)
def test_every_transition_from(source, referrer, coordinator):
    for action, (role, target, _sources) in ACTIONS.items():
        placement_request, context = _prepare(action, referrer, coordinator)
        _put_in(placement_request, source)
        events_before = len(events_for(placement_request))
        outbox_before = OutboxMessage.objects.count()
        referrer_before = OutboxMessage.objects.filter(recipient=referrer).count()
        if _allowed(action, source):
            result = _run(action, placement_request, referrer, coordinator, context)
            result.refresh_from_db()
            assert result.status == target, (source, action)
            last = (
                list(events_for(result))[-1]
                if not action.startswith("placement_end")
                else [e for e in events_for(result) if e.event_type == "placement_ended"][-1]
            )
            assert (last.from_state, last.to_state) == (source, target)
            # the referrer is told the steps that concern it (`referrer_told`), never its own
            told = referrer_told(source, target)[0] and role != Role.REFERRER
            told_now = OutboxMessage.objects.filter(recipient=referrer).count() - referrer_before
            assert (told_now > 0) == told, (source, action, told_now)
            assert OutboxMessage.objects.count() > outbox_before or not told
        else:
            with pytest.raises(TransitionNotAllowed):
                _run(action, placement_request, referrer, coordinator, context)
            placement_request.refresh_from_db()
            assert placement_request.status == source, (source, action)
            assert len(events_for(placement_request)) == events_before
            assert OutboxMessage.objects.count() == outbox_before


def test_every_table_entry_has_a_service():
    """Each (from, to, role) in the table is a move some service makes."""
    for (source, target), roles in TRANSITIONS.items():
        for role in roles:
            assert any(
                (r, t) == (role, target) and (sources is None or source in sources)
                for r, t, sources in ACTIONS.values()
            ), (source, target, role)


def test_table_covers_only_known_states_and_roles():
    for (source, target), roles in TRANSITIONS.items():
        assert source in Status.values and target in Status.values and roles
        assert roles <= {Role.REFERRER, Role.COORDINATOR, Role.PROVIDER, SYSTEM}
    # Every action's allowed set is what the domain says.
    allowed = {(s, t) for (s, t), roles in TRANSITIONS.items()}
    assert (Status.DRAFT, Status.SUBMITTED) in allowed and (Status.RETURNED, Status.SUBMITTED) in allowed
    assert (Status.SUBMITTED, Status.MATCHING) in allowed
    assert (Status.DRAFT, Status.MATCHING) not in allowed
    assert not any(s in (Status.CLOSED, Status.ENDED) for s, _t in allowed)  # end states
    # Issue 11: crisis is no longer a dead end (its dossier follows), but nobody withdraws it.
    assert {t for s, t in allowed if s == Status.CRISIS} == {Status.SUBMITTED, Status.ENDED}


@pytest.mark.django_db
def test_api_wrong_state_transition_is_409(api, referrer, coordinator):
    placement_request = make_request(referrer)  # a draft
    response = api.as_user(coordinator).post(
        f"/api/v1/requests/{placement_request.pk}/triage", {"decision": "matching"}, format="json"
    )
    assert response.status_code == 404  # coordinators do not see drafts at all
    placement_request = make_request(referrer, submit=True)
    api.as_user(coordinator).post(
        f"/api/v1/requests/{placement_request.pk}/triage", {"decision": "matching"}, format="json"
    )
    response = api.as_user(coordinator).post(
        f"/api/v1/requests/{placement_request.pk}/triage", {"decision": "expert_table", "reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["type"].endswith("transition_not_allowed")
    response = api.as_user(referrer).post(f"/api/v1/requests/{placement_request.pk}/submit")
    assert response.status_code == 409
    placement_request.refresh_from_db()
    assert placement_request.status == Status.MATCHING
