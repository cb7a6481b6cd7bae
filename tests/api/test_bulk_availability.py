"""Issue 14 (api-push): POST /api/v1/availability, many facilities of a provider's system in
one call with the moment the figures were true; all or nothing, per-row errors."""

import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from capacity import selectors, services
from capacity.models import AvailabilityChange, Facility
from tests.accounts.factories import member
from tests.api.test_conventions import assert_problem
from tests.capacity.factories import FacilityFactory, provider_org

URL = "/api/v1/availability"


@pytest.fixture
def horst(twente):
    org = provider_org(name="Horst")
    staff = member(Role.PROVIDER, organisation=org)
    facilities = [FacilityFactory(provider=org, name=f"Horst {n}", places_contracted=8) for n in range(3)]
    return {"org": org, "staff": staff, "facilities": facilities}


def _figures(facility):
    f = Facility.objects.get(pk=facility.pk)
    return f.places_staffed, f.occupied_external, f.last_confirmed_at


def _iso(moment):
    return moment.isoformat()


@pytest.mark.django_db
def test_provider_updates_many_facilities_at_the_moment_the_figures_were_true(api, horst):
    a, b, c = horst["facilities"]
    measured = timezone.now() - timedelta(minutes=10)
    body = {
        "measured_at": _iso(measured),
        "items": [
            {"facility": a.pk, "places_staffed": 5, "occupied_external": 1},
            {"facility": b.pk, "occupied_external": 2},
            {"facility": c.pk},  # confirmed unchanged
        ],
    }
    response = api.as_user(horst["staff"]).post(URL, body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert [row["id"] for row in data["items"]] == [a.pk, b.pk, c.pk]
    assert _figures(a) == (5, 1, measured)
    assert _figures(b) == (6, 2, measured)
    assert _figures(c) == (6, 0, measured)
    assert [row["places_free"] for row in data["items"]] == [4, 4, 6]
    assert {datetime.fromisoformat(row["last_confirmed_at"]) for row in data["items"]} == {measured}
    assert datetime.fromisoformat(data["measured_at"]) == measured
    # the history holds the moment the figures were true (the freshness rule reads it)
    assert AvailabilityChange.objects.filter(facility=a, kind="updated").get().changed_at == measured
    assert AvailabilityChange.objects.filter(facility=c, kind="confirmed").get().changed_at == measured
    # and freshness follows from it, through the one staleness rule
    assert not selectors.facility_is_stale(a)


@pytest.mark.django_db
def test_one_bad_row_stores_nothing_and_every_row_error_is_named_by_index(api, horst):
    a, b, c = horst["facilities"]
    before = [_figures(f) for f in (a, b, c)]
    body = {
        "measured_at": _iso(timezone.now()),
        "items": [
            {"facility": a.pk, "places_staffed": 5},
            {"facility": b.pk, "places_staffed": 9},  # more than contracted (8)
            {"facility": c.pk, "places_staffed": 1, "occupied_external": 3},  # in use > staffed
        ],
    }
    problem = assert_problem(api.as_user(horst["staff"]).post(URL, body, format="json"), 422)
    names = [p["name"] for p in problem["invalid_params"]]
    assert names == ["items.1.places_staffed", "items.2.occupied_external"]
    assert [_figures(f) for f in (a, b, c)] == before  # row 0 was fine, and is not stored either
    assert not AvailabilityChange.objects.exists()


@pytest.mark.django_db
def test_another_providers_facility_is_a_row_error_like_an_unknown_one(api, horst):
    theirs = FacilityFactory(provider=provider_org(name="Esch"))
    mine = horst["facilities"][0]
    body = {
        "measured_at": _iso(timezone.now()),
        "items": [{"facility": mine.pk}, {"facility": theirs.pk, "places_staffed": 1}, {"facility": 999999}],
    }
    problem = assert_problem(api.as_user(horst["staff"]).post(URL, body, format="json"), 422)
    rows = {p["name"]: p for p in problem["invalid_params"]}
    assert set(rows) == {"items.1.facility", "items.2.facility"}
    assert rows["items.1.facility"]["reason"] == rows["items.2.facility"]["reason"]  # no leak of existence
    assert rows["items.1.facility"]["code"] == "not_found"
    assert theirs.name not in str(problem)
    assert Facility.objects.get(pk=theirs.pk).places_staffed == 6
    assert _figures(mine)[2] is None


@pytest.mark.django_db
def test_figures_older_than_what_is_stored_or_in_the_future_are_refused_per_row(api, horst):
    a, b, c = horst["facilities"]
    client = api.as_user(horst["staff"])
    now = timezone.now()
    assert (
        client.post(
            URL, {"measured_at": _iso(now), "items": [{"facility": a.pk, "places_staffed": 4}]}, format="json"
        ).status_code
        == 200
    )
    body = {
        "measured_at": _iso(now - timedelta(hours=1)),
        "items": [
            {"facility": a.pk, "places_staffed": 2},  # older than the figures stored a moment ago
            {"facility": b.pk, "places_staffed": 2},  # nothing stored yet: fine
            {"facility": c.pk, "measured_at": _iso(now + timedelta(hours=1))},  # the future
        ],
    }
    problem = assert_problem(client.post(URL, body, format="json"), 422)
    assert [(p["name"], p["code"]) for p in problem["invalid_params"]] == [
        ("items.0.measured_at", "older_than_stored"),
        ("items.2.measured_at", "in_future"),
    ]
    assert _figures(a)[0] == 4 and _figures(b)[0] == 6


@pytest.mark.django_db
def test_a_moment_a_little_ahead_counts_as_now(api, horst):
    a = horst["facilities"][0]
    ahead = timezone.now() + timedelta(seconds=30)
    response = api.as_user(horst["staff"]).post(
        URL, {"measured_at": _iso(ahead), "items": [{"facility": a.pk}]}, format="json"
    )
    assert response.status_code == 200
    assert _figures(a)[2] <= timezone.now()


@pytest.mark.django_db
def test_the_same_facility_twice_is_a_row_error(api, horst):
    a = horst["facilities"][0]
    body = {"measured_at": _iso(timezone.now()), "items": [{"facility": a.pk}, {"facility": a.pk, "places_staffed": 1}]}
    problem = assert_problem(api.as_user(horst["staff"]).post(URL, body, format="json"), 422)
    assert [(p["name"], p["code"]) for p in problem["invalid_params"]] == [("items.1.facility", "duplicate")]


@pytest.mark.django_db
def test_bad_input_is_problem_json_naming_the_fields(api, horst):
    a = horst["facilities"][0]
    client = api.as_user(horst["staff"])
    cases = [
        ({"items": [{"facility": a.pk}]}, {"measured_at"}),
        ({"measured_at": "yesterday", "items": [{"facility": a.pk}]}, {"measured_at"}),
        ({"measured_at": _iso(timezone.now()), "items": []}, {"items"}),
        (
            {"measured_at": _iso(timezone.now()), "items": [{"facility": a.pk, "places_staffed": "3"}]},
            {"items.0.places_staffed"},
        ),
        (
            {"measured_at": _iso(timezone.now()), "items": [{"facility": a.pk, "places_staffed": -1}]},
            {"items.0.places_staffed"},
        ),
        ({"measured_at": _iso(timezone.now()), "items": [{"places_staffed": 1}]}, {"items.0.facility"}),
        ({"measured_at": _iso(timezone.now()), "items": [{"facility": a.pk, "free": 3}]}, {"items.0.free"}),
        ({"measured_at": _iso(timezone.now()), "items": [{"facility": a.pk}], "extra": 1}, {"extra"}),
        ({"measured_at": _iso(timezone.now()), "items": [{"facility": a.pk}] * 201}, {"items"}),
    ]
    for body, expected in cases:
        problem = assert_problem(client.post(URL, body, format="json"), 422)
        assert {p["name"] for p in problem["invalid_params"]} == expected, body
    assert_problem(client.generic("POST", URL, '{"items": [', content_type="application/json"), 400)
    assert not AvailabilityChange.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CONTRACT_MANAGER, Role.ADMIN, Role.REFERRER])
def test_other_roles_get_403(api, horst, role, twente):
    user = member(role, regions=[twente] if role in (Role.COORDINATOR, Role.CONTRACT_MANAGER) else ())
    a = horst["facilities"][0]
    assert_problem(
        api.as_user(user).post(
            URL, {"measured_at": _iso(timezone.now()), "items": [{"facility": a.pk}]}, format="json"
        ),
        403,
    )
    assert _figures(a)[2] is None


@pytest.mark.django_db
def test_unauthenticated_is_refused(api, horst):
    response = api.post(URL, {"measured_at": _iso(timezone.now()), "items": [{"facility": 1}]}, format="json")
    assert response.status_code in (401, 403)


@pytest.mark.django_db(transaction=True)
def test_two_bulk_calls_at_once_in_opposite_order_both_finish(horst):
    """Rows are locked in facility order: two calls naming the same facilities in opposite
    order queue instead of deadlocking, and both are stored (each one a full update)."""
    a, b, c = horst["facilities"]
    staff = horst["staff"]
    errors, barrier = [], threading.Barrier(2)

    def run(rows):
        try:
            barrier.wait(timeout=10)
            services.availability_bulk_update(
                provider_rows=rows,
                by=staff,
                measured_at=timezone.now(),
                visible_facility=lambda pk: Facility.objects.filter(pk=pk).first(),
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    forward = [{"facility": f.pk, "occupied_external": 1} for f in (a, b, c)]
    backward = [{"facility": f.pk, "occupied_external": 2} for f in (c, b, a)]
    threads = [threading.Thread(target=run, args=(rows,)) for rows in (forward, backward)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # Both ran; the later one may be refused only as "older than stored" (its moment was
    # taken before the other committed), never as a deadlock.
    for error in errors:
        assert getattr(error, "code", "") == "invalid", error
        assert {p["code"] for p in error.invalid_params} == {"older_than_stored"}
    assert len(errors) <= 1
    externals = {Facility.objects.get(pk=f.pk).occupied_external for f in (a, b, c)}
    assert len(externals) == 1  # all or nothing: one call's figures for every facility
