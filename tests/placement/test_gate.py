"""Completeness gate: submit lists every missing item; referral date set once."""

import datetime

import pytest
from django.db import ProgrammingError, transaction

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.errors import Invalid
from core.models import OutboxMessage
from intake import services as intake_services
from intake.models import PlacementRequest, Status
from tests.placement.factories import ANALYSIS, machtiging, make_request, youth_data

GATE_ITEMS = {"analysis", "analysis.need_profile", "perspective_plan", "safety_plan", "zorgvraag"}


@pytest.mark.django_db
def test_empty_draft_lists_every_missing_item(referrer):
    placement_request = make_request(referrer, complete=False)
    with pytest.raises(Invalid) as caught:
        intake_services.request_submit(
            placement_request=placement_request, by=referrer, membership=membership_with_role(referrer, Role.REFERRER)
        )
    assert {p["name"] for p in caught.value.invalid_params} == GATE_ITEMS
    placement_request.refresh_from_db()
    assert placement_request.status == Status.DRAFT and placement_request.referral_date is None


@pytest.mark.django_db
def test_api_submit_of_incomplete_request_is_422_naming_everything(api, referrer):
    placement_request = make_request(referrer, complete=False)
    response = api.as_user(referrer).post(f"/api/v1/requests/{placement_request.pk}/submit")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert {p["name"] for p in response.json()["invalid_params"]} == GATE_ITEMS
    assert PlacementRequest.objects.get(pk=placement_request.pk).status == Status.DRAFT


@pytest.mark.django_db
def test_analysis_without_need_profile_still_blocks(referrer):
    membership = membership_with_role(referrer, Role.REFERRER)
    placement_request = make_request(referrer)
    placement_request.refresh_from_db()
    sections_only = {k: v for k, v in ANALYSIS.items() if k not in ("care_types", "intensity", "security")}
    intake_services.analysis_save(
        placement_request=placement_request, data=sections_only, by=referrer, membership=membership, partial=False
    )
    placement_request.refresh_from_db()
    with pytest.raises(Invalid) as caught:
        intake_services.request_submit(placement_request=placement_request, by=referrer, membership=membership)
    assert [p["name"] for p in caught.value.invalid_params] == ["analysis.need_profile"]


@pytest.mark.django_db
def test_complete_request_is_submitted_with_todays_referral_date_and_notifies(referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    assert placement_request.status == Status.SUBMITTED
    assert placement_request.referral_date == datetime.date.today()
    assert placement_request.region.code == "JZ14"
    recipients = set(OutboxMessage.objects.filter(channel="in_app").values_list("recipient__username", flat=True))
    # the coordinators are told; the referrer made this step and is not told its own step
    assert coordinator.username in recipients and referrer.username not in recipients


@pytest.mark.django_db
def test_referral_date_is_never_overwritten(referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    original = placement_request.referral_date
    # Returned and submitted again: the original date stays.
    intake_services.request_triage(
        placement_request=placement_request,
        decision="return",
        reason="Aanvullen",
        by=coordinator,
        membership=membership_with_role(coordinator, Role.COORDINATOR),
    )
    intake_services.request_submit(
        placement_request=placement_request, by=referrer, membership=membership_with_role(referrer, Role.REFERRER)
    )
    placement_request.refresh_from_db()
    assert placement_request.referral_date == original
    # And the database refuses a change outright.
    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        PlacementRequest.objects.filter(pk=placement_request.pk).update(
            referral_date=original - datetime.timedelta(days=30)
        )
    placement_request.refresh_from_db()
    assert placement_request.referral_date == original


@pytest.mark.django_db
def test_closed_security_needs_a_valid_machtiging(referrer):
    membership = membership_with_role(referrer, Role.REFERRER)
    placement_request = make_request(referrer)
    with pytest.raises(Invalid) as caught:
        intake_services.analysis_save(
            placement_request=placement_request,
            data={"security": "closed", "care_types": ["jeugdzorgplus"]},
            by=referrer,
            membership=membership,
        )
    assert [p["name"] for p in caught.value.invalid_params] == ["security"]
    with_machtiging = make_request(referrer, complete=False, youth=youth_data(**machtiging()))
    version = intake_services.analysis_save(
        placement_request=with_machtiging,
        data={**ANALYSIS, "security": "closed", "care_types": ["jeugdzorgplus"]},
        by=referrer,
        membership=membership,
    )
    assert version.security == "closed"


@pytest.mark.django_db
def test_expired_machtiging_blocks_submit_of_closed_request(referrer):
    membership = membership_with_role(referrer, Role.REFERRER)
    placement_request = make_request(referrer, youth=youth_data(**machtiging(days=10)))
    intake_services.analysis_save(
        placement_request=placement_request, data={"security": "closed"}, by=referrer, membership=membership
    )
    from intake.models import Youth

    Youth.objects.filter(pk=placement_request.youth_id).update(
        machtiging_end_date=datetime.date.today() - datetime.timedelta(days=1)
    )
    placement_request.refresh_from_db()
    with pytest.raises(Invalid) as caught:
        intake_services.request_submit(placement_request=placement_request, by=referrer, membership=membership)
    assert [p["name"] for p in caught.value.invalid_params] == ["analysis.security"]


@pytest.mark.django_db
def test_a_machtiging_that_lapsed_after_submission_keeps_closed_care_out_of_matching(api, referrer, coordinator):
    """Submitted with a valid machtiging; it ends before triage: the coordinator cannot put
    the closed-care request into matching until a new machtiging is recorded."""
    from core.models import Event
    from intake.models import Youth

    membership = membership_with_role(referrer, Role.REFERRER)
    placement_request = make_request(referrer, youth=youth_data(**machtiging(days=10)))
    intake_services.analysis_save(
        placement_request=placement_request,
        data={"security": "closed", "care_types": ["jeugdzorgplus"]},
        by=referrer,
        membership=membership,
    )
    intake_services.request_submit(placement_request=placement_request, by=referrer, membership=membership)
    Youth.objects.filter(pk=placement_request.youth_id).update(
        machtiging_end_date=datetime.date.today() - datetime.timedelta(days=1)
    )
    placement_request.refresh_from_db()
    events = Event.objects.count()
    with pytest.raises(Invalid) as caught:
        intake_services.request_triage(
            placement_request=placement_request,
            decision="matching",
            by=coordinator,
            membership=membership_with_role(coordinator, Role.COORDINATOR),
        )
    assert [p["name"] for p in caught.value.invalid_params] == ["analysis.security"]
    response = api.as_user(coordinator).post(
        f"/api/v1/requests/{placement_request.pk}/triage", {"decision": "matching"}, format="json"
    )
    assert response.status_code == 422
    assert [p["name"] for p in response.json()["invalid_params"]] == ["analysis.security"]
    assert PlacementRequest.objects.get(pk=placement_request.pk).status == Status.SUBMITTED
    assert Event.objects.count() == events
    # Other decisions stay open to the coordinator (e.g. back to the referrer).
    response = api.post(
        f"/api/v1/requests/{placement_request.pk}/triage",
        {"decision": "return", "reason": "Nieuwe machtiging nodig"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "returned"
