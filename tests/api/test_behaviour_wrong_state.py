"""Issue 14 (api-behaviour): an allowed role acting on an object in the wrong state gets
409 problem+json; a role that may never act 403; an object outside the caller's scope 404.
Nothing changes in any of these cases."""

import pytest
from django.utils import timezone

from accounts.models import Role
from core.models import Event
from intake.models import Status
from placement import services
from placement.models import Placement
from tests.api.test_conventions import assert_problem
from tests.placement.factories import (
    fitting_facility,
    in_matching,
    make_request,
    offer_to,
    provider_membership,
)

END = {"end_date": None, "reason": "01", "destination": "home"}


@pytest.fixture
def accepted(referrer, coordinator, make_member):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = make_member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    return {"request": placement_request, "offer": offer, "staff": staff, "facility": facility}


def _start(api, user, placement_request):
    return api.as_user(user).post(
        f"/api/v1/requests/{placement_request.pk}/placement",
        {"start_date": timezone.localdate().isoformat()},
        format="json",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff", "coordinator"])
def test_second_start_of_a_running_placement_is_409_for_each_role_that_may_start(api, accepted, coordinator, who):
    user = accepted["staff"] if who == "staff" else coordinator
    assert _start(api, user, accepted["request"]).status_code == 201
    events = Event.objects.count()
    body = assert_problem(_start(api, user, accepted["request"]), 409)
    assert body["type"].startswith("about:blank#")
    assert Placement.objects.count() == 1 and Event.objects.count() == events


@pytest.mark.django_db
def test_placement_start_wrong_role_403_outsider_404(api, accepted, referrer, make_member):
    assert_problem(_start(api, referrer, accepted["request"]), 403)
    assert_problem(_start(api, make_member(Role.PROVIDER), accepted["request"]), 404)
    assert not Placement.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff", "coordinator"])
def test_ending_an_ended_placement_is_409(api, accepted, coordinator, who):
    user = accepted["staff"] if who == "staff" else coordinator
    placement = _start(api, user, accepted["request"]).json()
    path = f"/api/v1/placements/{placement['id']}/end"
    body = {**END, "end_date": timezone.localdate().isoformat()}
    assert api.as_user(user).post(path, body, format="json").status_code == 200
    assert_problem(api.as_user(user).post(path, body, format="json"), 409)


@pytest.mark.django_db
def test_placement_end_wrong_role_403_outsider_404(api, accepted, referrer, make_member):
    placement = _start(api, accepted["staff"], accepted["request"]).json()
    path = f"/api/v1/placements/{placement['id']}/end"
    body = {**END, "end_date": timezone.localdate().isoformat()}
    assert_problem(api.as_user(referrer).post(path, body, format="json"), 403)
    assert_problem(api.as_user(make_member(Role.PROVIDER)).post(path, body, format="json"), 404)
    assert Placement.objects.get().end_date is None


@pytest.mark.django_db
def test_answering_an_answered_offer_is_409_for_the_provider(api, accepted):
    client = api.as_user(accepted["staff"])
    offer = accepted["offer"]
    assert_problem(client.post(f"/api/v1/offers/{offer.pk}/accept", {}, format="json"), 409)
    decline = {"reason": "no_place", "motivation": "Vol"}
    assert_problem(client.post(f"/api/v1/offers/{offer.pk}/decline", decline, format="json"), 409)
    offer.refresh_from_db()
    assert offer.status == "accepted"


@pytest.mark.django_db
def test_offer_answer_wrong_role_403_outsider_404(api, referrer, coordinator, make_member):
    placement_request = in_matching(referrer, coordinator)
    offer = offer_to(placement_request, fitting_facility(), coordinator)
    assert_problem(api.as_user(coordinator).post(f"/api/v1/offers/{offer.pk}/accept", {}, format="json"), 403)
    assert_problem(
        api.as_user(make_member(Role.PROVIDER)).post(f"/api/v1/offers/{offer.pk}/accept", {}, format="json"), 404
    )
    offer.refresh_from_db()
    assert offer.status == "open"


@pytest.mark.django_db
def test_withdrawing_a_withdrawn_offer_is_409_for_the_coordinator(api, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    offer = offer_to(placement_request, fitting_facility(), coordinator)
    client = api.as_user(coordinator)
    path = f"/api/v1/offers/{offer.pk}/withdraw"
    assert client.post(path, {"reason": "Andere plek"}, format="json").status_code == 200
    assert_problem(client.post(path, {"reason": "Nog eens"}, format="json"), 409)


@pytest.mark.django_db
def test_second_triage_is_409_and_second_submit_is_409(api, referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    triage = {"decision": "matching"}
    path = f"/api/v1/requests/{placement_request.pk}"
    assert api.as_user(coordinator).post(f"{path}/triage", triage, format="json").status_code == 200
    assert_problem(api.as_user(coordinator).post(f"{path}/triage", triage, format="json"), 409)
    assert_problem(api.as_user(referrer).post(f"{path}/submit"), 409)
    placement_request.refresh_from_db()
    assert placement_request.status == Status.MATCHING


@pytest.mark.django_db
def test_triage_wrong_role_403_outsider_404(api, referrer, coordinator_drenthe, make_member):
    placement_request = make_request(referrer, submit=True)
    path = f"/api/v1/requests/{placement_request.pk}/triage"
    assert_problem(api.as_user(referrer).post(path, {"decision": "matching"}, format="json"), 403)
    assert_problem(api.as_user(coordinator_drenthe).post(path, {"decision": "matching"}, format="json"), 404)
    placement_request.refresh_from_db()
    assert placement_request.status == Status.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff", "coordinator"])
def test_introduction_and_fall_through_on_an_open_offer_are_409(api, referrer, coordinator, make_member, who):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = make_member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    client = api.as_user(staff if who == "staff" else coordinator)
    visit = {"date": timezone.localdate().isoformat(), "outcome": "positive", "note": ""}
    assert_problem(client.post(f"/api/v1/offers/{offer.pk}/introduction", visit, format="json"), 409)
    refusal = {"party": "provider", "reason_code": "no_place", "motivation": "Toch vol"}
    assert_problem(client.post(f"/api/v1/offers/{offer.pk}/fall-through", refusal, format="json"), 409)
    offer.refresh_from_db()
    assert offer.status == "open"


@pytest.mark.django_db
def test_lifting_the_parking_of_a_request_that_is_not_parked_is_409(api, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    path = f"/api/v1/requests/{placement_request.pk}/parking/lift"
    body = assert_problem(api.as_user(coordinator).post(path, {"reason": "Nieuwe plek"}, format="json"), 409)
    assert body["type"].endswith("#not_parked")
    assert_problem(api.as_user(referrer).post(path, {"reason": "x"}, format="json"), 403)
