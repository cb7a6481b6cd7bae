"""Offers: one open offer per request, the held place, deadline in working days, the
anonymised referral and the identifying-data check, accept (identity disclosed and
logged), decline (reason and motivation), withdrawal, expiry and reminders."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Region, Role
from capacity.models import Facility
from core.errors import Conflict, Invalid, TransitionNotAllowed
from core.models import AccessLogEntry, OutboxMessage
from intake.models import Status
from placement import referral, selectors, services
from placement.deadlines import working_days_between
from placement.models import Offer, OfferStatus
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    offer_to,
    provider_membership,
    youth_data,
)
from tests.placement.identity import assert_no_identity

AMS = ZoneInfo("Europe/Amsterdam")


def held(facility):
    return Facility.objects.get(pk=facility.pk).held


@pytest.mark.django_db
def test_offer_holds_a_place_sets_deadline_and_sends_an_anonymised_referral(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    placement_request.documents.update(shareable=True)
    offer = offer_to(placement_request, facility, coordinator)
    placement_request.refresh_from_db()
    assert placement_request.status == Status.OFFERED
    assert held(facility) == 1
    assert offer.pseudonym.startswith("AM-") and offer.analysis_id == placement_request.analysis_id
    local = timezone.localtime(offer.deadline, AMS)
    assert (local.hour, local.minute) == (23, 59)
    assert working_days_between(timezone.localdate(offer.created_at), local.date()) == 5
    referral = offer.referral
    youth = placement_request.youth
    assert referral["age"] == 14 and referral["gender"] == "male" and referral["home_region"]["code"] == "JZ14"
    assert referral["analysis"]["version"] == 1 and referral["need_profile"]["intensity"] == "M"
    assert [d["kind"] for d in referral["documents"]] == ["zorgvraag"]
    assert all("title" not in d for d in referral["documents"])
    assert_no_identity(referral, youth, "referral")
    assert not offer.reconfirm_availability
    assert OutboxMessage.objects.filter(recipient=staff, subject__contains=offer.pseudonym).exists()


@pytest.mark.django_db
def test_stale_availability_is_offered_but_asks_to_reconfirm(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    offer = offer_to(placement_request, fitting_facility(fresh=False), coordinator)
    assert offer.reconfirm_availability and offer.referral["reconfirm_availability"] is True


@pytest.mark.django_db
def test_second_offer_while_one_is_open_is_409(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    offer_to(placement_request, fitting_facility(), coordinator)
    other = fitting_facility()
    with pytest.raises(Conflict):
        offer_to(placement_request, other, coordinator)
    assert held(other) == 0 and Offer.objects.count() == 1


@pytest.mark.django_db
def test_full_facility_cannot_hold_a_place(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    with pytest.raises(Conflict) as error:
        offer_to(placement_request, fitting_facility(free=0), coordinator)
    assert error.value.code == "no_free_place"
    placement_request.refresh_from_db()
    assert placement_request.status == Status.MATCHING and not Offer.objects.exists()


@pytest.mark.django_db
def test_identifying_texts_block_sending_until_edited(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator, youth=youth_data(bsn="123456782"))
    facility = fitting_facility()
    family = placement_request.youth.family_name
    texts = {
        "wishes_youth": f"Sam {family} wil dicht bij Petra blijven.",
        "goals": "Bel 06-12345678 of mail a@b.nl",
        "origins": "BSN 123456782, woont Hoofdstraat 1, 7511 AB",
    }
    with pytest.raises(Invalid) as error:
        offer_to(placement_request, facility, coordinator, texts=texts)
    kinds = {(p["name"], p["kind"]) for p in error.value.invalid_params}
    assert {
        ("texts.wishes_youth", "name"),
        ("texts.goals", "phone"),
        ("texts.goals", "email"),
        ("texts.origins", "bsn"),
        ("texts.origins", "address"),
        ("texts.origins", "postcode"),
    } <= kinds
    assert held(facility) == 0 and not Offer.objects.exists()
    texts = {
        "wishes_youth": "De jeugdige wil dicht bij moeder blijven.",
        "goals": "Stabiel wonen.",
        "origins": "Scheiding.",
    }
    offer = offer_to(placement_request, facility, coordinator, texts=texts)
    assert offer.referral["wishes"]["youth"] == "De jeugdige wil dicht bij moeder blijven."
    placement_request.refresh_from_db()
    assert placement_request.analysis.goals != "Stabiel wonen."  # the referrer's original is untouched


@pytest.mark.django_db
def test_accept_discloses_identity_to_that_provider_with_access_log(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    membership = provider_membership(staff)
    assert selectors.offer_identity(membership=membership, offer=offer) is None
    services.offer_accept(offer=offer, by=staff, membership=membership)
    offer.refresh_from_db()
    placement_request.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and placement_request.status == Status.ACCEPTED
    identity = selectors.offer_identity(membership=membership, offer=offer)
    assert identity["family_name"] == placement_request.youth.family_name
    entry = AccessLogEntry.objects.filter(user=staff).get()
    assert (entry.subject_id, entry.purpose) == (placement_request.youth_id, "care")
    assert held(facility) == 1  # still held until the placement starts
    assert OutboxMessage.objects.filter(recipient=coordinator, subject__contains="geaccepteerd").exists()


@pytest.mark.django_db
def test_decline_needs_reason_and_motivation_and_releases_the_hold(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    membership = provider_membership(staff)
    with pytest.raises(Invalid) as error:
        services.offer_decline(offer=offer, reason="no_answer", motivation=" ", by=staff, membership=membership)
    assert {p["name"] for p in error.value.invalid_params} == {"reason", "motivation"}
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN and held(facility) == 1
    services.offer_decline(
        offer=offer, reason="group_composition", motivation="Groep is te onrustig", by=staff, membership=membership
    )
    offer.refresh_from_db()
    placement_request.refresh_from_db()
    assert (offer.status, offer.decline_reason, offer.motivation) == (
        "declined",
        "group_composition",
        "Groep is te onrustig",
    )
    assert placement_request.status == Status.MATCHING and held(facility) == 0
    assert OutboxMessage.objects.filter(recipient=coordinator, body__contains="Groep is te onrustig").exists()
    # Another provider may be asked now.
    second = offer_to(placement_request, fitting_facility(), coordinator)
    assert second.status == OfferStatus.OPEN


@pytest.mark.django_db
def test_withdraw_needs_reason_and_accepting_a_withdrawn_offer_is_409(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    with pytest.raises(Invalid):
        services.offer_withdraw(offer=offer, reason="", by=coordinator, membership=coordinator_membership(coordinator))
    services.offer_withdraw(
        offer=offer, reason="Spoedplek elders gevonden", by=coordinator, membership=coordinator_membership(coordinator)
    )
    assert held(facility) == 0
    assert OutboxMessage.objects.filter(recipient=staff, subject__contains="ingetrokken").exists()
    with pytest.raises(Conflict):
        services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    placement_request.refresh_from_db()
    assert placement_request.status == Status.MATCHING


@pytest.mark.django_db
def test_expiry_job_counts_as_refusal_and_reminder_is_sent_once(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    deadline_day = timezone.localtime(offer.deadline, AMS).date()
    from placement.deadlines import add_working_days

    # Two working days before: no reminder yet; the working day before: one reminder, once.
    day = timezone.localdate(offer.created_at)
    while add_working_days(day, 2) != deadline_day:
        day += datetime.timedelta(days=1)
    early = datetime.datetime.combine(day, datetime.time(9), tzinfo=AMS)
    assert services.offer_reminders_send(now=early) == 0
    day_before = datetime.datetime.combine(add_working_days(day, 1), datetime.time(9), tzinfo=AMS)
    assert services.offer_reminders_send(now=day_before) == 1
    assert services.offer_reminders_send(now=day_before) == 0
    assert OutboxMessage.objects.filter(recipient=staff, subject__startswith="Herinnering").count() >= 1
    assert services.offers_expire_overdue(now=offer.deadline - datetime.timedelta(seconds=1)) == 0
    after = offer.deadline + datetime.timedelta(minutes=1)
    assert services.offers_expire_overdue(now=after) == 1
    assert services.offers_expire_overdue(now=after) == 0  # idempotent
    offer.refresh_from_db()
    placement_request.refresh_from_db()
    assert (offer.status, offer.decline_reason) == ("expired", "no_answer") and offer.motivation
    assert placement_request.status == Status.MATCHING and held(facility) == 0
    with pytest.raises(Conflict):
        services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    result = selectors.matching_for_request(
        membership=coordinator_membership(coordinator), placement_request=placement_request
    )
    assert result.match_of(facility.pk).facility.declined_this_request  # a timeout counts as a refusal


@pytest.mark.django_db
def test_offering_from_a_state_outside_matching_is_refused(referrer, coordinator):
    from tests.placement.factories import make_request

    placement_request = make_request(referrer, submit=True)
    with pytest.raises(TransitionNotAllowed):
        offer_to(placement_request, fitting_facility(), coordinator)


@pytest.mark.django_db
def test_accepting_after_the_deadline_is_409_and_changes_nothing(referrer, coordinator):
    """Between the deadline and the next expiry run the offer is still open, but too late."""
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    past = timezone.now() - datetime.timedelta(hours=1)
    Offer.objects.filter(pk=offer.pk).update(created_at=past - datetime.timedelta(days=7), deadline=past)
    with pytest.raises(Conflict) as error:
        services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    assert error.value.code == "offer_deadline_passed"
    offer.refresh_from_db()
    placement_request.refresh_from_db()
    assert offer.status == OfferStatus.OPEN and placement_request.status == Status.OFFERED and held(facility) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("days", [2, 8])
def test_the_deadline_follows_the_regions_own_setting(referrer, coordinator, days):
    """Each region sets its own number of working days for an answer (default 5)."""
    Region.objects.filter(code="JZ14").update(offer_response_working_days=days)
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    local = timezone.localtime(offer.deadline, AMS)
    assert working_days_between(timezone.localdate(offer.created_at), local.date()) == days
    assert (local.hour, local.minute) == (23, 59)
    # The provider is told that date.
    message = OutboxMessage.objects.get(recipient=staff, channel="in_app", subject__contains=offer.pseudonym)
    assert local.strftime("%d-%m-%Y") in message.body


@pytest.mark.django_db
def test_the_school_is_identifying_in_the_composer(client, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    school = placement_request.youth.school
    with pytest.raises(Invalid) as error:
        offer_to(placement_request, facility, coordinator, texts={"goals": f"Blijft naar {school} gaan."})
    assert {(p["name"], p["kind"]) for p in error.value.invalid_params} == {("texts.goals", "address")}
    assert held(facility) == 0 and not Offer.objects.exists()
    # On the composer page the coordinator sees why, next to the field, and nothing is sent.
    client.force_login(coordinator)
    data = {name: "" for name in referral.OFFER_TEXT_FIELDS}
    data.update(goals=f"Blijft naar {school.upper()} gaan.", action="send")
    response = client.post(f"/coordinator/requests/{placement_request.pk}/offer/{facility.pk}/", data)
    body = response.content.decode()
    assert response.status_code == 422
    assert f"adres of school “{school.upper()}”" in body and 'id="id_goals-error"' in body
    assert not Offer.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_offer_for_a_request(referrer, coordinator):
    """Below the service: the partial unique index allows one open offer per request."""
    placement_request = in_matching(referrer, coordinator)
    first = offer_to(placement_request, fitting_facility(), coordinator)
    other = fitting_facility()
    row = {
        "request": placement_request,
        "facility": other,
        "provider_id": other.provider_id,
        "analysis": first.analysis,
        "referral": first.referral,
        "created_by": coordinator,
        "deadline": first.deadline,
    }
    with pytest.raises(IntegrityError, match="offer_one_open_per_request"), transaction.atomic():
        Offer.objects.create(pseudonym="AM-SECOND01", **row)
    # Only open offers count: answered offers of the same request sit next to it.
    Offer.objects.create(
        pseudonym="AM-ANSWERD1",
        status=OfferStatus.DECLINED,
        decline_reason="no_place",
        motivation="Vol",
        answered_at=timezone.now(),
        **row,
    )
    assert list(Offer.objects.filter(request=placement_request).values_list("status", flat=True).order_by("id")) == [
        OfferStatus.OPEN,
        OfferStatus.DECLINED,
    ]
