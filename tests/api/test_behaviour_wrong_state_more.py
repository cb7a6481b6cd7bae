"""Issue 14 (api-409): the remaining state-changing endpoints. An allowed role acting on an
object in the wrong state gets 409 problem+json; a role that may never act 403; an object
outside the caller's scope 404. Nothing changes in any of these cases."""

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import membership_with_role
from accounts.webhook_models import WebhookSubscription
from accounts.webhooks import MAX_SUBSCRIPTIONS_PER_ORGANISATION
from capacity.models import GroupResident
from core.errors import DomainError
from core.models import Event
from intake import services as intake_services
from intake.models import SECTION_FIELDS, AnalysisAssignment, Status
from placement import services
from tests.api.test_conventions import assert_problem
from tests.intake.test_draft_help import accept, ask, draft_without_analysis
from tests.intake.test_expert_table import _body, at_expert_table
from tests.placement.factories import (
    ANALYSIS,
    fitting_facility,
    in_matching,
    make_request,
    offer_to,
    provider_membership,
)
from tests.placement.test_change_in_place import placed

TODAY = timezone.localdate


def _post(api, user, path, body=None):
    return api.as_user(user).post(f"/api/v1{path}", body if body is not None else {}, format="json")


def _unchanged(placement_request, status):
    placement_request.refresh_from_db()
    assert placement_request.status == status


@pytest.fixture
def scientist(make_member, twente):
    return make_member(Role.BEHAVIOURAL_SCIENTIST, regions=[twente])


@pytest.fixture
def closed(referrer):
    placement_request = make_request(referrer, submit=True)
    intake_services.request_withdraw(
        placement_request=placement_request,
        by=referrer,
        membership=membership_with_role(referrer, Role.REFERRER),
        reason="Niet meer nodig",
    )
    placement_request.refresh_from_db()
    assert placement_request.status == Status.CLOSED
    return placement_request


# --- owner ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_owner_of_a_closed_request_is_409_wrong_role_403_outsider_404(
    api, closed, coordinator, referrer, coordinator_drenthe
):
    path = f"/requests/{closed.pk}/owner"
    events = Event.objects.count()
    assert_problem(_post(api, coordinator, path, {"owner": coordinator.pk}), 409)
    assert_problem(_post(api, referrer, path, {"owner": coordinator.pk}), 403)
    assert_problem(_post(api, coordinator_drenthe, path, {"owner": coordinator_drenthe.pk}), 404)
    closed.refresh_from_db()
    assert closed.owner_id is None and Event.objects.count() == events


# --- wait / resume matching -----------------------------------------------------------------

WAIT = {
    "reason": "no_fitting_facility",
    "bridging_care": {"what": "Gezinsbehandeling", "by": "Karakter", "since": "2025-01-06"},
}


@pytest.mark.django_db
def test_wait_on_a_request_not_in_matching_is_409_wrong_role_403_outsider_404(
    api, referrer, coordinator, coordinator_drenthe
):
    placement_request = make_request(referrer, submit=True)
    path = f"/requests/{placement_request.pk}/wait"
    assert_problem(_post(api, coordinator, path, WAIT), 409)
    assert_problem(_post(api, referrer, path, WAIT), 403)
    assert_problem(_post(api, coordinator_drenthe, path, WAIT), 404)
    _unchanged(placement_request, Status.SUBMITTED)


@pytest.mark.django_db
def test_resume_matching_of_a_request_that_does_not_wait_is_409_wrong_role_403_outsider_404(
    api, referrer, coordinator, coordinator_drenthe
):
    placement_request = in_matching(referrer, coordinator)
    path = f"/requests/{placement_request.pk}/resume-matching"
    assert_problem(_post(api, coordinator, path), 409)
    assert_problem(_post(api, referrer, path), 403)
    assert_problem(_post(api, coordinator_drenthe, path), 404)
    _unchanged(placement_request, Status.MATCHING)


# --- withdraw -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_withdrawing_a_closed_request_is_409_for_the_referrer(api, closed, referrer):
    assert_problem(_post(api, referrer, f"/requests/{closed.pk}/withdraw", {"reason": "Nog eens"}), 409)


@pytest.mark.django_db
def test_a_coordinator_withdrawing_a_request_that_is_not_accepted_is_409(api, referrer, coordinator):
    """The coordinator may withdraw an accepted request (the place is held); in matching
    that is the wrong state, not the wrong role."""
    placement_request = in_matching(referrer, coordinator)
    body = assert_problem(
        _post(api, coordinator, f"/requests/{placement_request.pk}/withdraw", {"reason": "Te vroeg"}), 409
    )
    assert body["type"].endswith("#transition_not_allowed")
    _unchanged(placement_request, Status.MATCHING)


@pytest.mark.django_db
def test_withdraw_wrong_role_403_outsider_404(
    api, referrer, coordinator, coordinator_drenthe, provider_user, make_member
):
    placement_request = in_matching(referrer, coordinator)
    path = f"/requests/{placement_request.pk}/withdraw"
    assert_problem(_post(api, provider_user, path, {"reason": "x"}), 403)
    assert_problem(_post(api, coordinator_drenthe, path, {"reason": "x"}), 404)
    assert_problem(_post(api, make_member(Role.REFERRER), path, {"reason": "x"}), 404)
    _unchanged(placement_request, Status.MATCHING)


# --- crisis ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_crisis_submit_and_triage_of_an_ordinary_request_are_409_wrong_role_403_outsider_404(
    api, referrer, coordinator, coordinator_drenthe
):
    placement_request = in_matching(referrer, coordinator)
    submit = f"/requests/{placement_request.pk}/crisis-submit"
    triage = f"/requests/{placement_request.pk}/crisis-triage"
    assert_problem(_post(api, coordinator, submit), 409)
    assert_problem(_post(api, coordinator, triage, {"decision": "stay"}), 409)
    assert_problem(_post(api, referrer, submit), 403)
    assert_problem(_post(api, referrer, triage, {"decision": "stay"}), 403)
    assert_problem(_post(api, coordinator_drenthe, submit), 404)
    assert_problem(_post(api, coordinator_drenthe, triage, {"decision": "stay"}), 404)
    _unchanged(placement_request, Status.MATCHING)


@pytest.mark.django_db
def test_crisis_placement_for_a_request_already_in_matching_is_409(api, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    body = {"request": placement_request.pk, "facility": facility.pk, "started_at": timezone.now().isoformat()}
    response = _post(api, coordinator, "/crisis-placements", body)
    assert_problem(response, 409)
    assert_problem(_post(api, referrer, "/crisis-placements", body), 403)
    _unchanged(placement_request, Status.MATCHING)


# --- pool -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_analysis_help_on_a_submitted_request_is_409_wrong_role_403_outsider_404(
    api, referrer, coordinator, make_member
):
    placement_request = make_request(referrer, submit=True)
    path = f"/requests/{placement_request.pk}/analysis-help"
    assert_problem(_post(api, referrer, path, {"question": "Help"}), 409)
    assert_problem(_post(api, coordinator, path, {"question": "Help"}), 403)
    assert_problem(_post(api, make_member(Role.REFERRER), path, {"question": "Help"}), 404)
    assert not AnalysisAssignment.objects.exists()


@pytest.mark.django_db
def test_accepting_a_taken_assignment_is_409_completing_an_open_one_is_409(
    api, referrer, scientist, make_member, drenthe, twente
):
    assignment = ask(draft_without_analysis(referrer), referrer)
    other = make_member(Role.BEHAVIOURAL_SCIENTIST, regions=[twente])
    assert_problem(_post(api, scientist, f"/assignments/{assignment.pk}/complete", {"note": "klaar"}), 409)
    accept(assignment, scientist)
    assert_problem(_post(api, scientist, f"/assignments/{assignment.pk}/accept"), 409)
    assert_problem(_post(api, referrer, f"/assignments/{assignment.pk}/accept"), 403)
    assert_problem(_post(api, referrer, f"/assignments/{assignment.pk}/complete", {"note": "x"}), 403)
    outsider = make_member(Role.BEHAVIOURAL_SCIENTIST, regions=[drenthe])
    assert_problem(_post(api, outsider, f"/assignments/{assignment.pk}/accept"), 404)
    assert_problem(_post(api, other, f"/assignments/{assignment.pk}/complete", {"note": "x"}), 404)
    assignment.refresh_from_db()
    assert assignment.status == "accepted" and assignment.assigned_to_id == scientist.pk


@pytest.mark.django_db
def test_a_scientist_whose_assignment_is_not_accepted_any_more_gets_409_from_the_service(referrer, scientist):
    """The known case: content_edit_check said 403 "Neem de opdracht eerst aan" to a
    behavioural scientist, a role that may write the analysis; that is a wrong state."""
    placement_request = draft_without_analysis(referrer)
    assignment = accept(ask(placement_request, referrer), scientist)
    AnalysisAssignment.objects.filter(pk=assignment.pk).update(status=AnalysisAssignment.AssignmentStatus.CANCELLED)
    membership = membership_with_role(scientist, Role.BEHAVIOURAL_SCIENTIST)
    data = {name: ANALYSIS[name] for name in SECTION_FIELDS}
    with pytest.raises(DomainError) as refused:
        intake_services.analysis_save(
            placement_request=placement_request, data=data, by=scientist, membership=membership
        )
    assert refused.value.status == 409
    assert str(refused.value.detail) == "Neem de opdracht eerst aan."
    assert placement_request.analysis is None


@pytest.mark.django_db
def test_expert_table_meeting_on_a_request_in_matching_is_409_wrong_role_403_outsider_404(
    api, referrer, coordinator, coordinator_drenthe
):
    placement_request = in_matching(referrer, coordinator)
    path = f"/requests/{placement_request.pk}/expert-table-meetings"
    assert_problem(_post(api, coordinator, path, _body()), 409)
    assert_problem(_post(api, referrer, path, _body()), 403)
    assert_problem(_post(api, coordinator_drenthe, path, _body()), 404)
    _unchanged(placement_request, Status.MATCHING)
    assert at_expert_table(referrer, coordinator).status == Status.EXPERT_TABLE


# --- youth ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_unlinking_a_youth_that_is_not_linked_is_409_wrong_role_403_outsider_404(
    api, referrer, coordinator, coordinator_drenthe, provider_user
):
    placement_request = in_matching(referrer, coordinator)
    youth = placement_request.youth_id
    path = f"/requests/{placement_request.pk}/youth/unlink"
    body = assert_problem(_post(api, coordinator, path, {"reason": "Ander kind"}), 409)
    assert body["type"].endswith("#not_linked")
    assert_problem(_post(api, provider_user, path, {"reason": "Ander kind"}), 403)
    assert_problem(_post(api, coordinator_drenthe, path, {"reason": "Ander kind"}), 404)
    placement_request.refresh_from_db()
    assert placement_request.youth_id == youth


# --- placement changes ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff", "coordinator"])
def test_changing_an_ended_placement_is_409(api, referrer, coordinator, who):
    _request, placement, _facility, staff = placed(referrer, coordinator)
    end = {"end_date": TODAY().isoformat(), "reason": "01", "destination": "home"}
    assert _post(api, coordinator, f"/placements/{placement.pk}/end", end).status_code == 200
    change = {"intensity": "P", "effective_date": TODAY().isoformat(), "reason": "Meer begeleiding"}
    user = staff if who == "staff" else coordinator
    assert_problem(_post(api, user, f"/placements/{placement.pk}/changes", change), 409)
    placement.refresh_from_db()
    assert placement.changes.count() == 0


@pytest.mark.django_db
def test_placement_changes_wrong_role_403_outsider_404(api, referrer, coordinator, coordinator_drenthe, make_member):
    _request, placement, _facility, _staff = placed(referrer, coordinator)
    change = {"intensity": "P", "effective_date": TODAY().isoformat(), "reason": "Meer begeleiding"}
    path = f"/placements/{placement.pk}/changes"
    assert_problem(_post(api, referrer, path, change), 403)
    assert_problem(_post(api, coordinator_drenthe, path, change), 404)
    assert_problem(_post(api, make_member(Role.PROVIDER), path, change), 404)
    assert placement.changes.count() == 0


# --- offer documents ------------------------------------------------------------------------


@pytest.mark.django_db
def test_offer_documents_of_an_answered_offer_are_409_wrong_role_403_outsider_404(
    api, referrer, coordinator, coordinator_drenthe, make_member
):
    placement_request = in_matching(referrer, coordinator)
    placement_request.documents.update(shareable=True)
    facility = fitting_facility()
    staff = make_member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    path = f"/api/v1/offers/{offer.pk}/documents"
    before = offer.referral.get("documents")
    body = assert_problem(api.as_user(coordinator).put(path, {"document_kinds": []}, format="json"), 409)
    assert body["type"].endswith("#offer_answered")
    assert_problem(api.as_user(staff).put(path, {"document_kinds": []}, format="json"), 403)
    assert_problem(api.as_user(coordinator_drenthe).put(path, {"document_kinds": []}, format="json"), 404)
    offer.refresh_from_db()
    assert offer.referral.get("documents") == before


# --- youth link -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_youth_link_wrong_role_403_outsider_404(api, referrer, coordinator, coordinator_drenthe, provider_user):
    """No request state forbids a link (linking to the same youth again is input, 422
    naming target_request); the role and scope answers hold."""
    earlier = in_matching(referrer, coordinator)
    new = in_matching(referrer, coordinator)
    path = f"/requests/{new.pk}/youth/link"
    body = {"target_request": earlier.pk, "reason": "Zelfde kind"}
    assert_problem(_post(api, provider_user, path, body), 403)
    assert_problem(_post(api, coordinator_drenthe, path, body), 404)
    new.refresh_from_db()
    assert new.youth_id != earlier.youth_id


# --- crisis placement outsider --------------------------------------------------------------


@pytest.mark.django_db
def test_crisis_placement_for_a_request_of_another_region_is_404(api, referrer, coordinator, coordinator_drenthe):
    placement_request = make_request(referrer, submit=True)
    body = {
        "request": placement_request.pk,
        "facility": fitting_facility().pk,
        "started_at": timezone.now().isoformat(),
    }
    response = _post(api, coordinator_drenthe, "/crisis-placements", body)
    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/problem+json"
    _unchanged(placement_request, Status.SUBMITTED)


# --- capacity, region settings and webhooks: no state to be wrong in --------------------------


@pytest.mark.django_db
def test_facility_group_put_wrong_role_403_other_provider_404(api, coordinator, make_member):
    facility = fitting_facility()
    path = f"/api/v1/facilities/{facility.pk}/group"
    group = {"residents": [{"age": 14, "gender": "female", "level": "average", "machtiging": False}]}
    assert_problem(api.as_user(coordinator).put(path, group, format="json"), 403)
    assert_problem(api.as_user(make_member(Role.PROVIDER)).put(path, group, format="json"), 404)
    assert not GroupResident.objects.filter(facility=facility).exists()


@pytest.mark.django_db
def test_region_bands_put_wrong_role_403_other_region_404(api, twente, referrer, coordinator_drenthe):
    path = f"/api/v1/regions/{twente.code}/bands"
    body = {"valid_from": TODAY().isoformat(), "tariffs": {"K": "123.45"}}
    assert_problem(api.as_user(referrer).put(path, body, format="json"), 403)
    assert_problem(api.as_user(coordinator_drenthe).put(path, body, format="json"), 404)


@pytest.mark.django_db
def test_region_settings_patch_wrong_role_403_other_region_404(api, twente, referrer, coordinator_drenthe):
    path = f"/api/v1/regions/{twente.code}/settings"
    before = twente.offer_response_working_days
    body = {"offer_response_working_days": before + 1}
    assert_problem(api.as_user(referrer).patch(path, body, format="json"), 403)
    assert_problem(api.as_user(coordinator_drenthe).patch(path, body, format="json"), 404)
    twente.refresh_from_db()
    assert twente.offer_response_working_days == before


@pytest.mark.django_db
def test_a_webhook_subscription_over_the_limit_is_409_wrong_role_403_outsider_404(
    api, provider_user, contract_manager, make_member
):
    subscription = {"url": "https://hooks.example.org/regie", "event_types": ["offer.created"]}
    client = api.as_user(provider_user)
    for _ in range(MAX_SUBSCRIPTIONS_PER_ORGANISATION):
        assert client.post("/api/v1/webhooks", subscription, format="json").status_code == 201
    body = assert_problem(client.post("/api/v1/webhooks", subscription, format="json"), 409)
    assert body["type"].endswith("#too_many_subscriptions")
    assert_problem(api.as_user(contract_manager).post("/api/v1/webhooks", subscription, format="json"), 403)
    first = WebhookSubscription.objects.order_by("pk").first()
    assert_problem(api.as_user(make_member(Role.PROVIDER)).post(f"/api/v1/webhooks/{first.pk}/ping"), 404)
    assert WebhookSubscription.objects.count() == MAX_SUBSCRIPTIONS_PER_ORGANISATION
