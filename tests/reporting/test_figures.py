"""Every figure against the hand-worked Q1 2025 Twente scenario (see conftest.scenario)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from capacity.models import Facility
from placement.models import Offer
from reporting.registry import build_for_scope
from reporting.reports import occupancy, refusals, transfers, unmet_need, waiting
from reporting.suppression import HIDDEN, SUPPRESSED
from tests.reporting.conftest import q1_scope, row, summary, table
from tests.reporting.factories import Scenario, facility, history

pytestmark = pytest.mark.django_db


def test_unmet_need(scenario):
    tables = unmet_need.build(q1_scope(scenario["twente"]))
    figures = summary(tables)
    # Waiting on 31 March: R3 (1 Feb -> 58 days, no offers at all) and R4 (16 Mar -> 15 days).
    # R1 and R2 were placed, R6 closed on 20 Feb, R5 placed in 2024.
    assert figures["Verwezen en nog niet geplaatst op 31-03-2025"] == 2
    # R3 has an open waiting period (fitting places full, since 5 Feb); R4 is still in matching.
    assert figures["waarvan wachtend op een passende plek op 31-03-2025"] == 1
    assert figures["waarvan in beoordeling, matching of aanmelding op 31-03-2025"] == 1
    assert figures["Mediaan wachtdagen"] == 36.5  # (15 + 58) / 2
    assert figures["P90 wachtdagen"] == 53.7  # 15 + 0.9 * 43
    # Issue 12: the norm is the H10 norm, "langer dan 28 dagen" (was 90 days, then 0): R3
    # waits 58 days, R4 15.
    assert figures["Langer dan 28 dagen wachtend"] == 1
    assert figures["Afgesloten zonder plaatsing in de periode"] == 1  # R6
    assert figures["Plaatsingen met een compromis in de periode"] == 1  # R2 at F2 in Assen
    assert figures["Wachtperiodes gestart: passende plekken vol"] == 1
    by_age = table(tables, "waiting_by_age_band")
    assert row(by_age, "label", "16-17 jaar")["waiting"] == 1  # R3, born 2008-01-01: 17 on 31 March
    assert row(by_age, "label", "12-15 jaar")["waiting"] == 1  # R4 (youth of R2, born 2010)
    assert row(by_age, "label", "Totaal")["waiting"] == 2
    by_care = table(tables, "waiting_by_care_type")
    assert row(by_care, "label", "Totaal")["median"] == 36.5
    spec = table(tables, "waiting_by_specialisation")
    assert [(r["key"], r["waiting"], r["median"]) for r in spec.rows] == [("trauma", 1, 58)]
    assert row(table(tables, "closed_without_place"), "label", "Opgelost met hulp thuis")["count"] == 1
    comp = {str(r["label"]): (r["count"], r["share"]) for r in table(tables, "compromises").rows}
    # Placements started in Q1: R1 at F1 (Enschede, first care type) and R2 at F2 (Assen,
    # ~90 km > 30, Drenthe, behandelgroep = second choice).
    assert comp["Buiten de eigen regio geplaatst"] == (1, 50)
    assert comp["Verder dan de gewenste afstand"] == (1, 50)
    assert comp["Zorgvorm niet de eerste keus"] == (1, 50)
    assert comp["Plaatsingen gestart (totaal)"] == (2, 100)
    full = table(tables, "fitting_full").rows
    # Both waiting requests want kwv-open, open; in Twente F1 (4 staffed, 0 occupied now in
    # the factory figures) and F3 (6 free) fit. Neither figure was ever confirmed, so no
    # place is available: both count as full, their 10 free places as stale.
    assert [(r["waiting"], r["facilities"], r["full_now"], r["free_now"], r["free_stale"]) for r in full] == [
        (2, 2, 2, 0, 10)
    ]


def test_unmet_need_drill_down_lists_the_requests_behind_a_figure(scenario):
    scope = q1_scope(scenario["twente"])
    assert unmet_need.drill(scope, {"figure": "waiting", "dim": "age_band", "value": "16-17"}) == [scenario["r3"].pk]
    assert unmet_need.drill(scope, {"figure": "waiting"}) == [scenario["r3"].pk, scenario["r4"].pk]


def test_refusals(scenario):
    tables = refusals.build(q1_scope(scenario["twente"]))
    figures = summary(tables)
    # Offers made in Q1: R1->B declined, R1->A accepted, R2->B expired, R2->B accepted (R5's
    # offer was made in October and does not count).
    assert figures["Aanmeldingen gedaan"] == 4
    assert figures["Afgewezen door aanbieder"] == 1
    assert figures["Verlopen zonder antwoord"] == 1
    assert figures["Plaatsingen gestart"] == 2
    assert figures["Gemiddeld aantal aanmeldingen per plaatsing"] == 2
    assert figures["Aandeel geplaatst bij de eerste aanmelding (%)"] == 0
    assert [(r["label"], r["count"]) for r in table(tables, "offers_per_placement").rows][:2] == [("1", 0), ("2", 2)]
    providers = {r["provider"]: r for r in table(tables, "by_provider").rows}
    assert (providers["Aanbieder A"]["offers"], providers["Aanbieder A"]["accepted"]) == (1, 1)
    b = providers["Aanbieder B"]
    assert (b["offers"], b["accepted"], b["declined"], b["expired"], b["refusal_share"]) == (3, 1, 1, 1, 66.7)
    reasons = {r["code"]: r["count"] for r in table(tables, "by_reason").rows}
    assert reasons["no_place"] == 1 and reasons["no_answer"] == 1 and reasons[""] == 2
    assert refusals.drill(
        q1_scope(scenario["twente"]), {"figure": "provider", "value": str(scenario["b"].pk)}
    ) == sorted([scenario["r1"].pk, scenario["r2"].pk])


def test_transfers(scenario):
    tables = transfers.build(q1_scope(scenario["twente"]))
    figures = summary(tables)
    # Ended in Q1: R5's placement (started in 2024, ended 10 Feb, 01) and R2's (15 Mar, 04, transfer).
    assert figures["Plaatsingen beëindigd"] == 2
    assert figures["Doorplaatsingen"] == 1
    assert figures["Doorplaatsingen per 100 beëindigde plaatsingen"] == 50
    assert figures["Jeugdigen doorgeplaatst"] == 1
    by_month = {r["month"]: (r["ended"], r["transfers"], r["rate"]) for r in table(tables, "by_month").rows}
    assert by_month == {"2025-01": (0, 0, None), "2025-02": (1, 0, 0), "2025-03": (1, 1, 100)}
    reasons = {r["code"]: r["count"] for r in table(tables, "end_reasons").rows}
    assert (reasons["01"], reasons["04"], reasons["02"], reasons[""]) == (1, 1, 0, 2)
    providers = {r["provider"]: (r["ended"], r["transfers"], r["rate"]) for r in table(tables, "by_provider").rows}
    assert providers == {"Aanbieder A": (1, 0, 0), "Aanbieder B": (1, 1, 100)}
    assert [(r["label"], r["youth"]) for r in table(tables, "per_youth").rows][0] == ("1", 1)


def test_waiting_times_and_distance(scenario):
    tables = waiting.build(q1_scope(scenario["twente"]))
    figures = summary(tables)
    # Placements started in Q1: R1 (1 Dec -> 20 Jan = 50 days, Enschede -> Enschede, 0 km)
    # and R2 (15 Jan -> 11 Feb = 27 days, Enschede -> Assen).
    assert figures["Plaatsingen gestart"] == 2
    assert figures["Mediaan wachtdagen"] == 38.5
    assert figures["P90 wachtdagen"] == 47.7  # 27 + 0.9 * 23
    assert figures["Buiten de eigen regio geplaatst"] == 1
    assert figures["Aandeel buiten de eigen regio (%)"] == 50
    # Enschede-Assen as the crow flies: 0.78 degrees north (86.8 km), 0.33 west (22.0 km) -> ~89.5 km;
    # with 0 km for R1 the median is half of it and p90 nine tenths.
    assert figures["Mediaan km"] == 44.8 and figures["P90 km"] == 80.6
    bands = {str(r["label"]): r["count"] for r in table(tables, "distance_bands").rows}
    assert bands["minder dan 10 km"] == 1 and bands["50 tot 100 km"] == 1
    months = {r["month"]: (r["n"], r["wait_median"]) for r in table(tables, "by_month").rows}
    assert months == {"2025-01": (1, 50), "2025-02": (1, 27), "2025-03": (0, None)}


def test_occupancy_is_time_weighted_over_a_capacity_change(scenario):
    tables = occupancy.build(q1_scope(scenario["twente"]))
    rows = {r["facility"]: r for r in table(tables, "by_facility").rows}
    assert set(rows) == {"F1", "F3"}  # F2 is in Drenthe
    # F1: occupied 1 (1-20 Jan), 2 (20 Jan-10 Feb), 1 (10 Feb-1 Apr); contracted 4 until
    # 1 March, 2 after. The clock goes forward on 30 March, so March is 31 days minus an hour.
    hour = 1 / 24
    occupied = 19 * 1 + 21 * 2 + (50 - hour) * 1
    contracted = 59 * 4 + (31 - hour) * 2
    days = 90 - hour
    f1 = rows["F1"]
    assert f1["rate"] == round(100 * occupied / contracted, 1) == 37.2
    assert (f1["contracted"], f1["occupied"]) == (round(contracted / days, 1), round(occupied / days, 1)) == (3.3, 1.2)
    assert f1["below_norm"] == "ja"
    assert rows["F3"]["rate"] == 0
    weekly = {r["period"]: r["rate"] for r in table(tables, "over_time").rows}
    # A quarter is shown by week. 1-7 Jan: F1 7*1 occupied of 7*4 place-days, F3 0 of 7*6;
    # 15-21 Jan: F1 5*1 + 2*2 = 9.
    assert len(weekly) == 13 and weekly["01-01"] == 10 and weekly["15-01"] == round(100 * 9 / 70, 1)
    free = {r["period"]: (r["free"], r["free_fresh"]) for r in table(tables, "free_over_time").rows}
    # End of March: F1 2 - 1 = 1 free (confirmed 25 March: fresh), F3 6 free (never confirmed).
    assert free["26-03"] == (7, 1)
    stale = {r["provider"]: (r["facilities"], r["stale"]) for r in table(tables, "stale_by_provider").rows}
    assert stale == {"Aanbieder A": (1, 0), "Aanbieder B": (1, 1)}


def test_occupancy_counts_placements_and_youth_from_outside_but_not_held_places(twente):
    # One facility all quarter: 4 contracted and staffed, 1 placed through the product,
    # 1 placed from outside; from 1 December 1 place held by an open offer, from 1 February
    # 2. Held places are held, not occupied.
    f = facility(name="Held", places_contracted=4, places_staffed=4, occupied_internal=1, occupied_external=1, held=2)
    history(f, dt.date(2024, 12, 1), contracted=4, staffed=4, occupied=1, external=1, held=1, kind="held")
    history(f, dt.date(2025, 2, 1), contracted=4, staffed=4, occupied=1, external=1, held=2, kind="held")
    tables = occupancy.build(q1_scope(twente))
    (by_facility,) = table(tables, "by_facility").rows
    assert (by_facility["occupied"], by_facility["contracted"], by_facility["rate"]) == (2, 4, 50)
    assert by_facility["below_norm"] == "ja"
    assert {r["rate"] for r in table(tables, "over_time").rows} == {50}
    assert table(tables, "by_care_type").rows[0]["rate"] == 50
    # Free: 4 - 2 occupied - 1 held in January, nothing from 1 February.
    free = [r["free"] for r in table(tables, "free_over_time").rows]
    assert free[:4] == [1, 1, 1, 1] and set(free[4:]) == {0}


def test_waiting_on_the_last_day_leaves_out_drafts_later_referrals_and_what_ended_that_day(twente):
    s = Scenario()
    f = facility(name="Plek")
    day = dt.date(2025, 3, 31)

    def placed(request, start):
        s.placement(request, s.offer(request, f, created=start - dt.timedelta(days=5), status="accepted"), start=start)

    waits = s.request(referral=dt.date(2025, 3, 1), status="matching")  # waits
    s.waiting(waits, started=dt.date(2025, 3, 5), ended=dt.date(2025, 3, 20))  # a waiting period that ended
    s.request(referral=dt.date(2025, 2, 1), status="draft")  # a draft never waits, whatever it carries
    s.request(referral=dt.date(2025, 4, 1), status="matching")  # referred after the period
    s.request(referral=day, status="submitted")  # referred on the last day: waits 0 days
    s.request(referral=dt.date(2025, 2, 1), status="closed", outcome="other", status_changed=day)  # closed that day
    s.request(referral=dt.date(2025, 2, 1), status="closed", outcome="other", status_changed=dt.date(2025, 4, 2))
    placed(s.request(referral=dt.date(2025, 1, 1), status="placed"), day)  # placed that day
    placed(s.request(referral=dt.date(2025, 1, 1), status="placed"), dt.date(2025, 4, 1))  # still waiting on 31 March
    figures = summary(unmet_need.build(q1_scope(twente)))
    # Waiting on 31 March: referred 1 March (30 days), on 31 March (0), closed on 2 April
    # (58) and placed on 1 April (89).
    assert figures["Verwezen en nog niet geplaatst op 31-03-2025"] == 4
    # The one waiting period ended on 20 March: nobody waits for a place on 31 March.
    assert figures["waarvan wachtend op een passende plek op 31-03-2025"] == 0
    assert figures["waarvan in beoordeling, matching of aanmelding op 31-03-2025"] == 4
    assert figures["Mediaan wachtdagen"] == 44  # (30 + 58) / 2


def test_transfers_per_youth_count_each_youths_transfers(twente):
    s = Scenario()
    f = facility(name="Plek")

    def placement(request, start, end):
        offer = s.offer(request, f, created=start - dt.timedelta(days=5), status="accepted")
        return s.placement(request, offer, start=start, end=end, reason="04", needs_new_place=True)

    # Youth 1 moves twice in the quarter, youth 2 once.
    first = placement(
        s.request(referral=dt.date(2024, 10, 1), status="ended"), dt.date(2024, 11, 1), dt.date(2025, 1, 10)
    )
    second = placement(
        s.transfer(first, referral=dt.date(2025, 1, 11), status="ended"), dt.date(2025, 1, 20), dt.date(2025, 2, 20)
    )
    s.transfer(second, referral=dt.date(2025, 2, 21))
    other = placement(
        s.request(referral=dt.date(2024, 11, 1), status="ended"), dt.date(2024, 12, 1), dt.date(2025, 3, 1)
    )
    s.transfer(other, referral=dt.date(2025, 3, 2))
    tables = transfers.build(q1_scope(twente))
    figures = summary(tables)
    assert figures["Doorplaatsingen"] == 3
    assert figures["Jeugdigen doorgeplaatst"] == 2
    assert figures["Jeugdigen met twee of meer doorplaatsingen"] == 1
    per_youth = {str(r["label"]): r["youth"] for r in table(tables, "per_youth").rows}
    assert per_youth == {"1": 1, "2": 1, "3 of meer": 0, "Totaal": 2}


def test_fitting_facilities_are_full_unless_a_fresh_figure_shows_a_free_place(twente, make_member):
    s = Scenario()
    s.request(referral=dt.date(2025, 3, 1), status="matching")  # wants kwv-open, open
    fresh_free = facility(name="Vrij", places_staffed=4, occupied_external=3)  # 1 free
    fresh_full = facility(name="Vol", places_staffed=4, occupied_external=2, held=2)
    stale_free = facility(name="Verouderd", places_staffed=5, occupied_external=2)  # 3 free, stale
    facility(name="Gesloten", care="kwv-gesloten")  # another care type: not fitting
    staff = make_member(Role.PROVIDER, organisation=fresh_free.provider)
    now = timezone.now()
    for f, age in (
        (fresh_free, dt.timedelta(days=1)),
        (fresh_full, dt.timedelta(days=6)),
        (stale_free, dt.timedelta(days=8)),
    ):
        Facility.objects.filter(pk=f.pk).update(last_confirmed_at=now - age, last_confirmed_by=staff)
    (row,) = table(unmet_need.build(q1_scope(twente)), "fitting_full").rows
    assert (row["waiting"], row["facilities"], row["full_now"], row["free_now"], row["free_stale"]) == (1, 3, 2, 1, 3)


def _fall_through(scenario, request, facility, *, created, party, reason="introduction_mismatch"):
    offer = scenario["s"].offer(request, facility, created=created, status="accepted")
    Offer.objects.filter(pk=offer.pk).update(
        status="fallen_through", fall_through_party=party, fall_through_reason=reason, motivation="Toelichting"
    )
    return offer


def test_refusals_count_fall_through_under_who_refused(scenario):
    """Refusals after acceptance count under the youth, the parents or the provider, next
    to the provider's declines and expiries before acceptance."""
    r3, f1, f2 = scenario["r3"], scenario["f1"], scenario["f2"]
    _fall_through(scenario, r3, f1, created=dt.date(2025, 2, 10), party="youth")
    _fall_through(scenario, r3, f1, created=dt.date(2025, 2, 20), party="youth", reason="location")
    _fall_through(scenario, r3, f2, created=dt.date(2025, 3, 1), party="parents")
    _fall_through(scenario, r3, f2, created=dt.date(2025, 3, 5), party="provider", reason="no_place")
    _fall_through(scenario, r3, f2, created=dt.date(2024, 11, 5), party="parents")  # outside Q1
    tables = refusals.build(q1_scope(scenario["twente"]))
    assert summary(tables)["Afgevallen na acceptatie"] == 4
    who = {r["code"]: r["count"] for r in table(tables, "by_who").rows}
    assert who == {
        "provider_decline": 2,  # R1 declined at B, R2 expired at B
        "fall_through_youth": 2,
        "fall_through_parents": 1,
        "fall_through_provider": 1,
        "": 6,
    }
    providers = {r["provider"]: r for r in table(tables, "by_provider").rows}
    assert (providers["Aanbieder A"]["fallen_through"], providers["Aanbieder B"]["fallen_through"]) == (2, 2)
    assert providers["Aanbieder B"]["offers"] == 5


def test_refusals_by_who_keep_small_count_suppression(scenario):
    _fall_through(scenario, scenario["r3"], scenario["f1"], created=dt.date(2025, 2, 10), party="parents")
    tables = build_for_scope("refusals", q1_scope(scenario["twente"], suppress=True))
    who = {r["code"]: r["count"] for r in table(tables, "by_who").rows}
    # Issue 12: the 2 declines and expiries, the 1 parents' refusal and the total of 3 are
    # all below 5; with a total below 5 as well a reader could pin them down (1 + 2 = 3),
    # so the pass shows the 2 as "x" (hidden, no longer known to be below 5).
    assert who["fall_through_parents"] == SUPPRESSED and who["provider_decline"] == HIDDEN
    assert who[""] == SUPPRESSED  # 3 in all: a small total is hidden too
    assert who["fall_through_youth"] == 0  # zero is not a small count to hide
