"""Issue 11 point 2: after acceptance. The introduction visit (kennismaking), the
fall-through (refusal by the youth or the parents, retraction by the provider) that releases
the hold and puts the request back into matching, the withdrawal of an accepted request,
the DB guards, and a real race of a fall-through against the placement start."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from capacity.models import Facility
from core.errors import Conflict, Forbidden, Invalid, TransitionNotAllowed
from core.events import events_for
from core.models import OutboxMessage
from intake.models import Outcome, Status
from placement import selectors, services
from placement.models import Offer, OfferStatus
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    offer_to,
    provider_membership,
)
from tests.placement.test_offer_races import race


def held(facility):
    return Facility.objects.get(pk=facility.pk).held


def accepted(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    offer.refresh_from_db()
    placement_request.refresh_from_db()
    assert placement_request.status == Status.ACCEPTED and held(facility) == 1
    return placement_request, facility, staff, offer


def fall_through(offer, user, membership, party="youth", reason_code="introduction_mismatch", motivation="Klikte niet"):
    return services.offer_fall_through(
        offer=offer, party=party, reason_code=reason_code, motivation=motivation, by=user, membership=membership
    )


# --- the introduction visit ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "staff"])
def test_introduction_is_recorded_on_the_accepted_offer_and_the_timeline(referrer, coordinator, who):
    placement_request, _facility, staff, offer = accepted(referrer, coordinator)
    user = coordinator if who == "coordinator" else staff
    membership = coordinator_membership(user) if who == "coordinator" else provider_membership(user)
    today = timezone.localdate()
    services.offer_introduction_record(
        offer=offer,
        introduction_date=today,
        outcome="doubts",
        note="Twijfel over school",
        by=user,
        membership=membership,
    )
    offer.refresh_from_db()
    assert (offer.introduction_date, offer.introduction_outcome, offer.introduction_by) == (today, "doubts", user)
    event = [e for e in events_for(placement_request) if e.event_type == "introduction_recorded"][-1]
    assert event.details["outcome"] == "doubts" and event.details["date"] == today.isoformat()
    placement_request.refresh_from_db()
    assert placement_request.status == Status.ACCEPTED  # a visit alone changes nothing else


@pytest.mark.django_db
def test_introduction_bad_input_names_every_field_and_changes_nothing(referrer, coordinator):
    placement_request, _facility, _staff, offer = accepted(referrer, coordinator)
    events = len(events_for(placement_request))
    with pytest.raises(Invalid) as error:
        services.offer_introduction_record(
            offer=offer,
            introduction_date=None,
            outcome="great",
            by=coordinator,
            membership=coordinator_membership(coordinator),
        )
    assert {p["name"] for p in error.value.invalid_params} == {"date", "outcome"}
    with pytest.raises(Invalid):  # a visit in the future is not recorded
        services.offer_introduction_record(
            offer=offer,
            introduction_date=timezone.localdate() + datetime.timedelta(days=2),
            outcome="positive",
            by=coordinator,
            membership=coordinator_membership(coordinator),
        )
    offer.refresh_from_db()
    assert offer.introduction_date is None and len(events_for(placement_request)) == events


@pytest.mark.django_db
def test_introduction_only_on_an_accepted_offer_and_only_by_its_provider(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    with pytest.raises(Conflict):
        services.offer_introduction_record(
            offer=offer,
            introduction_date=timezone.localdate(),
            outcome="positive",
            by=staff,
            membership=provider_membership(staff),
        )
    stranger = member(Role.PROVIDER)
    with pytest.raises(Forbidden):
        services.offer_introduction_record(
            offer=offer,
            introduction_date=timezone.localdate(),
            outcome="positive",
            by=stranger,
            membership=provider_membership(stranger),
        )


# --- fall-through ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("party", ["youth", "parents", "provider"])
def test_coordinator_records_a_fall_through_hold_released_back_in_matching_all_told(referrer, coordinator, party):
    placement_request, facility, staff, offer = accepted(referrer, coordinator)
    outbox = OutboxMessage.objects.count()
    fall_through(offer, coordinator, coordinator_membership(coordinator), party=party, reason_code="location")
    offer.refresh_from_db()
    placement_request.refresh_from_db()
    assert offer.status == OfferStatus.FALLEN_THROUGH and offer.fall_through_party == party
    assert offer.fall_through_reason == "location" and offer.motivation == "Klikte niet"
    assert placement_request.status == Status.MATCHING
    assert held(facility) == 0
    event = list(events_for(placement_request))[-1]
    assert (event.event_type, event.from_state, event.to_state) == ("offer_fallen_through", "accepted", "matching")
    assert event.details["party"] == party
    new = OutboxMessage.objects.order_by("pk")[outbox:]
    recipients = {m.recipient_id for m in new}
    assert {referrer.pk, coordinator.pk, staff.pk} <= recipients
    # The provider's access to the dossier ends with it.
    assert not selectors.offer_documents_open(offer)
    # A new offer can be made to someone else.
    other = fitting_facility()
    offer_to(placement_request, other, coordinator)
    assert held(other) == 1


@pytest.mark.django_db
def test_provider_staff_record_only_their_own_retraction(referrer, coordinator):
    placement_request, facility, staff, offer = accepted(referrer, coordinator)
    with pytest.raises(Forbidden):
        fall_through(offer, staff, provider_membership(staff), party="parents")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and held(facility) == 1
    fall_through(offer, staff, provider_membership(staff), party="provider", reason_code="no_place")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.FALLEN_THROUGH and held(facility) == 0


@pytest.mark.django_db
def test_fall_through_by_others_is_refused(referrer, coordinator, coordinator_drenthe):
    _request, facility, _staff, offer = accepted(referrer, coordinator)
    stranger = member(Role.PROVIDER)
    for user, membership in (
        (stranger, provider_membership(stranger)),
        (coordinator_drenthe, coordinator_membership(coordinator_drenthe)),
    ):
        with pytest.raises(Forbidden):
            fall_through(offer, user, membership, party="provider")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and held(facility) == 1


@pytest.mark.django_db
def test_fall_through_bad_input_names_every_field_and_changes_nothing(referrer, coordinator):
    placement_request, facility, _staff, offer = accepted(referrer, coordinator)
    events = len(events_for(placement_request))
    with pytest.raises(Invalid) as error:
        fall_through(
            offer, coordinator, coordinator_membership(coordinator), party="aunt", reason_code="x", motivation=" "
        )
    assert {p["name"] for p in error.value.invalid_params} == {"party", "reason_code", "motivation"}
    offer.refresh_from_db()
    placement_request.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and placement_request.status == Status.ACCEPTED
    assert held(facility) == 1 and len(events_for(placement_request)) == events


@pytest.mark.django_db
def test_fall_through_after_the_placement_started_is_refused(referrer, coordinator):
    placement_request, facility, _staff, offer = accepted(referrer, coordinator)
    services.placement_start(
        placement_request=placement_request,
        start_date=timezone.localdate(),
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    with pytest.raises(TransitionNotAllowed):
        fall_through(offer, coordinator, coordinator_membership(coordinator))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED


@pytest.mark.django_db
def test_db_refuses_a_fall_through_without_party_reason_or_motivation(referrer, coordinator):
    _request, _facility, _staff, offer = accepted(referrer, coordinator)
    for values in (
        {"status": "fallen_through", "fall_through_party": "", "fall_through_reason": "other", "motivation": "x"},
        {"status": "fallen_through", "fall_through_party": "youth", "fall_through_reason": "", "motivation": "x"},
        {"status": "fallen_through", "fall_through_party": "youth", "fall_through_reason": "other", "motivation": ""},
        {"status": "accepted", "fall_through_party": "youth", "fall_through_reason": "other"},
        {"introduction_outcome": "positive"},  # no date
        {"introduction_date": timezone.localdate(), "introduction_outcome": "meh"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Offer.objects.filter(pk=offer.pk).update(**values)


# --- withdrawal of an accepted request --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["referrer", "coordinator"])
def test_an_accepted_request_is_withdrawn_with_a_reason_and_the_hold_released(referrer, coordinator, who):
    placement_request, facility, staff, offer = accepted(referrer, coordinator)
    from accounts.selectors import membership_with_role

    user = referrer if who == "referrer" else coordinator
    membership = membership_with_role(user, Role.REFERRER if who == "referrer" else Role.COORDINATOR)
    with pytest.raises(Invalid):
        services.request_withdraw_accepted(
            placement_request=placement_request, reason=" ", by=user, membership=membership
        )
    assert held(facility) == 1
    services.request_withdraw_accepted(
        placement_request=placement_request, reason="Gezin verhuist", by=user, membership=membership
    )
    placement_request.refresh_from_db()
    offer.refresh_from_db()
    assert placement_request.status == Status.CLOSED and placement_request.outcome == Outcome.WITHDRAWN
    assert offer.status == OfferStatus.WITHDRAWN and offer.withdraw_reason == "Gezin verhuist"
    assert held(facility) == 0
    assert OutboxMessage.objects.filter(recipient=staff, subject__contains=offer.pseudonym).count() >= 2


@pytest.mark.django_db
def test_intake_withdrawal_does_not_close_an_accepted_request(referrer, coordinator):
    """The intake withdrawal cannot release a hold; from accepted only the placement
    service withdraws (else the place would stay held for good)."""
    from accounts.selectors import membership_with_role
    from intake import services as intake_services

    placement_request, facility, _staff, _offer = accepted(referrer, coordinator)
    with pytest.raises(TransitionNotAllowed):
        intake_services.request_withdraw(
            placement_request=placement_request, by=referrer, membership=membership_with_role(referrer, Role.REFERRER)
        )
    assert held(facility) == 1


# --- the race ------------------------------------------------------------------------------


@pytest.fixture
def no_outbox_delivery(monkeypatch):
    monkeypatch.setattr("core.outbox._schedule_delivery", lambda message_id: None)


@pytest.mark.django_db(transaction=True)
def test_fall_through_racing_the_placement_start_exactly_one_wins(referrer, coordinator, no_outbox_delivery):
    placement_request, facility, staff, offer = accepted(referrer, coordinator)
    calls = [
        lambda: fall_through(offer, coordinator, coordinator_membership(coordinator), party="parents"),
        lambda: services.placement_start(
            placement_request=placement_request,
            start_date=timezone.localdate(),
            by=staff,
            membership=provider_membership(staff),
        ),
    ]
    results = race(*calls)
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(losses) == 1, results
    # a provider whose acceptance fell through no longer has a relation to the request
    assert isinstance(losses[0], TransitionNotAllowed | Conflict | Forbidden)
    placement_request.refresh_from_db()
    offer.refresh_from_db()
    facility = Facility.objects.get(pk=facility.pk)
    if isinstance(results[0], Exception):  # the placement won: the place is occupied
        assert placement_request.status == Status.PLACED and offer.status == OfferStatus.ACCEPTED
    else:
        assert placement_request.status == Status.MATCHING and offer.status == OfferStatus.FALLEN_THROUGH
        assert facility.held == 0 and not hasattr(Offer.objects.get(pk=offer.pk), "placement")


# --- the API ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_introduction_roles_outsiders_and_bad_input(api, referrer, coordinator):
    _request, _facility, staff, offer = accepted(referrer, coordinator)
    path = f"/api/v1/offers/{offer.pk}/introduction"
    today = timezone.localdate().isoformat()
    assert api.as_user(referrer).post(path, {"date": today, "outcome": "positive"}, format="json").status_code == 403
    outsider = member(Role.PROVIDER)
    assert api.as_user(outsider).post(path, {"date": today, "outcome": "positive"}, format="json").status_code == 404
    response = api.as_user(staff).post(path, {"date": None, "outcome": "meh"}, format="json")
    assert response.status_code == 422 and response["Content-Type"].startswith("application/problem+json")
    assert {p["name"] for p in response.json()["invalid_params"]} == {"date", "outcome"}
    offer.refresh_from_db()
    assert offer.introduction_date is None
    response = api.as_user(staff).post(path, {"date": today, "outcome": "positive", "note": "Goed"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["introduction"] == {"date": today, "outcome": "positive", "note": "Goed"}


@pytest.mark.django_db
def test_api_fall_through_roles_outsiders_bad_input_and_success(api, referrer, coordinator):
    placement_request, facility, staff, offer = accepted(referrer, coordinator)
    path = f"/api/v1/offers/{offer.pk}/fall-through"
    body = {"party": "parents", "reason_code": "other_solution", "motivation": "Ouders kiezen voor oma"}
    assert api.as_user(referrer).post(path, body, format="json").status_code == 403
    assert api.as_user(member(Role.PROVIDER)).post(path, body, format="json").status_code == 404
    response = api.as_user(staff).post(path, body, format="json")  # staff: only their own retraction
    assert response.status_code == 403 and response["Content-Type"].startswith("application/problem+json")
    response = api.as_user(coordinator).post(path, {**body, "party": "x", "motivation": ""}, format="json")
    assert response.status_code == 422
    assert "party" in {p["name"] for p in response.json()["invalid_params"]}
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and held(facility) == 1
    response = api.as_user(coordinator).post(path, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "fallen_through" and response.json()["fall_through_party"] == "parents"
    placement_request.refresh_from_db()
    assert placement_request.status == Status.MATCHING and held(facility) == 0
    assert api.as_user(coordinator).post(path, body, format="json").status_code == 409  # once only


@pytest.mark.django_db
def test_api_withdraw_of_an_accepted_request(api, referrer, coordinator):
    placement_request, facility, _staff, _offer = accepted(referrer, coordinator)
    path = f"/api/v1/requests/{placement_request.pk}/withdraw"
    response = api.as_user(coordinator).post(path, {"reason": ""}, format="json")
    assert response.status_code == 422 and [p["name"] for p in response.json()["invalid_params"]] == ["reason"]
    assert held(facility) == 1
    response = api.as_user(coordinator).post(path, {"reason": "Jeugdige blijft thuis"}, format="json")
    assert response.status_code == 200, response.json()
    placement_request.refresh_from_db()
    assert placement_request.status == Status.CLOSED and held(facility) == 0


@pytest.mark.django_db
def test_api_coordinator_cannot_withdraw_a_request_in_matching(api, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    response = api.as_user(coordinator).post(f"/api/v1/requests/{placement_request.pk}/withdraw", {}, format="json")
    # a coordinator may withdraw an accepted request: in matching it is the wrong state (409, issue 14)
    assert response.status_code == 409
    assert response.json()["type"].endswith("#transition_not_allowed")
    placement_request.refresh_from_db()
    assert placement_request.status == Status.MATCHING


@pytest.mark.django_db
def test_openapi_documents_the_new_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "post" in paths["/offers/{id}/introduction"]
    assert "post" in paths["/offers/{id}/fall-through"]


# --- the screens -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_screens_offer_the_forms_and_record_the_introduction_and_fall_through(client, referrer, coordinator):
    placement_request, facility, staff, offer = accepted(referrer, coordinator)
    client.force_login(coordinator)
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert f"/offers/{offer.pk}/introduction/" in page and f"/offers/{offer.pk}/fall-through/" in page
    assert f"/requests/{placement_request.pk}/withdraw-accepted/" in page
    response = client.post(f"/offers/{offer.pk}/introduction/", {"date": "", "outcome": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_date-error"' in body and 'id="id_outcome-error"' in body  # every error, next to its field
    response = client.post(
        f"/offers/{offer.pk}/introduction/", {"date": timezone.localdate().isoformat(), "outcome": "negative"}
    )
    assert response.status_code == 302
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "Kennismaking vastgelegd" in page  # on the timeline
    response = client.post(f"/offers/{offer.pk}/fall-through/", {"party": "youth", "reason_code": "", "motivation": ""})
    assert response.status_code == 422
    assert 'id="id_reason_code-error"' in response.content.decode()
    assert held(facility) == 1
    response = client.post(
        f"/offers/{offer.pk}/fall-through/",
        {"party": "youth", "reason_code": "introduction_mismatch", "motivation": "Wil niet"},
    )
    assert response.status_code == 302 and held(facility) == 0
    placement_request.refresh_from_db()
    assert placement_request.status == Status.MATCHING


@pytest.mark.django_db
def test_provider_page_retracts_without_choosing_a_party(client, referrer, coordinator):
    _request, facility, staff, offer = accepted(referrer, coordinator)
    client.force_login(staff)
    page = client.get(f"/provider/offers/{offer.pk}/").content.decode()
    assert "Acceptatie intrekken" in page and 'name="party"' not in page
    response = client.post(
        f"/offers/{offer.pk}/fall-through/", {"party": "parents", "reason_code": "no_place", "motivation": "Vol"}
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.fall_through_party == "provider" and held(facility) == 0
    page = client.get(f"/provider/offers/{offer.pk}/").content.decode()
    assert "Acceptatie intrekken" not in page


@pytest.mark.django_db
def test_referrer_withdraws_an_accepted_request_on_the_page(client, referrer, coordinator):
    placement_request, facility, _staff, _offer = accepted(referrer, coordinator)
    client.force_login(referrer)
    assert (
        f"/requests/{placement_request.pk}/withdraw-accepted/"
        in client.get(f"/requests/{placement_request.pk}/").content.decode()
    )
    response = client.post(f"/requests/{placement_request.pk}/withdraw-accepted/", {"reason": ""})
    assert response.status_code == 422 and 'id="id_reason-error"' in response.content.decode()
    response = client.post(f"/requests/{placement_request.pk}/withdraw-accepted/", {"reason": "Blijft thuis"})
    assert response.status_code == 200 and "Weet u het zeker?" in response.content.decode()  # the confirmation step
    assert held(facility) == 1
    response = client.post(
        f"/requests/{placement_request.pk}/withdraw-accepted/", {"reason": "Blijft thuis", "confirmed": "1"}
    )
    assert response.status_code == 302 and held(facility) == 0
