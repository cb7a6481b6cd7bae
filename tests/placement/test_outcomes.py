"""Issue 16 (fit-outcome): whether a placement held (one rule, in SQL), the Wilson
interval, the aggregates per need-profile element, and the soft criterion in matching.
Every expected figure is known by construction of the data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from scipy.stats import binomtest

from intake import selectors as intake_selectors
from placement import selectors
from placement.matching import Group
from placement.outcomes import OutcomeCount, outcome_criterion, wilson
from placement.selectors.outcomes import outcome_scores, placements_with_outcomes
from tests.placement.factories import coordinator_membership, fitting_facility, in_matching
from tests.placement.outcome_data import Outcomes

# --- Wilson ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "n", "low", "high"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion",
        # Table I, method 3 (Wilson score, no continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_gives_the_published_values(held, n, low, high):
    lo, hi = wilson(held, n)
    assert (round(lo, 4), round(hi, 4)) == (low, high)


@pytest.mark.parametrize(("held", "n"), [(21, 23), (0, 5), (5, 5), (3, 7), (180, 200)])
def test_wilson_agrees_with_scipy(held, n):
    expected = binomtest(held, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert wilson(held, n) == pytest.approx((expected.low, expected.high), abs=1e-9)


def test_wilson_without_placements_and_bad_input():
    assert wilson(0, 0) is None
    with pytest.raises(ValueError):
        wilson(6, 5)


# --- the rule: held, not held, censored --------------------------------------------------


@pytest.mark.django_db
def test_held_not_held_and_censored_by_construction(twente):
    o = Outcomes()
    f = fitting_facility()
    cases = {
        "early_at_30": o.placement(f, started_days_ago=400, ended_after=30, reason="04"),
        "plan_at_60": o.placement(f, started_days_ago=400, ended_after=60, reason="01"),
        "plan_then_transfer_at_61": o.placement(f, started_days_ago=400, ended_after=61, transfer_after=61),
        "transfer_at_89": o.placement(f, started_days_ago=400, transfer_after=89, reason="02"),
        "transfer_at_90": o.placement(f, started_days_ago=400, transfer_after=90, reason="02"),
        "early_at_120": o.placement(f, started_days_ago=400, ended_after=120, reason="03"),
        "running_100": o.placement(f, started_days_ago=100),
        "running_30": o.placement(f, started_days_ago=30),
        "running_200": o.placement(f, started_days_ago=200),
        "early_at_10_young": o.placement(f, started_days_ago=20, ended_after=10, reason="05"),
    }
    rows = {p.pk: (p.counted_90, p.held_90, p.counted_180, p.held_180) for p in placements_with_outcomes(as_of=o.today)}
    got = {name: rows[p.pk] for name, p in cases.items()}
    assert got == {
        "early_at_30": (True, False, True, False),
        "plan_at_60": (True, True, True, True),  # ended according to plan: held
        "plan_then_transfer_at_61": (True, False, True, False),  # a transfer within 90 days: not held
        "transfer_at_89": (True, False, True, False),
        "transfer_at_90": (True, True, True, False),  # day 90 is no longer "within 90 days"
        "early_at_120": (True, True, True, False),
        "running_100": (True, True, False, False),  # censored for 180 days
        "running_30": (False, False, False, False),  # censored for both
        "running_200": (True, True, True, True),
        "early_at_10_young": (True, False, True, False),  # failed: known although young
    }


@pytest.mark.django_db
def test_nothing_after_the_day_we_look_is_known(twente):
    o = Outcomes()
    f = fitting_facility()
    p = o.placement(f, started_days_ago=100, ended_after=50, reason="04")
    day = p.start_date + dt.timedelta(days=40)  # before it ended early
    row = placements_with_outcomes(as_of=day).get(pk=p.pk)
    assert (row.counted_90, row.held_90) == (False, False)  # then still running, 40 days old
    assert not placements_with_outcomes(as_of=p.start_date - dt.timedelta(days=1)).filter(pk=p.pk).exists()


# --- aggregates per need-profile element ------------------------------------------------


@pytest.mark.django_db
def test_a_profile_that_always_ends_early_scores_low_and_one_that_holds_high(twente):
    o = Outcomes()
    early, holds = fitting_facility(), fitting_facility()
    o.many(early, 10, started_days_ago=300, ended_after=20, reason="03", specialisations=("trauma",))
    o.many(holds, 10, started_days_ago=300, specialisations=("lvb",))
    rows = outcome_scores(region_ids=[twente.pk], start=o.today - dt.timedelta(days=400), end=o.today, as_of=o.today)

    def one(element, provider, facility=None):
        (row,) = [
            r
            for r in rows
            if (r["kind"], r["element"], r["provider_id"], r["facility_id"])
            == ("specialisation", element, provider, facility)
        ]
        return row

    low = one("trauma", early.provider_id)
    assert (low["counted_180"], low["held_180"]) == (10, 0)
    assert wilson(low["held_180"], low["counted_180"])[1] < 0.31
    high = one("lvb", holds.provider_id, holds.pk)  # the facility row as well
    assert (high["counted_180"], high["held_180"]) == (10, 10)
    assert wilson(high["held_180"], high["counted_180"])[0] > 0.69
    security = [r for r in rows if r["kind"] == "security" and r["facility_id"] is None]
    assert sorted((r["element"], r["counted_180"], r["held_180"]) for r in security) == [
        ("open", 10, 0),
        ("open", 10, 10),
    ]
    care = {r["element"] for r in rows if r["kind"] == "care_type"}
    assert care == {"behandelgroep"}


# --- matching: the soft criterion -------------------------------------------------------


def _outcome(match):
    (criterion,) = [c for c in match.criteria if c.code == "outcome"]
    return criterion


@pytest.mark.django_db
def test_matching_explains_the_outcome_of_this_profile_here(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)  # trauma, open
    facility = fitting_facility()
    o = Outcomes()
    o.many(facility, 21, started_days_ago=365)
    o.many(facility, 2, started_days_ago=365, ended_after=40, reason="04")
    o.many(facility, 3, started_days_ago=30)  # censored: not among the 23
    o.many(facility, 4, started_days_ago=365, ended_after=40, reason="04", specialisations=("lvb",))  # other profile
    result = selectors.matching_for_request(
        membership=coordinator_membership(coordinator), placement_request=placement_request
    )
    criterion = _outcome(result.match_of(facility.pk))
    low, high = wilson(21, 23)
    assert criterion.text == (
        "Uitkomst: van de 23 plaatsingen van jeugdigen met dit profiel hier hielden er 21 180 dagen stand "
        f"(95%-interval {round(100 * low)}-{round(100 * high)}%)"
    )
    assert criterion.ok and not criterion.hard
    with translation.override("en"):
        english = outcome_criterion(OutcomeCount(23, 21, "facility")).text
    assert english.startswith("Outcome: of the 23 placements of youth with this profile here, 21 held 180 days")


@pytest.mark.django_db
def test_a_poor_outcome_changes_neither_fit_nor_order(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    poor = fitting_facility(name="Eerst")  # created first: the same ranking keys, lower id
    good = fitting_facility(name="Daarna")
    o = Outcomes()
    o.many(poor, 6, started_days_ago=300, ended_after=10, reason="04")
    o.many(good, 6, started_days_ago=300)
    result = selectors.matching_for_request(
        membership=coordinator_membership(coordinator), placement_request=placement_request
    )
    assert [m.facility.facility_id for m in result.available] == [poor.pk, good.pk]
    poor_match = result.match_of(poor.pk)
    assert poor_match.group == Group.AVAILABLE and poor_match.fits
    assert not _outcome(poor_match).ok and _outcome(result.match_of(good.pk)).ok
    assert "van de 6 plaatsingen" in _outcome(poor_match).text and "hielden er 0 " in _outcome(poor_match).text


@pytest.mark.django_db
def test_under_five_placements_no_number_is_shown_and_the_provider_level_is_used(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    few = fitting_facility()
    sibling = fitting_facility(provider=few.provider)  # same provider and care type
    lonely = fitting_facility()
    o = Outcomes()
    o.many(few, 4, started_days_ago=300)
    o.many(sibling, 3, started_days_ago=300, ended_after=10, reason="04")
    o.many(lonely, 4, started_days_ago=300)
    result = selectors.matching_for_request(
        membership=coordinator_membership(coordinator), placement_request=placement_request
    )
    at_lonely = _outcome(result.match_of(lonely.pk))
    assert at_lonely.unknown and "minder dan 5" in at_lonely.text and "4" not in at_lonely.text
    at_few = _outcome(result.match_of(few.pk))  # 4 here: the provider's 7 in this care type
    assert "van de 7 plaatsingen" in at_few.text and "bij deze aanbieder in deze zorgvorm" in at_few.text
    assert "hielden er 4 " in at_few.text


@pytest.mark.django_db
def test_the_outcome_costs_one_query_whatever_the_number_of_placements(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    membership = coordinator_membership(coordinator)
    facilities = [fitting_facility() for _ in range(3)]
    o = Outcomes()

    def run():
        loaded = intake_selectors.request_get(membership=membership, pk=placement_request.pk, log=False)
        with CaptureQueriesContext(connection) as captured:
            result = selectors.matching_for_request(membership=membership, placement_request=loaded)
        return result, captured

    _none, without = run()
    for facility in facilities:
        o.many(facility, 4, started_days_ago=300)  # 12 placements
    ten, few = run()
    for facility in facilities:
        o.many(facility, 30, started_days_ago=300)  # 102 placements
    hundred, many = run()
    assert len(few.captured_queries) == len(many.captured_queries) == len(without.captured_queries)
    outcome_queries = [q for q in many.captured_queries if "GROUPING SETS" in q["sql"]]
    assert len(outcome_queries) == 1
    assert "van de 34 plaatsingen" in _outcome(hundred.match_of(facilities[0].pk)).text
    assert timezone.localdate() == o.today
