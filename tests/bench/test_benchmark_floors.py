"""Issue 13 (fix12): the floors of the contracts and indicator benchmarks give the same
rows as the product on (small) generated national data, so a ratio is the product against
the same work by hand; and the contracts floor covers what the report computes: occupied
place-days, the region's band tariff where a contract has none, and the unmet need."""

from datetime import timedelta
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
    # Issue 15 (floors2): row by row, every table as long as the report's and with figures.
    for table in tables:
        assert len(floor[table.key]) == len(table.rows), table.key
        assert any(_figure(v) for row in floor[table.key] for v in row), table.key
    # And it is checked: any one figure of any table one off is a difference, and so is
    # any one label or two rows swapped.
    figures = 0
    for key, rows in floor.items():
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if isinstance(value, Number) and not isinstance(value, bool):
                    assert report_floors.differences(tables, _with(floor, key, i, j, value + 1)), (key, i, j)
                    figures += 1
                elif isinstance(value, str):
                    assert report_floors.differences(tables, _with(floor, key, i, j, value + "x")), (key, i, j)
        if len(rows) >= 2 and tuple(rows[0]) != tuple(rows[1]):
            assert report_floors.differences(tables, {**floor, key: [rows[1], rows[0], *rows[2:]]}), key
    assert figures >= 5 * len(floor)


def _with(floor, key, i, j, value):
    """The floor with row i, column j of table `key` set to `value`."""
    rows = [tuple(r) if n != i else (*r[:j], value, *r[j + 1 :]) for n, r in enumerate(floor[key])]
    return {**floor, key: rows}


# Issue 15 (floors2): the unmet-need and occupancy floors cover what the report computes on
# the small national data: waiting for a place and in other steps, long waits, closed
# requests, every kind of compromise, waiting periods of both reasons, fitting facilities
# full and with (stale) free places; occupancy per facility and care type, months with and
# without fresh free places, stale and fresh providers.
def test_the_unmet_need_and_occupancy_floors_cover_the_report(monkeypatch):
    ctx = reports_bench._setup_from(generate_small(monkeypatch))
    unmet = reports_bench._floor("unmet-need")(ctx)
    summary = [value for _figure_label, value in unmet["summary"]]
    assert all(v > 0 for v in summary[:4] + summary[6:]), summary
    assert 0 < summary[1] < summary[0] and summary[4] and summary[5]
    assert all(count > 0 for _label, count, _share in unmet["compromises"])
    assert {security for _l, security, *_ in unmet["fitting_full"]} == {"Open", "Gesloten"}
    assert any(full for *_, full, _free, _stale in unmet["fitting_full"])
    assert any(stale for *_, stale in unmet["fitting_full"])
    assert sum(count for _label, count in unmet["closed_without_place"][:-1]) == unmet["closed_without_place"][-1][1]
    occupancy = reports_bench._floor("occupancy")(ctx)
    assert len(occupancy["over_time"]) == len(occupancy["free_over_time"]) >= 12
    assert all(rate for *_, rate, _below in occupancy["by_facility"])
    assert any(fresh for _month, _free, fresh in occupancy["free_over_time"])
    stale = [share for *_, share in occupancy["stale_by_provider"]]
    assert any(share < 100 for share in stale) and any(share > 0 for share in stale)


def _figure(value):
    return isinstance(value, Number) and not isinstance(value, bool) and value > 0


# Issue 15 (floors2): the branches the generated data never reaches (every facility is
# below the occupancy norm, every waiting request has a care type and a security level,
# and in the frozen small data every facility's figures are stale): a facility occupied in
# full since before the period with figures confirmed now and free places now, and a
# waiting request without an analysis. Report and floor still agree, and the floor shows them.
def test_the_floors_follow_the_report_on_full_facilities_fresh_places_and_unknown_needs(monkeypatch):
    from django.db import connection
    from django.utils import timezone

    from capacity.models import AvailabilityChange, Facility
    from reporting.reports.common import midnight

    ctx = reports_bench._setup_from(generate_small(monkeypatch))
    start = ctx["today"] - timedelta(days=364)
    facility = Facility.objects.filter(municipality__region_id__in=ctx["region_ids"], active_until=None).first()
    facility.pk, facility.name = None, "Bench locatie vol"
    facility.places_contracted = facility.places_staffed = 6
    facility.occupied_internal, facility.occupied_external, facility.held = 4, 0, 0
    facility.last_confirmed_at, facility.last_confirmed_by = timezone.now(), ctx["membership"].user
    facility.active_from = start - timedelta(days=30)
    facility.save()
    AvailabilityChange.objects.create(
        facility=facility,
        changed_at=midnight(start) - timedelta(days=2),
        kind="updated",
        places_contracted=6,
        places_staffed=6,
        occupied_internal=6,
        occupied_external=0,
        held=0,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE placement_placementrequest SET analysis_id = NULL WHERE id = (SELECT r.id FROM"
            " placement_placementrequest r WHERE r.status IN ('matching', 'waiting') AND r.analysis_id IS NOT NULL"
            " ORDER BY r.id LIMIT 1)"
        )
        assert cursor.rowcount == 1
    for code in ("occupancy", "unmet-need"):
        tables, floor = reports_bench._path(code)(ctx), reports_bench._floor(code)(ctx)
        assert report_floors.differences(tables, floor) == [], code
    occupancy = reports_bench._floor("occupancy")(ctx)
    full = [row for row in occupancy["by_facility"] if row[1] == "Bench locatie vol"]
    assert len(full) == 1 and full[0][-2] == 100 and full[0][-1] == "nee"
    unmet = reports_bench._floor("unmet-need")(ctx)
    assert any(row[0] == "Onbekend" for row in unmet["waiting_by_care_type"])
    assert any(row[0] == "Onbekend" for row in unmet["waiting_by_security"])
    assert any(free_now for *_, free_now, _stale in unmet["fitting_full"])
