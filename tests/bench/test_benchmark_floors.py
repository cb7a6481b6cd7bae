"""Issue 13 (fix12): the floors of the contracts and indicator benchmarks give the same
rows as the product on (small) generated national data, so a ratio is the product against
the same work by hand; and the contracts floor covers what the report computes: occupied
place-days, the region's band tariff where a contract has none, and the unmet need."""

from numbers import Number

import pytest

from bench.benchmarks import contracts as contracts_bench
from bench.benchmarks import indicators as indicators_bench
from bench.benchmarks import report_floors
from bench.benchmarks import reports as reports_bench
from tests.bench.test_generate_national import generate_small

pytestmark = pytest.mark.django_db


def test_the_contracts_floor_is_the_reports_figures(monkeypatch):
    ctx = contracts_bench._setup_from(generate_small(monkeypatch))
    tables = contracts_bench._path(ctx)
    contracts, unmet = contracts_bench._floor(ctx)
    assert contracts_bench._same(tables, (contracts, unmet))
    # It covers the work: occupancy, priced placements, the region tariff fallback, unmet need.
    assert sum(float(occ) for *_, occ in contracts) > 0
    assert any(cost for _r, n, _d, cost, _o in contracts if n)
    by_contract = next(t for t in tables if t.key == "by_contract")
    region_priced = [r for r in by_contract.rows if r["funding_form"] == "Taakgericht" and r["placements"]]
    assert region_priced and all(r["cost"] for r in region_priced)  # no own tariff: the region's band tariff
    assert unmet and all(amount for *_, amount in unmet)
    # And it is checked: a floor one euro off is not the same rows.
    ref, n, days, cost, occ = next(r for r in contracts if r[1])
    wrong = [(ref, n, days, cost + 1, occ), *(r for r in contracts if r[0] != ref)]
    assert not contracts_bench._same(tables, (wrong, unmet))


@pytest.mark.parametrize("code", indicators_bench.CODES)
def test_each_indicator_floor_is_the_products_figures(monkeypatch, code):
    ctx = indicators_bench._setup_from(generate_small(monkeypatch))
    assert indicators_bench._same(code)(indicators_bench._path(code)(ctx), indicators_bench._floor(code)(ctx))


# Issue 15.1 (perf-floors): the report floors give every table of the report.
@pytest.mark.parametrize("code", sorted(report_floors.FULL_FLOORS))
def test_each_report_floor_is_every_table_of_the_report(monkeypatch, code):
    ctx = reports_bench._setup_from(generate_small(monkeypatch))
    tables = reports_bench._path(code)(ctx)
    floor = reports_bench._floor(code)(ctx)
    assert report_floors.differences(tables, floor) == []
    # Every table of the report is in the floor, and the tables have rows with figures.
    assert [t.key for t in tables] == list(floor) and len(floor) >= 5
    assert all(floor[t.key] for t in tables)
    assert any(isinstance(v, int) and v > 0 for t in tables for row in report_floors.table_rows(t) for v in row)
    # And it is checked: one figure of any table one off is a difference.
    for key, rows in floor.items():
        i, j = next((i, j) for i, r in enumerate(rows) for j, v in enumerate(r) if _figure(v))
        wrong = dict(floor)
        wrong[key] = [r if n != i else (*r[:j], r[j] + 1, *r[j + 1 :]) for n, r in enumerate(rows)]
        assert report_floors.differences(tables, wrong), key


def _figure(value):
    return isinstance(value, Number) and not isinstance(value, bool) and value > 0
