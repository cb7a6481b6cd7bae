"""The "contracts" report against the hand-worked Q1 2025 scenario with contracts
(tests/reporting/contracts/conftest.py). Q1 2025 has 90 days; the clock went forward on
30 March, so 1 January 00:00 to 1 April 00:00 is 90 days less one hour (89.9583 days):
place-days from history are elapsed time (capacity.rules), money uses whole days."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from capacity.contract_selectors import contract_tariff, contract_tariff_sql
from capacity.models import Contract
from intake.models import PlacementRequest
from placement.waiting import waiting_days_in, waiting_days_in_sql
from reporting.reports import contracts
from reporting.tables import COUNT, EXACT, MEASURE
from tests.reporting.conftest import q1_scope, row, table

pytestmark = pytest.mark.django_db
ELAPSED_Q1 = 90 - 1 / 24


def test_contracts_report_per_contract(contracts_scenario):
    tables = contracts.build(q1_scope(contracts_scenario["twente"]))
    by_contract = table(tables, "by_contract")
    c1 = row(by_contract, "reference", "C1")
    # C1 runs all of Q1: 90 contract days, 4 places -> 4 x 89.9583 place-days.
    assert c1["contracted_days"] == 359.8
    # F1 occupied: 1 place 1-20 Jan (19), 2 places 20 Jan-10 Feb (2 x 21), 1 place
    # 10 Feb-1 Apr (49.9583, the short day included): 19 + 42 + 49.9583 = 110.9583.
    assert c1["occupied_days"] == 111
    assert c1["rate"] == 30.8  # 110.9583 / 359.8333
    assert c1["below_norm"] == "ja"
    # Twente's placements at F1: R5 1 Jan-9 Feb (ended 10 Feb: 40 days), R1 from 20 Jan (71 days).
    assert (c1["placements"], c1["placement_days"]) == (2, 111)
    assert c1["cost"] == 33300  # 111 days x band M tariff 300 (the band tariff beats the day tariff 250)
    assert c1["empty_cost"] == 17250  # guarantee 2 x 90 = 180 place-days - 111 used = 69 x day tariff 250
    c2 = row(by_contract, "reference", "C2")
    # C2 from 1 Feb: 59 contract days (58.9583 elapsed) x 3 places = 176.875.
    assert (c2["contracted_days"], c2["occupied_days"], c2["rate"]) == (176.9, 32, 18.1)  # F2: 1 place 11 Feb-15 Mar
    assert (c2["placements"], c2["placement_days"], c2["cost"]) == (1, 32, 12800)  # R2 11 Feb-14 Mar x 400
    assert c2["empty_cost"] == 0  # outputgericht: empty places cost nothing
    c3 = row(by_contract, "reference", "C3")
    assert c3["scope"] == "Kleinschalige woonvoorziening (open)"  # no facility: the care type's label
    # C3 covers F3 (6 places, never occupied): 6 x 89.9583 place-days, rate 0.
    assert (c3["contracted_days"], c3["occupied_days"], c3["rate"]) == (539.8, 0, 0)
    assert (c3["placements"], c3["placement_days"], c3["cost"]) == (0, 0, 0)
    # taakgericht: 365000 x 90 / 365 = 90000 in the period, x (540 - 0) / 540 empty.
    assert c3["empty_cost"] == 90000
    total = next(r for r in by_contract.rows if r.get("_total"))
    assert (total["placements"], total["placement_days"], total["cost"], total["empty_cost"]) == (3, 143, 46100, 107250)
    assert total["contracted_days"] == 1076.5  # 359.8333 + 176.875 + 539.75
    assert total["rate"] == 13.3  # 142.9583 / 1076.4583
    assert "01-01-2025" in by_contract.description and "31-03-2025" in by_contract.description


def test_unmet_need_in_euros(contracts_scenario):
    tables = contracts.build(q1_scope(contracts_scenario["twente"]))
    unmet = table(tables, "unmet_need_euro")
    # Waiting days in Q1 (all kwv-open first, band M): R1 1-19 Jan (19), R2 15 Jan-10 Feb (27),
    # R3 1 Feb-31 Mar (59), R4 16-31 Mar (16), R6 1-19 Feb (closed 20 Feb: 19); R5 was placed in 2024.
    rows = [r for r in unmet.rows if not r.get("_total")]
    assert [(r["band"], r["requests"], r["days"]) for r in rows] == [("M", 5, 140)]
    # Tariff: Twente's kwv-open contracts in Q1 are C1 (band M 300) and C3 (no tariff of its own:
    # the region's G7 tariff for band M, 665.16 from data/g7_intensiteiten.csv) -> mean
    # (300 + 665.16) / 2 = 482.58; C2 is behandelgroep. Amount 140 x 482.58 = 67,561.20.
    assert (rows[0]["tariff"], rows[0]["amount"]) == (482.58, 67561.2)
    total = next(r for r in unmet.rows if r.get("_total"))
    assert (total["requests"], total["days"], total["amount"]) == (5, 140, 67561.2)
    assert unmet.description


def test_columns_declare_what_each_cell_is(contracts_scenario):
    tables = contracts.build(q1_scope(contracts_scenario["twente"], suppress=True))
    kinds = {c.key: (c.cell_kind, c.n_key) for c in table(tables, "by_contract").columns}
    assert kinds["placements"] == (COUNT, None)
    assert kinds["cost"] == (MEASURE, "placements") and kinds["empty_cost"] == (MEASURE, "placements")
    # Places, not children: EXACT (never hidden, and in no relation of the suppression pass).
    assert kinds["occupied_days"][0] == EXACT
    assert kinds["places"][0] == kinds["contracted_days"][0] == kinds["rate"][0] == EXACT
    by_contract = table(tables, "by_contract")
    # The builder returns exact values even when the scope suppresses (suppression runs after it).
    assert row(by_contract, "reference", "C2")["placements"] == 1
    assert all("placement_days" in r["_n"] for r in by_contract.rows)
    unmet = {c.key: (c.cell_kind, c.n_key) for c in table(tables, "unmet_need_euro").columns}
    assert unmet["requests"] == (COUNT, None) and unmet["amount"] == (MEASURE, "requests")


def test_a_contract_outside_the_period_or_region_is_left_out(contracts_scenario, drenthe):
    Contract.objects.create(
        provider=contracts_scenario["a"],
        region=drenthe,
        facility=contracts_scenario["f1"],
        reference="D1",
        start_date=dt.date(2025, 1, 1),
        funding_form="outputgericht",
        places_contracted=1,
        day_tariff=100,
    )
    Contract.objects.create(
        provider=contracts_scenario["a"],
        region=contracts_scenario["twente"],
        reference="LATER",
        start_date=dt.date(2025, 4, 1),
        funding_form="outputgericht",
        places_contracted=1,
        day_tariff=100,
    )
    refs = {r["reference"] for r in table(contracts.build(q1_scope(contracts_scenario["twente"])), "by_contract").rows}
    assert refs == {"C1", "C2", "C3", ""}  # "" is the total row


def test_contract_tariff_in_sql_is_the_python_rule(contracts_scenario):
    day = dt.date(2025, 3, 1)
    for contract in Contract.objects.prefetch_related("tariffs"):
        for band in ("K", "M", "Z"):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {contract_tariff_sql('c', '%(band)s', '%(day)s')} "
                    "FROM capacity_contract c WHERE c.id = %(id)s",
                    {"band": band, "day": day, "id": contract.pk},
                )
                assert cursor.fetchone()[0] == contract_tariff(contract=contract, band=band, day=day), (contract, band)


def test_waiting_days_in_a_period_in_sql_is_the_python_rule(contracts_scenario):
    start, end = dt.date(2025, 1, 1), dt.date(2025, 3, 31)
    days = waiting_days_in_sql("r", start="%(start)s", end="%(end)s", tz="%(tz)s")
    sql = f"SELECT r.id, {days} FROM placement_placementrequest r"
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": start, "end": end, "tz": "Europe/Amsterdam"})
        in_sql = dict(cursor.fetchall())
    assert in_sql == waiting_days_by_python(start, end)
    assert sorted(in_sql.values()) == [0, 16, 19, 19, 27, 59]
    assert timezone.get_current_timezone_name() == "Europe/Amsterdam"


def test_a_period_after_today_counts_no_days_and_no_money(contracts_scenario):
    from reporting.reports.common import Scope
    from tests.reporting.factories import at

    scope = Scope(
        region_ids=[contracts_scenario["twente"].pk],
        start=dt.date(2025, 4, 1),
        end=dt.date(2025, 6, 30),
        suppress=False,
        now=at(dt.date(2025, 3, 31), 12),  # "today" is before the period
    )
    tables = contracts.build(scope)
    c1 = row(table(tables, "by_contract"), "reference", "C1")
    assert (c1["contracted_days"], c1["placements"], c1["placement_days"], c1["cost"]) == (0, 0, 0, 0)
    assert [r for r in table(tables, "unmet_need_euro").rows] == []


def test_the_contract_charts_draw_occupancy_cost_and_unmet_need(contracts_scenario):
    from reporting.charts import charts_for

    occupancy, cost, unmet = charts_for("contracts", contracts.build(q1_scope(contracts_scenario["twente"])))
    assert occupancy["norm"] == 90 and len(occupancy["labels"]) == 3  # C1, C2, C3 (no total row)
    c3 = next(i for i, label in enumerate(occupancy["labels"]) if label.startswith("C3 "))
    assert occupancy["datasets"][0]["data"][c3] == 0  # C3: never occupied (hand-worked above)
    assert cost["type"] == "stacked-bar" and [d["data"][c3] for d in cost["datasets"]] == [0, 90000]
    assert unmet["datasets"][0]["data"] == [67561.2] and unmet["labels"][0].endswith(" M")


def waiting_days_by_python(start, end) -> dict:
    """Every request's waiting days in the period by the Python rule (the SQL twins' oracle)."""
    expected = {}
    for request in PlacementRequest.objects.all():
        placement = getattr(request, "placement", None)
        expected[request.pk] = waiting_days_in(
            start,
            end,
            status=request.status,
            referral_date=request.referral_date,
            status_changed_at=request.status_changed_at,
            placement_start=placement.start_date if placement else None,
        )
    return expected
