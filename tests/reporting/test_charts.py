"""reporting.charts: one chart spec per figure the dashboard draws, from the (suppressed)
tables of each report. Figures checked against the hand-worked Q1 2025 scenario."""

import pytest

from accounts.models import Role
from accounts.selectors import membership_with_role
from capacity.rules import OCCUPANCY_NORM
from reporting.charts import WAITING_NORM_DAYS, charts_for
from reporting.registry import build_report
from reporting.tables import Column, Table
from tests.reporting.conftest import Q1

SPEC_KEYS = {"key", "title", "type", "labels", "datasets", "norm", "norm_label", "unit", "empty"}
SUPPRESSED_MESSAGE = "Aantallen onder 5 worden niet getoond; er is te weinig om te tekenen."


def charts(code, user, role):
    membership = membership_with_role(user, role)
    return {c["key"]: c for c in charts_for(code, build_report(code, membership=membership, params=Q1))}


def data(chart, index=0):
    return dict(zip(chart["labels"], chart["datasets"][index]["data"], strict=True))


def check_shape(specs):
    for spec in specs.values():
        assert set(spec) == SPEC_KEYS
        assert spec["type"] in {"bar", "line", "stacked-bar"}
        for dataset in spec["datasets"]:
            assert len(dataset["data"]) == len(spec["labels"])
            assert all(v is None or isinstance(v, (int, float)) for v in dataset["data"])


@pytest.mark.django_db
def test_unmet_need_per_need_profile(scenario, coordinator, contract_manager):
    exact = charts("unmet-need", coordinator, Role.COORDINATOR)
    check_shape(exact)
    # Waiting on 31 March: R3 (kwv-open, since 1 Feb) and R4 (R2's transfer request, kwv-open).
    care = exact["unmet_by_care_type"]
    assert sum(v for v in care["datasets"][0]["data"] if v) == 2 and care["empty"] is None
    assert "Totaal" not in care["labels"]
    # A contract manager sees "<5" for each of them: gaps and the reason, not an empty grid.
    hidden = charts("unmet-need", contract_manager, Role.CONTRACT_MANAGER)["unmet_by_care_type"]
    assert set(hidden["datasets"][0]["data"]) == {None}
    assert hidden["empty"] == SUPPRESSED_MESSAGE


@pytest.mark.django_db
def test_unmet_need_headline_drawn_as_its_two_parts(scenario, coordinator, contract_manager):
    chart = charts("unmet-need", coordinator, Role.COORDINATOR)["unmet_by_step"]
    assert chart["type"] == "stacked-bar" and chart["labels"] == ["Verwezen en nog niet geplaatst op 31-03-2025"]
    # R3 waits for a fitting place (an open waiting period), R4 is still in matching.
    assert [(d["label"], d["data"]) for d in chart["datasets"]] == [
        ("waarvan wachtend op een passende plek op 31-03-2025", [1]),
        ("waarvan in beoordeling, matching of aanmelding op 31-03-2025", [1]),
    ]
    assert chart["empty"] is None
    hidden = charts("unmet-need", contract_manager, Role.CONTRACT_MANAGER)["unmet_by_step"]
    assert [d["data"] for d in hidden["datasets"]] == [[None], [None]]
    assert hidden["empty"] == SUPPRESSED_MESSAGE


@pytest.mark.django_db
def test_waiting_over_time_against_the_norm(scenario, coordinator):
    chart = charts("waiting-times", coordinator, Role.COORDINATOR)["waiting_by_month"]
    assert chart["type"] == "line" and chart["norm"] == WAITING_NORM_DAYS == 28
    # R1 waited 50 days (placed 20 Jan), R2 27 days (11 Feb), nobody was placed in March: a gap.
    assert data(chart) == {"2025-01": 50, "2025-02": 27, "2025-03": None}
    assert chart["empty"] is None


@pytest.mark.django_db
def test_refusals_per_reason_and_provider(scenario, coordinator):
    specs = charts("refusals", coordinator, Role.COORDINATOR)
    check_shape(specs)
    by_reason = data(specs["refusals_by_reason"])
    assert by_reason["Geen plek"] == 1 and by_reason["Geen antwoord binnen de termijn"] == 1
    per_provider = specs["refusals_by_provider"]
    assert per_provider["type"] == "stacked-bar" and per_provider["labels"] == ["Aanbieder A", "Aanbieder B"]
    no_place = next(d for d in per_provider["datasets"] if d["label"] == "Geen plek")
    assert no_place["data"] == [0, 1]


@pytest.mark.django_db
def test_transfers_per_provider_and_over_time(scenario, coordinator):
    specs = charts("transfers", coordinator, Role.COORDINATOR)
    assert data(specs["transfers_by_provider"]) == {"Aanbieder A": 0, "Aanbieder B": 1}
    assert data(specs["transfers_by_month"]) == {"2025-01": None, "2025-02": 0, "2025-03": 100}


@pytest.mark.django_db
def test_occupancy_against_ninety_percent(scenario, contract_manager):
    # Place figures are not about children: exact for the contract manager too.
    specs = charts("occupancy", contract_manager, Role.CONTRACT_MANAGER)
    chart = specs["occupancy_over_time"]
    assert chart["norm"] == OCCUPANCY_NORM == 90 and len(chart["labels"]) == 13
    assert data(chart)["01-01"] == 10
    assert data(specs["occupancy_by_facility"]) == {"F1": 37.2, "F3": 0}


def test_a_small_count_becomes_a_gap_and_totals_are_not_drawn():
    t = Table(
        "by_reason",
        "Weigeringen per reden",
        [Column("label", "Reden"), Column("count", "Weigeringen", True)],
        [
            {"code": "a", "label": "Geen plek", "count": 7},
            {"code": "b", "label": "Geen match", "count": "<5"},
            {"code": "", "label": "Totaal", "count": 11, "_total": True},
        ],
    )
    chart = next(c for c in charts_for("refusals", [t]) if c["key"] == "refusals_by_reason")
    assert chart["labels"] == ["Geen plek", "Geen match"]
    assert chart["datasets"][0]["data"] == [7, None]
    assert chart["empty"] is None


def test_empty_states_say_why():
    none_waiting = Table("waiting_by_care_type", "x", [Column("label", "Zorgvorm"), Column("waiting", "W", True)], [])
    only_small = Table(
        "waiting_by_specialisation",
        "x",
        [Column("label", "Specialisatie"), Column("waiting", "W", True)],
        [{"label": "trauma", "waiting": "<5"}, {"label": "lvb", "waiting": 0}],
    )
    specs = {c["key"]: c for c in charts_for("unmet-need", [none_waiting, only_small])}
    assert specs["unmet_by_care_type"]["empty"] == "Geen wachtenden in deze periode."
    assert specs["unmet_by_specialisation"]["empty"] == SUPPRESSED_MESSAGE
    # A table the report does not have is an empty chart with a reason, never an error.
    assert specs["unmet_by_security"]["empty"] == "Geen wachtenden in deze periode."
    assert charts_for("no-such-report", [none_waiting]) == []


def test_cost_and_indicator_charts_without_their_tables_say_why():
    assert [c["empty"] for c in charts_for("contracts", [])] == [
        "Er zijn geen contracten die in deze periode liepen.",
        "Er zijn geen contracten die in deze periode liepen.",
        "Geen wachtenden in deze periode.",
    ]
    assert charts_for("indicators", [])[0]["empty"] == "Er zijn geen indicatoren per kwartaal voor deze periode."


def test_a_chart_of_only_hidden_measures_says_they_are_suppressed():
    """Medians over fewer than 5 children are "x" (not "<5"): the chart says why it is empty."""
    months = Table(
        "by_month",
        "x",
        [Column("month", "Maand"), Column("wait_median", "Mediaan", True), Column("wait_p90", "P90", True)],
        [{"month": "2025-01", "wait_median": "x", "wait_p90": "x"}],
    )
    (waiting, _distance) = charts_for("waiting-times", [months])
    assert waiting["empty"] == SUPPRESSED_MESSAGE
