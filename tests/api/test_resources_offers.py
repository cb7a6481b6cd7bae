"""Issue 14 point 6: GET/PUT /offers/{id}/documents (which documents go with an offer),
POST /requests/{id}/resume-matching (from waiting back to matching) and GET
/assignments/{id} (a behavioural scientist follows its assignments). Right role, wrong
role 403, outsider 404, bad input 422 naming the field, wrong state 409; nothing changes
on a refusal."""

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.events import events_for
from intake import services as intake_services
from intake.models import Status
from placement import services
from tests.accounts.factories import member
from tests.api.documented import documented
from tests.intake.test_draft_help import ask, draft_without_analysis
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    make_request,
    offer_to,
    pdf_upload,
    provider_membership,
)


def _two_kinds(referrer, coordinator):
    """A request in matching with a shareable zorgvraag and a shareable safety plan."""
    membership = membership_with_role(referrer, Role.REFERRER)
    placement_request = make_request(referrer)
    intake_services.document_upload(
        placement_request=placement_request,
        upload=pdf_upload("veiligheid.pdf"),
        kind="veiligheidsplan",
        title="Veiligheidsplan",
        by=referrer,
        membership=membership,
    )
    intake_services.request_submit(placement_request=placement_request, by=referrer, membership=membership)
    intake_services.request_triage(
        placement_request=placement_request,
        decision="matching",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    placement_request.documents.update(shareable=True)
    placement_request.refresh_from_db()
    return placement_request


@pytest.fixture
def offered(referrer, coordinator):
    placement_request = _two_kinds(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    return placement_request, offer, staff


def _url(offer):
    return f"/api/v1/offers/{offer.pk}/documents"


def _kinds(offer):
    offer.refresh_from_db()
    return sorted(d["kind"] for d in offer.referral["documents"])


@pytest.mark.django_db
def test_the_coordinator_reads_and_chooses_the_documents_of_an_open_offer(api, offered, coordinator):
    placement_request, offer, staff = offered
    client = api.as_user(coordinator)
    data = documented(client.get(_url(offer)))
    assert data["editable"] is True and data["document_kinds"] == ["veiligheidsplan", "zorgvraag"]
    assert sorted((d["kind"], d["included"]) for d in data["documents"]) == [
        ("veiligheidsplan", True),
        ("zorgvraag", True),
    ]
    response = client.put(_url(offer), {"document_kinds": ["zorgvraag"]}, format="json")
    documented(response)
    assert response.json()["document_kinds"] == ["zorgvraag"]
    assert _kinds(offer) == ["zorgvraag"]
    event = [e for e in events_for(placement_request) if e.event_type == "offer_documents_changed"][-1]
    assert event.details == {"offer": offer.pk, "old": ["veiligheidsplan", "zorgvraag"], "new": ["zorgvraag"]}
    # What the provider sees follows: only the kind that goes along.
    seen = api.as_user(staff).get(f"/api/v1/offers/{offer.pk}").json()["referral"]["documents"]
    assert [d["kind"] for d in seen] == ["zorgvraag"]
    # None at all is a choice too.
    assert api.as_user(coordinator).put(_url(offer), {"document_kinds": []}, format="json").status_code == 200
    assert _kinds(offer) == []


@pytest.mark.django_db
def test_bad_document_choices_are_422_naming_the_field_and_change_nothing(api, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)  # one zorgvraag, not shareable yet
    placement_request.documents.update(shareable=True)
    offer = offer_to(placement_request, fitting_facility(), coordinator)
    client = api.as_user(coordinator)
    cases = [
        ({"document_kinds": ["analyse"]}, ["document_kinds"]),  # no shareable document of that kind
        ({"document_kinds": ["passport"]}, ["document_kinds.0"]),  # no such kind
        ({"document_kinds": "zorgvraag"}, ["document_kinds"]),  # not a list
        ({}, ["document_kinds"]),
        ({"document_kinds": [], "colour": "red"}, ["colour"]),
    ]
    for body, names in cases:
        response = client.put(_url(offer), body, format="json")
        assert response.status_code == 422, (body, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert [p["name"] for p in response.json()["invalid_params"]] == names, body
    assert _kinds(offer) == ["zorgvraag"]


@pytest.mark.django_db
def test_after_the_provider_answered_the_choice_is_fixed_409(api, offered, coordinator):
    _placement_request, offer, staff = offered
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    response = api.as_user(coordinator).put(_url(offer), {"document_kinds": ["zorgvraag"]}, format="json")
    assert response.status_code == 409 and response.json()["type"].endswith("offer_answered")
    assert _kinds(offer) == ["veiligheidsplan", "zorgvraag"]
    assert api.as_user(coordinator).get(_url(offer)).json()["editable"] is False


@pytest.mark.django_db
def test_offer_documents_wrong_role_403_outsider_404(api, offered, coordinator_drenthe, referrer):
    _placement_request, offer, staff = offered
    for user in (staff, referrer):
        assert api.as_user(user).get(_url(offer)).status_code == 403
        assert api.as_user(user).put(_url(offer), {"document_kinds": []}, format="json").status_code == 403
    for method in ("get", "put"):
        response = getattr(api.as_user(coordinator_drenthe), method)(_url(offer), {"document_kinds": []}, format="json")
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert _kinds(offer) == ["veiligheidsplan", "zorgvraag"]


# --- resume matching --------------------------------------------------------------------


@pytest.fixture
def waiting(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    services.request_wait(
        placement_request=placement_request,
        reason="fitting_full",
        bridging_care="Ambulant MST",
        bridging_provider="Wijkteam",
        bridging_from=timezone.localdate(),
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    placement_request.refresh_from_db()
    return placement_request


@pytest.mark.django_db
def test_resume_matching_ends_the_waiting_and_a_second_time_is_409(api, waiting, coordinator):
    url = f"/api/v1/requests/{waiting.pk}/resume-matching"
    response = api.as_user(coordinator).post(url)
    documented(response)
    assert response.json()["status"] == Status.MATCHING
    waiting.refresh_from_db()
    assert waiting.status == Status.MATCHING
    assert waiting.waiting_periods.get().ended_at is not None
    again = api.as_user(coordinator).post(url)
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_resume_matching_wrong_role_403_outsider_404_and_nothing_changes(
    api, waiting, referrer, coordinator_drenthe, provider_user
):
    url = f"/api/v1/requests/{waiting.pk}/resume-matching"
    for user in (referrer, provider_user):
        assert api.as_user(user).post(url).status_code == 403
    response = api.as_user(coordinator_drenthe).post(url)
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert api.as_user(coordinator_drenthe).post("/api/v1/requests/999999999/resume-matching").status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING and waiting.waiting_periods.get().ended_at is None


# --- one assignment ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_scientist_reads_one_assignment_of_its_pool(api, referrer, twente, drenthe):
    assignment = ask(draft_without_analysis(referrer), referrer)
    scientist = member(Role.BEHAVIOURAL_SCIENTIST, regions=[twente])
    response = api.as_user(scientist).get(f"/api/v1/assignments/{assignment.pk}")
    data = documented(response)
    assert data["id"] == assignment.pk and data["status"] == "open" and data["before_submission"] is True
    youth = assignment.request.youth
    assert youth.family_name not in response.content.decode() and youth.bsn not in response.content.decode()
    # Another region's scientist: 404; another role: 403.
    other = member(Role.BEHAVIOURAL_SCIENTIST, regions=[drenthe])
    response = api.as_user(other).get(f"/api/v1/assignments/{assignment.pk}")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert api.as_user(referrer).get(f"/api/v1/assignments/{assignment.pk}").status_code == 403


# --- a change of documents racing the provider's answer -----------------------------------


@pytest.fixture
def no_outbox_delivery(monkeypatch):
    monkeypatch.setattr("core.outbox._schedule_delivery", lambda message_id: None)


@pytest.mark.django_db(transaction=True)
def test_a_document_change_racing_the_acceptance_never_lands_after_it(referrer, coordinator, no_outbox_delivery):
    """Real concurrent transactions: the change either comes before the acceptance (both
    succeed, the provider accepted the offer with the new choice) or finds the offer
    answered (409) and changes nothing. Never a change after the files opened."""
    from core.errors import Conflict
    from placement.models import OfferStatus
    from tests.placement.test_offer_races import race

    placement_request = _two_kinds(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    results = race(
        lambda: services.offer_documents_set(
            offer=offer, document_kinds=["zorgvraag"], by=coordinator, membership=coordinator_membership(coordinator)
        ),
        lambda: services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff)),
    )
    changed, accepted = results
    assert not isinstance(accepted, Exception), accepted
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    events = [e.event_type for e in events_for(placement_request)]
    if isinstance(changed, Exception):
        assert isinstance(changed, Conflict) and changed.code == "offer_answered"
        assert _kinds(offer) == ["veiligheidsplan", "zorgvraag"] and "offer_documents_changed" not in events
    else:
        assert _kinds(offer) == ["zorgvraag"]
        assert events.index("offer_documents_changed") < events.index("offer_accepted")
