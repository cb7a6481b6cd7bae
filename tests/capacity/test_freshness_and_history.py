"""Freshness (stale marking, totals, reminders), occupancy rate over time, and planned
capacity changes applied by the daily job."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Role
from capacity import selectors, services, tasks
from capacity.models import AvailabilityChange, Facility, PlannedCapacityChange
from core.models import Event, OutboxMessage
from tests.capacity.factories import FacilityFactory, provider_org

AMS = ZoneInfo("Europe/Amsterdam")


def _confirmed(facility, days_ago, user):
    Facility.objects.filter(pk=facility.pk).update(
        last_confirmed_at=timezone.now() - timedelta(days=days_ago), last_confirmed_by=user
    )


@pytest.fixture
def admin_membership(make_member):
    from accounts.selectors import membership_with_role

    return membership_with_role(make_member(Role.ADMIN), Role.ADMIN)


def _get(membership, facility):
    return selectors.facility_get(membership=membership, pk=facility.pk)


@pytest.mark.django_db
def test_never_confirmed_is_stale_and_confirmation_makes_it_fresh(twente, admin_membership, make_member):
    facility = FacilityFactory()
    assert _get(admin_membership, facility).is_stale is True
    staff = make_member(Role.PROVIDER, organisation=facility.provider)
    services.availability_confirm(facility=facility, by=staff)
    assert _get(admin_membership, facility).is_stale is False


@pytest.mark.django_db
def test_staleness_follows_the_freshness_days_of_the_facilitys_region(twente, drenthe, admin_membership, make_member):
    twente.freshness_days = 3
    twente.save()
    in_twente = FacilityFactory()  # Enschede
    in_drenthe = FacilityFactory(municipality=drenthe.municipalities.get(code="GM0106"))  # Assen, default 7 days
    user = make_member(Role.PROVIDER, organisation=in_twente.provider)
    for facility in (in_twente, in_drenthe):
        _confirmed(facility, 4, user)
    assert _get(admin_membership, in_twente).is_stale is True
    assert _get(admin_membership, in_drenthe).is_stale is False
    now = timezone.now()
    assert selectors.facility_get(
        membership=admin_membership, pk=in_drenthe.pk, now=now + timedelta(days=3, hours=1)
    ).is_stale
    _confirmed(in_twente, 2.9, user)
    assert _get(admin_membership, in_twente).is_stale is False


@pytest.mark.django_db
def test_totals_never_count_stale_free_places_as_trusted(twente, admin_membership, make_member):
    fresh = FacilityFactory(places_staffed=5, occupied_external=2)  # 3 free
    stale = FacilityFactory(places_staffed=6, occupied_external=2)  # 4 free, stale
    user = make_member(Role.PROVIDER, organisation=fresh.provider)
    _confirmed(fresh, 1, user)
    _confirmed(stale, 8, user)
    totals = selectors.facility_totals(selectors.facility_list(membership=admin_membership))
    assert (totals["free"], totals["free_stale"], totals["stale"], totals["facilities"]) == (3, 4, 1, 2)
    assert (totals["staffed"], totals["occupied"], totals["contracted"]) == (11, 4, 12)


@pytest.mark.django_db
def test_stale_reminders_reach_the_providers_staff_once_a_day(twente, make_member):
    horst = provider_org(name="Horst")
    stale = FacilityFactory(provider=horst, name="Groep Kwartel")
    fresh = FacilityFactory(provider=horst, name="Groep Merel")
    other_org_fresh = FacilityFactory(name="Elders")
    ended = FacilityFactory(
        provider=horst, name="Gesloten groep", active_from=date(2020, 1, 1), active_until=date(2021, 1, 1)
    )
    staff1 = make_member(Role.PROVIDER, organisation=horst)
    staff2 = make_member(Role.PROVIDER, organisation=horst)
    outsider = make_member(Role.PROVIDER, organisation=other_org_fresh.provider)
    _confirmed(fresh, 1, staff1)
    _confirmed(other_org_fresh, 1, outsider)
    assert tasks.stale_reminders_send() == 2
    messages = OutboxMessage.objects.filter(channel="in_app")
    assert sorted(m.recipient_id for m in messages) == sorted([staff1.pk, staff2.pk])
    body = messages.first().body
    assert "Groep Kwartel" in body and "Groep Merel" not in body and ended.name not in body
    assert messages.first().url == "/provider/"
    assert tasks.stale_reminders_send() == 0  # idempotent within the day
    stale.refresh_from_db()
    assert stale.stale_reminder_sent_on == timezone.localdate()
    # the next day it reminds again while still stale
    assert services.stale_reminders_send(now=timezone.now() + timedelta(days=1)) == 2


# --- Occupancy rate -----------------------------------------------------------------------


def _at(day, hour=0):
    return datetime(2025, 3, day, hour, tzinfo=AMS)


def _history(facility, at, *, contracted=10, staffed=10, internal=0, external=0, held=0):
    AvailabilityChange.objects.create(
        facility=facility,
        changed_at=at,
        kind="updated",
        places_contracted=contracted,
        places_staffed=staffed,
        occupied_internal=internal,
        occupied_external=external,
        held=held,
    )


@pytest.fixture
def history_facility(twente):
    """Hand-worked history (contracted/occupied):
    1 Mar 00:00  10 / 8          3 Mar 00:00  10 / 9 (1 via regie + 8 from outside)
    4 Mar 12:00  12 / 9 (opbouw), 2 held (held is not occupied)
    """
    facility = FacilityFactory(places_contracted=12, places_staffed=12)
    _history(facility, _at(1), external=8)
    _history(facility, _at(3), internal=1, external=8)
    _history(facility, _at(4, 12), contracted=12, staffed=12, internal=1, external=8, held=2)
    return facility


@pytest.mark.django_db
def test_occupancy_rate_is_time_weighted_over_the_period(history_facility):
    # 2 Mar -> 6 Mar (4 days): 1 day 8/10, 1.5 days 9/10, 1.5 days 9/12
    # occupied place-days 8 + 13.5 + 13.5 = 35; contracted 10 + 15 + 18 = 43
    occupancy = selectors.occupancy_rate(facility=history_facility, start=_at(2), end=_at(6), now=_at(20))
    assert occupancy.occupied_place_days == pytest.approx(35)
    assert occupancy.contracted_place_days == pytest.approx(43)
    assert occupancy.rate == pytest.approx(35 / 43)


@pytest.mark.django_db
def test_occupancy_rate_ignores_time_before_the_facility_existed_and_after_now(history_facility):
    # 27 Feb -> 2 Mar: only 1 Mar 00:00 -> 2 Mar 00:00 counts, at 8 of 10
    occupancy = selectors.occupancy_rate(
        facility=history_facility, start=_at(1) - timedelta(days=2), end=_at(2), now=_at(20)
    )
    assert occupancy.rate == pytest.approx(0.8) and occupancy.contracted_place_days == pytest.approx(10)
    # "now" is 3 Mar 12:00: 3 Mar 00:00 -> 12:00 at 9/10, nothing after
    half = selectors.occupancy_rate(facility=history_facility, start=_at(3), end=_at(10), now=_at(3, 12))
    assert half.contracted_place_days == pytest.approx(5) and half.rate == pytest.approx(0.9)
    before = selectors.occupancy_rate(
        facility=history_facility, start=_at(1) - timedelta(days=5), end=_at(1), now=_at(20)
    )
    assert before.rate is None


@pytest.mark.django_db
def test_occupancy_series_gives_a_rate_per_day_for_the_chart(history_facility):
    series = selectors.occupancy_series(facility=history_facility, days=6, now=_at(5, 12))
    assert [p["date"] for p in series] == [
        "2025-02-28",
        "2025-03-01",
        "2025-03-02",
        "2025-03-03",
        "2025-03-04",
        "2025-03-05",
    ]
    rates = [p["rate"] for p in series]
    # 4 Mar: half a day 9/10 and half a day 9/12 -> (4.5 + 4.5) / (5 + 6) = 81.8%
    assert rates == [None, 80.0, 80.0, 90.0, 81.8, 75.0]


# --- Planned capacity changes ---------------------------------------------------------------


@pytest.mark.django_db
def test_planned_change_is_applied_on_its_date_once_and_recorded(twente, make_member):
    facility = FacilityFactory(places_contracted=8, places_staffed=8, occupied_external=3)
    admin = make_member(Role.ADMIN)
    today = timezone.localdate()
    change = services.capacity_change_plan(
        facility=facility, by=admin, effective_date=today + timedelta(days=2), places_contracted=5, note="Afbouw groep"
    )
    assert services.capacity_changes_apply_due(today=today + timedelta(days=1)) == {"applied": 0, "blocked": 0}
    facility.refresh_from_db()
    assert facility.places_contracted == 8
    assert services.capacity_changes_apply_due(today=today + timedelta(days=2)) == {"applied": 1, "blocked": 0}
    facility.refresh_from_db()
    change.refresh_from_db()
    assert (facility.places_contracted, facility.places_staffed) == (5, 5)  # staffed lowered with it
    assert change.status == "applied" and change.applied_at is not None
    assert services.capacity_changes_apply_due(today=today + timedelta(days=3)) == {"applied": 0, "blocked": 0}
    assert AvailabilityChange.objects.filter(facility=facility, kind="contract_changed").count() == 1
    types = list(
        Event.objects.filter(subject_id=facility.pk, subject_type="capacity.facility").values_list(
            "event_type", flat=True
        )
    )
    assert types == ["capacity_change.planned", "capacity_change.applied"]


@pytest.mark.django_db
def test_afbouw_waits_while_places_are_still_in_use(twente, make_member, coordinator):
    facility = FacilityFactory(places_contracted=6, places_staffed=6, occupied_external=4)
    admin = make_member(Role.ADMIN)
    services.availability_hold(facility=facility, by=coordinator)  # 5 in use
    change = services.capacity_change_plan(
        facility=facility, by=admin, effective_date=timezone.localdate(), places_contracted=4
    )
    assert tasks.capacity_changes_apply() == {"applied": 0, "blocked": 1}
    change.refresh_from_db()
    facility.refresh_from_db()
    assert change.status == "planned" and "5 plaatsen" in change.blocked_reason and facility.places_contracted == 6
    tasks.capacity_changes_apply()  # blocked again: no second "blocked" event
    assert Event.objects.filter(event_type="capacity_change.blocked", subject_id=facility.pk).count() == 1
    services.availability_release_hold(facility=facility, by=coordinator)
    assert tasks.capacity_changes_apply() == {"applied": 1, "blocked": 0}
    facility.refresh_from_db()
    assert (facility.places_contracted, facility.places_staffed, facility.places_free) == (4, 4, 0)


@pytest.mark.django_db
def test_cancelled_change_is_never_applied_and_past_dates_are_refused(twente, make_member):
    from core.errors import Invalid

    facility = FacilityFactory(places_contracted=6, places_staffed=6)
    admin = make_member(Role.ADMIN)
    change = services.capacity_change_plan(
        facility=facility, by=admin, effective_date=timezone.localdate(), places_contracted=10
    )
    services.capacity_change_cancel(change=change, by=admin)
    assert tasks.capacity_changes_apply() == {"applied": 0, "blocked": 0}
    facility.refresh_from_db()
    assert facility.places_contracted == 6
    with pytest.raises(Invalid) as caught:
        services.capacity_change_plan(
            facility=facility, by=admin, effective_date=timezone.localdate() - timedelta(days=1), places_contracted=3
        )
    assert caught.value.invalid_params[0]["name"] == "effective_date"
    assert PlannedCapacityChange.objects.filter(facility=facility).count() == 1
