"""Availability invariants: the database refuses impossible figures, the services check
them first with field-named errors, every change leaves a history row and an event, and
concurrent holds and updates (real transactions in threads) never break the count."""

import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction

from accounts.models import Role
from capacity import services
from capacity.models import AvailabilityChange, Facility
from core.errors import Conflict, Forbidden, Invalid
from core.models import Event
from tests.capacity.factories import FacilityFactory, provider_org


@pytest.fixture
def facility(twente):
    return FacilityFactory(places_contracted=6, places_staffed=4, occupied_external=1)


@pytest.fixture
def staff(make_member, facility):
    return make_member(Role.PROVIDER, organisation=facility.provider)


def _figures(facility):
    facility.refresh_from_db()
    return facility.figures()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"places_staffed": 7},  # above contracted
        {"held": 4},  # occupied + held above staffed
        {"occupied_internal": 2, "occupied_external": 3},
        {"places_staffed": 0},  # below what is occupied
    ],
)
def test_database_refuses_impossible_figures(facility, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        Facility.objects.filter(pk=facility.pk).update(**change)
    assert _figures(facility)["places_staffed"] == 4


@pytest.mark.django_db
def test_database_refuses_negative_figures(facility):
    from django.db.models import F

    with pytest.raises(IntegrityError), transaction.atomic():
        Facility.objects.filter(pk=facility.pk).update(occupied_external=F("occupied_external") - 2)


@pytest.mark.django_db
def test_provider_update_sets_figures_confirmation_history_and_event(facility, staff):
    updated = services.availability_update(facility=facility, by=staff, places_staffed=5, occupied_external=2)
    assert (updated.places_staffed, updated.occupied_external, updated.places_free) == (5, 2, 3)
    facility.refresh_from_db()
    assert facility.last_confirmed_by == staff and facility.last_confirmed_at is not None
    change = AvailabilityChange.objects.get(facility=facility)
    assert (change.kind, change.changed_by, change.places_staffed, change.occupied_external) == ("updated", staff, 5, 2)
    event = Event.objects.get(subject_type="capacity.facility", subject_id=facility.pk)
    assert event.event_type == "availability.updated" and event.actor == staff
    assert event.details["before"]["places_staffed"] == 4 and event.details["after"]["places_staffed"] == 5


@pytest.mark.django_db
def test_confirm_unchanged_only_refreshes_the_confirmation(facility, staff):
    before = _figures(facility)
    services.availability_confirm(facility=facility, by=staff)
    assert _figures(facility) == before
    assert facility.last_confirmed_at is not None
    assert AvailabilityChange.objects.get(facility=facility).kind == "confirmed"
    assert Event.objects.filter(event_type="availability.confirmed", subject_id=facility.pk).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"places_staffed": -1}, "places_staffed"),
        ({"occupied_external": -2}, "occupied_external"),
        ({"places_staffed": 7}, "places_staffed"),  # contracted is 6
        ({"occupied_external": 5}, "occupied_external"),  # staffed is 4
        ({"places_staffed": 0}, "places_staffed"),  # 1 occupied from outside
        ({"places_staffed": 2.5}, "places_staffed"),
        ({"occupied_external": "3"}, "occupied_external"),
    ],
)
def test_update_refuses_bad_figures_naming_the_field(facility, staff, kwargs, field):
    before = _figures(facility)
    with pytest.raises(Invalid) as caught:
        services.availability_update(facility=facility, by=staff, **kwargs)
    assert [p["name"] for p in caught.value.invalid_params] == [field]
    assert _figures(facility) == before and facility.last_confirmed_at is None
    assert not AvailabilityChange.objects.filter(facility=facility).exists()


@pytest.mark.django_db
def test_only_the_owning_providers_staff_can_update(facility, make_member):
    other_staff = make_member(Role.PROVIDER, organisation=provider_org())
    coordinator = make_member(Role.COORDINATOR)
    for user in (other_staff, coordinator):
        with pytest.raises(Forbidden):
            services.availability_update(facility=facility, by=user, places_staffed=5)
    assert _figures(facility)["places_staffed"] == 4


@pytest.mark.django_db
def test_hold_occupy_and_release_walk_the_figures(facility, coordinator):
    services.availability_hold(facility=facility, by=coordinator, reason_ref="offer:1")
    assert _figures(facility)["held"] == 1 and facility.places_free == 2
    services.availability_occupy_from_hold(facility=facility, by=coordinator, reason_ref="offer:1")
    facility.refresh_from_db()
    assert (facility.held, facility.occupied_internal, facility.places_free) == (0, 1, 2)
    services.availability_hold(facility=facility, by=coordinator, reason_ref="offer:2")
    services.availability_release_hold(facility=facility, by=coordinator, reason_ref="offer:2")
    services.availability_release_occupied(facility=facility, by=coordinator, reason_ref="placement:1")
    facility.refresh_from_db()
    assert (facility.held, facility.occupied_internal, facility.places_free) == (0, 0, 3)
    kinds = list(AvailabilityChange.objects.filter(facility=facility).values_list("kind", flat=True))
    assert kinds == ["held", "occupied", "held", "hold_released", "occupied_released"]
    assert list(
        Event.objects.filter(subject_id=facility.pk, subject_type="capacity.facility").values_list(
            "event_type", flat=True
        )
    ) == [
        "availability.held",
        "availability.occupied",
        "availability.held",
        "availability.hold_released",
        "availability.occupied_released",
    ]
    assert facility.last_confirmed_at is None  # holds are not the provider's confirmation


@pytest.mark.django_db
def test_hold_without_free_place_is_a_conflict_and_changes_nothing(facility, coordinator):
    for _ in range(3):
        services.availability_hold(facility=facility, by=coordinator)
    with pytest.raises(Conflict) as caught:
        services.availability_hold(facility=facility, by=coordinator)
    assert caught.value.code == "no_free_place"
    assert _figures(facility)["held"] == 3
    assert AvailabilityChange.objects.filter(facility=facility).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "service",
    [
        services.availability_release_hold,
        services.availability_occupy_from_hold,
        services.availability_release_occupied,
    ],
)
def test_release_or_occupy_without_anything_to_move_is_a_conflict(facility, coordinator, service):
    before = _figures(facility)
    with pytest.raises(Conflict):
        service(facility=facility, by=coordinator)
    assert _figures(facility) == before


@pytest.mark.django_db
def test_provider_cannot_staff_fewer_places_than_are_held(facility, staff, coordinator):
    services.availability_hold(facility=facility, by=coordinator)
    services.availability_hold(facility=facility, by=coordinator)
    with pytest.raises(Invalid) as caught:
        services.availability_update(facility=facility, by=staff, places_staffed=2)
    assert caught.value.invalid_params[0]["name"] == "places_staffed"
    assert "2 vastgehouden" in caught.value.invalid_params[0]["reason"]


def _run_concurrently(functions):
    """Run each function in its own thread (own DB connection), all released together."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def runner(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_holds_never_hold_more_than_the_free_places(twente, make_member):
    facility = FacilityFactory(places_contracted=6, places_staffed=4, occupied_external=1)  # 3 free
    coordinator = make_member(Role.COORDINATOR, regions=[twente])
    results = _run_concurrently(
        [
            lambda i=i: services.availability_hold(facility=facility.pk, by=coordinator, reason_ref=f"offer:{i}")
            for i in range(8)
        ]
    )
    succeeded = [r for r in results if isinstance(r, Facility)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert (len(succeeded), len(refused)) == (3, 5), results
    facility.refresh_from_db()
    assert (facility.held, facility.places_free) == (3, 0)
    assert AvailabilityChange.objects.filter(facility=facility, kind="held").count() == 3
    assert sorted(r.held for r in succeeded) == [1, 2, 3]  # each decided on the previous commit


@pytest.mark.django_db(transaction=True)
def test_concurrent_provider_update_and_holds_stay_consistent(twente, make_member):
    facility = FacilityFactory(places_contracted=6, places_staffed=4)  # 4 free
    staff = make_member(Role.PROVIDER, organisation=facility.provider)
    coordinator = make_member(Role.COORDINATOR, regions=[twente])
    functions = [lambda: services.availability_update(facility=facility.pk, by=staff, occupied_external=2)]
    functions += [
        lambda i=i: services.availability_hold(facility=facility.pk, by=coordinator, reason_ref=f"o{i}")
        for i in range(4)
    ]
    results = _run_concurrently(functions)
    update_ok = isinstance(results[0], Facility)
    holds_ok = sum(isinstance(r, Facility) for r in results[1:])
    assert all(isinstance(r, (Facility, Conflict, Invalid)) for r in results), results
    facility.refresh_from_db()
    assert facility.held == holds_ok
    assert facility.occupied_external == (2 if update_ok else 0)
    assert facility.held + facility.occupied_external <= facility.places_staffed
    # The update fits only while at most 2 places are held; afterwards holds fill the rest.
    assert holds_ok == (2 if update_ok else 4)
    last = AvailabilityChange.objects.filter(facility=facility).order_by("changed_at", "id").last()
    assert (last.held, last.occupied_external, last.places_staffed) == (facility.held, facility.occupied_external, 4)
