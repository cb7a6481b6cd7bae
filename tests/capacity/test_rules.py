"""Each capacity rule (capacity.rules) against its SQL on the same rows: the fragments the
reports use, the annotations of the board, the API and matching, and the model."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from accounts.models import Role
from accounts.selectors import membership_with_role
from capacity import rules, selectors, services
from capacity.models import AvailabilityChange, Facility
from tests.capacity.factories import FacilityFactory, municipality

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC
TICK = dt.timedelta(microseconds=1)


def _sql(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchall()


@pytest.fixture
def admin(make_member):
    return membership_with_role(make_member(Role.ADMIN), Role.ADMIN)


def _history(facility, at, *, kind="updated", contracted=6, staffed=6, internal=0, external=0, held=0):
    return AvailabilityChange.objects.create(
        facility=facility,
        changed_at=at,
        kind=kind,
        places_contracted=contracted,
        places_staffed=staffed,
        occupied_internal=internal,
        occupied_external=external,
        held=held,
    )


# --- Free, occupied, available ---------------------------------------------------------------

FIGURES = [  # staffed, occupied through the product, from outside, held
    (0, 0, 0, 0),  # nothing staffed
    (6, 0, 0, 0),
    (6, 2, 1, 0),
    (6, 2, 1, 3),  # the last three places held: full, yet only three occupied
    (4, 0, 4, 0),  # full with youth from outside
    (5, 1, 0, 2),
]


def test_free_and_occupied_places_are_one_rule_in_python_sql_and_querysets(twente, admin):
    facilities = []
    for staffed, internal, external, held in FIGURES:
        figures = {"internal": internal, "external": external, "held": held}
        f = FacilityFactory(places_staffed=staffed, occupied_internal=internal, occupied_external=external, held=held)
        _history(f, dt.datetime(2025, 3, 1, tzinfo=AMS), staffed=staffed, **figures)
        facilities.append(f)
    expected = {
        f.pk: (
            rules.places_free(
                staffed=f.places_staffed, internal=f.occupied_internal, external=f.occupied_external, held=f.held
            ),
            rules.places_occupied(internal=f.occupied_internal, external=f.occupied_external),
        )
        for f in facilities
    }
    assert sorted(expected.values()) == [(0, 0), (0, 3), (0, 4), (2, 1), (3, 3), (6, 0)]
    on_facility = _sql(
        f"SELECT f.id, {rules.free_places_sql('f')}, {rules.occupied_places_sql('f')} FROM capacity_facility f"
    )
    on_history = _sql(
        f"SELECT c.facility_id, {rules.free_places_sql('c')}, {rules.occupied_places_sql('c')}"
        " FROM capacity_availabilitychange c"
    )
    assert {i: (free, occupied) for i, free, occupied in on_facility} == expected
    assert {i: (free, occupied) for i, free, occupied in on_history} == expected
    board = selectors.facility_list(membership=admin)
    annotated = board.annotate(occupied=rules.occupied_places_expression())
    assert {f.pk: (f.free, f.occupied) for f in annotated} == expected
    assert {f.pk: (f.places_free, f.places_occupied) for f in facilities} == expected
    change = AvailabilityChange.objects.first()
    assert (change.places_free, change.places_occupied) == expected[change.facility_id]
    totals = selectors.facility_totals(board)  # none confirmed: every free place is stale
    assert (totals["free"], totals["free_stale"]) == (0, sum(free for free, _ in expected.values()))
    assert totals["occupied"] == sum(occupied for _, occupied in expected.values())


def test_a_place_is_available_only_when_free_and_fresh():
    cases = [(free, stale) for free in (0, 1, 3) for stale in (False, True)]
    values = ", ".join(f"({free}, {str(stale).lower()})" for free, stale in cases)
    rows = _sql(
        f"SELECT v.free, v.stale, {rules.is_available_sql('v.free', 'v.stale')} FROM (VALUES {values}) v(free, stale)"
    )
    assert {(free, stale): available for free, stale, available in rows} == {
        (free, stale): rules.is_available(free=free, stale=stale) for free, stale in cases
    }
    assert [case for case in cases if rules.is_available(free=case[0], stale=case[1])] == [(1, False), (3, False)]


# --- Staleness -------------------------------------------------------------------------------


def test_staleness_is_one_rule_on_the_board_in_the_reminders_and_in_sql(twente, drenthe, admin, make_member):
    """Exactly freshness_days ago is still fresh, a microsecond more is stale; the days are
    elapsed days, also across the night the clock goes forward (30 March 2025)."""
    drenthe.freshness_days = 3
    drenthe.save()
    now = dt.datetime(2025, 3, 31, 0, 0, tzinfo=AMS)
    now_utc = now.astimezone(UTC)
    week, three_days = dt.timedelta(days=7), dt.timedelta(days=3)
    confirmations = {
        "never": (twente, None),
        "exactly a week": (twente, now_utc - week),
        "a week and a tick": (twente, now_utc - week - TICK),
        "a tick under a week": (twente, now_utc - week + TICK),
        "just now": (twente, now),
        # 7 days and 30 minutes by the clock on the wall, 6 days 23.5 hours elapsed
        "over the clock change": (twente, dt.datetime(2025, 3, 23, 23, 30, tzinfo=AMS)),
        "in Drenthe, four days": (drenthe, now_utc - three_days - dt.timedelta(days=1)),
        "in Drenthe, exactly three days": (drenthe, now_utc - three_days),
    }
    staff = make_member(Role.PROVIDER)
    facilities = {}
    for name, (region, confirmed_at) in confirmations.items():
        where = municipality("GM0153" if region == twente else "GM0106")
        f = FacilityFactory(name=name, municipality=where, active_from=dt.date(2020, 1, 1))
        Facility.objects.filter(pk=f.pk).update(
            last_confirmed_at=confirmed_at, last_confirmed_by=staff if confirmed_at else None
        )
        facilities[f.pk] = name
    python = {
        name: rules.is_stale(confirmations[name][1], now=now, freshness_days=confirmations[name][0].freshness_days)
        for name in facilities.values()
    }
    assert [name for name, stale in python.items() if stale] == ["never", "a week and a tick", "in Drenthe, four days"]
    board = {f.name: f.is_stale for f in selectors.facility_list(membership=admin, now=now)}
    raw = _sql(
        f"""SELECT f.id, {rules.is_stale_sql("f.last_confirmed_at", "%(now)s", "r.freshness_days")}
            FROM capacity_facility f JOIN accounts_municipality m ON m.id = f.municipality_id
            JOIN accounts_region r ON r.id = m.region_id""",
        {"now": now},
    )
    assert board == python
    assert {facilities[i]: stale for i, stale in raw} == python
    reminded = {f.name for f in selectors.facilities_stale_for_reminder(now=now)}
    assert reminded == {name for name, stale in python.items() if stale}


def test_staleness_from_the_history_is_the_same_rule_at_every_moment(twente):
    """The reports ask how stale a figure was at a past moment: confirmed then means the
    last update or confirmation in the history at or before that moment."""
    f = FacilityFactory()
    created = dt.datetime(2025, 3, 1, 9, tzinfo=AMS)
    confirmed = dt.datetime(2025, 3, 3, 9, tzinfo=AMS)
    updated = dt.datetime(2025, 3, 20, 9, tzinfo=AMS)
    history = [
        _history(f, created, kind="created"),
        _history(f, confirmed, kind="confirmed"),
        _history(f, dt.datetime(2025, 3, 5, 9, tzinfo=AMS), kind="held", held=1),  # no confirmation
        _history(f, dt.datetime(2025, 3, 12, 9, tzinfo=AMS), kind="hold_released"),
        _history(f, updated, kind="updated", staffed=5),
    ]
    week = dt.timedelta(days=7)
    moments = [
        created,
        confirmed - TICK,
        confirmed,
        confirmed + week,  # exactly a week after the confirmation: still fresh
        confirmed + week + TICK,
        dt.datetime(2025, 3, 15, tzinfo=AMS),
        updated,
        updated + week + TICK,
        dt.datetime(2025, 4, 1, tzinfo=AMS),
    ]

    def python(at):
        confirmed_at = max(
            (c.changed_at for c in history if c.kind in rules.CONFIRMING_KINDS and c.changed_at <= at), default=None
        )
        return rules.is_stale(confirmed_at, now=at, freshness_days=twente.freshness_days)

    rows = _sql(
        f"""SELECT p.t, {rules.is_stale_sql(rules.confirmed_at_sql("f.id", "p.t"), "p.t", "r.freshness_days")}
            FROM unnest(%(moments)s::timestamptz[]) p(t) CROSS JOIN capacity_facility f
            JOIN accounts_municipality m ON m.id = f.municipality_id JOIN accounts_region r ON r.id = m.region_id
            WHERE f.id = %(id)s ORDER BY p.t""",
        {"moments": moments, "id": f.pk},
    )
    assert [stale for _t, stale in rows] == [python(at) for at in moments]
    assert [python(at) for at in moments] == [True, True, False, False, True, True, False, True, True]


def test_confirmed_so_far_over_the_history_is_confirmed_at_at_each_moment(twente):
    """Issue 15.6: the occupancy report reads when figures were confirmed for many moments
    at once, as a window over the history (`confirmed_so_far_sql`); on the last change at
    or before a moment it is `confirmed_at_sql` at that moment, also where two changes
    share a moment."""
    f = FacilityFactory()
    at = dt.datetime(2025, 3, 1, 9, tzinfo=AMS)
    for kind, day in [("created", 0), ("held", 1), ("held", 2), ("confirmed", 2), ("hold_released", 5), ("updated", 9)]:
        _history(f, at + dt.timedelta(days=day), kind=kind)
    _history(f, at + dt.timedelta(days=12), kind="held", held=1)
    rows = _sql(
        f"""SELECT x.window_at, x.one_at FROM (
                SELECT c.changed_at, {rules.confirmed_so_far_sql("c", "w")} AS window_at,
                       {rules.confirmed_at_sql("c.facility_id", "c.changed_at")} AS one_at,
                       lead(c.changed_at) OVER w IS DISTINCT FROM c.changed_at AS last_of_moment
                FROM capacity_availabilitychange c WHERE c.facility_id = %(id)s
                WINDOW w AS (PARTITION BY c.facility_id ORDER BY c.changed_at, c.id)) x
            WHERE x.last_of_moment ORDER BY x.changed_at""",
        {"id": f.pk},
    )
    assert len(rows) >= 6
    assert [window for window, _one in rows] == [one for _window, one in rows]
    assert [window for window, _one in rows][-3:] == [at + dt.timedelta(days=2), *[at + dt.timedelta(days=9)] * 2]


def test_what_the_history_calls_a_confirmation_is_what_the_provider_confirmed(twente, make_member, coordinator):
    facility = FacilityFactory(places_staffed=6)
    staff = make_member(Role.PROVIDER, organisation=facility.provider)

    def confirmed_in_history():
        ((at,),) = _sql(f"SELECT {rules.confirmed_at_sql('%(id)s', 'clock_timestamp()')}", {"id": facility.pk})
        return at

    assert confirmed_in_history() is None
    services.availability_update(facility=facility, by=staff, places_staffed=5)  # "updated"
    facility.refresh_from_db()
    assert confirmed_in_history() == facility.last_confirmed_at
    services.availability_hold(facility=facility, by=coordinator)  # not a confirmation
    assert confirmed_in_history() == facility.last_confirmed_at
    services.availability_confirm(facility=facility, by=staff)  # "confirmed"
    facility.refresh_from_db()
    assert confirmed_in_history() == facility.last_confirmed_at


# --- Occupancy rate --------------------------------------------------------------------------


def _at(month, day, hour=0, minute=0):
    return dt.datetime(2025, month, day, hour, minute, tzinfo=AMS)


@pytest.fixture
def histories(twente):
    """Facilities whose histories hold the cases: held and external places, a change of
    contract, no contracted place at all, history starting late, two changes at the same
    moment and one exactly at the start of the period, a change just before the clock
    goes forward (30 March 2025, 02:00 -> 03:00), no history at all."""
    made = {name: FacilityFactory(name=name) for name in ("held", "zero", "late", "same", "constant", "none")}
    _history(made["held"], _at(2, 1), internal=1, external=2, held=2)
    _history(made["held"], _at(3, 10, 12), internal=3, external=2)  # two offers accepted
    _history(made["held"], _at(3, 30, 1, 30), internal=3, external=3)
    _history(made["held"], _at(3, 30, 4), contracted=8, staffed=7, internal=3, external=3, held=1)
    _history(made["zero"], _at(1, 1), contracted=0, staffed=0)
    _history(made["zero"], _at(3, 15), contracted=4, staffed=2, internal=2)
    _history(made["late"], _at(3, 20, 8), contracted=4, staffed=4, external=3)
    _history(made["same"], _at(3, 1), contracted=5, staffed=5, internal=1)
    _history(made["same"], _at(3, 5, 9), contracted=5, staffed=5, internal=2)
    _history(made["same"], _at(3, 5, 9), contracted=5, staffed=5, internal=4)  # same moment, later row wins
    _history(made["constant"], _at(2, 1), contracted=4, staffed=4, internal=3)
    return made


def _sql_place_days(facilities, start, stop):
    sql = (
        "WITH f AS (SELECT id FROM capacity_facility WHERE id = ANY(%(ids)s)),"
        + rules.occupancy_intervals_sql(facilities="f", start="%(start)s", stop="%(stop)s")
        + f"""
        SELECT f.id, {rules.place_days_sql("i.occupied")}, {rules.place_days_sql("i.contracted")},
               {rules.place_days_sql("i.staffed")}
        FROM f LEFT JOIN intervals i ON i.facility_id = f.id AND i.t1 > i.t0 GROUP BY f.id"""
    )
    rows = _sql(sql, {"ids": [f.pk for f in facilities], "start": start, "stop": stop})
    return {i: tuple(float(v) for v in values) for i, *values in rows}


@pytest.mark.parametrize(
    "start, end, now",
    [
        (_at(3, 1), _at(4, 1), _at(6, 1)),  # March, with the clock change
        (_at(1, 1), _at(2, 1), _at(6, 1)),  # before most histories began
        (_at(3, 5, 9), _at(3, 31), _at(6, 1)),  # starting at the moment of two changes
        (_at(3, 1), _at(4, 1), _at(3, 30, 3, 30)),  # cut off at now, in the clock change night
    ],
)
def test_occupancy_in_sql_is_the_python_integration(histories, start, end, now):
    stop = min(end, now)
    in_sql = _sql_place_days(histories.values(), start, stop)
    for f in histories.values():
        occupancy = selectors.occupancy_rate(facility=f, start=start, end=end, now=now)
        python = (occupancy.occupied_place_days, occupancy.contracted_place_days, occupancy.staffed_place_days)
        assert in_sql[f.pk] == pytest.approx(python, abs=1e-9), f.name


def test_occupancy_counts_elapsed_time_and_never_held_places(histories):
    march = selectors.occupancy_rate(facility=histories["constant"], start=_at(3, 1), end=_at(4, 1), now=_at(6, 1))
    assert march.contracted_place_days == pytest.approx(4 * (31 - 1 / 24))  # March is an hour short
    assert march.rate == pytest.approx(0.75)
    february = selectors.occupancy_rate(facility=histories["held"], start=_at(2, 1), end=_at(3, 1), now=_at(6, 1))
    assert february.rate == pytest.approx(3 / 6)  # 1 + 2 occupied, 2 held: not occupied
    assert selectors.occupancy_rate(facility=histories["zero"], start=_at(1, 1), end=_at(3, 1)).rate is None
    assert selectors.occupancy_rate(facility=histories["none"], start=_at(1, 1), end=_at(3, 1)).rate is None


def test_the_occupancy_norm_is_ninety_percent():
    assert rules.OCCUPANCY_NORM == 90
    assert [rules.below_norm(rate) for rate in (None, 89.9, 90, 95)] == [None, True, False, False]
