"""Issue 11 point 1: crisis placements. Registered in one step with what is known; the
place is taken like any placement (hold, then occupied, refused when full); the follow-up
request (the dossier) is due after the region's working days, completed and submitted by
the referrer (or the coordinator), and triaged: the youth stays (convert) or a longer-term
place is sought (a transfer from the crisis placement). The beat job reports an overdue
dossier once. Bad input names every field at once and writes nothing; a real race of a
crisis registration against an offer on the same last place."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Municipality, Role
from capacity.models import Facility
from core.errors import Conflict, Forbidden, Invalid, TransitionNotAllowed
from core.events import events_for
from core.models import AccessLogEntry, OutboxMessage
from intake import services as intake_services
from intake.models import PlacementRequest, Status, Youth
from placement import services
from placement.deadlines import AMSTERDAM, add_working_days
from placement.models import Placement, PlacementKind, Transfer
from tests.accounts.factories import member
from tests.placement.factories import (
    ANALYSIS,
    PERSPECTIVE,
    SAFETY,
    coordinator_membership,
    fitting_facility,
    in_matching,
    make_request,
    offer_to,
    pdf_upload,
    provider_membership,
)
from tests.placement.test_offer_races import race


def figures(facility):
    f = Facility.objects.get(pk=facility.pk)
    return {"internal": f.occupied_internal, "held": f.held, "free": f.places_free}


def counts():
    return (Youth.objects.count(), PlacementRequest.objects.count(), Placement.objects.count())


def referrer_org(referrer):
    return referrer.memberships.get().organisation


def register(coordinator, facility, referrer, *, started_at=None, **youth):
    values = {"municipality_id": Municipality.objects.get(code="GM0153").pk, **youth}
    return services.crisis_placement_register(
        by=coordinator,
        membership=coordinator_membership(coordinator),
        facility_id=facility.pk,
        started_at=started_at or timezone.now(),
        youth=services.CrisisYouth(**values),
        referrer_organisation_id=referrer_org(referrer).pk,
    )


def complete_dossier(placement_request, referrer):
    membership = referrer.memberships.get()
    intake_services.request_update(
        placement_request=placement_request,
        youth={"given_names": "Noor", "family_name": "Bakker", "birth_date": datetime.date(2011, 5, 1)},
        by=referrer,
        membership=membership,
    )
    intake_services.analysis_save(
        placement_request=placement_request, data=dict(ANALYSIS), by=referrer, membership=membership
    )
    intake_services.perspective_plan_save(
        placement_request=placement_request, data=dict(PERSPECTIVE), by=referrer, membership=membership
    )
    intake_services.safety_plan_save(
        placement_request=placement_request, data=dict(SAFETY), by=referrer, membership=membership
    )
    intake_services.document_upload(
        placement_request=placement_request,
        upload=pdf_upload(),
        kind="zorgvraag",
        title="Zorgvraag",
        by=referrer,
        membership=membership,
    )


# --- registration ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_registration_occupies_the_place_and_opens_the_follow_up_with_its_due_day(referrer, coordinator):
    facility = fitting_facility(free=2)
    staff = member(Role.PROVIDER, organisation=facility.provider)
    before = figures(facility)
    started = timezone.now() - datetime.timedelta(hours=2)
    placement = register(coordinator, facility, referrer, started_at=started)  # no name, no birth date
    placement_request = placement.request
    assert placement.kind == PlacementKind.CRISIS and placement.offer_id is None and placement.end_date is None
    assert placement.started_at == started and placement.facility_id == facility.pk
    after = figures(facility)
    assert after == {"internal": before["internal"] + 1, "held": 0, "free": before["free"] - 1}
    assert placement_request.status == Status.CRISIS and placement_request.follows_crisis
    start_day = timezone.localtime(started, AMSTERDAM).date()
    due = add_working_days(start_day, placement_request.region.crisis_dossier_working_days)
    assert placement_request.crisis_dossier_due == due and placement_request.referral_date == start_day
    assert placement_request.youth.birth_date is None and placement_request.youth.family_name == ""
    assert placement_request.referrer == referrer
    event = [e for e in events_for(placement_request) if e.event_type == "crisis_placement_registered"][-1]
    assert event.to_state == Status.CRISIS and event.details["placement"] == placement.pk
    assert AccessLogEntry.objects.filter(
        user=coordinator, subject_id=placement_request.youth_id, details__view="crisis_register"
    ).exists()
    assert OutboxMessage.objects.filter(recipient=staff).exists()  # the provider is told
    assert OutboxMessage.objects.filter(recipient=referrer).exists()  # the referrer: the dossier follows


@pytest.mark.django_db
def test_region_setting_sets_the_due_day(referrer, coordinator, twente):
    twente.crisis_dossier_working_days = 2
    twente.save()
    started = datetime.datetime(2026, 12, 4, 22, 0, tzinfo=AMSTERDAM)  # a Friday night
    placement = services.crisis_placement_register(
        by=coordinator,
        membership=coordinator_membership(coordinator),
        facility_id=fitting_facility().pk,
        started_at=started,
        youth=services.CrisisYouth(municipality_id=Municipality.objects.get(code="GM0153").pk),
        referrer_organisation_id=referrer_org(referrer).pk,
        now=started,
    )
    assert placement.request.crisis_dossier_due == datetime.date(2026, 12, 8)  # Monday, Tuesday


@pytest.mark.django_db
def test_a_full_facility_is_refused_and_nothing_is_written(referrer, coordinator):
    facility = fitting_facility(free=0)
    before, rows = figures(facility), counts()
    with pytest.raises(Conflict) as caught:
        register(coordinator, facility, referrer)
    assert caught.value.code == "no_free_place" and caught.value.invalid_params[0]["name"] == "facility"
    assert figures(facility) == before and counts() == rows


@pytest.mark.django_db
def test_the_database_refuses_a_crisis_placement_without_start_or_with_an_offer(referrer, coordinator):
    placement = register(coordinator, fitting_facility(), referrer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=placement.pk).update(started_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=placement.pk).update(kind=PlacementKind.REGULAR)  # a regular one needs an offer
    with pytest.raises(IntegrityError), transaction.atomic():
        PlacementRequest.objects.filter(pk=placement.request_id).update(crisis_dossier_due=None)


@pytest.mark.django_db
def test_bad_input_names_every_field_at_once_and_writes_nothing(referrer, coordinator, coordinator_drenthe):
    rows = counts()
    with pytest.raises(Invalid) as caught:
        services.crisis_placement_register(
            by=coordinator,
            membership=coordinator_membership(coordinator),
            facility_id=None,
            started_at=timezone.now() + datetime.timedelta(days=3),
            youth=services.CrisisYouth(
                municipality_id=None, bsn="123", gender="x", birth_date=timezone.localdate() + datetime.timedelta(1)
            ),
            referrer_organisation_id=None,
        )
    names = {p["name"] for p in caught.value.invalid_params}
    assert names == {"municipality", "bsn", "gender", "birth_date", "referrer_organisation", "facility", "started_at"}
    # Another region's youth is that region's crisis; a facility it may not use is refused.
    with pytest.raises(Invalid) as caught:
        services.crisis_placement_register(
            by=coordinator_drenthe,
            membership=coordinator_membership(coordinator_drenthe),
            facility_id=fitting_facility().pk,
            started_at=timezone.now(),
            youth=services.CrisisYouth(municipality_id=Municipality.objects.get(code="GM0153").pk),
            referrer_organisation_id=referrer_org(referrer).pk,
        )
    assert {"municipality", "facility"} <= {p["name"] for p in caught.value.invalid_params}  # Twente's facility
    assert counts() == rows


@pytest.mark.django_db
def test_only_a_coordinator_registers(referrer, coordinator):
    with pytest.raises(Forbidden):
        services.crisis_placement_register(
            by=referrer,
            membership=referrer.memberships.get(),
            facility_id=fitting_facility().pk,
            started_at=timezone.now(),
            youth=services.CrisisYouth(municipality_id=Municipality.objects.get(code="GM0153").pk),
            referrer_organisation_id=referrer_org(referrer).pk,
        )


# --- triage decision "crisis": the request becomes the follow-up ---------------------------


@pytest.mark.django_db
def test_triage_crisis_is_the_one_step_registration_with_the_request_as_follow_up(referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    membership = coordinator_membership(coordinator)
    with pytest.raises(Invalid) as caught:  # no facility, no start: not a decision on its own
        intake_services.request_triage(
            placement_request=placement_request, decision="crisis", by=coordinator, membership=membership
        )
    assert caught.value.invalid_params[0]["name"] == "decision"
    facility = fitting_facility()
    placement = services.crisis_placement_register(
        by=coordinator,
        membership=membership,
        facility_id=facility.pk,
        started_at=timezone.now(),
        placement_request=placement_request,
    )
    placement_request.refresh_from_db()
    assert placement.request_id == placement_request.pk and placement_request.status == Status.CRISIS
    event = list(events_for(placement_request))[-1]
    assert (event.event_type, event.from_state, event.to_state) == (
        "crisis_placement_registered",
        "submitted",
        "crisis",
    )
    # The dossier is complete already: the coordinator submits it for triage.
    services.crisis_dossier_submit(placement_request=placement_request, by=coordinator, membership=membership)
    placement_request.refresh_from_db()
    assert placement_request.status == Status.SUBMITTED


# --- the follow-up ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_referrer_completes_and_submits_the_dossier_then_the_youth_stays(referrer, coordinator):
    facility = fitting_facility()
    placement = register(coordinator, facility, referrer)
    placement_request = placement.request
    membership = coordinator_membership(coordinator)
    with pytest.raises(Invalid) as caught:  # incomplete: every missing item is named
        services.crisis_dossier_submit(placement_request=placement_request, by=coordinator, membership=membership)
    assert {"youth.birth_date", "analysis", "zorgvraag"} <= {p["name"] for p in caught.value.invalid_params}
    complete_dossier(placement_request, referrer)
    referral_date = placement_request.referral_date
    intake_services.request_submit(
        placement_request=placement_request, by=referrer, membership=referrer.memberships.get()
    )
    placement_request.refresh_from_db()
    assert placement_request.status == Status.SUBMITTED and placement_request.referral_date == referral_date
    with pytest.raises(Invalid):  # matching needs the follow-up decision (the youth is placed)
        intake_services.request_triage(
            placement_request=placement_request, decision="matching", by=coordinator, membership=membership
        )
    result = services.crisis_followup_triage(
        placement_request=placement_request, decision="stay", by=coordinator, membership=membership
    )
    placement.refresh_from_db()
    assert result.pk == placement_request.pk and result.status == Status.PLACED
    assert placement.end_date is None and not Transfer.objects.exists()  # no transfer counted
    assert figures(facility)["internal"] == Facility.objects.get(pk=facility.pk).occupied_internal


@pytest.mark.django_db
def test_longer_term_place_is_a_transfer_from_the_crisis_placement(referrer, coordinator):
    crisis_facility = fitting_facility()
    placement = register(coordinator, crisis_facility, referrer)
    placement_request = placement.request
    complete_dossier(placement_request, referrer)
    intake_services.request_submit(
        placement_request=placement_request, by=referrer, membership=referrer.memberships.get()
    )
    membership = coordinator_membership(coordinator)
    new = services.crisis_followup_triage(
        placement_request=placement_request, decision="longer_term", by=coordinator, membership=membership
    )
    placement_request.refresh_from_db()
    assert placement_request.status == Status.PLACED  # in the crisis place until the next one starts
    assert new.status == Status.MATCHING and new.kind == "transfer" and new.previous_placement_id == placement.pk
    assert new.triage_analysis_id == new.analysis_id is not None
    assert Transfer.objects.get(from_placement=placement).new_request_id == new.pk
    longer = fitting_facility()
    staff = member(Role.PROVIDER, organisation=longer.provider)
    offer = offer_to(new, longer, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    crisis_before = figures(crisis_facility)
    services.placement_start(
        placement_request=new, start_date=timezone.localdate(), by=staff, membership=provider_membership(staff)
    )
    placement.refresh_from_db()
    placement_request.refresh_from_db()
    assert placement.end_date == timezone.localdate() and placement.end_reason == "01" and placement.needs_new_place
    assert placement_request.status == Status.ENDED
    assert figures(crisis_facility)["internal"] == crisis_before["internal"] - 1
    assert Transfer.objects.filter(from_placement=placement).count() == 1


@pytest.mark.django_db
def test_crisis_placement_can_end_before_the_dossier_is_in(referrer, coordinator):
    facility = fitting_facility()
    placement = register(coordinator, facility, referrer)
    internal = figures(facility)["internal"]
    services.placement_end(
        placement=placement,
        end_date=timezone.localdate(),
        destination="home",
        reason="02",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    placement.request.refresh_from_db()
    assert placement.request.status == Status.ENDED and figures(facility)["internal"] == internal - 1


@pytest.mark.django_db
def test_overdue_dossier_is_reported_once_to_coordinators_and_referrer(referrer, coordinator):
    placement = register(coordinator, fitting_facility(), referrer)
    placement_request = placement.request
    due = placement_request.crisis_dossier_due
    on_time = datetime.datetime.combine(due, datetime.time(12), tzinfo=AMSTERDAM)
    assert services.crisis_overdue_notify(now=on_time) == 0
    later = on_time + datetime.timedelta(days=1)

    def told(user):
        return OutboxMessage.objects.filter(recipient=user, subject__contains="te laat").count()

    assert told(referrer) == told(coordinator) == 0
    assert services.crisis_overdue_notify(now=later) == 1
    sent = (told(referrer), told(coordinator))
    assert sent[0] >= 1 and sent[1] >= 1
    assert services.crisis_overdue_notify(now=later) == 0  # idempotent
    assert (told(referrer), told(coordinator)) == sent
    assert [e.event_type for e in events_for(placement_request)].count("crisis_dossier_overdue") == 1


@pytest.mark.django_db
def test_a_submitted_dossier_is_not_reported_overdue(referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    services.crisis_placement_register(
        by=coordinator,
        membership=coordinator_membership(coordinator),
        facility_id=fitting_facility().pk,
        started_at=timezone.now(),
        placement_request=placement_request,
    )
    services.crisis_dossier_submit(
        placement_request=placement_request, by=coordinator, membership=coordinator_membership(coordinator)
    )
    later = timezone.now() + datetime.timedelta(days=30)
    assert services.crisis_overdue_notify(now=later) == 0


@pytest.mark.django_db
def test_registration_from_a_request_not_in_triage_is_refused(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    before = figures(facility)
    with pytest.raises(TransitionNotAllowed):
        services.crisis_placement_register(
            by=coordinator,
            membership=coordinator_membership(coordinator),
            facility_id=facility.pk,
            started_at=timezone.now(),
            placement_request=placement_request,
        )
    assert figures(facility) == before and not Placement.objects.exists()


# --- the race ------------------------------------------------------------------------------


@pytest.fixture
def no_outbox_delivery(monkeypatch):
    monkeypatch.setattr("core.outbox._schedule_delivery", lambda message_id: None)


@pytest.mark.django_db(transaction=True)
def test_crisis_registration_racing_an_offer_for_the_last_place_exactly_one_wins(
    referrer, coordinator, no_outbox_delivery
):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility(free=1)
    assert figures(facility)["free"] == 1
    rows = counts()
    calls = [
        lambda: register(coordinator, facility, referrer),
        lambda: offer_to(placement_request, facility, coordinator),
    ]
    results = race(*calls)
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], Conflict) and losses[0].code == "no_free_place"
    after = figures(facility)
    assert after["free"] == 0
    placement_request.refresh_from_db()
    if isinstance(results[0], Exception):  # the offer won: nothing of the crisis was written
        assert after == {"internal": Facility.objects.get(pk=facility.pk).occupied_internal, "held": 1, "free": 0}
        assert counts() == rows and placement_request.status == Status.OFFERED
    else:  # the crisis won: the offer was not made
        assert after["held"] == 0 and placement_request.status == Status.MATCHING
        assert not placement_request.offers.exists()
        assert counts() == (rows[0] + 1, rows[1] + 1, rows[2] + 1)


@pytest.mark.django_db(transaction=True)
def test_crisis_registration_racing_a_placement_start_cannot_take_the_held_place(
    referrer, coordinator, no_outbox_delivery
):
    """The last place is held by an accepted offer: the placement start occupies it; a
    crisis registration at the same moment is refused (no free place), whichever runs first."""
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility(free=1)
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    rows = counts()
    calls = [
        lambda: register(coordinator, facility, referrer),
        lambda: services.placement_start(
            placement_request=placement_request,
            start_date=timezone.localdate(),
            by=staff,
            membership=provider_membership(staff),
        ),
    ]
    results = race(*calls)
    assert isinstance(results[0], Conflict) and results[0].code == "no_free_place", results
    assert isinstance(results[1], Placement)
    assert counts() == (rows[0], rows[1], rows[2] + 1)  # only the regular placement
    after = figures(facility)
    assert after["held"] == 0 and after["free"] == 0


@pytest.mark.django_db
def test_a_known_bsn_joins_the_youth_of_the_regions_earlier_request(referrer, coordinator):
    """Issue 11 point 3 for the crisis path: the returning child is not a stranger."""
    earlier = make_request(referrer, submit=True)
    bsn = earlier.youth.bsn
    placement = register(coordinator, fitting_facility(free=2), referrer, bsn=bsn)
    youth = placement.request.youth
    assert youth.pk == earlier.youth_id
    # what the crisis did not know stays as the record holds it
    assert youth.family_name == earlier.youth.family_name and youth.birth_date == earlier.youth.birth_date
    linked = [e for e in events_for(placement.request) if e.event_type == "youth_linked"]
    assert len(linked) == 1 and linked[0].details["how"] == "bsn"
    # without a BSN it is a new record
    other = register(coordinator, fitting_facility(free=2), referrer)
    assert other.request.youth_id != youth.pk
