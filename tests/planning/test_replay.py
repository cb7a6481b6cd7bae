"""The replay on generated data where the answer is known by construction (issue 16.2)."""

import datetime as dt
from decimal import Decimal

import pytest

from planning import services
from planning.models import ReplayResult, Scenario
from planning.scenarios import CLOSE, OPEN, PLACES
from tests.planning.conftest import START, STAY
from tests.reporting.factories import facility

pytestmark = pytest.mark.django_db


def _scenario(world, user, changes, **kwargs):
    return Scenario.objects.create(
        region=world.twente,
        name="Test",
        period_start=START,
        period_months=12,
        changes=changes,
        created_by=user,
        **kwargs,
    )


def _figures(world, user, changes, **kwargs):
    figures, _digest = services.replay_compute(_scenario(world, user, changes, **kwargs))
    return figures


def test_closing_the_only_fitting_facility_leaves_its_requests_without_a_place(world, manager):
    for day in (5, 40, 90):
        world.request(START + dt.timedelta(days=day), placed_at=world.f1)
    figures = _figures(world, manager, [{"kind": CLOSE, "facility": world.f1.pk}])
    scenario, baseline = figures[ReplayResult.Variant.SCENARIO], figures[ReplayResult.Variant.BASELINE]
    assert baseline["requests"] == scenario["requests"] == 3
    assert baseline["no_fit"] == 0 and baseline["placed"] == 3
    assert scenario["no_fit"] == 3 and scenario["placed"] == 0
    assert scenario["cost_eur"] == Decimal("0.00")


def test_closing_one_facility_sends_youth_to_the_next_in_ranking_order_out_of_region(world, manager):
    # In Drenthe, serving Twente too (a facility that does not serve the region is never used)
    assen = facility(name="Assen", code="GM0106", places_contracted=5, places_staffed=5, regions_served=[world.twente])
    world.request(START + dt.timedelta(days=5), placed_at=world.f1)
    figures = _figures(world, manager, [{"kind": CLOSE, "facility": world.f1.pk}])
    scenario, baseline = figures["scenario"], figures["baseline"]
    assert baseline["out_of_region"] == 0 and baseline["median_distance_km"] == 0.0
    assert scenario["no_fit"] == 0 and scenario["placed"] == 1 and scenario["out_of_region"] == 1
    assert scenario["median_distance_km"] > 50  # Enschede - Assen
    assert {row["provider"] for row in scenario["occupancy"]} >= {assen.provider_id}


def test_adding_places_reduces_waiting(world, manager):
    """Three youth arrive the same day for one place of STAY days: they wait 0, 30 and 60
    days in the baseline; with three places nobody waits."""
    day = START + dt.timedelta(days=10)
    for _ in range(3):
        world.request(day, placed_at=world.f1)
    figures = _figures(world, manager, [{"kind": PLACES, "facility": world.f1.pk, "places": 3}])
    baseline, scenario = figures["baseline"], figures["scenario"]
    assert baseline["median_wait_days"] == STAY and baseline["over_28"] == 2 and baseline["placed"] == 3
    assert scenario["median_wait_days"] == 0 and scenario["over_28"] == 0
    assert baseline["cost_eur"] == scenario["cost_eur"] == Decimal(3 * STAY * 100)


def test_opening_a_group_like_another_adds_its_places(world, manager):
    day = START + dt.timedelta(days=10)
    for _ in range(2):
        world.request(day, placed_at=world.f1)
    figures = _figures(world, manager, [{"kind": OPEN, "facility": world.f1.pk, "places": 1}])
    assert figures["baseline"]["median_wait_days"] == STAY / 2  # waits 0 and 30
    assert figures["scenario"]["median_wait_days"] == 0


def test_places_held_by_stays_not_replayed_are_not_free(world, manager, drenthe):
    """Someone of another region occupies F1's only place for the first 100 days: the
    region's youth arriving on day 10 waits until day 100."""
    other = world.builder.request(referral=START - dt.timedelta(days=30), region="JZ04", status="placed")
    offer = world.builder.offer(other, world.f1, created=START - dt.timedelta(days=30), status="accepted")
    world.builder.placement(
        other, offer, start=START - dt.timedelta(days=20), end=START + dt.timedelta(days=100), reason="01"
    )
    world.request(START + dt.timedelta(days=10), placed_at=world.f1, start=START + dt.timedelta(days=100))
    baseline = _figures(world, manager, [{"kind": PLACES, "facility": world.f1.pk, "places": 1}])["baseline"]
    assert baseline["median_wait_days"] == 90


def test_the_real_variant_is_what_happened(world, manager):
    world.request(START + dt.timedelta(days=10), placed_at=world.f1, start=START + dt.timedelta(days=24))
    world.request(START + dt.timedelta(days=20))  # never placed: waits until the period's end
    real = _figures(world, manager, [{"kind": CLOSE, "facility": world.f1.pk}])["real"]
    assert real["placed"] == 1 and real["waiting_at_end"] == 1
    assert real["median_wait_days"] == (14 + (366 - 20)) / 2  # waited 14 days, and 346 until the end
    assert real["over_28"] == 1
    assert real["cost_eur"] == Decimal(STAY * 100)


def test_a_request_never_placed_stays_the_median_of_its_care_type(world, manager):
    """Two ended placements of kwv-open (10 and 50 days, median 30) before the period; a
    new request that was never placed occupies the only place 30 days in the replay."""
    for days in (10, 50):
        world.request(START - dt.timedelta(days=200), placed_at=world.f1, stay=days)
    world.request(START + dt.timedelta(days=5))
    world.request(START + dt.timedelta(days=5))
    baseline = _figures(world, manager, [{"kind": PLACES, "facility": world.f1.pk, "places": 1}])["baseline"]
    assert baseline["median_wait_days"] == 15  # waits 0 and 30


def test_the_replay_is_deterministic(world, manager):
    for day in (1, 1, 2, 3, 5, 8, 13):
        world.request(START + dt.timedelta(days=day), placed_at=world.f1)
    facility(name="F2", places_contracted=2, places_staffed=2)
    running = world.builder.request(referral=START - dt.timedelta(days=40), region="JZ04", status="placed")
    offer = world.builder.offer(running, world.f1, created=START - dt.timedelta(days=40), status="accepted")
    world.builder.placement(running, offer, start=START - dt.timedelta(days=30))  # still running: no end
    scenario = _scenario(world, manager, [{"kind": PLACES, "facility": world.f1.pk, "places": 2}])
    first, digest_one = services.replay_compute(scenario)
    second, digest_two = services.replay_compute(scenario)
    assert first == second and digest_one == digest_two
    assert first["scenario"] != first["baseline"]  # the change matters, so equality means something


def test_planned_changes_are_applied_when_asked(world, manager):
    from capacity.models import PlannedCapacityChange

    day = START + dt.timedelta(days=10)
    for _ in range(2):
        world.request(day, placed_at=world.f1)
    PlannedCapacityChange.objects.create(facility=world.f1, effective_date=dt.date(2030, 1, 1), places_contracted=2)
    figures = _figures(world, manager, [], apply_planned=True)
    assert figures["baseline"]["median_wait_days"] == STAY / 2
    assert figures["scenario"]["median_wait_days"] == 0


def test_occupancy_per_provider_against_the_90_percent_line(world, manager):
    """One place, occupied from day 10 to the end of 2024 (366 days) by back-to-back stays:
    356 / 366 is above the 90% line; with two places it is half of that, below."""
    for n in range(12):
        world.request(START + dt.timedelta(days=10 + n * STAY), placed_at=world.f1)
    figures = _figures(world, manager, [{"kind": PLACES, "facility": world.f1.pk, "places": 2}])
    baseline = next(r for r in figures["baseline"]["occupancy"] if r["provider"] == world.f1.provider_id)
    scenario = next(r for r in figures["scenario"]["occupancy"] if r["provider"] == world.f1.provider_id)
    assert baseline["rate"] == round(356 / 366, 4) and baseline["over_90"] is True
    assert scenario["rate"] == round(356 / 732, 4) and scenario["over_90"] is False


def test_the_scenario_reusing_the_baselines_fits_equals_a_replay_from_scratch(world, manager):
    """The scenario judges again only the facilities it changed (planning.services): the
    same figures as judging every facility again."""
    from planning import selectors
    from planning.replay import replay
    from planning.scenarios import apply_changes

    second = facility(name="F2", places_contracted=1, places_staffed=1)
    facility(name="F3", care="behandelgroep", places_contracted=1, places_staffed=1)
    for day in (1, 1, 2, 3, 5, 8, 13, 21):
        world.request(START + dt.timedelta(days=day), placed_at=world.f1)
    changes = [
        {"kind": CLOSE, "facility": world.f1.pk},
        {"kind": OPEN, "facility": second.pk, "places": 2},
        {"kind": "age", "facility": second.pk, "age_min": 15, "age_max": 17},
    ]
    figures, _digest = services.replay_figures(region_id=world.twente.pk, start=START, months=12, changes=changes)
    end = selectors.period_end(START, 12)
    base = selectors.landscape_of(world.twente.pk)
    requests, fixed, _placements = selectors.replay_input(region_id=world.twente.pk, start=START, end=end)
    scratch = replay(
        landscape=apply_changes(base, changes, start=START),
        requests=requests,
        fixed=fixed,
        start=START,
        end=end,
        tariffs=selectors.tariffs_of(world.twente.pk, START),
        provider_ids=selectors.region_provider_ids(base, world.twente.pk),
    ).figures()
    assert figures["scenario"] == scratch
    assert figures["scenario"] != figures["baseline"]
