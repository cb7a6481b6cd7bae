"""Walk the whole transition table: every allowed move works through its service, every
other move is refused with 409 TransitionNotAllowed and changes nothing."""

import pytest

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.errors import TransitionNotAllowed
from core.events import events_for
from core.models import OutboxMessage
from placement import services
from placement.models import TRANSITIONS, PlacementRequest, Status, transition_allowed
from tests.placement.factories import make_request

# Every action a service offers today, with the role that performs it and the target.
ACTIONS = {
    "submit": (Role.REFERRER, Status.SUBMITTED),
    "triage_matching": (Role.COORDINATOR, Status.MATCHING),
    "triage_return": (Role.COORDINATOR, Status.RETURNED),
    "triage_expert_table": (Role.COORDINATOR, Status.EXPERT_TABLE),
    "triage_close": (Role.COORDINATOR, Status.CLOSED),
    "triage_crisis": (Role.COORDINATOR, Status.CRISIS),
    "withdraw": (Role.REFERRER, Status.CLOSED),
}


def _run(action, placement_request, referrer, coordinator):
    if action == "submit":
        return services.request_submit(
            placement_request=placement_request, by=referrer, membership=membership_with_role(referrer, Role.REFERRER)
        )
    if action == "withdraw":
        return services.request_withdraw(
            placement_request=placement_request, by=referrer, membership=membership_with_role(referrer, Role.REFERRER)
        )
    decision = {"triage_return": "return"}.get(action, action.removeprefix("triage_"))
    return services.request_triage(
        placement_request=placement_request, decision=decision, by=coordinator,
        membership=membership_with_role(coordinator, Role.COORDINATOR),
        reason="Toelichting" if decision in ("return", "expert_table") else "",
        outcome="help_at_home" if decision == "close" else "",
    )


def _put_in(placement_request, status):
    fields = {"status": status, "outcome": "other" if status == Status.CLOSED else ""}
    if status != Status.DRAFT:
        fields["referral_date"] = placement_request.referral_date or __import__("datetime").date.today()
    PlacementRequest.objects.filter(pk=placement_request.pk).update(**fields)
    placement_request.refresh_from_db()


@pytest.mark.django_db
@pytest.mark.parametrize("source", Status.values)
def test_every_transition_from(source, referrer, coordinator):
    for action, (role, target) in ACTIONS.items():
        placement_request = make_request(referrer)
        _put_in(placement_request, source)
        events_before = len(events_for(placement_request))
        outbox_before = OutboxMessage.objects.count()
        if transition_allowed(source, target, role):
            result = _run(action, placement_request, referrer, coordinator)
            result.refresh_from_db()
            assert result.status == target, (source, action)
            last = list(events_for(result))[-1]
            assert (last.from_state, last.to_state) == (source, target)
            assert OutboxMessage.objects.filter(recipient=referrer).count() > 0  # referrer is told
            assert OutboxMessage.objects.count() > outbox_before
        else:
            with pytest.raises(TransitionNotAllowed):
                _run(action, placement_request, referrer, coordinator)
            placement_request.refresh_from_db()
            assert placement_request.status == source, (source, action)
            assert len(events_for(placement_request)) == events_before
            assert OutboxMessage.objects.count() == outbox_before


def test_table_covers_only_known_states_and_roles():
    for (source, target), roles in TRANSITIONS.items():
        assert source in Status.values and target in Status.values and roles
        assert roles <= {Role.REFERRER, Role.COORDINATOR}
    # Every action's allowed set is what the domain says.
    allowed = {(s, t) for (s, t), roles in TRANSITIONS.items()}
    assert (Status.DRAFT, Status.SUBMITTED) in allowed and (Status.RETURNED, Status.SUBMITTED) in allowed
    assert (Status.SUBMITTED, Status.MATCHING) in allowed
    assert (Status.DRAFT, Status.MATCHING) not in allowed
    assert not any(s in (Status.CLOSED, Status.CRISIS) for s, _t in allowed)  # end states


@pytest.mark.django_db
def test_api_wrong_state_transition_is_409(api, referrer, coordinator):
    placement_request = make_request(referrer)  # a draft
    response = api.as_user(coordinator).post(
        f"/api/v1/requests/{placement_request.pk}/triage", {"decision": "matching"}, format="json"
    )
    assert response.status_code == 404  # coordinators do not see drafts at all
    placement_request = make_request(referrer, submit=True)
    api.as_user(coordinator).post(f"/api/v1/requests/{placement_request.pk}/triage", {"decision": "matching"}, format="json")
    response = api.as_user(coordinator).post(
        f"/api/v1/requests/{placement_request.pk}/triage", {"decision": "expert_table", "reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["type"].endswith("transition_not_allowed")
    response = api.as_user(referrer).post(f"/api/v1/requests/{placement_request.pk}/submit")
    assert response.status_code == 409
    placement_request.refresh_from_db()
    assert placement_request.status == Status.MATCHING
