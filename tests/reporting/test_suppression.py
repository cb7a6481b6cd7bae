import datetime as dt

import pytest

from reporting.reports import refusals, waiting
from reporting.suppression import SUPPRESSED, Figure, show, suppress_counts, suppress_total
from tests.capacity.factories import provider_org
from tests.reporting.conftest import Q1, q1_scope, summary, table
from tests.reporting.factories import Scenario, facility


def test_counts_from_one_to_four_are_hidden_for_those_who_may_not_see_them():
    assert [show(n, suppress=True) for n in [0, 1, 4, 5, 12]] == [0, SUPPRESSED, SUPPRESSED, 5, 12]
    assert [show(n, suppress=False) for n in [0, 1, 4, 5]] == [0, 1, 4, 5]


def test_a_figure_computed_from_a_small_count_is_hidden_too():
    assert show(Figure(value=37.5, n=4), suppress=True) == SUPPRESSED  # median of 4 waiting times
    assert show(Figure(value=37.5, n=4), suppress=False) == 37.5
    assert show(Figure(value=12.0, n=9), suppress=True) == 12.0


def test_with_a_total_a_single_hidden_cell_takes_a_second_one_with_it():
    # total 20 is shown: hiding only the 3 would let anyone compute it as 20 - 10 - 7
    assert suppress_counts([10, 3, 7], with_total=True, suppress=True) == [10, SUPPRESSED, SUPPRESSED]
    assert suppress_counts([10, 3, 2, 7], with_total=True, suppress=True) == [10, SUPPRESSED, SUPPRESSED, 7]
    assert suppress_counts([10, 3, 7], with_total=False, suppress=True) == [10, SUPPRESSED, 7]
    assert suppress_counts([10, 0, 7], with_total=True, suppress=True) == [10, 0, 7]
    assert suppress_counts([10, 3, 7], with_total=True, suppress=False) == [10, 3, 7]


def test_small_totals_are_hidden():
    assert suppress_total(3, suppress=True) == SUPPRESSED
    assert suppress_total(0, suppress=True) == 0


# --- In the reports: small groups hidden, large groups exact ----------------------------


@pytest.fixture
def ten_placements(twente, drenthe):
    """Q1 2025, Twente: ten placements started, all youth from Enschede.

    - 5 at a kwv-open facility in Enschede (provider A), after 10, 20, 30, 40, 50 days;
    - 4 at a behandelgroep in Assen (Drenthe, provider B), after 60 days, each declined
      once by B before it was accepted;
    - 1 at a gezinshuis in Enschede (provider A) after 5 days.
    """
    s = Scenario()
    a, b = provider_org(name="Aanbieder A"), provider_org(name="Aanbieder B")
    kwv = facility(provider=a, name="KWV")
    behandel = facility(provider=b, name="Behandel", code="GM0106", care="behandelgroep")
    gezinshuis = facility(provider=a, name="Gezinshuis", care="gezinshuis")
    start = dt.date(2025, 2, 20)
    for days, place, declined in (
        [(d, kwv, False) for d in (10, 20, 30, 40, 50)] + [(60, behandel, True)] * 4 + [(5, gezinshuis, False)]
    ):
        request = s.request(referral=start - dt.timedelta(days=days), status="placed")
        if declined:
            s.offer(request, place, created=start - dt.timedelta(days=9), status="declined", reason="no_place")
        offer = s.offer(request, place, created=start - dt.timedelta(days=4), status="accepted")
        s.placement(request, offer, start=start)
    return twente


def test_small_groups_are_hidden_and_large_groups_shown_exactly(ten_placements):
    tables = waiting.build(q1_scope(ten_placements, suppress=True))
    figures = summary(tables)
    # Ten placements: count, median and p90 of all ten are shown. Waits 5, 10, ..., 50,
    # 60, 60, 60, 60: median (40 + 50) / 2, p90 60.
    assert figures["Plaatsingen gestart"] == 10
    assert (figures["Mediaan wachtdagen"], figures["P90 wachtdagen"]) == (45, 60)
    assert figures["Mediaan km"] == 0
    # Four placed outside the region: the count and the share made from it are hidden.
    assert figures["Buiten de eigen regio geplaatst"] == SUPPRESSED
    assert figures["Aandeel buiten de eigen regio (%)"] == SUPPRESSED
    care = {r["label"]: (r["n"], r["wait_median"], r["wait_p90"]) for r in table(tables, "by_care_type").rows}
    assert care == {
        "Kleinschalige woonvoorziening (open)": (5, 30, 46),  # five is not small: 40 + 0.6 * 10
        "Behandelgroep": (SUPPRESSED, SUPPRESSED, SUPPRESSED),  # four is
        "Gezinshuis": (SUPPRESSED, SUPPRESSED, SUPPRESSED),
        "Totaal": (10, 45, 60),
    }
    # 6 within 10 km and 4 at ~90 km of a shown total of 10: hiding only the 4 would let
    # anyone work it out, so the 6 goes too.
    bands = {str(r["label"]): r["count"] for r in table(tables, "distance_bands").rows}
    assert (bands["minder dan 10 km"], bands["50 tot 100 km"], bands["Totaal"]) == (SUPPRESSED, SUPPRESSED, 10)


def test_averages_and_shares_of_large_groups_are_shown(ten_placements):
    figures = summary(refusals.build(q1_scope(ten_placements, suppress=True)))
    assert figures["Aanmeldingen gedaan"] == 14
    assert figures["Afgewezen door aanbieder"] == SUPPRESSED  # 4
    assert figures["Plaatsingen gestart"] == 10
    assert figures["Gemiddeld aantal aanmeldingen per plaatsing"] == 1.4
    assert figures["Aandeel geplaatst bij de eerste aanmelding (%)"] == 60  # 6 of 10


def test_coordinators_see_the_small_counts_and_contract_managers_do_not(
    ten_placements, api, coordinator, contract_manager
):
    def outside(user):
        body = api.as_user(user).get("/api/v1/reports/waiting-times", Q1).json()
        rows = next(t for t in body["tables"] if t["key"] == "summary")["rows"]
        return [
            r["value"]
            for r in rows
            if r["figure"].startswith(("Buiten", "Aandeel", "Plaatsingen")) and "crisis" not in r["figure"]
        ]

    assert outside(coordinator) == [10, 4, 40]
    assert outside(contract_manager) == [10, SUPPRESSED, SUPPRESSED]
