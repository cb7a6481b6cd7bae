"""Issue 13 (fix12): the contracts report computes its rules set-based for national data
(bench/benchmarks/contracts.py) and stays the same rules: the waiting days with the first
placement joined are `waiting_days_in`, and each placement is priced at `contract_tariff`
for its own band (the tariff is looked up once per contract and band, never per contract
only)."""

import datetime as dt

import pytest
from django.db import connection

from capacity.contract_selectors import contract_tariff
from placement.models import Placement
from placement.waiting import FIRST_STARTS_SQL, waiting_days_in_sql
from reporting.reports import contracts
from tests.reporting.conftest import q1_scope, row, table
from tests.reporting.contracts.test_contracts_report import waiting_days_by_python

pytestmark = pytest.mark.django_db


def test_waiting_days_with_the_first_placement_joined_are_the_python_rule(contracts_scenario):
    start, end = dt.date(2025, 1, 1), dt.date(2025, 3, 31)
    joined = waiting_days_in_sql("r", start="%(start)s", end="%(end)s", tz="%(tz)s", first_start="fp.first_start")
    per_request = waiting_days_in_sql("r", start="%(start)s", end="%(end)s", tz="%(tz)s")
    sql = (
        f"SELECT r.id, {joined}, {per_request} FROM placement_placementrequest r "
        f"LEFT JOIN ({FIRST_STARTS_SQL}) fp ON fp.request_id = r.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": start, "end": end, "tz": "Europe/Amsterdam"})
        in_sql = {pk: (a, b) for pk, a, b in cursor.fetchall()}
    expected = waiting_days_by_python(start, end)
    assert in_sql == {pk: (days, days) for pk, days in expected.items()}
    assert sorted(a for a, _ in in_sql.values()) == [0, 16, 19, 19, 27, 59]  # as the hand-worked test


def test_each_placement_is_priced_at_the_tariff_of_its_own_band(contracts_scenario):
    """C1 (band M 300, day tariff 250) has R5 (40 days in Q1) and R1 (71 days). With R5 in
    band K and R1 in band M, R5 is priced at the day tariff and R1 at the band tariff."""
    c1 = contracts_scenario["c1"]
    Placement.objects.filter(request=contracts_scenario["r5"]).update(intensity="K")
    Placement.objects.filter(request=contracts_scenario["r1"]).update(intensity="M")
    day = dt.date(2025, 1, 1)
    k = contract_tariff(contract=c1, band="K", day=day)
    m = contract_tariff(contract=c1, band="M", day=day)
    assert (k, m) == (250, 300)
    by_contract = table(contracts.build(q1_scope(contracts_scenario["twente"])), "by_contract")
    r = row(by_contract, "reference", "C1")
    assert (r["placements"], r["placement_days"]) == (2, 111)
    assert r["cost"] == 40 * 250 + 71 * 300  # 31,300: not one tariff for the whole contract
